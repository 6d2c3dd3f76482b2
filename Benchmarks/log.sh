#!/usr/bin/env bash
# Log benchmarks (release build): the disk's raw fdatasync rate, recovery
# speed (records replayed per second; target >= 1M/s), and durable SETs per
# second under each fsync policy, then redis-server 7 with
# `appendonly yes appendfsync always` on the same disk for context.
# Usage: Benchmarks/log.sh [SYNCS] [RECORDS] [ALWAYS_WRITES] [OTHER_WRITES] [REDIS_REQUESTS]
# Files go under $CAIRN_BENCH_DIR (default .build/cairn-bench-tmp: a disk,
# not tmpfs, where a sync would be free). Needs redis-server, redis-cli and
# redis-benchmark (apt-get install redis-server redis-tools).
set -euo pipefail
cd "$(dirname "$0")/.."
syncs=${1:-2000}
records=${2:-1000000}
always_writes=${3:-2000}
other_writes=${4:-100000}
redis_requests=${5:-20000}
port=${REDIS_BENCH_PORT:-16391}
bench_dir=${CAIRN_BENCH_DIR:-$PWD/.build/cairn-bench-tmp}
mkdir -p "$bench_dir"
fs_type=$(stat -f -c %T "$bench_dir")
case "$fs_type" in
    tmpfs|ramfs) echo "$bench_dir is on $fs_type (syncs are free there): set CAIRN_BENCH_DIR" >&2; exit 1 ;;
esac
export CAIRN_BENCH_DIR=$bench_dir

swift build -c release --product cairn-bench >/dev/null
echo "== cairn (release, single thread) in $bench_dir"
.build/release/cairn-bench fdatasync "$syncs"
.build/release/cairn-bench recovery "$records"
.build/release/cairn-bench durable-writes "$always_writes" "$other_writes"
.build/release/cairn-bench group-commit 3

redis_dir=$(mktemp -d "$bench_dir/redis.XXXXXX")
redis_pid=
stop_redis() {
    if [ -n "$redis_pid" ]; then
        redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
        wait "$redis_pid" 2>/dev/null || true
        redis_pid=
    fi
    rm -rf "$redis_dir"
}
trap stop_redis EXIT
redis-server --port "$port" --dir "$redis_dir" --save '' --appendonly yes --appendfsync always \
    --daemonize no >/dev/null &
redis_pid=$!
for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
redis-cli -p "$port" ping >/dev/null 2>&1 || { echo "redis-server did not start" >&2; exit 1; }

echo "== redis-server $(redis-server --version | awk '{print $3}') (appendonly yes, appendfsync always) in $redis_dir"
for clients in 1 8 64; do
    redis-benchmark -p "$port" -q -t set -n "$redis_requests" -c "$clients" | tr '\r' '\n' \
        | grep 'requests per second' | sed "s/^/redis (redis-benchmark -c $clients) /"
done
