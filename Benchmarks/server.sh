#!/usr/bin/env bash
# cairn-server next to redis-server 7 with redis-benchmark, in one run:
# SET and GET, 50 clients, 100-byte values, without pipelining (-P 1) and
# with -P 16, under appendfsync always and everysec on both servers (redis
# with appendonly yes). Prints one line per (server, policy, pipeline, test)
# and the cairn/redis ratio. Both servers keep their data on the same disk,
# under $CAIRN_BENCH_DIR (default .build/cairn-bench-tmp).
# Usage: Benchmarks/server.sh [REQUESTS]   (default 100000)
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${1:-100000}
port=${BENCH_PORT:-16400}
bench_dir=${CAIRN_BENCH_DIR:-$PWD/.build/cairn-bench-tmp}
mkdir -p "$bench_dir"
case "$(stat -f -c %T "$bench_dir")" in
    tmpfs|ramfs) echo "$bench_dir is on tmpfs (syncs are free there): set CAIRN_BENCH_DIR" >&2; exit 1 ;;
esac
command -v redis-server >/dev/null || { echo "needs redis-server (apt-get install redis-server)" >&2; exit 1; }
command -v redis-benchmark >/dev/null || { echo "needs redis-benchmark (apt-get install redis-tools)" >&2; exit 1; }
swift build -c release --product cairn-server >/dev/null

# shellcheck source=server-lib.sh
. Benchmarks/server-lib.sh  # (the working directory is the repository root)

start_server() {  # start_server cairn|redis POLICY
    work=$(mktemp -d "$bench_dir/server.XXXXXX")
    if [ "$1" = cairn ]; then
        .build/release/cairn-server --port "$port" --dir "$work" --appendfsync "$2" --save '' >"$work/log" 2>&1 &
    else
        redis-server --port "$port" --dir "$work" --appendonly yes --appendfsync "$2" --save '' \
            --daemonize no >"$work/log" 2>&1 &
    fi
    server_pid=$!
    for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && return 0; sleep 0.1; done
    echo "$1 did not start:" >&2; cat "$work/log" >&2; exit 1
}

declare -A rate
for policy in always everysec; do
    for server in cairn redis; do
        start_server "$server" "$policy"
        for pipeline in 1 16; do
            out=$(redis-benchmark -p "$port" -q -t set,get -n "$requests" -c 50 -d 100 -P "$pipeline" | tr '\r' '\n' \
                | grep 'requests per second')
            for test in SET GET; do
                value=$(grep "^$test:" <<<"$out" | sed -E 's/^[A-Z]+: ([0-9.]+) requests per second.*/\1/')
                rate[$server.$policy.$pipeline.$test]=$value
                printf '%-6s appendfsync %-8s -P %-2s %-3s %12s req/s\n' "$server" "$policy" "$pipeline" "$test" "$value"
            done
        done
        stop_server
    done
done
echo "== cairn / redis"
for policy in always everysec; do
    for pipeline in 1 16; do
        for test in SET GET; do
            awk -v c="${rate[cairn.$policy.$pipeline.$test]}" -v r="${rate[redis.$policy.$pipeline.$test]}" \
                -v label="appendfsync $policy -P $pipeline $test" 'BEGIN { printf "%-34s %.2f\n", label, c / r }'
        done
    done
done
