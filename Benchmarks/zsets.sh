#!/usr/bin/env bash
# Sorted-set benchmark: one sorted set of MEMBERS members in Cairn's engine
# (release, in-process: `cairn-bench zsets`) and in redis-server 7 (Debian's
# package) loaded with the same members and scores in the same run, then the
# cairn/redis ratios. Usage: Benchmarks/zsets.sh [MEMBERS]   (default 1000000)
# Needs redis-server and redis-cli (apt-get install redis-server redis-tools).
# CAIRN_BUILD_PATH picks the SwiftPM build directory (default .build);
# REDIS_BENCH_PORT the port of the private redis-server (default 16391).
#
# What is measured, and how the two sides differ:
# - memory: RSS growth of the process while the set is loaded, per member
#   (both sides; Cairn's includes nothing but the engine, redis-server's its
#   query buffers, which are back to their idle size after the load).
# - Cairn ops/s: single-threaded calls of Engine.execute(argv) -> Reply in
#   one process: command dispatch and the data structure, no network, no
#   RESP parsing or encoding.
# - redis "server" ops/s: 1e6 / usec_per_call from INFO commandstats, the time
#   redis-server spends inside the command (call()): the closest match to the
#   in-process numbers (no network, no parsing, no reply writing to the socket).
# - redis "pipelined" ops/s: the same commands sent by `redis-cli --pipe` over
#   loopback (all in flight at once), timed end to end: includes RESP parsing,
#   reply encoding, the socket and redis-cli itself.
# The members ("member:%08d"), scores (the engine's xoshiro256** seeded with 7,
# score = (next % 1000000) / 10) and the random ZRANK members and ZRANGE lower
# bounds are the ones cairn-bench draws, in the same order.
set -euo pipefail
cd "$(dirname "$0")/.."
members=${1:-1000000}
port=${REDIS_BENCH_PORT:-16391}
build_path=${CAIRN_BUILD_PATH:-.build}
work=$(mktemp -d)
redis_pid=
cleanup() {
    if [ -n "$redis_pid" ]; then redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true; wait "$redis_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

swift build -c release --build-path "$build_path" --product cairn-bench >/dev/null
echo "== cairn (release, in-process, single thread: Engine.execute per command)"
"$build_path/release/cairn-bench" zsets "$members" | tee "$work/cairn.tsv"

echo "== redis-server $(redis-server --version | awk '{print $3}') on the same data (port $port)"
redis-server --port "$port" --save '' --appendonly no --daemonize no >/dev/null &
redis_pid=$!
for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
redis-cli -p "$port" ping >/dev/null

python3 - "$members" "$port" "$redis_pid" "$work" <<'PY' | tee "$work/redis.tsv"
import subprocess, sys, time

members, port, pid, work = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
MASK = (1 << 64) - 1

class RandomSource:
    """Cairn's RandomSource: xoshiro256** seeded through splitmix64."""
    def __init__(self, seed):
        state, mixer = [], seed
        for _ in range(4):
            mixer = (mixer + 0x9E3779B97F4A7C15) & MASK
            z = mixer
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
            state.append(z ^ (z >> 31))
        self.s = state

    def next(self):
        s0, s1, s2, s3 = self.s
        x = (s1 * 5) & MASK
        result = ((((x << 7) | (x >> 57)) & MASK) * 9) & MASK
        t = (s1 << 17) & MASK
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t
        s3 = ((s3 << 45) | (s3 >> 19)) & MASK
        self.s = [s0, s1, s2, s3]
        return result

    def score(self):
        # Swift's Double description and Python's repr agree for these values.
        return repr((self.next() % 1000000) / 10)

def command(*words):
    parts = ["*%d\r\n" % len(words)]
    for word in words:
        parts.append("$%d\r\n%s\r\n" % (len(word), word))
    return "".join(parts)

random = RandomSource(7)
names = ["member:%08d" % i for i in range(members)]
scores = [random.score() for _ in range(members)]
lookups = min(members, 200000)
with open(work + "/load.resp", "w") as out:
    out.writelines(command("ZADD", "zset", scores[i], names[i]) for i in range(members))
with open(work + "/zrank.resp", "w") as out:
    out.writelines(command("ZRANK", "zset", names[random.next() % members]) for _ in range(lookups))
with open(work + "/zrange.resp", "w") as out:
    out.writelines(command("ZRANGE", "zset", random.score(), "+inf", "BYSCORE", "LIMIT", "0", "10") for _ in range(lookups))

def rss():
    with open("/proc/%d/status" % pid) as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024

def cli(*args):
    return subprocess.run(["redis-cli", "-p", port] + list(args), check=True, capture_output=True, text=True).stdout

def pipe(name):
    """Sends a command file through redis-cli --pipe; returns (seconds, usec_per_call)."""
    cli("config", "resetstat")
    with open("%s/%s.resp" % (work, name)) as source:
        start = time.perf_counter()
        result = subprocess.run(["redis-cli", "-p", port, "--pipe"], stdin=source, check=True, capture_output=True, text=True)
        elapsed = time.perf_counter() - start
    if "errors: 0" not in result.stdout:
        sys.exit("redis-cli --pipe reported errors: " + result.stdout)
    usec = None
    for line in cli("info", "commandstats").splitlines():
        if line.startswith("cmdstat_%s:" % ("zadd" if name == "load" else name)):
            usec = float(line.split("usec_per_call=")[1].split(",")[0])
    return elapsed, usec

def report(name, value, unit):
    print("%s\t%.1f\t%s" % (name, value, unit), flush=True)

before = rss()
load_seconds, zadd_usec = pipe("load")
after = rss()
assert cli("zcard", "zset").strip() == str(members)
used = [line for line in cli("info", "memory").splitlines() if line.startswith("used_memory:")]
report("redis.zsets.bytes_per_member", (after - before) / members, "B")
zrank_seconds, zrank_usec = pipe("zrank")
zrange_seconds, zrange_usec = pipe("zrange")
report("redis.zsets.zadd_server_ops_per_sec", 1e6 / zadd_usec, "ops/s")
report("redis.zsets.zrank_server_ops_per_sec", 1e6 / zrank_usec, "ops/s")
report("redis.zsets.zrange_byscore_limit10_server_ops_per_sec", 1e6 / zrange_usec, "ops/s")
report("redis.zsets.zadd_pipelined_ops_per_sec", members / load_seconds, "ops/s")
report("redis.zsets.zrank_pipelined_ops_per_sec", lookups / zrank_seconds, "ops/s")
report("redis.zsets.zrange_byscore_limit10_pipelined_ops_per_sec", lookups / zrange_seconds, "ops/s")
PY

echo "== ratios (cairn / redis; memory: lower is better, ops/s: higher is better)"
python3 - "$work/cairn.tsv" "$work/redis.tsv" <<'PY'
import sys
values = {}
for path in sys.argv[1:]:
    for line in open(path):
        name, value, _ = line.rstrip("\n").split("\t")
        values[name] = float(value)
def ratio(label, cairn, redis):
    print("%-72s %.2f" % (label, values[cairn] / values[redis]))
ratio("memory per member", "zsets.bytes_per_member", "redis.zsets.bytes_per_member")
for op, name in [("ZADD", "zadd"), ("ZRANK", "zrank"), ("ZRANGE BYSCORE LIMIT 0 10", "zrange_byscore_limit10")]:
    ratio("%s ops/s vs redis in-command time (commandstats)" % op, "zsets.%s_ops_per_sec" % name, "redis.zsets.%s_server_ops_per_sec" % name)
    ratio("%s ops/s vs redis pipelined over loopback" % op, "zsets.%s_ops_per_sec" % name, "redis.zsets.%s_pipelined_ops_per_sec" % name)
PY
