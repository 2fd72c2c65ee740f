#!/bin/bash
# Regenerates the capture corpus: identities.json, mitmproxy.har,
# chromium.har and truth.json. All traffic stays on 127.0.0.1.
#   KEEP_WORK=1 keeps the scratch directory (server logs, DevTools events).
set -euo pipefail
cd "$(dirname "$0")"
HERE=$PWD
PY=/usr/bin/python3   # Debian's, for python3-brotli and python3-zstandard
export PYTHONDONTWRITEBYTECODE=1

./install.sh
HAR_DUMP=$(dpkg -L mitmproxy | grep '/har_dump\.py$' | head -n1)
[[ -n "$HAR_DUMP" ]] || { echo "regenerate.sh: har_dump.py not found in the mitmproxy package" >&2; exit 1; }

WORK=$(mktemp -d /tmp/corpus-regen.XXXXXX)
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [[ "${KEEP_WORK:-}" == 1 ]]; then
    echo "regenerate.sh: scratch files kept in $WORK" >&2
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT

# Fixed ports when they are free, so that URLs do not change from run to run.
SERVER_PORT_WANTED=${CORPUS_SERVER_PORT:-18731}
PROXY_PORT_WANTED=${CORPUS_PROXY_PORT:-18732}
free_port() {  # PREFERRED -> that port if free, else any free port
  "$PY" -c '
import socket, sys
s = socket.socket()
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()' "$1"
}
start_server() {  # TOOL -> sets SERVER_PID, SERVER_PORT
  # The server writes its port into a FIFO once it listens: reading it is
  # waiting for that signal, bounded by `read -t`.
  rm -f "$WORK/port"
  mkfifo "$WORK/port"
  "$PY" server.py --port "$SERVER_PORT_WANTED" --port-file "$WORK/port" --log "$WORK/received-$1.jsonl" &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  read -r -t 60 SERVER_PORT < "$WORK/port" ||
    { echo "regenerate.sh: the stand-in server did not start" >&2; exit 1; }
}
stop() {  # PID [SIGNAL]
  kill -"${2:-TERM}" "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

"$PY" -c 'import cases, sys; sys.stdout.write(cases.identities_json())' > identities.json

echo "== mitmproxy ($(mitmdump --version 2>/dev/null | head -n1))" >&2
start_server mitmproxy
PROXY_PORT=$(free_port "$PROXY_PORT_WANTED")
rm -f mitmproxy.har
mitmdump --listen-host 127.0.0.1 --listen-port "$PROXY_PORT" \
  --set confdir="$WORK/mitmproxy-conf" \
  -s "$HAR_DUMP" --set hardump="$HERE/mitmproxy.har" > "$WORK/mitmdump.log" 2>&1 &
MITM_PID=$!
PIDS+=("$MITM_PID")
# mitmdump says when it listens; follow its log until it does.
grep -q -m 1 "listening at" < <(timeout 60 tail -n +1 -f "$WORK/mitmdump.log") ||
  { echo "regenerate.sh: mitmdump did not start:" >&2; cat "$WORK/mitmdump.log" >&2; exit 1; }
"$PY" client_mitm.py --proxy "127.0.0.1:$PROXY_PORT" --server-port "$SERVER_PORT" || true
stop "$MITM_PID" INT   # har_dump writes the file when mitmdump shuts down
stop "$SERVER_PID"
[[ -s mitmproxy.har ]] || { echo "regenerate.sh: mitmdump wrote no HAR:" >&2; cat "$WORK/mitmdump.log" >&2; exit 1; }
if grep -q 'Addon error' "$WORK/mitmdump.log"; then
  # Expected once: har_dump cannot decode the chained "gzip, br" body and
  # drops that flow (README.md, "What the tools wrote").
  echo "regenerate.sh: mitmdump logged addon errors:" >&2
  grep '^ValueError' "$WORK/mitmdump.log" >&2 || true
fi

echo "== chromium ($(chromium --version 2>/dev/null))" >&2
start_server chromium
node capture_chromium.mjs --url "http://127.0.0.1:$SERVER_PORT/page.html" --out "$HERE/chromium.har" \
  --events "$WORK/chromium-events.json" || true
stop "$SERVER_PID"
[[ -s chromium.har ]] || { echo "regenerate.sh: no chromium.har" >&2; exit 1; }

"$PY" make_truth.py --work "$WORK" --summary "$WORK/summary.md"
cat "$WORK/summary.md" >&2
