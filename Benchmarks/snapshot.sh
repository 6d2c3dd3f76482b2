#!/usr/bin/env bash
# Forkless snapshots next to Redis's fork: a release cairn-server and
# redis-server 7 in one run, on the same disk, with the same fsync policy
# (appendfsync everysec).
# Usage: Benchmarks/snapshot.sh        (about 10 minutes on 2 cores)
#   CAIRN_SERVER=path/to/cairn-server  another build (default: builds and uses
#                                      .build/release/cairn-server)
#   SNAPSHOT_RUNS=3                    BGSAVE runs and restarts per server (medians)
#   SNAPSHOT_KEYS=1000000 SNAPSHOT_HASHES=100000   a smaller dataset for a quick pass
#   SNAPSHOT_GROWTH=0                  skips the log-growth scenario
#   CAIRN_BENCH_DIR                    where servers keep their data (not tmpfs;
#                                      default .build/cairn-bench-tmp)
#
# Dataset: SNAPSHOT_KEYS `SET key:%08d <100-byte value>` plus SNAPSHOT_HASHES
# hashes `hash:%08d` of 10 fields f0..f9 with 10-byte values, loaded with
# `redis-cli --pipe`, in two value flavours: 100 bytes of 'x' (redis-benchmark's
# payload) and seeded pseudo-random printable bytes. Redis runs with
# `appendonly no save ""` (BGSAVE writes dump.rdb), Cairn with `save ""
# auto-aof-rewrite-percentage 0` (only the explicit BGSAVE writes a .snap).
# Per server and flavour: snapshot size, BGSAVE time (to
# rdb_bgsave_in_progress:0, INFO polled every 10 ms), a one-connection
# PING/GET latency probe idle and during BGSAVE, RSS sampled every 10 ms
# (and Redis's forked child's Private_Dirty), restart time to the first PONG
# from the snapshot (and Cairn's from its log alone), RSS per key. Then the
# log-growth scenario: 2,000,000 SETs over 1,000 keys with the default
# automatic rewrites on both (Redis with appendonly yes): data directory size
# and restart time.
# Prints one Markdown table per flavour and writes
# Benchmarks/results/snapshot-<date>.md and .csv. Helpers: snapshot_load.py.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${BENCH_PORT:-16420}
runs=${SNAPSHOT_RUNS:-3}
export SNAPSHOT_KEYS=${SNAPSHOT_KEYS:-1000000}
export SNAPSHOT_HASHES=${SNAPSHOT_HASHES:-100000}
growth=${SNAPSHOT_GROWTH:-1}
bench_dir=${CAIRN_BENCH_DIR:-$PWD/.build/cairn-bench-tmp}
mkdir -p "$bench_dir"
case "$(stat -f -c %T "$bench_dir")" in
    tmpfs|ramfs) echo "$bench_dir is on tmpfs (syncs are free there): set CAIRN_BENCH_DIR" >&2; exit 1 ;;
esac
for tool in redis-server redis-cli redis-benchmark; do
    command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install redis-server redis-tools)" >&2; exit 1; }
done
cairn=${CAIRN_SERVER:-}
if [ -z "$cairn" ]; then
    swift build -c release --product cairn-server >/dev/null
    cairn=.build/release/cairn-server
fi
helper="python3 Benchmarks/snapshot_load.py"
expected_keys=$((SNAPSHOT_KEYS + SNAPSHOT_HASHES))

# shellcheck source=server-lib.sh
. Benchmarks/server-lib.sh  # (the working directory is the repository root)
tmp=$(mktemp -d "$bench_dir/snapshot.XXXXXX")
poller_pid=
cleanup() {
    [ -n "$poller_pid" ] && kill "$poller_pid" 2>/dev/null || true
    stop_server
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$tmp/logs" Benchmarks/results
stamp=$(date +%Y-%m-%d)
export SNAPSHOT_RESULTS=$tmp/results.jsonl
: >"$SNAPSHOT_RESULTS"

# The server's data lives in $work/data; its output goes to $tmp/logs (kept
# out of the data directory, whose size is measured).
mode=snapshot   # snapshot: the BGSAVE comparison; growth: the log-growth scenario
launch() {  # launch cairn|redis LOGNAME: starts the server on $work/data, does not wait
    if [ "$1" = cairn ]; then
        local extra=(--auto-aof-rewrite-percentage 0)
        [ "$mode" = growth ] && extra=()
        "$cairn" --port "$port" --dir "$work/data" --appendfsync everysec --save '' "${extra[@]}" \
            >>"$tmp/logs/$2.log" 2>&1 &
    else
        local aof=no
        [ "$mode" = growth ] && aof=yes
        redis-server --port "$port" --dir "$work/data" --appendonly "$aof" --appendfsync everysec --save '' \
            --daemonize no >>"$tmp/logs/$2.log" 2>&1 &
    fi
    server_pid=$!
}
start_fresh() {  # start_fresh cairn|redis LOGNAME
    work=$(mktemp -d "$tmp/server.XXXXXX")
    mkdir "$work/data"
    launch "$1" "$2"
    $helper ready "$port" 60 || { echo "$1 did not start:" >&2; cat "$tmp/logs/$2.log" >&2; exit 1; }
}
halt() {  # halt cairn|redis: stops the server, keeps its directory
    if [ "$1" = redis ]; then
        redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
    else
        kill -TERM "$server_pid"
    fi
    local rc=0
    wait "$server_pid" || rc=$?
    [ "$rc" -eq 0 ] || echo "warning: $1 (pid $server_pid) exited with status $rc" >&2
    server_pid=
}
dbsize() { redis-cli -p "$port" dbsize; }
restart_seconds=
timed_restart() {  # timed_restart cairn|redis LOGNAME: stop, start on the same directory, time to the first PONG
    halt "$1"
    rm -f "$tmp/ready" "$tmp/pong"
    $helper wait-pong "$port" "$tmp/ready" "$tmp/pong" &
    poller_pid=$!
    while [ ! -e "$tmp/ready" ]; do sleep 0.01; done
    local t0=$EPOCHREALTIME
    launch "$1" "$2"
    wait "$poller_pid"
    poller_pid=
    restart_seconds=$(awk -v a="$t0" -v b="$(cat "$tmp/pong")" 'BEGIN { printf "%.3f", b - a }')
    local keys
    keys=$(dbsize)
    echo "  $1 restarted in $restart_seconds s with $keys keys"
    if [ "$mode" = snapshot ] && [ "$keys" != "$expected_keys" ]; then
        echo "error: $1 has $keys keys after the restart, expected $expected_keys" >&2
        exit 1
    fi
}
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$server_pid/status"; }
info_field() { redis-cli -p "$port" info "$1" | tr -d '\r' | awk -F: -v k="$2" '$1 == k { print $2 }'; }
emit() { $helper emit "$1"; }

emit "$(printf '{"kind":"meta","date":"%s","redis_version":"%s","strings":%d,"hashes":%d,"restarts":%d,"description":"%s"}' \
    "$(date -u +%Y-%m-%dT%H:%MZ)" "$(redis-server --version | sed -E 's/.*v=([^ ]+).*/\1/')" \
    "$SNAPSHOT_KEYS" "$SNAPSHOT_HASHES" "$runs" \
    "$(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo) RAM, $(uname -r), data on $(stat -f -c %T "$bench_dir"), load average at the start $(cut -d' ' -f1-3 /proc/loadavg); cairn: $cairn; appendfsync everysec on both")"

for flavour in x random; do
    echo "== dataset: $flavour values"
    $helper gen "$flavour" "$tmp/data.resp"
    ls -l "$tmp/data.resp" | awk '{ printf "  RESP file %.1f MB\n", $5 / 1e6 }'
    for server in cairn redis; do
        mode=snapshot
        logname=$server-$flavour
        start_fresh "$server" "$logname"
        t0=$EPOCHREALTIME
        out=$(redis-cli -p "$port" --pipe <"$tmp/data.resp")
        t1=$EPOCHREALTIME
        grep -q 'errors: 0,' <<<"$out" || { echo "$server: redis-cli --pipe: $out" >&2; exit 1; }
        sleep 2  # appendfsync everysec, allocator settles
        keys=$(dbsize)
        [ "$keys" = "$expected_keys" ] || { echo "$server has $keys keys, expected $expected_keys" >&2; exit 1; }
        emit "$(printf '{"kind":"load","server":"%s","flavour":"%s","keys":%d,"rss_kb":%d,"seconds":%s}' \
            "$server" "$flavour" "$keys" "$(rss_kb)" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')")"
        echo "  $server loaded $keys keys in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s, VmRSS $(rss_kb) kB"
        $helper idle "$server" "$flavour" "$port" "$server_pid" 3 >/dev/null
        if [ "$server" = cairn ]; then  # restart from the log alone: never snapshotted
            for run in $(seq "$runs"); do
                timed_restart cairn "$logname"
                emit "{\"kind\":\"restart-log\",\"server\":\"cairn\",\"flavour\":\"$flavour\",\"seconds\":$restart_seconds}"
            done
        fi
        for run in $(seq "$runs"); do
            $helper bgsave "$server" "$flavour" "$port" "$server_pid" "$work/data" "$run" \
                | python3 -c 'import json,sys; r=json.loads(sys.stdin.read()); print("  BGSAVE %(run)d: %(seconds).3f s, file %(file_bytes)d B, max RTT %(max_us)s us, p99 %(p99_us)s us, RSS +%(rss_delta_kb)d kB, child dirty %(child_private_dirty_max_kb)d kB, fork %(latest_fork_usec)d us, longest step %(cairn_rewrite_longest_step_us)d us" % r)'
        done
        sleep 1.5  # the log's last fsync (everysec) before the stop
        for run in $(seq "$runs"); do
            timed_restart "$server" "$logname"
            emit "{\"kind\":\"restart-snapshot\",\"server\":\"$server\",\"flavour\":\"$flavour\",\"seconds\":$restart_seconds}"
        done
        ls -la "$work/data" | sed 's/^/    /'
        stop_server
    done
    rm -f "$tmp/data.resp"
done

if [ "$growth" = 1 ]; then
    echo "== log growth: 2,000,000 SETs over 1,000 keys, default automatic rewrites"
    mode=growth
    for server in cairn redis; do
        logname=$server-growth
        start_fresh "$server" "$logname"
        rps=$(redis-benchmark -p "$port" -q -t set -n 2000000 -r 1000 -d 100 -P 16 | tr '\r' '\n' \
            | grep 'requests per second' | tail -1 | sed -E 's/^SET: ([0-9.]+) requests per second.*/\1/')
        for _ in $(seq 6000); do  # a rewrite still running or scheduled finishes first
            [ "$(info_field persistence aof_rewrite_in_progress)" = 0 ] \
                && [ "$(info_field persistence rdb_bgsave_in_progress)" = 0 ] \
                && [ "$(info_field persistence aof_rewrite_scheduled)" = 0 ] && break
            sleep 0.1
        done
        sleep 2  # everysec
        rewrites=$(info_field persistence aof_rewrites)
        step=$(info_field persistence cairn_rewrite_longest_step_us)
        if [ "$server" = cairn ]; then log_bytes=$(info_field persistence cairn_log_bytes)
        else log_bytes=$(info_field persistence aof_current_size); fi
        dir_bytes=$(du -sb "$work/data" | cut -f1)
        keys=$(dbsize)
        echo "  $server: $rps SET/s, $rewrites rewrites, data directory $dir_bytes bytes, $keys keys"
        ls -la "$work/data" | sed 's/^/    /'
        [ -d "$work/data/appendonlydir" ] && ls -la "$work/data/appendonlydir" | sed 's/^/    /'
        restarts=()
        for run in $(seq "$runs"); do
            timed_restart "$server" "$logname"
            restarts+=("$restart_seconds")
        done
        emit "$(printf '{"kind":"growth","server":"%s","rps":%s,"aof_rewrites":%s,"dir_bytes":%d,"keys":%d,"cairn_rewrite_longest_step_us":%s,"log_bytes":%s,"restarts":[%s]}' \
            "$server" "${rps:-0}" "${rewrites:-0}" "$dir_bytes" "$keys" "${step:-null}" "${log_bytes:-null}" "$(IFS=,; echo "${restarts[*]}")")"
        stop_server
    done
fi

echo "== server output: lines mentioning errors or warnings"
grep -i -E 'error|warn|fatal|panic|crash' "$tmp"/logs/cairn-*.log | grep -v 'ignored' | head -20 || echo "  (none from cairn-server)"
emit "{\"kind\":\"meta-end\",\"loadavg\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}"
result=Benchmarks/results/snapshot-$stamp
cp "$SNAPSHOT_RESULTS" "$result.jsonl"
echo
$helper report "$SNAPSHOT_RESULTS" "$result.md" "$result.csv"
echo "wrote $result.md, $result.csv and $result.jsonl"
