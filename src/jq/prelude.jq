# netinspect prelude: builtins written in jq, compiled once before every program.
# Natives (builtins_*.cc) and the evaluator's intrinsics do the heavy lifting;
# these definitions only combine them. Keep it small: it is parsed at startup.
# (map, select, recurse, range/3, any/2, all/2, last/1, skip, nth/2 and inputs
# are evaluator intrinsics.)
def map_values(f): .[] |= f;
def values: select(. != null);
def nulls: select(. == null);
def booleans: select(type == "boolean");
def numbers: select(type == "number");
def strings: select(type == "string");
def arrays: select(type == "array");
def objects: select(type == "object");
def iterables: select(type | . == "array" or . == "object");
def scalars: select(type | . != "array" and . != "object");
def isfinite: type == "number" and (isinfinite | not);
def finites: select(isinfinite or isnan | not);
def normals: select(isnormal);
def with_entries(f): to_entries | map(f) | from_entries;
def del(f): delpaths([path(f)]);
def paths(node_filter): . as $dot | paths | select(. as $p | $dot | getpath($p) | node_filter);
def leaf_paths: paths(scalars);
def any(condition): any(.[]; condition);
def all(condition): all(.[]; condition);
def any: any(.);
def all: all(.);
def in(xs): . as $x | xs | has($x);
def inside(xs): . as $x | xs | contains($x);
def combinations:
  if length == 0 then []
  else .[0][] as $first | (.[1:] | combinations) as $rest | [$first] + $rest end;
def combinations(n): . as $dot | [range(n) | $dot] | combinations;
def first: .[0];
def last: .[-1];
def nth($n): .[$n];
def sort_by(f): _sort_by_impl(map([f]));
def group_by(f): _group_by_impl(map([f]));
def unique_by(f): _unique_by_impl(map([f]));
def min_by(f): _min_by_impl(map([f]));
def max_by(f): _max_by_impl(map([f]));
def halt_error: halt_error(5);
def debug(msg): (msg | debug | empty), .;
def todateiso8601: strftime("%Y-%m-%dT%H:%M:%SZ");
def fromdateiso8601: strptime("%Y-%m-%dT%H:%M:%SZ") | mktime;
def todate: todateiso8601;
def fromdate: fromdateiso8601;
def date: todate;
def dateadd(u; n): . + n;
def datesub(u; n): . - n;
def INDEX(stream; idx_expr): reduce stream as $row ({}; .[$row | idx_expr | tostring] |= $row);
def INDEX(idx_expr): INDEX(.[]; idx_expr);
def IN(s): any(s == .; .);
def IN(src; s): any(src == s; .);
def JOIN($idx; idx_expr): [.[] | [., $idx[idx_expr]]];
def JOIN($idx; stream; idx_expr): stream | [., $idx[idx_expr]];
def JOIN($idx; stream; idx_expr; join_expr): stream | [., $idx[idx_expr]] | join_expr;
# Regular expressions: everything goes through _match_impl(regex; flags; test_only).
def _regex_args:
  if type == "string" then [., null]
  elif type == "array" and length > 1 then [.[0], .[1]]
  elif type == "array" and length > 0 then [.[0], null]
  else error("\(type) not a string or array") end;
def match(re; flags): _match_impl(re; flags; false) | .[];
def match($val): ($val | _regex_args) as [$re, $flags] | match($re; $flags);
def test(re; flags): _match_impl(re; flags; true);
def test($val): ($val | _regex_args) as [$re, $flags] | test($re; $flags);
def _capture_object: reduce (.captures[] | select(.name != null)) as $c ({}; . + {($c.name): $c.string});
def capture(re; flags): match(re; flags) | _capture_object;
def capture($val): ($val | _regex_args) as [$re, $flags] | capture($re; $flags);
def scan($re; $flags):
  match($re; "g" + $flags)
  | if (.captures | length) > 0 then [.captures[].string] else .string end;
def scan($re): scan($re; null);
def split($re; flags):
  . as $s
  | [0, (match($re; "g" + flags) | .offset, .offset + .length), ($s | length)] as $cuts
  | [range(0; $cuts | length; 2) as $i | $s[$cuts[$i]:$cuts[$i + 1]]];
def splits($re; flags): split($re; flags) | .[];
def splits($re): splits($re; null);
# Each output of the replacement makes its own result, as in jq 1.7+.
def sub($re; str; $flags):
  . as $in
  | [reduce match($re; $flags) as $m ({results: [], at: 0};
        $in[.at:$m.offset] as $gap
        | [$m | _capture_object | str] as $replacements
        | reduce range(0; $replacements | length) as $k (.; .results[$k] += $gap + $replacements[$k])
        | .at = $m.offset + $m.length)
     | .results[] + $in[.at:]]
  | if . == [] then $in else .[] end;
def sub($re; str): sub($re; str; "");
def gsub($re; str; $flags): sub($re; str; $flags + "g");
def gsub($re; str): sub($re; str; "g");
# jq 1.8 defines abs naively, so non-numbers pass through and literals keep precision.
def abs: if type == "number" and . < 0 then - . else . end;
def toarray: if type == "array" then . else [.] end;
# jq 1.8: the character for an ASCII code point.
def ascii: if type == "number" and . >= 0 and . <= 127 then [.] | implode
           else error("ascii only takes integers between 0 and 127") end;
def pick(pathexps): . as $top
  | reduce path(pathexps) as $p (null; setpath($p; $top | getpath($p)));
def walk(f): def w: if type == "object" then map_values(w)
                    elif type == "array" then map(w) else . end | f;
  w;
