#!/usr/bin/env bash
# Foundation benchmarks: memory per key and in-process ops/s of the Cairn
# engine, next to redis-server 7 (Debian's package) loaded with the same data
# in the same run. Usage: Benchmarks/foundation.sh [KEYS] [HASHES] [LIST_ELEMENTS]
# Needs redis-server and redis-cli (apt-get install redis-server redis-tools).
set -euo pipefail
cd "$(dirname "$0")/.."
keys=${1:-1000000}
hashes=${2:-100000}
list_elements=${3:-1000000}
port=${REDIS_BENCH_PORT:-16390}

swift build -c release --product cairn-bench >/dev/null
echo "== cairn (release, in-process, single thread)"
.build/release/cairn-bench strings "$keys" | tee /tmp/cairn-bench-strings.tsv
.build/release/cairn-bench hashes "$hashes" | tee /tmp/cairn-bench-hashes.tsv
.build/release/cairn-bench lists "$list_elements" | tee /tmp/cairn-bench-lists.tsv
.build/release/cairn-bench sets "$hashes" | tee /tmp/cairn-bench-sets.tsv

rss_of() { awk '/VmRSS/ {print $2 * 1024}' "/proc/$1/status"; }
start_redis() {
    redis-server --port "$port" --save '' --appendonly no --daemonize no >/dev/null &
    redis_pid=$!
    for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && return; sleep 0.1; done
    echo "redis-server did not start" >&2; exit 1
}
stop_redis() { redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true; wait "$redis_pid" 2>/dev/null || true; }
# ops/s of one command inside redis-server: 1e6 / usec_per_call from INFO
# commandstats (the time in call(), no network or parsing), the closest
# match to cairn-bench's in-process numbers (as Benchmarks/zsets.sh).
redis_rate() {
    redis-cli -p "$port" info commandstats | tr -d '\r' \
        | awk -F'[:,=]' -v name="cmdstat_$1" '$1 == name { for (i = 2; i < NF; i++) if ($i == "usec_per_call") printf "%.0f", 1000000 / $(i + 1) }'
}
# Sends N copies of one command (all in flight) through redis-cli --pipe
# and prints the end-to-end rate (loopback, parsing and replies included;
# the frames are generated before the clock starts).
redis_repeat() {  # redis_repeat N WORD...
    local frames="$work_dir/frames"
    python3 - "$@" >"$frames" <<'PY'
import sys
n = int(sys.argv[1]); words = sys.argv[2:]
frame = "*%d\r\n" % len(words) + "".join("$%d\r\n%s\r\n" % (len(w), w) for w in words)
sys.stdout.write(frame * n)
PY
    local start end
    start=$(date +%s.%N)
    redis-cli -p "$port" --pipe <"$frames" >/dev/null
    end=$(date +%s.%N)
    python3 -c "print('%.0f' % ($1 / ($end - $start)))"
}
work_dir=$(mktemp -d)
trap 'rm -rf "$work_dir"' EXIT

echo "== redis-server $(redis-server --version | awk '{print $3}') on the same data"
start_redis
before=$(rss_of "$redis_pid")
python3 - "$keys" <<'PY' | redis-cli -p "$port" --pipe >/dev/null
import sys
n = int(sys.argv[1]); value = "x" * 100; out = sys.stdout
for i in range(n):
    key = "key:%08d" % i
    out.write("*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$100\r\n%s\r\n" % (len(key), key, value))
PY
after=$(rss_of "$redis_pid")
redis_strings=$(( (after - before) / keys ))
echo "redis.strings.bytes_per_key	$redis_strings	B"
redis-benchmark -p "$port" -q -n 1000000 -r 1000000 -d 100 -P 64 -t set,get | tr '\r' '\n' | grep 'requests per second' | sed 's/^/redis (redis-benchmark -P 64, loopback) /'
stop_redis

start_redis
before=$(rss_of "$redis_pid")
python3 - "$hashes" <<'PY' | redis-cli -p "$port" --pipe >/dev/null
import sys
n = int(sys.argv[1]); value = "v" * 10; out = sys.stdout
for i in range(n):
    key = "hash:%08d" % i
    for f in range(10):
        field = "field%d" % f
        out.write("*4\r\n$4\r\nHSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n$10\r\n%s\r\n" % (len(key), key, len(field), field, value))
PY
after=$(rss_of "$redis_pid")
redis_hashes=$(( (after - before) / hashes ))
echo "redis.hashes.bytes_per_hash	$redis_hashes	B"
stop_redis

# Lists: one queue of LIST_ELEMENTS 9-byte elements, then LIST_ELEMENTS/10
# lists of ten 10-byte elements (cairn-bench lists).
start_redis
before=$(rss_of "$redis_pid")
python3 - "$list_elements" <<'PY' | redis-cli -p "$port" --pipe >/dev/null
import sys
n = int(sys.argv[1]); out = sys.stdout
for i in range(n):
    out.write("*3\r\n$5\r\nRPUSH\r\n$5\r\nqueue\r\n$9\r\nv%08d\r\n" % i)
PY
after=$(rss_of "$redis_pid")
redis_queue=$(python3 -c "print(($after - $before) / $list_elements)")
echo "redis.lists.queue_bytes_per_element	$redis_queue	B"
echo "redis.lists.queue_lpop_pipelined_ops_per_sec	$(redis_repeat "$list_elements" LPOP queue)	ops/s"
echo "redis.lists.queue_lpush_pipelined_ops_per_sec	$(redis_repeat "$list_elements" LPUSH queue v00000000)	ops/s"
echo "redis.lists.queue_rpop_pipelined_ops_per_sec	$(redis_repeat "$list_elements" RPOP queue)	ops/s"
for command in rpush lpop lpush rpop; do
    rate=$(redis_rate "$command")
    printf -v "redis_queue_$command" '%s' "$rate"
    echo "redis.lists.queue_${command}_server_ops_per_sec	$rate	ops/s"
done
redis-cli -p "$port" del queue >/dev/null
before=$(rss_of "$redis_pid")
python3 - "$list_elements" <<'PY' | redis-cli -p "$port" --pipe >/dev/null
import sys
n = max(1, int(sys.argv[1]) // 10); value = "v" * 10; out = sys.stdout
for i in range(n):
    key = "list:%08d" % i
    for _ in range(10):
        out.write("*3\r\n$5\r\nRPUSH\r\n$%d\r\n%s\r\n$10\r\n%s\r\n" % (len(key), key, value))
PY
after=$(rss_of "$redis_pid")
redis_small=$(( (after - before) / (list_elements / 10) ))
echo "redis.lists.small_bytes_per_list	$redis_small	B"
stop_redis
# Sets: the same shapes as cairn-bench sets (10 string members, then 10 integers).
start_redis
before=$(rss_of "$redis_pid")
python3 - "$hashes" <<'PY' | redis-cli -p "$port" --pipe >/dev/null
import sys
n = int(sys.argv[1]); out = sys.stdout
for i in range(n):
    key = "set:%08d" % i
    for m in range(10):
        member = "member%d" % m
        out.write("*3\r\n$4\r\nSADD\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(key), key, len(member), member))
PY
middle=$(rss_of "$redis_pid")
echo "redis.sets.sismember_pipelined_ops_per_sec	$(redis_repeat "$hashes" SISMEMBER set:00000042 member7)	ops/s"
redis_sadd=$(redis_rate sadd)
redis_sismember=$(redis_rate sismember)
echo "redis.sets.sadd_server_ops_per_sec	$redis_sadd	ops/s"
echo "redis.sets.sismember_server_ops_per_sec	$redis_sismember	ops/s"
python3 - "$hashes" <<'PY' | redis-cli -p "$port" --pipe >/dev/null
import sys
n = int(sys.argv[1]); out = sys.stdout
for i in range(n):
    key = "iset:%08d" % i
    for m in range(10):
        member = str(m * 1000)
        out.write("*3\r\n$4\r\nSADD\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(key), key, len(member), member))
PY
after=$(rss_of "$redis_pid")
redis_sets=$(( (middle - before) / hashes ))
redis_intsets=$(( (after - middle) / hashes ))
echo "redis.sets.bytes_per_set	$redis_sets	B"
echo "redis.sets.intset_bytes_per_set	$redis_intsets	B"
stop_redis

cairn_strings=$(awk '$1=="strings.bytes_per_key" {print $2}' /tmp/cairn-bench-strings.tsv)
cairn_hashes=$(awk '$1=="hashes.bytes_per_hash" {print $2}' /tmp/cairn-bench-hashes.tsv)
cairn_sets=$(awk '$1=="sets.bytes_per_set" {print $2}' /tmp/cairn-bench-sets.tsv)
cairn_intsets=$(awk '$1=="sets.intset_bytes_per_set" {print $2}' /tmp/cairn-bench-sets.tsv)
echo "== ratios (cairn / redis; lower is better for memory)"
cairn_queue=$(awk '$1=="lists.queue_bytes_per_element" {print $2}' /tmp/cairn-bench-lists.tsv)
cairn_small=$(awk '$1=="lists.small_bytes_per_list" {print $2}' /tmp/cairn-bench-lists.tsv)
python3 -c "print('memory per string key: %.2f' % ($cairn_strings / $redis_strings)); print('memory per hash: %.2f' % ($cairn_hashes / $redis_hashes)); print('memory per set: %.2f' % ($cairn_sets / $redis_sets)); print('memory per intset: %.2f' % ($cairn_intsets / $redis_intsets))"
python3 -c "print('memory per queue element: %.2f' % ($cairn_queue / $redis_queue)); print('memory per small list: %.2f' % ($cairn_small / $redis_small))"
echo "== ops/s ratios (cairn in-process / redis in-command time; higher is better)"
echo "   (redis's in-command time leaves out lookup, argument handling and the reply,"
echo "    which Cairn's in-process numbers include: a lower bound for the ratio)"
for pair in "rpush lists.queue_rpush_ops_per_sec" "lpop lists.queue_lpop_ops_per_sec" \
            "lpush lists.queue_lpush_ops_per_sec" "rpop lists.queue_rpop_ops_per_sec"; do
    set -- $pair
    cairn=$(awk -v k="$2" '$1 == k {print $2}' /tmp/cairn-bench-lists.tsv)
    redis_var="redis_queue_$1"
    python3 -c "print('queue %s: %.2f' % ('$1'.upper(), $cairn / ${!redis_var}))"
done
cairn_sadd=$(awk '$1=="sets.sadd_ops_per_sec" {print $2}' /tmp/cairn-bench-sets.tsv)
cairn_sismember=$(awk '$1=="sets.sismember_ops_per_sec" {print $2}' /tmp/cairn-bench-sets.tsv)
python3 -c "print('sets SADD: %.2f' % ($cairn_sadd / $redis_sadd)); print('sets SISMEMBER: %.2f' % ($cairn_sismember / $redis_sismember))"
