// netinspect report: the page behaviour, embedded into every report (src/report).
// Written for this project; no library. Everything works on the server-rendered
// page: the tables, the tree and the chart are already in the HTML, this script
// only sorts, filters, switches views and mounts the flame graphs.
(function () {
  'use strict';
  var nonce = document.currentScript ? document.currentScript.nonce : '';
  function all(root, selector) { return Array.prototype.slice.call(root.querySelectorAll(selector)); }

  // --- Views: one per snapshot, plus the diff. Tabs in the sidebar. ---
  var tabs = all(document, '.view-tab');
  function showView(id) {
    all(document, 'main > .view').forEach(function (v) { v.hidden = v.id !== id; });
    tabs.forEach(function (t) { t.classList.toggle('active', t.getAttribute('data-view') === id); });
    all(document, '.side .toc').forEach(function (t) { t.hidden = t.getAttribute('data-view') !== id; });
  }
  tabs.forEach(function (tab) {
    tab.addEventListener('click', function () { showView(tab.getAttribute('data-view')); window.scrollTo(0, 0); });
  });
  if (tabs.length) showView(tabs[0].getAttribute('data-view'));

  // --- Tables: click a header to sort, type in the box to filter. ---
  function cellKey(td) {
    if (td.classList.contains('none')) return null;
    var n = td.getAttribute('data-n');
    return n !== null ? parseFloat(n) : td.textContent.toLowerCase();
  }
  function compare(a, b) {
    if (a === b) return 0;
    if (a === null) return 1;  // empty cells last, whatever the direction
    if (b === null) return -1;
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    return String(a).localeCompare(String(b), undefined, { numeric: true });
  }
  // Tables of tens of thousands of rows stay quick: sort keys and row texts are
  // read from the DOM once, on first use, and only the first PAGE matching rows
  // are displayed (hidden rows cost no layout) until "show all" is clicked.
  all(document, 'table.data').forEach(function (table) {
    var body = table.tBodies[0];
    if (!body) return;
    var headers = all(table, 'thead th');
    var keys = headers.map(function (th) { return th.getAttribute('data-key'); });
    var rows = Array.prototype.slice.call(body.rows);
    var columnKeys = [], texts = null, limit = +table.getAttribute('data-page') || 500;
    var order = rows.map(function (row, i) { return i; });
    var matched = rows.map(function () { return true; });
    var input = document.querySelector('input.filter[data-table="' + table.id + '"]');
    var count = document.querySelector('.count[data-table="' + table.id + '"]');
    var more = document.createElement('button');
    more.type = 'button';
    more.className = 'more';
    more.addEventListener('click', function () { limit = Infinity; show(); });
    if (count) count.parentNode.appendChild(more);

    function keysOf(column) {
      if (!columnKeys[column]) columnKeys[column] = rows.map(function (row) { return cellKey(row.cells[column]); });
      return columnKeys[column];
    }
    function show() {
      var n = 0;
      order.forEach(function (i) {
        var visible = matched[i] && ++n <= limit;
        if (rows[i].classList.contains('hidden') === visible) rows[i].classList.toggle('hidden', !visible);
      });
      var text = n === rows.length ? rows.length + ' rows' : n + ' of ' + rows.length + ' rows';
      if (n > limit) text = 'first ' + limit + ' of ' + text;
      if (count) count.textContent = text;
      more.hidden = n <= limit;
      more.textContent = 'show all ' + n;
    }

    var sorted = { column: -1, dir: 1 };
    headers.forEach(function (th, column) {
      th.classList.add('sortable');
      th.setAttribute('tabindex', '0');
      var arrow = document.createElement('span');
      arrow.className = 'arrow';
      th.appendChild(arrow);
      function sort() {
        sorted.dir = sorted.column === column ? -sorted.dir : 1;
        sorted.column = column;
        var k = keysOf(column);
        order.sort(function (a, b) {
          var ka = k[a], kb = k[b];
          var c = ka === null || kb === null ? compare(ka, kb) : sorted.dir * compare(ka, kb);
          return c || a - b;  // stable: the snapshot's order among equals
        });
        var fragment = document.createDocumentFragment();
        order.forEach(function (i) { fragment.appendChild(rows[i]); });
        body.appendChild(fragment);
        show();
        headers.forEach(function (h, i) {
          h.setAttribute('aria-sort', i === column ? (sorted.dir > 0 ? 'ascending' : 'descending') : 'none');
          h.querySelector('.arrow').textContent = i === column ? (sorted.dir > 0 ? '\u25B2' : '\u25BC') : '';
        });
      }
      th.addEventListener('click', sort);
      th.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sort(); } });
    });

    function filter() {
      // Terms separated by spaces must all match; "key:text" matches one column.
      var terms = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      if (!texts) texts = rows.map(function (row) { return row.textContent.toLowerCase(); });
      rows.forEach(function (row, r) {
        matched[r] = terms.every(function (term) {
          var colon = term.indexOf(':');
          if (colon > 0) {
            var column = keys.indexOf(term.slice(0, colon));
            if (column >= 0) return row.cells[column].textContent.toLowerCase().indexOf(term.slice(colon + 1)) >= 0;
          }
          return texts[r].indexOf(term) >= 0;
        });
      });
      show();
    }
    if (input) input.addEventListener('input', filter);
    show();
  });

  // --- Counters: a tree with a search box and "errors only" / "non-zero". ---
  all(document, '.tree').forEach(function (tree) {
    var tools = document.querySelector('.tree-tools[data-tree="' + tree.id + '"]');
    if (!tools) return;
    var search = tools.querySelector('input.filter');
    var errorsOnly = tools.querySelector('input.errors-only');
    var nonzero = tools.querySelector('input.nonzero');
    var count = tools.querySelector('.count');
    var leaves = all(tree, 'li.leaf');
    var groups = all(tree, 'li.group').reverse();  // innermost first
    groups.forEach(function (g) { g.setAttribute('data-open', g.firstElementChild.open ? '1' : ''); });
    function apply() {
      var q = search.value.trim().toLowerCase();
      var narrowing = q !== '' || errorsOnly.checked || nonzero.checked;
      var shown = 0;
      leaves.forEach(function (li) {
        var ok = (!q || li.getAttribute('data-name').toLowerCase().indexOf(q) >= 0) &&
                 (!errorsOnly.checked || li.classList.contains('err')) &&
                 (!nonzero.checked || !li.classList.contains('zero'));
        li.classList.toggle('hidden', !ok);
        li.classList.toggle('match', ok && q !== '');
        if (ok) shown++;
      });
      groups.forEach(function (g) {
        var visible = g.querySelector('li.leaf:not(.hidden)') !== null;
        g.classList.toggle('hidden', !visible);
        g.firstElementChild.open = narrowing ? visible : g.getAttribute('data-open') === '1';
      });
      count.textContent = shown === leaves.length ? leaves.length + ' counters' : shown + ' of ' + leaves.length + ' counters';
    }
    [search, errorsOnly, nonzero].forEach(function (el) { el.addEventListener('input', apply); });
    apply();
  });

  // --- Flame graphs: each is the SVG document `pprof flame` writes, mounted in
  // its own frame so its script and ids stay its own. No URL is loaded: the
  // frame is about:blank and its document is built from the embedded text. ---
  var island = document.getElementById('ni-flames');
  var flames = island ? JSON.parse(island.textContent) : [];
  all(document, '.flame-box[data-flame]').forEach(function (box) {
    var text = flames[+box.getAttribute('data-flame')];
    if (typeof text !== 'string') return;
    var xml = new DOMParser().parseFromString(text, 'image/svg+xml');
    if (xml.getElementsByTagName('parsererror').length) { box.textContent = 'flame graph could not be read'; return; }
    var frame = document.createElement('iframe');
    frame.title = box.getAttribute('data-title') || 'flame graph';
    box.textContent = '';
    box.appendChild(frame);
    var doc = frame.contentDocument;
    var root = doc.importNode(xml.documentElement, true);
    var code = all(root, 'script').map(function (s) { s.parentNode.removeChild(s); return s.textContent; });
    var width = +root.getAttribute('width') || 1200, height = +root.getAttribute('height') || 300;
    root.setAttribute('width', '100%');
    root.setAttribute('height', '100%');
    frame.style.aspectRatio = width + ' / ' + height;
    doc.replaceChild(root, doc.documentElement);
    code.forEach(function (source) {
      var script = doc.createElementNS('http://www.w3.org/2000/svg', 'script');
      if (nonce) script.setAttribute('nonce', nonce);
      script.textContent = source;
      root.appendChild(script);
    });
  });
  document.documentElement.setAttribute('data-ready', '1');
})();
