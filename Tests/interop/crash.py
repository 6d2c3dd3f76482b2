"""Crash durability check for Tests/interop/run.sh.

  crash.py write --pid PID --writers N --kill-after SECONDS --out FILE
      N threads, each on its own connection, INCR a shared counter (and a
      counter of their own, whose value n then goes into a list of their own
      with RPUSH, a set with SADD and a sorted set with ZADD) one command at
      a time, recording every value the server acknowledged. After SECONDS the server gets SIGKILL; the writers
      stop at their first connection error and FILE gets what they saw.

  crash.py check --in FILE
      Against the restarted server: under appendfsync always an acknowledged
      write is on disk, so the shared counter must be >= every value any writer
      saw acknowledged (and > 0), each writer's own counter >= its acknowledged
      count, and neither may exceed acknowledged + one in-flight command per
      writer (no write appears that no client sent); each writer's list must
      be exactly 1..n with n >= its acknowledged pushes (no hole, no
      reordering), and its set and sorted set hold at least the acknowledged
      members, each sorted-set member with its score.

Host and port come from INTEROP_HOST / INTEROP_PORT.
"""
import argparse
import json
import os
import signal
import sys
import threading
import time

import redis

HOST = os.environ.get("INTEROP_HOST", "127.0.0.1")
PORT = int(os.environ.get("INTEROP_PORT", "6379"))
COUNTER = "crash:counter"


def writer_key(index):
    return "crash:writer:%d" % index


def collection_keys(index):
    return ["crash:%s:%d" % (kind, index) for kind in ("list", "set", "zset")]


def write(args):
    stop = threading.Event()
    results = [None] * args.writers

    def run(index):
        client = redis.Redis(host=HOST, port=PORT, socket_timeout=10)
        highest, acked_shared, acked_own, error = 0, 0, 0, None
        acked_list, acked_set, acked_zset = 0, 0, 0
        list_key, set_key, zset_key = collection_keys(index)
        try:
            client.ping()
            ready.wait()
            while not stop.is_set():
                value = client.incr(COUNTER)
                acked_shared += 1
                highest = max(highest, value)
                own = client.incr(writer_key(index))
                acked_own = max(acked_own, own)
                acked_list = client.rpush(list_key, own)
                acked_set += client.sadd(set_key, own)
                acked_zset += client.zadd(zset_key, {"m%d" % own: own})
        except (redis.ConnectionError, redis.TimeoutError, OSError) as e:
            error = "%s: %s" % (type(e).__name__, e)
        except Exception as e:  # a wrong reply is a failure, not a crash symptom
            error = "UNEXPECTED %s: %s" % (type(e).__name__, e)
        results[index] = {
            "highest": highest,
            "acked_shared": acked_shared,
            "acked_own": acked_own,
            "acked_list": acked_list,
            "acked_set": acked_set,
            "acked_zset": acked_zset,
            "error": error,
            "error_time": time.monotonic(),
        }

    ready = threading.Event()
    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(args.writers)]
    for t in threads:
        t.start()
    ready.set()
    time.sleep(args.kill_after)
    kill_time = time.monotonic()
    os.kill(args.pid, signal.SIGKILL)
    for t in threads:
        t.join(timeout=20)
    stop.set()
    if any(t.is_alive() for t in threads):
        print("a writer did not notice the server died within 20 s", file=sys.stderr)
        return 1
    problems = []
    for i, r in enumerate(results):
        print("writer %d: highest acknowledged %d, %d shared INCRs acknowledged, own counter %d, ended by %s"
              % (i, r["highest"], r["acked_shared"], r["acked_own"], r["error"]))
        if r["error"] is None or r["error"].startswith("UNEXPECTED"):
            problems.append("writer %d ended by %s" % (i, r["error"]))
        elif r["error_time"] < kill_time:
            problems.append("writer %d failed before the kill: %s" % (i, r["error"]))
    with open(args.out, "w") as f:
        json.dump({"writers": results}, f)
    if problems:
        print("; ".join(problems), file=sys.stderr)
        return 1
    return 0


def check(args):
    with open(args.input) as f:
        writers = json.load(f)["writers"]
    client = redis.Redis(host=HOST, port=PORT, socket_timeout=10)
    counter = int(client.get(COUNTER) or 0)
    highest = max(w["highest"] for w in writers)
    acked = sum(w["acked_shared"] for w in writers)
    in_flight = len(writers)
    print("after restart: %s = %d; highest acknowledged %d; %d acknowledged INCRs by %d writers"
          % (COUNTER, counter, highest, acked, len(writers)))
    failures = []
    if acked == 0:
        failures.append("no INCR was acknowledged before the kill")
    if counter <= 0:
        failures.append("%s is %d after restart" % (COUNTER, counter))
    if counter < highest:
        failures.append("%s is %d after restart but %d was acknowledged" % (COUNTER, counter, highest))
    if counter > acked + in_flight:
        failures.append("%s is %d, more than %d acknowledged + %d in flight" % (COUNTER, counter, acked, in_flight))
    for i, w in enumerate(writers):
        own = int(client.get(writer_key(i)) or 0)
        if own < w["acked_own"]:
            failures.append("%s is %d after restart but %d was acknowledged" % (writer_key(i), own, w["acked_own"]))
        if own > w["acked_own"] + 1:
            failures.append("%s is %d, more than %d acknowledged + 1 in flight" % (writer_key(i), own, w["acked_own"]))
        list_key, set_key, zset_key = collection_keys(i)
        elements = [int(x) for x in client.lrange(list_key, 0, -1)]
        if len(elements) < w["acked_list"] or elements != list(range(1, len(elements) + 1)):
            failures.append("%s holds %d elements (%s...), %d pushes acknowledged"
                            % (list_key, len(elements), elements[:5], w["acked_list"]))
        members = client.smembers(set_key)
        if len(members) < w["acked_set"] or members != {str(n).encode() for n in range(1, len(members) + 1)}:
            failures.append("%s holds %d members, %d acknowledged" % (set_key, len(members), w["acked_set"]))
        scored = client.zrange(zset_key, 0, -1, withscores=True)
        if len(scored) < w["acked_zset"] or any(m != b"m%d" % s or s != n + 1 for n, (m, s) in enumerate(scored)):
            failures.append("%s holds %d members, %d acknowledged" % (zset_key, len(scored), w["acked_zset"]))
    client.delete(COUNTER, *[writer_key(i) for i in range(len(writers))],
                  *[k for i in range(len(writers)) for k in collection_keys(i)])
    if failures:
        print("; ".join(failures))
        return 1
    print("durable: every acknowledged INCR, RPUSH, SADD and ZADD survived kill -9")
    return 0


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="mode", required=True)
    w = sub.add_parser("write")
    w.add_argument("--pid", type=int, required=True)
    w.add_argument("--writers", type=int, default=4)
    w.add_argument("--kill-after", type=float, default=1.5)
    w.add_argument("--out", required=True)
    c = sub.add_parser("check")
    c.add_argument("--in", dest="input", required=True)
    args = parser.parse_args()
    return write(args) if args.mode == "write" else check(args)


if __name__ == "__main__":
    sys.exit(main())
