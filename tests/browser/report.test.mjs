// netinspect report in headless Chromium: the page loads nothing but itself,
// tables sort and filter on click, the counters tree searches, the flame
// graphs zoom, the diff view opens, hostile names stay text, and a screenshot
// of the overview is not blank. Run by run-report-test.sh (CTest browser.report).
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import zlib from 'node:zlib';

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];

let failures = 0;
function check(name, ok, detail) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${!ok && detail !== undefined ? `\n  got: ${JSON.stringify(detail)}` : ''}`);
  if (!ok) failures++;
}

// Distinct colours and the share of the commonest one in a PNG screenshot
// (8-bit RGB or RGBA, not interlaced: what Chromium writes).
function pixelStats(png) {
  let at = 8, width = 0, height = 0, channels = 0;
  const idat = [];
  while (at < png.length) {
    const length = png.readUInt32BE(at), type = png.toString('latin1', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0); height = data.readUInt32BE(4);
      if (data[8] !== 8 || data[12] !== 0) throw new Error('unexpected PNG format');
      channels = { 2: 3, 6: 4 }[data[9]];
      if (!channels) throw new Error(`unexpected PNG colour type ${data[9]}`);
    } else if (type === 'IDAT') {
      idat.push(data);
    }
    at += 12 + length;
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * channels, pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)], line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? pixels[y * stride + x - channels] : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x] : 0;
      const c = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels] : 0;
      let predictor = 0;
      if (filter === 1) predictor = a;
      else if (filter === 2) predictor = b;
      else if (filter === 3) predictor = (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      pixels[y * stride + x] = (line[x] + predictor) & 0xff;
    }
  }
  const counts = new Map();
  for (let i = 0; i < pixels.length; i += channels) {
    const key = (pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2];
    counts.set(key, (counts.get(key) || 0) + 1);
  }
  return { width, height, colours: counts.size, commonest: Math.max(...counts.values()) / (width * height) };
}

const context = await chromium.launchPersistentContext(args['profile-dir'], {
  executablePath: args.chromium,
  headless: true,
  viewport: { width: 1360, height: 900 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const requests = [], problems = [], dialogs = [];
context.on('request', (request) => requests.push(request.url()));

async function open(file) {
  const page = await context.newPage();
  page.on('console', (message) => { if (message.type() === 'error') problems.push(message.text()); });
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('dialog', (dialog) => { dialogs.push(dialog.message()); dialog.dismiss(); });
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('html[data-ready="1"]', { timeout: 20000 });
  return page;
}
const opened = [];
function allowed(file) { opened.push(pathToFileURL(file).href); }

try {
  // --- The sample report ---------------------------------------------------
  allowed(args.sample);
  const page = await open(args.sample);
  // The overview as it first opens (before any click scrolls the page).
  const shot = await page.screenshot({ path: args.screenshot });
  const stats = pixelStats(shot);
  check(`overview screenshot is not blank (${stats.colours} colours, commonest ${(stats.commonest * 100).toFixed(1)}%)`,
        stats.colours > 200 && stats.commonest < 0.8, stats);
  check('the overview is what is on screen', await page.evaluate(() => {
    const box = document.getElementById('s0-overview').getBoundingClientRect();
    return window.scrollY === 0 && box.top < 200 && box.bottom > 0;
  }));

  const table = '#s0-sockets-table';
  const column = (key) => page.$$eval(`${table} tbody tr:not(.hidden)`, (rows, key) => {
    const index = [...rows[0].closest('table').querySelectorAll('thead th')].findIndex((th) => th.dataset.key === key);
    return rows.map((row) => row.cells[index].textContent);
  }, key);
  const total = await page.$$eval(`${table} tbody tr`, (rows) => rows.length);
  check('sockets table has rows', total > 3, total);

  await page.click(`${table} th[data-key="received"]`);
  let values = (await column('received')).filter((v) => v !== '').map(Number);
  check('click on "received" sorts ascending', values.length > 1 && values.every((v, i) => i === 0 || values[i - 1] <= v), values);
  check('the header says so', (await page.getAttribute(`${table} th[data-key="received"]`, 'aria-sort')) === 'ascending');
  await page.click(`${table} th[data-key="received"]`);
  values = (await column('received')).filter((v) => v !== '').map(Number);
  check('second click sorts descending', values.every((v, i) => i === 0 || values[i - 1] >= v), values);
  await page.click(`${table} th[data-key="state"]`);
  const states = (await column('state')).filter((v) => v !== '');
  check('text columns sort too', states.every((v, i) => i === 0 || states[i - 1].localeCompare(v, undefined, { numeric: true }) <= 0), states);

  const filter = `input.filter[data-table="s0-sockets-table"]`;
  await page.fill(filter, 'udp');
  let shown = await page.$$eval(`${table} tbody tr:not(.hidden)`, (rows) => rows.map((r) => r.textContent.toLowerCase()));
  check('filter "udp" keeps only matching rows', shown.length > 0 && shown.length < total && shown.every((t) => t.includes('udp')), shown.length);
  check('the count says how many', (await page.textContent('.count[data-table="s0-sockets-table"]')) === `${shown.length} of ${total} rows`);
  await page.fill(filter, 'protocol:tcp');
  const protocols = await column('protocol');
  check('column filter "protocol:tcp"', protocols.length > 0 && protocols.every((p) => p === 'tcp'), protocols);
  await page.fill(filter, '');
  check('clearing the filter shows every row', (await column('protocol')).length === total);

  await page.fill('.tree-tools[data-tree="s0-counters-tree"] input.filter', 'tcp.');
  const leaves = await page.$$eval('#s0-counters-tree li.leaf:not(.hidden)', (l) => l.map((li) => li.dataset.name.toLowerCase()));
  check('counter search keeps matching counters', leaves.length > 0 && leaves.every((n) => n.includes('tcp.')), leaves.length);
  await page.fill('.tree-tools[data-tree="s0-counters-tree"] input.filter', '');
  await page.check('.tree-tools[data-tree="s0-counters-tree"] input.errors-only');
  const errors = await page.$$eval('#s0-counters-tree li.leaf:not(.hidden)', (l) => l.map((li) => li.className));
  check('"non-zero errors only" shows the red counters', errors.length > 0 && errors.every((c) => c.includes('err')), errors);
  const visibleErrors = await page.$$eval('#s0-counters-tree li.leaf.err', (l) => l.filter((li) => li.offsetParent !== null).length);
  check('...and opens their groups', visibleErrors === errors.length, visibleErrors);

  const flameBoxes = await page.$$('.flame-box');
  check('flame graphs are mounted', flameBoxes.length > 0 && (await page.$$('.flame-box iframe')).length === flameBoxes.length);
  const frame = await (await page.$('.flame-box iframe')).contentFrame();
  const frames = await frame.evaluate(() => document.querySelectorAll('g.f').length);
  check('the flame graph has frames', frames > 1, frames);
  await frame.evaluate(() => document.querySelectorAll('g.f')[1].dispatchEvent(new MouseEvent('click', { bubbles: true })));
  check('clicking a frame zooms (Reset zoom appears)', await frame.evaluate(() => document.getElementById('reset').style.display !== 'none'));

  await page.close();

  // --- Two snapshots: the diff view -------------------------------------------
  allowed(args.two);
  const two = await open(args.two);
  check('second snapshot hidden at first', await two.isHidden('#view-s1'));
  await two.click('.view-tab[data-view="view-diff"]');
  check('the Diff tab shows the diff', (await two.isVisible('#view-diff')) && (await two.isHidden('#view-s0')));
  const changes = await two.$$eval('#diff-1-table tbody tr', (rows) => rows.map((r) => r.cells[2].textContent));
  check('the diff lists the moved counter', changes.includes('TCP.Timeouts'), changes);
  await two.click('.view-tab[data-view="view-s1"]');
  check('snapshot tabs switch views', (await two.isVisible('#view-s1')) && (await two.isHidden('#view-diff')));
  await two.close();

  // --- A table longer than a page: the first 500 rows, then "show all" ---------------
  allowed(args.big);
  const big = await open(args.big);
  const visibleRows = () => big.$$eval('#s0-sockets-table tbody tr', (rows) => rows.filter((r) => !r.classList.contains('hidden')).length);
  const firstPage = await visibleRows();
  check('a 700-row table shows its first 500', firstPage === 500, firstPage);
  const pageCount = await big.textContent('.count[data-table="s0-sockets-table"]');
  check('...and says so', pageCount === 'first 500 of 700 rows', pageCount);
  await big.click('#s0-sockets-table th[data-key="id"]');
  await big.click('#s0-sockets-table th[data-key="id"]');
  const firstId = await big.$eval('#s0-sockets-table tbody tr', (r) => r.cells[0].textContent);
  check('sorting reaches rows beyond the first page', firstId === '700', firstId);
  await big.click('.table-tools:has(.count[data-table="s0-sockets-table"]) button.more');
  check('"show all" shows all 700', (await visibleRows()) === 700);
  await big.close();

  // --- Hostile names ------------------------------------------------------------
  allowed(args.evil);
  const evil = await open(args.evil);
  check('hostile report: no <img> element', (await evil.$$('img')).length === 0);
  check('hostile report: two <script> elements', (await evil.$$('script')).length === 2);
  const nicNames = await evil.$$eval('#s0-nics-table tbody tr', (rows) => {
    const index = [...document.querySelectorAll('#s0-nics-table thead th')].findIndex((th) => th.dataset.key === 'name');
    return rows.map((r) => r.cells[index].textContent);
  });
  check('hostile NIC name shown as text', nicNames.some((n) => n.startsWith('</script><img')), nicNames);
  check('hostile title shown as text', (await evil.title()).startsWith('</script><img'));
  await evil.close();
} finally {
  await context.close();
}

const foreign = requests.filter((url) => !opened.includes(url));
check(`no request but the pages themselves (${requests.length} recorded)`, foreign.length === 0, foreign);
check('no script ran from the data (no dialog)', dialogs.length === 0, dialogs);
check('no console error or CSP violation', problems.length === 0, problems);
console.log(failures ? `${failures} browser check(s) failed` : 'all browser checks passed');
process.exit(failures ? 1 : 0);
