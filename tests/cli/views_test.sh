#!/usr/bin/env bash
# End-to-end tests of the netstack views (`netinspect [overview]`, `sockets`,
# `nics`, `counters`, `routes`) on compact, pretty, zip, gzip, old-netstack2
# and netstack3-shaped snapshots, and on generated ones when `netinspect gen`
# exists. Expected rows are computed independently: by jq programs over the
# raw snapshot run through Debian's jq (those checks are skipped, with a
# message, when jq is missing) or written out by hand.
#
# usage: views_test.sh path/to/netinspect path/to/tests/data
set -u
if [ $# -ne 2 ]; then
  echo "usage: $0 NETINSPECT TEST_DATA" >&2
  exit 2
fi
NI=$1
DATA=$(cd "$2" && pwd)
case $NI in /*) ;; */*) NI=$(cd "$(dirname "$NI")" && pwd)/$(basename "$NI") ;; esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 2
passed=0
failed=0
skipped=0

ok() { passed=$((passed + 1)); }
fail() {
  echo "FAIL $1" >&2
  failed=$((failed + 1))
}
skip() {
  echo "SKIP $1" >&2
  skipped=$((skipped + 1))
}
# run ARGS... : netinspect with empty stdin; sets RC, out, err.
run() {
  timeout 120 "$NI" "$@" </dev/null >"$work/out" 2>"$work/err"
  RC=$?
}
# same NAME FILE1 FILE2 : the two files hold the same bytes.
same() {
  if cmp -s "$2" "$3"; then ok; else
    fail "$1"
    diff "$2" "$3" | head -6 | cut -c1-300 >&2
  fi
}
# check NAME CONDITION... : a shell test.
check() {
  local name=$1
  shift
  if "$@"; then ok; else fail "$name"; fi
}
has_jq=0
command -v jq >/dev/null 2>&1 && has_jq=1

COMPACT=$DATA/synthetic_netstack2_inspect.json
PRETTY=$DATA/synthetic_netstack2_inspect_pretty.json
OLD=$DATA/views/ns2_old_inspect_pretty.json
NS3=$DATA/views/ns3_inspect.json

# The same snapshot as .zip (fx snapshot layout) and .json.gz.
inputs=("$COMPACT" "$PRETTY")
if command -v zip >/dev/null 2>&1; then
  mkdir -p zipdir && cp "$COMPACT" zipdir/inspect.json && echo '{}' >zipdir/annotations.json
  (cd zipdir && zip -q ../snapshot.zip inspect.json annotations.json)
  inputs+=("$work/snapshot.zip")
else
  skip "zip inputs: the zip program is missing (apt-get install zip)"
fi
gzip -c "$COMPACT" >snapshot.json.gz && inputs+=("$work/snapshot.json.gz")

# ---- jq programs that compute the expected rows from the raw netstack2 data.
NS='[.[] | select(.moniker == "core/network/netstack") | .payload // {}]'
JQ_SOCKETS="$NS"' | [.[] | ."Socket Info" // empty | to_entries[]
  | {id: (.key | tonumber), state: (.value.State | if . == "" then null else . end),
     local: .value.LocalAddress, remote: .value.RemoteAddress,
     register_nic: (.value.RegisterNICID | tonumber),
     sent: (.value.Stats | .SegmentsSent // .PacketsSent),
     received: (.value.Stats | .SegmentsReceived // .PacketsReceived)}] | sort_by(.id)'
PROJ_SOCKETS='[.[] | {id, state, local, remote, register_nic, sent, received}] | sort_by(.id)'
JQ_NICS="$NS"' | [.[] | .NICs // empty | to_entries[] | .value
  | {id: (.NICID | tonumber), name: .Name, admin_up: (.AdminUp == "true"), link_online: (.LinkOnline == "true"),
     mtu: .MTU, link_address: .LinkAddress,
     addresses: [to_entries[] | select(.key | startswith("ProtocolAddress")) | .value | sub("^\\[ipv[46]\\] "; "")],
     rx_packets: .Stats.Rx.Packets, tx_bytes: .Stats.Tx.Bytes}] | sort_by(.id)'
PROJ_NICS='[.[] | {id, name, admin_up, link_online, mtu, link_address, addresses, rx_packets, tx_bytes}] | sort_by(.id)'
JQ_COUNTERS="$NS"' | [.[] | ."Networking Stat Counters" // empty
  | . as $c | [paths(type == "number" or type == "string")] | .[] as $p
  | {name: ($p | map(tostring) | join(".") | sub("\\.Count$"; "")), value: ($c | getpath($p) | tonumber)}]
  | sort_by(.name)'
PROJ_COUNTERS='sort_by(.name)'
JQ_ROUTES="$NS"' | [.[] | .Routes // empty | to_entries[]
  | {index: (.key | tonumber), destination: .value.Destination,
     gateway: (.value.Gateway | if . == "" then null else . end), nic: (.value.NIC | tonumber),
     metric: (.value.Metric | tonumber), enabled: (.value.Enabled == "true")}] | sort_by(.index)'
PROJ_ROUTES='[.[] | {index, destination, gateway, nic, metric, enabled}] | sort_by(.index)'

# compare_view NAME VIEW JQ_EXPECTED PROJECTION INPUT : netinspect VIEW --json,
# projected, against the jq program on the raw input (both through jq -S -c).
compare_view() {
  local name=$1 view=$2 expected=$3 projection=$4 input=$5
  if [ $has_jq = 0 ]; then
    skip "$name: Debian jq is missing"
    return
  fi
  local raw=$input
  case $input in
    *.zip) raw=$COMPACT ;;
    *.gz) raw=$COMPACT ;;
  esac
  run "$view" --json "$input"
  if [ $RC != 0 ]; then
    fail "$name: exit $RC: $(head -c 300 "$work/err")"
    return
  fi
  jq -S -c "$projection" "$work/out" >"$work/got" 2>&1
  jq -S -c "$expected" "$raw" >"$work/want" 2>&1
  if [ ! -s "$work/want" ] || [ "$(cat "$work/want")" = "[]" ]; then
    fail "$name: the expectation is empty ($(head -c 200 "$work/want"))"
    return
  fi
  same "$name" "$work/want" "$work/got"
}

for input in "${inputs[@]}"; do
  label=$(basename "$input")
  compare_view "sockets $label" sockets "$JQ_SOCKETS" "$PROJ_SOCKETS" "$input"
  compare_view "nics $label" nics "$JQ_NICS" "$PROJ_NICS" "$input"
  compare_view "counters $label" counters "$JQ_COUNTERS" "$PROJ_COUNTERS" "$input"
  compare_view "routes $label" routes "$JQ_ROUTES" "$PROJ_ROUTES" "$input"
  # Every format gives the same rows as --json.
  run sockets --ndjson "$input"
  check "ndjson $label: 7 lines" [ "$(wc -l <"$work/out")" = 7 ]
  run sockets --csv "$input"
  check "csv $label: header + 7 rows" [ "$(wc -l <"$work/out")" = 8 ]
done

# ---- hand-written expectations (need no jq).
run sockets --csv "$COMPACT"
check "csv header" [ "$(head -1 "$work/out")" = $'id,network,protocol,transport,state,local,remote,bind_nic,bind_nic_name,register_nic,register_nic_name,sent,received,errors,drops\r' ]
check "csv row" [ "$(sed -n 2p "$work/out")" = $'1,IPv4,tcp,TCP,ESTABLISHED,192.168.1.23:41234,142.250.72.14:443,0,,2,wlanx62,0,0,778,148\r' ]
run nics --csv "$COMPACT"
check "csv quoting" grep -q '^1,lo,true,true,true,true,true,false,65522,00:00:00:00:00:00,127.0.0.1/8 ::1/128,,false,,,,209272,' "$work/out"

run sockets --proto tcp --state listen "$COMPACT"
check "filter proto+state" [ "$(tail -n +2 "$work/out" | awk '{print $1}' | tr '\n' ' ')" = "2 " ]
run sockets --nic wlanx62 --ndjson "$COMPACT"
check "filter nic name" [ "$(wc -l <"$work/out")" = 3 ]
run sockets --nic 2 --ndjson "$COMPACT"
check "filter nic id" [ "$(wc -l <"$work/out")" = 3 ]
run sockets --port 53 --ndjson "$COMPACT"
check "filter port" grep -q '"id":7,' "$work/out"
run sockets --addr 192.168.1.0/24 --ndjson "$COMPACT"
check "filter addr" [ "$(wc -l <"$work/out")" = 2 ]
run sockets --where '.Stats.ReceiveErrors.ReceiveBufferOverflow > 0' --ndjson "$COMPACT"
check "where" [ "$(grep -o '"id":[0-9]*' "$work/out" | tr '\n' ' ')" = '"id":1 "id":9 ' ]
run sockets --where '.TransportProtocol == "UDP"' --where '.State == "BOUND"' --ndjson "$COMPACT"
check "where twice: both hold" [ "$(grep -o '"id":[0-9]*' "$work/out" | tr '\n' ' ')" = '"id":5 ' ]
run sockets --where '.[' "$COMPACT"
check "where compile error" [ $RC = 2 ] && check "where error text" grep -q '^netinspect sockets: --where does not compile' "$work/err"
run sockets --sort -errors --ndjson "$COMPACT"
check "sort desc" [ "$(head -1 "$work/out" | grep -o '"id":[0-9]*')" = '"id":5' ]
run sockets --sort nosuchfield "$COMPACT"
check "sort unknown field" [ $RC = 2 ]
run sockets --options --json "$COMPACT"
check "options" grep -q '"GetIpReceiveTtl": 17' "$work/out"
run sockets --proto smtp "$COMPACT"
check "bad proto" [ $RC = 2 ]

run nics --name wlanx62 --detail "$COMPACT"
check "detail sections" grep -q '^    DHCP State Recent History:' "$work/out"
check "detail neighbors" grep -q '^    192.168.1.1:' "$work/out"
run nics --id 2 --detail --json "$COMPACT"
check "detail json typed" grep -q '"Config.Declined": false' "$work/out"

run counters TCP --nonzero --ndjson "$COMPACT"
check "counters group" [ "$(grep -vc '"name":"TCP\.' "$work/out")" = 0 ]
run counters icmp.v6.packetsreceived "$COMPACT"
check "counters subgroup" grep -q '^ICMP.V6.PacketsReceived.RouterAdvert ' "$work/out"
run counters --errors --nonzero --ndjson "$COMPACT"
check "counters errors" [ "$(wc -l <"$work/out")" = 17 ]
run counters MaxSocketOptionStats --ndjson "$COMPACT"
check "counters MaxSocketOptionStats" [ "$(wc -l <"$work/out")" = 95 ]

run routes --dest 8.8.8.8 --ndjson "$COMPACT"
check "dest default route" [ "$(cat "$work/out")" = '{"index":3,"destination":"0.0.0.0/0","gateway":"192.168.1.1","nic":2,"nic_name":"wlanx62","metric":100,"tracks_interface":true,"dynamic":true,"enabled":true}' ]
run routes --dest 192.168.1.77 --ndjson "$COMPACT"
check "dest longest prefix" grep -q '"destination":"192.168.1.0/24"' "$work/out"
run routes --dest 2001:db8::1 "$COMPACT"
check "dest no route" [ $RC = 1 ]
run routes --nic lo --ndjson "$COMPACT"
check "routes nic" [ "$(wc -l <"$work/out")" = 3 ]

# Several snapshots: one block each, or merged with a snapshot column.
run sockets "$COMPACT" "$PRETTY"
check "blocks" [ "$(grep -c '^== ' "$work/out")" = 2 ]
run sockets --merge --csv "$COMPACT" "$PRETTY"
check "merge csv" [ "$(wc -l <"$work/out")" = 15 ] && check "merge column" grep -q '^snapshot,id,' "$work/out"
run sockets --json "$COMPACT" "$PRETTY"
check "json blocks" [ "$(grep -c '^\[' "$work/out")" = 2 ]

# ---- old netstack2 (netstack.cmx, Ethernet Info, string numbers, timeout).
run nics --ndjson "$OLD"
check "old nics" grep -q '"name":"eth-ep".*"link_online":false.*"device_class":"Ethernet (Synthetic)"' "$work/out"
check "old string number" grep -q '"rx_packets":700,' "$work/out"
run nics --strict "$OLD"
check "strict warns" grep -q 'warning: .*unknown fields: "Carrier"' "$work/err"
run nics "$OLD"
check "not strict: quiet" [ ! -s "$work/err" ]
run overview "$OLD"
check "old overview link down" grep -q 'NIC 2 (eth-ep) is admin-up but its link is down' "$work/out"
check "old overview timeout" grep -q 'netstack entry pprof/2020-10-22T16:21:49Z.inspect has no data' "$work/out"
run routes --dest 8.8.8.8 "$OLD"
check "old disabled default route" [ $RC = 1 ]

# ---- netstack3.
run sockets --ndjson "$NS3"
check "ns3 sockets" [ "$(wc -l <"$work/out")" = 5 ]
check "ns3 listener" grep -q '"id":1,"network":"IPv4","protocol":"tcp","transport":"TCP","state":"LISTEN","local":"0.0.0.0:8080","remote":null' "$work/out"
if [ $has_jq = 1 ]; then
  jq -c '.[] | select(.moniker == "core/network/netstack") | .payload.root.Devices | to_entries[] | .value
         | {id: .InterfaceId, name: .Name, admin_up: .AdminEnabled, mtu: .MTU}' "$NS3" | sort >want
  run nics --json "$NS3"
  jq -c '.[] | {id, name, admin_up, mtu}' "$work/out" | sort >got
  same "ns3 nics" want got
  jq -c '[.[] | select(.moniker == "core/network/netstack") | .payload.root.Counters
          | [paths(type == "number")] | length] | add' "$NS3" >want
  run counters --ndjson "$NS3"
  wc -l <"$work/out" | tr -d ' ' >got
  same "ns3 counters" want got
else
  skip "ns3 jq checks: Debian jq is missing"
fi
run routes --dest 1.1.1.1 --ndjson "$NS3"
check "ns3 dest" grep -q '"gateway":"192.168.0.254","nic":2,"nic_name":"test-eth"' "$work/out"
run overview --json "$NS3"
check "ns3 overview flavor" grep -q '"flavor": "netstack3"' "$work/out"

# ---- overview, no SOURCE, main dispatch.
run overview --sample
check "--sample: overview" grep -q '^netstack overview: bundled sample' "$work/out"
check "--sample: says so" grep -q 'bundled with netinspect' "$work/out"
run
check "no args: live overview" grep -q '^netstack overview: live capture of this host' "$work/out"
check "no args: live has loopback" grep -q 'lo' "$work/out"
run "$COMPACT"
check "netinspect SOURCE" grep -q "^netstack overview: $COMPACT" "$work/out"
check "overview warning" grep -q 'SocketCount is 12 but SocketsCreated - SocketsDestroyed is 1016568 - 1016559 = 9' "$work/out"
check "overview pprof" grep -q 'allocs, block, goroutine, heap, mutex, threadcreate' "$work/out"
run sockets --sample
check "sockets --sample: note" grep -q 'bundled sample' "$work/err"
check "sockets --sample: rows" [ "$(wc -l <"$work/out")" = 8 ]
run nics --json
check "nics no SOURCE: live loopback" grep -q '"name": "lo"' "$work/out"
run overview --csv "$COMPACT"
check "overview csv refused" [ $RC = 2 ]

# ---- bad input: one line, exit 2, never a crash.
run sockets "$work/missing.json"
check "missing file" [ $RC = 2 ] && check "missing file text" grep -q '^netinspect sockets: ' "$work/err"
head -c 3000 "$COMPACT" >truncated.json
run nics truncated.json
check "truncated" [ $RC = 2 ] && check "one line" [ "$(wc -l <"$work/err")" = 1 ]
echo '{"not": "an array"}' >object.json
run overview object.json
check "not an array" [ $RC = 0 ] && check "no netstack" grep -q 'no netstack component' "$work/out"
for view in sockets nics counters routes overview; do
  run $view --help
  check "$view --help" [ $RC = 0 ] && check "$view --help formats" grep -q -- '--json' "$work/out"
done

# ---- colour: only on a terminal, never with NO_COLOR (needs script(1)).
if command -v script >/dev/null 2>&1; then
  script -qec "$NI sockets $COMPACT" /dev/null >tty.out 2>&1
  check "colour on a tty" grep -q $'\x1b\[1m' tty.out
  NO_COLOR=1 script -qec "$NI sockets $COMPACT" /dev/null >tty.out 2>&1
  check "NO_COLOR" bash -c "! grep -q $'\x1b\\[' tty.out"
  run sockets "$COMPACT"
  check "no colour in a pipe" bash -c "! grep -q $'\x1b\\[' '$work/out'"
else
  skip "colour checks: script(1) is missing"
fi

# ---- generated snapshots (netinspect gen), when that command exists.
if "$NI" gen --help >/dev/null 2>&1; then
  if "$NI" gen --seed 7 --sockets 300 --nics 4 --components 5 -o gen.json >/dev/null 2>gen.err; then
    compare_view "sockets generated" sockets "$JQ_SOCKETS" "$PROJ_SOCKETS" "$work/gen.json"
    compare_view "nics generated" nics "$JQ_NICS" "$PROJ_NICS" "$work/gen.json"
    compare_view "counters generated" counters "$JQ_COUNTERS" "$PROJ_COUNTERS" "$work/gen.json"
    compare_view "routes generated" routes "$JQ_ROUTES" "$PROJ_ROUTES" "$work/gen.json"
  else
    fail "netinspect gen failed: $(head -c 300 gen.err)"
  fi
  # 5,000 sockets make a Socket Info entry over 1 MiB: each socket stays
  # unparsed until the view reads it (source::parse_entry_deferred), and they
  # are read, and their rows written, on two threads (4,096 and more).
  if "$NI" gen --seed 8 --sockets 5000 --nics 4 --components 5 -o big.json >/dev/null 2>gen.err &&
     "$NI" gen --seed 8 --sockets 5000 --nics 4 --components 5 --pretty -o bigp.json >/dev/null 2>>gen.err; then
    check "big entry is over 1 MiB" [ "$(grep '"Socket Info"' big.json | wc -c)" -gt 1048576 ]
    compare_view "sockets deferred compact" sockets "$JQ_SOCKETS" "$PROJ_SOCKETS" "$work/big.json"
    compare_view "sockets deferred pretty" sockets "$JQ_SOCKETS" "$PROJ_SOCKETS" "$work/bigp.json"
    compare_view "nics beside a deferred entry" nics "$JQ_NICS" "$PROJ_NICS" "$work/big.json"
    compare_view "counters beside a deferred entry" counters "$JQ_COUNTERS" "$PROJ_COUNTERS" "$work/big.json"
    compare_view "routes beside a deferred entry" routes "$JQ_ROUTES" "$PROJ_ROUTES" "$work/big.json"
    gzip -c big.json >big.json.gz
    run sockets --json --options big.json && cp out options.compact
    run sockets --json --options bigp.json && cp out options.pretty
    same "sockets --options deferred: compact = pretty" options.compact options.pretty
    run sockets --json --options big.json.gz && same "sockets --options deferred: gzip = plain" options.compact out
    if [ $has_jq = 1 ]; then
      jq -c '[.[] | select(.moniker == "core/network/netstack") | .payload."Socket Info" // empty | to_entries[]
             | {id: (.key | tonumber), options: (.value."Socket Option Stats" | with_entries(select(.value != 0)))}]
             | sort_by(.id)' big.json >want.options
      jq -c '[.[] | {id, options}]' options.compact >got.options
      same "sockets --options deferred vs jq" want.options got.options
      jq '[.[] | select(.moniker == "core/network/netstack") | .payload."Socket Info" // empty | to_entries[]
          | select(.value."Socket Option Stats".GetTcpInfo > 2)] | length' big.json >want.where
      run sockets --json --where '."Socket Option Stats".GetTcpInfo > 2' big.json
      jq length out >got.where
      same "sockets --where on option stats, deferred" want.where got.where
      check "--where keeps some and drops some" [ "$(cat want.where)" -gt 0 -a "$(cat want.where)" -lt 5000 ]
    fi
    # Malformed text inside one deferred socket: found when the view reads it.
    sed '0,/"ReadClosed":0/s//"ReadClosed":0x/' big.json >corrupt.json
    run sockets --json corrupt.json
    check "malformed deferred socket: exit 2" [ $RC = 2 ]
    check "malformed deferred socket: one-line error" grep -q '^netinspect sockets: corrupt.json: socket [0-9]*: Invalid numeric literal at line 1, column [0-9]* of its text$' err
    check "malformed deferred socket: nothing on stdout" [ ! -s out ]
  else
    fail "netinspect gen failed: $(head -c 300 gen.err)"
  fi
else
  skip "generated snapshots: netinspect gen is not available"
fi

echo "views: $passed passed, $failed failed, $skipped skipped"
[ $failed = 0 ]
