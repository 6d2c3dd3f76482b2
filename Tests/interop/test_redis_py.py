"""redis-py against a running server (Tests/interop/run.sh starts it).

Plain unittest; host and port come from INTEROP_HOST / INTEROP_PORT. Prints
`PASS redis_py.NAME` or `FAIL redis_py.NAME: reason` per test and exits 1 if any
failed. Run alone: INTEROP_PORT=6379 python3 Tests/interop/test_redis_py.py
"""
import os
import sys
import threading
import time
import traceback
import unittest
import warnings

import redis

HOST = os.environ.get("INTEROP_HOST", "127.0.0.1")
PORT = int(os.environ.get("INTEROP_PORT", "6379"))
WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"


def client(**options):
    options.setdefault("decode_responses", True)
    options.setdefault("socket_timeout", 10)
    return redis.Redis(host=HOST, port=PORT, **options)


class RedisPy(unittest.TestCase):
    def setUp(self):
        self.r = client()
        self.r.flushdb()

    def tearDown(self):
        self.r.flushdb()
        self.r.close()

    def test_seed_session(self):
        r = redis.Redis(host=HOST, port=PORT, decode_responses=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # hmset is deprecated in redis-py
            self.assertTrue(r.hmset("session:42", {"user": "ada", "cart": "3"}))
        self.assertTrue(r.expire("session:42", 1800))
        self.assertEqual(r.hgetall("session:42"), {"user": "ada", "cart": "3"})
        self.assertIn(r.ttl("session:42"), (1799, 1800))
        self.assertEqual(r.type("session:42"), "hash")
        r.close()

    def test_strings_and_hashes(self):
        r = self.r
        self.assertTrue(r.set("s", "v", ex=100))
        self.assertIsNone(r.set("s", "w", nx=True))
        self.assertEqual(r.get("s"), "v")
        self.assertEqual(r.incrby("n", 5), 5)
        self.assertEqual(r.incrbyfloat("f", 1.5), 1.5)
        self.assertEqual(r.mget("s", "n", "missing"), ["v", "5", None])
        self.assertEqual(r.hset("h", mapping={"a": "1", "b": "2"}), 2)
        self.assertEqual(r.hincrby("h", "a", 10), 11)
        self.assertEqual(sorted(r.hkeys("h")), ["a", "b"])
        self.assertEqual(r.hmget("h", "a", "zz"), ["11", None])
        self.assertEqual(r.delete("s", "n", "f", "h"), 4)
        self.assertEqual(r.dbsize(), 0)

    def test_binary_values(self):
        r = client(decode_responses=False)
        value = bytes(range(256)) * 4096 + b"\r\n\x00"
        self.assertTrue(r.set(b"bin\x00key\xff", value))
        self.assertEqual(r.get(b"bin\x00key\xff"), value)
        self.assertEqual(r.strlen(b"bin\x00key\xff"), len(value))
        r.hset(b"bh", b"\x00f", b"\xff\xfe")
        self.assertEqual(r.hgetall(b"bh"), {b"\x00f": b"\xff\xfe"})
        r.close()

    def test_scan_iter(self):
        r = self.r
        for i in range(300):
            r.set("scan:%d" % i, i)
        r.set("other", 1)
        self.assertEqual(sorted(r.scan_iter(match="scan:*", count=50)), sorted("scan:%d" % i for i in range(300)))
        r.hset("big", mapping={"f%d" % i: i for i in range(200)})
        self.assertEqual(dict(r.hscan_iter("big", count=20)), {"f%d" % i: str(i) for i in range(200)})

    def test_pipeline_no_transaction(self):
        r = self.r
        pipe = r.pipeline(transaction=False)
        pipe.set("p:a", "1").incr("p:a").get("p:a").hset("p:h", "f", "v").hgetall("p:h")
        self.assertEqual(pipe.execute(), [True, 2, "2", 1, {"f": "v"}])
        pipe = r.pipeline(transaction=False)
        pipe.set("p:s", "x").hget("p:s", "f").incr("p:a")
        results = pipe.execute(raise_on_error=False)
        self.assertEqual(results[0], True)
        self.assertIsInstance(results[1], redis.ResponseError)
        self.assertEqual(str(results[1]), WRONGTYPE)
        self.assertEqual(results[2], 3)
        # A long pipeline: many replies in flight on one connection.
        pipe = r.pipeline(transaction=False)
        for i in range(5000):
            pipe.incr("p:many")
        self.assertEqual(pipe.execute(), list(range(1, 5001)))

    def test_pipeline_transaction(self):
        r = self.r
        pipe = r.pipeline(transaction=True)
        pipe.set("t:a", "1").incr("t:a").hset("t:h", "f", "v").hgetall("t:h")
        self.assertEqual(pipe.execute(), [True, 2, 1, {"f": "v"}])
        # A runtime error inside EXEC fails that command only.
        r.set("t:s", "x")
        pipe = r.pipeline(transaction=True)
        pipe.incr("t:a").hget("t:s", "f").incr("t:a")
        results = pipe.execute(raise_on_error=False)
        self.assertEqual(results[0], 3)
        self.assertIsInstance(results[1], redis.ResponseError)
        self.assertEqual(results[2], 4)
        # A command rejected while queuing aborts the whole transaction (EXECABORT).
        pipe = r.pipeline(transaction=True)
        pipe.set("t:never", "1").execute_command("SET", "only-a-key")
        with self.assertRaises(redis.ResponseError) as cm:
            pipe.execute()
        self.assertIn("wrong number of arguments for 'set' command", str(cm.exception))
        self.assertIsNone(r.get("t:never"))
        self.assertEqual(r.get("t:a"), "4")

    def test_watch_conflict(self):
        r, other = self.r, client()
        r.set("w:key", "1")
        with r.pipeline() as pipe:
            pipe.watch("w:key")
            self.assertEqual(pipe.get("w:key"), "1")  # immediate mode after WATCH
            other.set("w:key", "changed")
            pipe.multi()
            pipe.set("w:key", "mine")
            with self.assertRaises(redis.WatchError):
                pipe.execute()
        self.assertEqual(r.get("w:key"), "changed")
        other.close()

    def test_watch_optimistic_increments(self):
        """Two clients race read-modify-write through WATCH/MULTI/EXEC; retries make the total exact."""
        self.r.set("w:counter", 0)
        per_client, retries, errors = 150, [0, 0], []

        def worker(index):
            c = client()
            try:
                for _ in range(per_client):
                    while True:
                        with c.pipeline() as pipe:
                            try:
                                pipe.watch("w:counter")
                                value = int(pipe.get("w:counter"))
                                pipe.multi()
                                pipe.set("w:counter", value + 1)
                                pipe.execute()
                                break
                            except redis.WatchError:
                                retries[index] += 1
            except Exception as e:
                errors.append(repr(e))
            finally:
                c.close()

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        self.assertEqual(errors, [])
        self.assertEqual(self.r.get("w:counter"), str(2 * per_client))
        # The transaction() helper does the same loop.
        self.r.transaction(lambda pipe: pipe.multi() or pipe.incr("w:counter"), "w:counter")
        self.assertEqual(self.r.get("w:counter"), str(2 * per_client + 1))

    def _expect_message(self, pubsub, **expected):
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            message = pubsub.get_message(timeout=0.5)
            if message is not None:
                for key, value in expected.items():
                    self.assertEqual(message.get(key), value, "message %r" % (message,))
                return message
        self.fail("no message %r within 5 s" % (expected,))

    def _pubsub_round_trip(self, r):
        p = r.pubsub()
        p.subscribe("news")
        self._expect_message(p, type="subscribe", channel="news", data=1)
        p.psubscribe("news.*")
        self._expect_message(p, type="psubscribe", channel="news.*", data=2)
        self.assertEqual(r.publish("news", "hello"), 1)
        self._expect_message(p, type="message", channel="news", data="hello", pattern=None)
        self.assertEqual(r.publish("news.tech", "swift"), 1)
        self._expect_message(p, type="pmessage", channel="news.tech", data="swift", pattern="news.*")
        self.assertEqual(r.publish("elsewhere", "x"), 0)
        self.assertEqual(r.pubsub_numsub("news"), [("news", 1)])
        self.assertEqual(r.pubsub_numpat(), 1)
        self.assertIn("news", r.pubsub_channels())
        p.unsubscribe("news")
        self._expect_message(p, type="unsubscribe", channel="news", data=1)
        p.punsubscribe("news.*")
        self._expect_message(p, type="punsubscribe", channel="news.*", data=0)
        self.assertEqual(r.publish("news", "gone"), 0)
        self.assertEqual(r.publish("news.tech", "gone"), 0)
        p.close()

    def test_pubsub(self):
        self._pubsub_round_trip(self.r)

    def test_pubsub_resp3(self):
        r3 = client(protocol=3)
        self._pubsub_round_trip(r3)
        r3.close()

    def test_resp3_client(self):
        r3 = client(protocol=3)
        hello = r3.execute_command("HELLO", 3)
        self.assertIsInstance(hello, dict)
        self.assertEqual(hello["proto"], 3)
        for field in ("server", "version", "id", "mode", "role", "modules"):
            self.assertIn(field, hello)
        r3.hset("r3:h", mapping={"user": "ada", "cart": "3"})
        self.assertEqual(r3.hgetall("r3:h"), {"user": "ada", "cart": "3"})
        self.assertEqual(r3.hgetall("r3:missing"), {})
        self.assertIsNone(r3.get("r3:missing"))
        self.assertEqual(r3.incr("r3:n"), 1)
        self.assertEqual(r3.hincrbyfloat("r3:h", "cart", 0.5), 3.5)
        pipe = r3.pipeline()
        pipe.hgetall("r3:h").get("r3:n")
        self.assertEqual(pipe.execute(), [{"user": "ada", "cart": "3.5"}, "1"])
        with self.assertRaises(redis.ResponseError) as cm:
            r3.hget("r3:n", "f")
        self.assertEqual(str(cm.exception), WRONGTYPE)
        r3.close()

    def test_error_mapping(self):
        r = self.r
        r.set("e:s", "not a number")
        r.hset("e:h", "f", "v")
        with self.assertRaises(redis.ResponseError) as cm:
            r.hget("e:s", "f")
        self.assertEqual(str(cm.exception), WRONGTYPE)
        with self.assertRaises(redis.ResponseError) as cm:
            r.get("e:h")
        self.assertEqual(str(cm.exception), WRONGTYPE)
        with self.assertRaises(redis.ResponseError) as cm:
            r.incr("e:s")
        self.assertEqual(str(cm.exception), "value is not an integer or out of range")
        with self.assertRaises(redis.ResponseError) as cm:
            r.execute_command("NOSUCHCOMMAND", "a")
        self.assertEqual(str(cm.exception), "unknown command 'NOSUCHCOMMAND', with args beginning with: 'a' ")
        with self.assertRaises(redis.ResponseError) as cm:
            r.execute_command("GET")
        self.assertEqual(str(cm.exception), "wrong number of arguments for 'get' command")
        with self.assertRaises(redis.ResponseError) as cm:
            r.execute_command("SET", "k", "v", "BOGUS")
        self.assertEqual(str(cm.exception), "syntax error")
        # The connection is still usable after errors.
        self.assertTrue(r.ping())

    def test_connection_options(self):
        """What redis-py sends when connecting with options: CLIENT SETNAME, SELECT db."""
        r = client(db=3, client_name="interop")
        r.set("db3key", "x")
        self.assertEqual(r.client_getname(), "interop")
        self.assertIsNone(self.r.get("db3key"))
        self.assertEqual(r.get("db3key"), "x")
        r.flushdb()
        r.close()

    def test_dump_restore(self):
        """DUMP payloads are binary: they go through redis-py's bytes API and
        come back as the same values, with TTLs, REPLACE and BUSYKEY."""
        r = client(decode_responses=False)
        r.set(b"s", b"bin\x00\r\n\xff" * 10)
        r.rpush(b"l", *[b"item%d" % i for i in range(300)])
        r.sadd(b"iset", 1, 2, 3)
        r.sadd(b"set", b"a", b"b\x00")
        r.hset(b"h", mapping={b"f%d" % i: b"v" * i for i in range(200)})
        r.zadd(b"z", {b"m%d" % i: i / 3 for i in range(150)})
        keys = [b"s", b"l", b"iset", b"set", b"h", b"z"]
        payloads = {key: r.dump(key) for key in keys}
        for key, payload in payloads.items():
            self.assertIsInstance(payload, bytes)
            r.restore(key + b":copy", 0, payload)
        self.assertEqual(r.get(b"s:copy"), r.get(b"s"))
        self.assertEqual(r.lrange(b"l:copy", 0, -1), r.lrange(b"l", 0, -1))
        self.assertEqual(r.smembers(b"iset:copy"), {b"1", b"2", b"3"})
        self.assertEqual(r.smembers(b"set:copy"), {b"a", b"b\x00"})
        self.assertEqual(r.hgetall(b"h:copy"), r.hgetall(b"h"))
        self.assertEqual(r.zrange(b"z:copy", 0, -1, withscores=True), r.zrange(b"z", 0, -1, withscores=True))
        with self.assertRaises(redis.ResponseError) as busy:
            r.restore(b"s:copy", 0, payloads[b"s"])
        self.assertIn("BUSYKEY", str(busy.exception))
        r.restore(b"s:copy", 5000, payloads[b"l"], replace=True)
        self.assertEqual(r.type(b"s:copy"), b"list")
        self.assertTrue(0 < r.pttl(b"s:copy") <= 5000)
        with self.assertRaises(redis.ResponseError) as bad:
            r.restore(b"bad", 0, payloads[b"s"][:-1] + bytes([payloads[b"s"][-1] ^ 1]))
        self.assertIn("DUMP payload version or checksum are wrong", str(bad.exception))
        r.close()


class Result(unittest.TextTestResult):
    """Prints PASS/FAIL lines the way run.sh does."""

    def _name(self, test):
        return "redis_py." + test._testMethodName.removeprefix("test_")

    def addSuccess(self, test):
        super().addSuccess(test)
        print("PASS " + self._name(test), flush=True)

    def _failed(self, test, err):
        reason = "".join(traceback.format_exception_only(err[0], err[1])).strip().replace("\n", " | ")
        print("FAIL %s: %s" % (self._name(test), reason[:400]), flush=True)
        traceback.print_exception(*err, file=sys.stderr)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._failed(test, err)

    def addError(self, test, err):
        super().addError(test, err)
        self._failed(test, err)


if __name__ == "__main__":
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(RedisPy)
    runner = unittest.TextTestRunner(stream=open(os.devnull, "w"), resultclass=Result, verbosity=0)
    result = runner.run(suite)
    sys.exit(0 if result.wasSuccessful() else 1)
