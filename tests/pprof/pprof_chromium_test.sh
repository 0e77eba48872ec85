#!/usr/bin/env bash
# The flame graph SVG renders in headless Chromium (Debian `chromium`): a
# screenshot at 1200x800 is a real picture (many distinct colours, thousands
# of pixels in the flame palette), and the embedded script runs (it shortens
# labels that do not fit their frame to "xx..", which only the script does;
# seen in the DOM Chromium dumps after loading). Chromium gets a fresh
# profile directory and no network. Exits 77 (skipped) without chromium or
# python3 (both in scripts/debian-packages.txt).
# Usage: pprof_chromium_test.sh NETINSPECT TESTS_DATA_DIR
set -u
NI=$(realpath "$1")
DATA=$(realpath "$2")
HERE=$(dirname "$(realpath "$0")")
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ] || ! command -v python3 > /dev/null 2>&1; then
  echo "skip: chromium or python3 not installed (Debian packages chromium, python3)"
  exit 77
fi
chromium_run() {  # chromium_run PROFILE_DIR ARGS... : headless, offline, bounded in time
  local profile=$1; shift
  timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --window-size=1200,800 "$@"
}

for profile in google-pprof_report_sample.cpu generated-go1.19/go.heap generated-go1.19/go.goroutine; do
  name=$(basename "$profile")
  "$NI" pprof flame -o "$T/$name.svg" "$DATA/pprof/$profile.pb.gz" || { fail "flame $name"; continue; }
  chromium_run "$(mktemp -d -p "$T")" --screenshot="$T/$name.png" "file://$T/$name.svg" > "$T/log" 2>&1
  if [ ! -s "$T/$name.png" ]; then fail "chromium screenshot of $name"; tail -5 "$T/log"; continue; fi
  read -r width height colours flame_pixels < <(python3 "$HERE/png_colours.py" "$T/$name.png")
  echo "  $name: ${width}x$height, $colours distinct colours, $flame_pixels flame-palette pixels"
  # The root frame alone is 1180x15 pixels of the palette.
  if [ "${width:-0}" -eq 1200 ] && [ "${height:-0}" -eq 800 ] && [ "${colours:-0}" -gt 20 ] && \
     [ "${flame_pixels:-0}" -gt 15000 ]; then
    pass "chromium renders $name (screenshot non-blank)"
  else
    fail "chromium screenshot of $name looks blank"
  fi
  [ -n "${NI_KEEP_SCREENSHOTS:-}" ] && cp "$T/$name.png" "$NI_KEEP_SCREENSHOTS/"
done

# The embedded script ran: labels too long for their frame were shortened.
chromium_run "$(mktemp -d -p "$T")" --dump-dom "file://$T/google-pprof_report_sample.cpu.svg" > "$T/dom" 2> "$T/log"
if grep -q '<text x="[0-9.]*" y="[0-9]*">[^<]*\.\.</text>' "$T/dom"; then
  pass "chromium runs the flame graph's script"
else
  fail "chromium runs the flame graph's script"; head -c 600 "$T/dom"; tail -3 "$T/log"
fi

echo "$failures failure(s)"
[ $failures -eq 0 ]
