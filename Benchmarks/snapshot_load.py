#!/usr/bin/env python3
"""Helpers for Benchmarks/snapshot.sh (run it, not this).

  gen FLAVOUR OUT                     RESP file of the dataset (x or random values)
  ready PORT                          exit 0 once PING answers +PONG (a few seconds at most)
  wait-pong PORT READY_FILE OUT_FILE  poll PING every 1 ms until +PONG; write the epoch time
  info PORT SECTION FIELD...          print FIELD=value lines from INFO SECTION
  idle NAME FLAVOUR PORT PID SECONDS  latency probe with no save running -> JSONL record
  bgsave NAME FLAVOUR PORT PID DIR RUN  one measured BGSAVE -> JSONL record
  report JSONL MD CSV                 tables (stdout and MD) and CSV from the records

Records go to the JSONL file named by $SNAPSHOT_RESULTS (one JSON object per line).
Only the standard library: raw RESP over sockets keeps the probe's own cost low.
"""
import glob
import json
import multiprocessing
import os
import random
import socket
import statistics
import sys
import time
from array import array

KEYS = 1_000_000
HASHES = 100_000
FIELDS = 10
VALUE_BYTES = 100
FIELD_BYTES = 10
SEED = 20240601


# --- dataset -----------------------------------------------------------------

def bulk(b):
    return b"$%d\r\n%s\r\n" % (len(b), b)


def gen(flavour, out):
    keys = int(os.environ.get("SNAPSHOT_KEYS", KEYS))
    hashes = int(os.environ.get("SNAPSHOT_HASHES", HASHES))
    if flavour == "x":  # redis-benchmark's payload: 'x' repeated
        values = None
    else:  # seeded pseudo-random printable bytes (LZ4/LZF find little to compress)
        rng = random.Random(SEED)
        printable = bytes(range(33, 127))  # 94 printable characters, no space
        table = bytes(printable[i % len(printable)] for i in range(256))
        values = rng.randbytes(keys * VALUE_BYTES + hashes * FIELDS * FIELD_BYTES).translate(table)
    with open(out, "wb", buffering=1 << 22) as f:
        chunk = []
        xvalue = b"x" * VALUE_BYTES
        xfield = b"x" * FIELD_BYTES
        pos = 0
        for i in range(keys):
            if values is None:
                v = xvalue
            else:
                v = values[pos:pos + VALUE_BYTES]
                pos += VALUE_BYTES
            chunk.append(b"*3\r\n$3\r\nSET\r\n$12\r\nkey:%08d\r\n$100\r\n%s\r\n" % (i, v))
            if len(chunk) == 10000:
                f.write(b"".join(chunk))
                chunk.clear()
        for i in range(hashes):
            parts = [b"*%d\r\n$4\r\nHSET\r\n$13\r\nhash:%08d\r\n" % (2 + 2 * FIELDS, i)]
            for j in range(FIELDS):
                if values is None:
                    v = xfield
                else:
                    v = values[pos:pos + FIELD_BYTES]
                    pos += FIELD_BYTES
                parts.append(b"$2\r\nf%d\r\n$%d\r\n%s\r\n" % (j, FIELD_BYTES, v))
            chunk.append(b"".join(parts))
            if len(chunk) == 10000:
                f.write(b"".join(chunk))
                chunk.clear()
        f.write(b"".join(chunk))


# --- RESP over a socket --------------------------------------------------------

class Conn:
    def __init__(self, port, timeout=30.0):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def send(self, *args):
        out = [b"*%d\r\n" % len(args)]
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            out.append(bulk(a))
        self.s.sendall(b"".join(out))

    def _line(self):
        while True:
            i = self.buf.find(b"\r\n")
            if i >= 0:
                line, self.buf = self.buf[:i], self.buf[i + 2:]
                return line
            chunk = self.s.recv(1 << 16)
            if not chunk:
                raise ConnectionError("connection closed")
            self.buf += chunk

    def reply(self):
        line = self._line()
        kind, rest = line[:1], line[1:]
        if kind in (b"+", b":"):
            return rest
        if kind == b"-":
            return RuntimeError(rest.decode())
        if kind == b"$":
            n = int(rest)
            if n < 0:
                return None
            while len(self.buf) < n + 2:
                chunk = self.s.recv(1 << 16)
                if not chunk:
                    raise ConnectionError("connection closed")
                self.buf += chunk
            value, self.buf = self.buf[:n], self.buf[n + 2:]
            return value
        if kind == b"*":
            return [self.reply() for _ in range(int(rest))]
        raise ValueError(line)

    def call(self, *args):
        self.send(*args)
        return self.reply()

    def info(self, section):
        text = self.call("INFO", section).decode()
        return dict(l.split(":", 1) for l in text.splitlines() if ":" in l and not l.startswith("#"))

    def close(self):
        self.s.close()


def wait_ready(port, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            c = Conn(port, timeout=5)
            r = c.call("PING")
            c.close()
            if r == b"PONG":
                return True
        except OSError:
            pass
        time.sleep(0.005)
    return False


def wait_pong(port, ready_file, out_file):
    """Started before the server: polls every 1 ms and writes the epoch time of
    the first +PONG (a -LOADING reply is not one)."""
    open(ready_file, "w").close()
    ping = b"*1\r\n$4\r\nPING\r\n"
    deadline = time.time() + 600
    while time.time() < deadline:
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            try:
                while True:
                    s.sendall(ping)
                    r = s.recv(256)
                    if r.startswith(b"+PONG"):
                        t = time.time()
                        with open(out_file, "w") as f:
                            f.write("%.6f\n" % t)
                        return
                    if not r:
                        break
                    time.sleep(0.001)  # -LOADING: ask again on the same connection
            finally:
                s.close()
        except OSError:
            pass
        time.sleep(0.001)
    sys.exit("no PONG within 600 s")


# --- probe, samplers -----------------------------------------------------------

def probe(port, stop, results):
    """PING and GET key:<random> alternately on one connection, as fast as the
    server answers; records (send time, round trip) in ns."""
    c = Conn(port)
    rng = random.Random(7)
    keys = int(os.environ.get("SNAPSHOT_KEYS", KEYS))
    sent, rtts = array("q"), array("q")
    clock = time.perf_counter_ns
    ping = b"*1\r\n$4\r\nPING\r\n"
    n = 0
    while not stop.is_set():
        if n & 1:
            msg = b"*2\r\n$3\r\nGET\r\n$12\r\nkey:%08d\r\n" % rng.randrange(keys)
        else:
            msg = ping
        t0 = clock()
        c.s.sendall(msg)
        c.reply()
        t1 = clock()
        sent.append(t0)
        rtts.append(t1 - t0)
        n += 1
    c.close()
    results.send((sent.tobytes(), rtts.tobytes()))


def percentile(sorted_values, p):
    if not sorted_values:
        return 0
    k = min(len(sorted_values) - 1, max(0, int(round(p / 100.0 * (len(sorted_values) - 1)))))
    return sorted_values[k]


def latency_stats(sent, rtts, start_ns=None, end_ns=None):
    window = [r for t, r in zip(sent, rtts)
              if (start_ns is None or t + r >= start_ns) and (end_ns is None or t <= end_ns)]
    window.sort()
    us = lambda ns: round(ns / 1000.0, 1)
    seconds = ((end_ns or 0) - (start_ns or 0)) / 1e9 if start_ns and end_ns else 0
    over = sum(1 for r in window if r > 1_000_000)
    return {"requests": len(window), "over_1ms": over, "over_1ms_per_s": round(over / seconds, 1) if seconds else 0, "p50_us": us(percentile(window, 50)), "p99_us": us(percentile(window, 99)),
            "p999_us": us(percentile(window, 99.9)), "max_us": us(window[-1] if window else 0)}


def start_probe(port):
    ctx = multiprocessing.get_context("fork")
    stop = ctx.Event()
    parent, child = ctx.Pipe(duplex=False)
    p = ctx.Process(target=probe, args=(port, stop, child), daemon=True)
    p.start()
    return p, stop, parent


def finish_probe(p, stop, pipe):
    stop.set()
    sent, rtts = pipe.recv()
    p.join()
    a, b = array("q"), array("q")
    a.frombytes(sent)
    b.frombytes(rtts)
    return a, b


def status_kb(pid, field="VmRSS"):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def children(pid):
    out = []
    for path in glob.glob("/proc/%d/task/*/children" % pid):
        try:
            with open(path) as f:
                out += [int(x) for x in f.read().split()]
        except OSError:
            pass
    return out


def rollup_kb(pid):
    values = {}
    try:
        with open("/proc/%d/smaps_rollup" % pid) as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 2 and parts[0].endswith(":") and parts[1].isdigit():
                    values[parts[0][:-1]] = int(parts[1])
    except OSError:
        pass
    return values


def emit(record):
    with open(os.environ["SNAPSHOT_RESULTS"], "a") as f:
        f.write(json.dumps(record) + "\n")


def idle(name, flavour, port, pid, seconds):
    """The probe with the same sampling as during a BGSAVE (INFO every 10 ms,
    /proc reads) but no save: the baseline for the stall."""
    c = Conn(port)
    p, stop, pipe = start_probe(port)
    time.sleep(0.3)
    t_start = time.perf_counter_ns()
    deadline = time.time() + seconds
    while time.time() < deadline:
        status_kb(pid)
        for child in children(pid):
            rollup_kb(child)
        c.info("persistence")
        time.sleep(0.01)
    t_end = time.perf_counter_ns()
    sent, rtts = finish_probe(p, stop, pipe)
    c.close()
    record = {"kind": "idle", "server": name, "flavour": flavour, "rss_kb": status_kb(pid)}
    record.update(latency_stats(sent, rtts, t_start, t_end))
    emit(record)
    print(json.dumps(record))


def cpu_steal():
    """(steal, total) clock ticks of all CPUs so far (/proc/stat): time the
    hypervisor gave other guests, which stalls any thread here."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:9]]
    return fields[7], sum(fields)


def bgsave(name, flavour, port, pid, directory, run):
    c = Conn(port)
    for _ in range(3000):  # nothing else may be running
        i = c.info("persistence")
        if i.get("rdb_bgsave_in_progress") == "0" and i.get("aof_rewrite_in_progress") == "0":
            break
        time.sleep(0.01)
    p, stop, pipe = start_probe(port)
    time.sleep(0.3)  # the probe is connected and warm
    rss_before = status_kb(pid)
    rss_max = rss_before
    child_rss_max = child_dirty_max = 0
    child_seen = set()
    steal_before = cpu_steal()
    t_issue = time.perf_counter_ns()
    reply = c.call("BGSAVE")
    if isinstance(reply, Exception):
        finish_probe(p, stop, pipe)
        sys.exit("%s BGSAVE: %s" % (name, reply))
    polls = 0
    while True:
        rss_max = max(rss_max, status_kb(pid))
        for child in children(pid):
            child_seen.add(child)
            r = rollup_kb(child)
            child_rss_max = max(child_rss_max, r.get("Rss", 0))
            child_dirty_max = max(child_dirty_max, r.get("Private_Dirty", 0))
        polls += 1
        if c.info("persistence").get("rdb_bgsave_in_progress") == "0":
            break
        time.sleep(0.01)
    t_done = time.perf_counter_ns()
    steal_after = cpu_steal()
    rss_max = max(rss_max, status_kb(pid))
    time.sleep(0.05)
    sent, rtts = finish_probe(p, stop, pipe)
    persistence = c.info("persistence")
    stats = c.info("stats")
    c.close()
    if persistence.get("rdb_last_bgsave_status") != "ok":
        sys.exit("%s BGSAVE failed: %s" % (name, persistence))
    if name == "redis":
        path = os.path.join(directory, "dump.rdb")
    else:
        snaps = sorted(glob.glob(os.path.join(directory, "*.snap")))
        path = snaps[-1] if snaps else ""
    record = {
        "kind": "bgsave", "server": name, "flavour": flavour, "run": int(run),
        "seconds": round((t_done - t_issue) / 1e9, 3), "polls": polls,
        "file_bytes": os.path.getsize(path) if path else 0,
        "dir_bytes": sum(os.path.getsize(f) for f in glob.glob(os.path.join(directory, "**"), recursive=True)
                         if os.path.isfile(f)),
        "rss_before_kb": rss_before, "rss_max_kb": rss_max, "rss_delta_kb": rss_max - rss_before,
        "child_pids": len(child_seen), "child_rss_max_kb": child_rss_max, "child_private_dirty_max_kb": child_dirty_max,
        "rdb_last_bgsave_time_sec": int(persistence.get("rdb_last_bgsave_time_sec", -1)),
        "rdb_last_cow_size": int(persistence.get("rdb_last_cow_size", 0)),
        "latest_fork_usec": int(stats.get("latest_fork_usec", 0)),
        "cairn_snapshot_bytes": int(persistence.get("cairn_snapshot_bytes", 0)),
        "cairn_rewrite_longest_step_us": int(persistence.get("cairn_rewrite_longest_step_us", 0)),
        "cairn_rewrite_longest_step_cpu_us": int(persistence.get("cairn_rewrite_longest_step_cpu_us", 0)),
        "cairn_rewrite_steps": int(persistence.get("cairn_rewrite_steps", 0)),
        "cairn_rewrite_steps_over_1ms": int(persistence.get("cairn_rewrite_steps_over_1ms", 0)),
        "cpu_steal_pct": round(100.0 * (steal_after[0] - steal_before[0]) / max(1, steal_after[1] - steal_before[1]), 2),
        "cairn_log_bytes": int(persistence.get("cairn_log_bytes", 0)),
    }
    record.update(latency_stats(sent, rtts, t_issue, t_done))
    emit(record)
    print(json.dumps(record))


# --- report --------------------------------------------------------------------

def report(jsonl, md_path, csv_path):
    records = [json.loads(l) for l in open(jsonl) if l.strip()]
    med = statistics.median

    def pick(kind, server, flavour=None):
        return [r for r in records if r["kind"] == kind and r["server"] == server
                and (flavour is None or r.get("flavour") == flavour)]

    def m(kind, server, flavour, key, agg=med):
        values = [r[key] for r in pick(kind, server, flavour) if key in r]
        return agg(values) if values else None

    def fmt(v, unit=""):
        if v is None:
            return "–"
        if abs(v) >= 1000:
            s = "{:,}".format(int(round(v)))
        elif abs(v) >= 10:
            s = "%.1f" % v
        else:
            s = "%.3g" % v
        return s + unit

    def ratio(c, r, lower_is_better=True):
        if c is None or r is None or r == 0:
            return "–"
        return "%.2f" % (c / r)

    meta = next((r for r in records if r["kind"] == "meta"), {})
    lines, csv = [], ["flavour,metric,cairn,redis,ratio,target"]
    title = "# Snapshots: cairn-server vs redis-server %s (%s)" % (meta.get("redis_version", "?"), meta.get("date", ""))
    end = next((r for r in records if r["kind"] == "meta-end"), {})
    lines += [title, "", meta.get("description", "") + "; at the end %s." % end.get("loadavg", "?"), ""]
    for flavour, label in (("x", "(a) 100 bytes of 'x' (redis-benchmark's payload)"),
                           ("random", "(b) seeded pseudo-random printable values")):
        if not pick("load", "cairn", flavour) and not pick("load", "redis", flavour):
            continue
        rows = []

        def row(metric, c, r, unit="", target="", show_ratio=True):
            rat = ratio(c, r) if show_ratio else "–"
            rows.append("| %s | %s | %s | %s | %s |" % (metric, fmt(c, unit), fmt(r, unit), rat, target))
            csv.append("%s,%s,%s,%s,%s,%s" % (flavour, metric.replace(",", ";"), "" if c is None else c,
                                              "" if r is None else r, rat if rat != "–" else "", target))

        def both(kind, key, agg=med, scale=1.0):
            c, r = m(kind, "cairn", flavour, key, agg), m(kind, "redis", flavour, key, agg)
            return (None if c is None else c * scale), (None if r is None else r * scale)

        keys = m("load", "cairn", flavour, "keys") or m("load", "redis", flavour, "keys")
        runs = len(pick("bgsave", "cairn", flavour))
        rows.append("| metric | cairn | redis | cairn/redis | target |")
        rows.append("|---|---:|---:|---:|---|")
        c, r = both("bgsave", "file_bytes", scale=1 / 1e6)
        row("1. snapshot file (MB): .snap vs dump.rdb", c, r, "", "≤ 0.6")
        c, r = both("bgsave", "dir_bytes", scale=1 / 1e6)
        row("   data directory after BGSAVE (MB; cairn: + a preallocated 4 MiB log segment)", c, r)
        c, r = both("bgsave", "seconds")
        row("2. BGSAVE → rdb_bgsave_in_progress:0 (s, 10 ms polls)", c, r, "", "≤ 0.5")
        c, r = both("bgsave", "rdb_last_bgsave_time_sec")
        row("   rdb_last_bgsave_time_sec", c, r, "", "", False)
        ci, ri = both("idle", "max_us")
        row("3. probe max RTT idle (µs)", ci, ri)
        cs, rs = both("bgsave", "max_us")
        row("   probe max RTT during BGSAVE (µs)", cs, rs)
        ca, ra = both("bgsave", "max_us", agg=max)
        row("   probe max RTT during BGSAVE, worst run (µs)", ca, ra)
        row("   added stall: max during − max idle (µs)", None if cs is None else cs - ci,
            None if rs is None else rs - ri, "", "cairn ≤ 1000", False)
        c, r = both("idle", "over_1ms_per_s")
        row("   probe RTTs over 1 ms per second, idle", c, r, "", "", False)
        c, r = both("bgsave", "over_1ms_per_s")
        row("   probe RTTs over 1 ms per second, during BGSAVE", c, r, "", "", False)
        c, r = both("idle", "p99_us")
        row("   probe p99 idle (µs)", c, r)
        c, r = both("bgsave", "p99_us")
        row("   probe p99 during BGSAVE (µs)", c, r)
        c, r = both("bgsave", "p999_us")
        row("   probe p99.9 during BGSAVE (µs)", c, r)
        c, _ = both("bgsave", "cairn_rewrite_longest_step_us")
        _, r = both("bgsave", "latest_fork_usec")
        row("   longest event-loop stall: cairn_rewrite_longest_step_us / latest_fork_usec (µs)", c, r, "", "cairn ≤ 1000", False)
        c, _ = both("bgsave", "cairn_rewrite_longest_step_us", agg=max)
        _, r = both("bgsave", "latest_fork_usec", agg=max)
        row("   the same, worst run (µs)", c, r, "", "", False)
        c, _ = both("bgsave", "cairn_rewrite_longest_step_cpu_us")
        row("   cairn: longest slice in CPU time of the loop thread (µs)", c, None, "", "", False)
        c, _ = both("bgsave", "cairn_rewrite_steps")
        row("   cairn: slices of walk on the loop", c, None, "", "", False)
        c, _ = both("bgsave", "cairn_rewrite_steps_over_1ms")
        row("   cairn: slices over 1 ms of wall time", c, None, "", "", False)
        c, r = both("bgsave", "cpu_steal_pct")
        row("   CPU time stolen by the hypervisor during BGSAVE (%)", c, r, "", "", False)
        c, r = both("bgsave", "rss_delta_kb", scale=1 / 1024)
        row("4. server RSS max − before during BGSAVE (MB)", c, r, "", "", False)
        _, r = both("bgsave", "child_private_dirty_max_kb", scale=1 / 1024)
        row("   forked child Private_Dirty max (MB)", None, r, "", "", False)
        _, r = both("bgsave", "child_rss_max_kb", scale=1 / 1024)
        row("   forked child Rss max, shared pages included (MB)", None, r, "", "", False)
        _, r = both("bgsave", "rdb_last_cow_size", scale=1 / 1e6)
        row("   rdb_last_cow_size (MB)", None, r, "", "", False)
        cr = m("bgsave", "cairn", flavour, "rss_delta_kb")
        rr = m("bgsave", "redis", flavour, "rss_delta_kb")
        rd = m("bgsave", "redis", flavour, "child_private_dirty_max_kb")
        row("   extra memory total: RSS delta (+ child Private_Dirty) (MB)",
            None if cr is None else cr / 1024, None if rr is None else (rr + (rd or 0)) / 1024)
        c, r = both("restart-snapshot", "seconds")
        row("5. restart from snapshot to first PONG (s)", c, r, "", "≤ 0.8")
        c, _ = both("restart-log", "seconds")
        row("   cairn restart from the log only (s)", c, None, "", "", False)
        c, r = both("load", "rss_kb")
        row("6. RSS after load (MB)", None if c is None else c / 1024, None if r is None else r / 1024)
        c, r = both("load", "rss_kb")
        row("   RSS per key (bytes)", None if c is None else c * 1024 / keys, None if r is None else r * 1024 / keys)
        c, r = both("load", "seconds")
        row("   load with redis-cli --pipe (s)", c, r)
        lines += ["## %s" % label, "",
                  "%s keys (%s strings + %s hashes of %d fields); medians of %d BGSAVE runs and %s restarts."
                  % ("{:,}".format(keys), "{:,}".format(meta.get("strings", 0)), "{:,}".format(meta.get("hashes", 0)),
                     FIELDS, runs, meta.get("restarts", "?")), ""] + rows + [""]
    growth = [r for r in records if r["kind"] == "growth"]
    if growth:
        g = {r["server"]: r for r in growth}
        lines += ["## Log growth: 2,000,000 SETs over 1,000 keys (redis-benchmark -t set -r 1000 -d 100 -P 16)", "",
                  "| metric | cairn | redis | cairn/redis |", "|---|---:|---:|---:|"]

        def grow(metric, key, scale=1.0):
            c = g.get("cairn", {}).get(key)
            r = g.get("redis", {}).get(key)
            c = None if c is None else c * scale
            r = None if r is None else r * scale
            lines.append("| %s | %s | %s | %s |" % (metric, fmt(c), fmt(r), ratio(c, r)))
            csv.append("growth,%s,%s,%s,%s," % (metric, "" if c is None else c, "" if r is None else r,
                                                ratio(c, r) if ratio(c, r) != "–" else ""))

        for r in growth:
            r["restart_s"] = med(r["restarts"])
        grow("SET requests/s (redis-benchmark)", "rps")
        grow("automatic rewrites (aof_rewrites)", "aof_rewrites")
        grow("data directory after the run (MB, du -sb: preallocated log segment included)", "dir_bytes", 1 / 1e6)
        grow("log bytes: cairn_log_bytes / aof_current_size (MB)", "log_bytes", 1 / 1e6)
        grow("restart to first PONG (s, median)", "restart_s")
        grow("cairn_rewrite_longest_step_us", "cairn_rewrite_longest_step_us")
        lines += ["", "Before snapshots (issue): Cairn 340 MB of log, 1.39 s restart; Redis 65 MB, 0.04 s.", ""]
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    with open(md_path, "w") as f:
        f.write(text)
    with open(csv_path, "w") as f:
        f.write("\n".join(csv) + "\n")


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "gen":
        gen(*args)
    elif cmd == "ready":
        sys.exit(0 if wait_ready(int(args[0]), float(args[1]) if len(args) > 1 else 10) else 1)
    elif cmd == "wait-pong":
        wait_pong(int(args[0]), args[1], args[2])
    elif cmd == "info":
        c = Conn(int(args[0]))
        i = c.info(args[1])
        for k in args[2:]:
            print("%s=%s" % (k, i.get(k, "")))
    elif cmd == "idle":
        idle(args[0], args[1], int(args[2]), int(args[3]), float(args[4]))
    elif cmd == "bgsave":
        bgsave(args[0], args[1], int(args[2]), int(args[3]), args[4], args[5])
    elif cmd == "emit":  # emit JSON
        emit(json.loads(args[0]))
    elif cmd == "report":
        report(*args)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
