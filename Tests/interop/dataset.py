"""A dataset of every type for the cairn-dump export tests (run.sh), and a
client-side picture of a server's whole keyspace to compare servers by.

    dataset.py load FILE                 # writes the loading commands as RESP (redis-cli --pipe)
    dataset.py picture PORT OUT.json     # every key of db 0-15: type, value, expiry, DEBUG DIGEST-VALUE
    dataset.py compare A.json B.json     # exit 1 and print the differences if they differ
    dataset.py count OUT.json            # the number of keys in a picture

A picture is taken through redis-py (binary safe, decode_responses=False):
SCAN, TYPE, then GET / LRANGE / HGETALL / SMEMBERS / ZRANGE WITHSCORES
(scores as the server formats them) and PTTL, turned into an absolute
expiry time so pictures taken seconds apart compare. DEBUG DIGEST-VALUE is
recorded where the server answers it (redis-server 7; cairn-server does not
serve it) and compared when both pictures have it.
"""

import json
import sys
import time

# Two pictures' absolute expiry times may differ by this much: relative
# EXPIRE/EX arguments reach two servers a little apart, and PTTL is read
# a little after the clock it is added to.
EXPIRY_SLACK_MS = 5000


def resp(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        if isinstance(a, str):
            a = a.encode()
        elif isinstance(a, int):
            a = str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


def commands():
    """The loading commands: every type, encodings on both sides of Redis's
    conversion thresholds (listpack/intset -> hashtable/skiplist), binary
    keys and values, fractional and infinite scores, TTLs set every way,
    and a second and third database."""
    c = []
    add = lambda *a: c.append(resp(*a))
    binary = b"a\r\nb\x00c\xff\r\n" + bytes(range(256)) + b"\r\n\x00"
    # Strings.
    add("SET", "str:plain", "hello")
    add("SET", "str:int", "12345")
    add("SET", "str:negative", "-42")
    add("SET", "str:empty", "")
    add("SET", "str:binary", binary)
    add("SET", "str:big", b"".join(b"%06d\r\n" % i for i in range(20000)))
    add("SET", b"key:\x00\r\n\xff with spaces", "binary key")
    add("SET", "ключ:ü", "значение")
    add("SET", "str:overwritten", "first")
    add("SET", "str:overwritten", "second")
    add("INCR", "str:counter")
    add("INCRBY", "str:counter", 41)
    add("INCRBYFLOAT", "str:float", "1.5")
    add("INCRBYFLOAT", "str:float", "0.1")
    add("APPEND", "str:appended", "abc")
    add("APPEND", "str:appended", b"\r\n\x00")
    add("SETRANGE", "str:range", 5, "x")
    add("SET", "str:deleted", "gone")
    add("DEL", "str:deleted")
    # Lists.
    add("RPUSH", "list:small", "a", "b", "c")
    add("LPUSH", "list:small", "z")
    add("LINSERT", "list:small", "BEFORE", "b", binary)
    add("RPUSH", "list:ints", 1, 2, 3, -5, 1 << 40)
    for i in range(0, 1000, 100):
        add("RPUSH", "list:big", *[b"element %d \r\n" % j for j in range(i, i + 100)])
    add("LPOP", "list:big")
    add("RPUSH", "list:duplicates", "x", "x", "y", "x")
    # Hashes.
    add("HSET", "hash:small", "f1", "v1", "f2", "", b"f\x00\r\n", binary)
    add("HSET", "hash:big", *[x for i in range(300) for x in (b"field:%d" % i, b"value:%d" % (i * i))])
    add("HINCRBY", "hash:small", "n", 7)
    add("HINCRBYFLOAT", "hash:small", "f", "2.25")
    add("HDEL", "hash:big", "field:0")
    add("HSET", "hash:longvalue", "f", "v" * 100)  # > hash-max-listpack-value
    # Sets.
    add("SADD", "set:ints", 1, 2, 3, -7, 100000, 1 << 40)  # intset
    add("SADD", "set:bigints", *range(600))  # > set-max-intset-entries
    add("SADD", "set:strings", "a", "b", "c", b"\x00\r\n")
    add("SADD", "set:mixed", 1, 2, "three")
    add("SREM", "set:bigints", 0, 599)
    # Sorted sets.
    add("ZADD", "zset:small", "0.1", "a", "inf", "b", "-inf", "c", "-2.5", "d", "3", "e",
        "1e-300", "f", "1.7976931348623157e308", "g", "0", b"\x00\r\n")
    add("ZINCRBY", "zset:small", "0.2", "a")
    add("ZADD", "zset:ties", 1, "b", 1, "a", 1, "c")
    add("ZADD", "zset:big", *[x for i in range(200) for x in (repr(i / 7), b"member:%d" % i)])
    add("ZREM", "zset:big", "member:5")
    # TTLs, set every way; one set then removed.
    add("SET", "ttl:ex", "v", "EX", 100000)
    add("SET", "ttl:px", "v", "PX", 5000000)
    add("HSET", "ttl:hash", "f", "v")
    add("EXPIRE", "ttl:hash", 3600)
    add("RPUSH", "ttl:list", "a", "b")
    add("PEXPIRE", "ttl:list", 7200000)
    add("SADD", "ttl:set", 1, 2)
    add("EXPIREAT", "ttl:set", int(time.time()) + 86400)
    add("ZADD", "ttl:zset", 1, "m")
    add("PEXPIREAT", "ttl:zset", int(time.time() * 1000) + 500000)
    add("SET", "ttl:persisted", "v", "EX", 100)
    add("PERSIST", "ttl:persisted")
    add("SET", "ttl:overwritten", "v", "EX", 100)
    add("SET", "ttl:overwritten", "no ttl any more")
    # Database 3: the same names with other values, and its own types.
    add("SELECT", 3)
    add("SET", "str:plain", "db three")
    add("RPUSH", "list:small", "3")
    add("HSET", "hash:small", "db", "3")
    add("SADD", "set:ints", 3, 33, 333)
    add("ZADD", "zset:small", "0.5", "half")
    add("SET", "ttl:ex", "db three", "EX", 50000)
    add("SET", b"db3:\x00binary", binary)
    # Database 15, one key.
    add("SELECT", 15)
    add("SET", "last:db", "15")
    add("SELECT", 0)
    return c


def load(path):
    cmds = commands()
    with open(path, "wb") as f:
        f.write(b"".join(cmds))
    print(len(cmds))


def picture(port, out):
    import redis

    pic = {}
    for db in range(16):
        r = redis.Redis(host="127.0.0.1", port=int(port), db=db, socket_timeout=10)
        try:
            r.execute_command("DEBUG", "DIGEST-VALUE")
            digests = True
        except redis.ResponseError:
            digests = False
        for key in r.scan_iter(count=1000):
            kind = r.type(key).decode()
            if kind == "string":
                value = [r.get(key).hex()]
            elif kind == "list":
                value = [e.hex() for e in r.lrange(key, 0, -1)]
            elif kind == "hash":
                value = sorted(f.hex() + "=" + v.hex() for f, v in r.hgetall(key).items())
            elif kind == "set":
                value = sorted(m.hex() for m in r.smembers(key))
            elif kind == "zset":
                # The score as the server prints it (redis-py's score_cast_func gets the raw bytes).
                value = [m.hex() + "=" + s.decode() for m, s in
                         r.zrange(key, 0, -1, withscores=True, score_cast_func=lambda s: s)]
            else:
                value = ["unexpected type"]
            pttl = r.pttl(key)
            entry = {"type": kind, "value": value,
                     "expire_at_ms": int(time.time() * 1000) + pttl if pttl >= 0 else None}
            if digests:
                entry["digest_value"] = r.execute_command("DEBUG", "DIGEST-VALUE", key)[0].decode()
            pic["%d %s" % (db, key.hex())] = entry
        r.close()
    with open(out, "w") as f:
        json.dump(pic, f, indent=0, sort_keys=True)
    print(len(pic))


def shown(name):
    db, key = name.split(" ")
    return "db %s key %r" % (db, bytes.fromhex(key))


def short(entry):
    """An entry as a reader checks it: bytes as Python literals, long values cut."""
    def item(text):
        head, sep, tail = text.partition("=")
        readable = repr(bytes.fromhex(head))
        if sep:
            readable += "=" + (repr(bytes.fromhex(tail)) if entry["type"] == "hash" else tail)
        return readable
    text = "%s [%s]" % (entry["type"], ", ".join(item(v) for v in entry["value"]))
    return text if len(text) < 300 else text[:300] + "..."


def compare(a_path, b_path):
    a = json.load(open(a_path))
    b = json.load(open(b_path))
    problems = []
    for name in sorted(set(a) | set(b)):
        if name not in b:
            problems.append("%s: only in %s" % (shown(name), a_path))
            continue
        if name not in a:
            problems.append("%s: only in %s" % (shown(name), b_path))
            continue
        x, y = a[name], b[name]
        if x["type"] != y["type"] or x["value"] != y["value"]:
            problems.append("%s: %s has %s, %s has %s" % (shown(name), a_path, short(x), b_path, short(y)))
        ex, ey = x["expire_at_ms"], y["expire_at_ms"]
        if (ex is None) != (ey is None) or (ex is not None and abs(ex - ey) > EXPIRY_SLACK_MS):
            problems.append("%s: expires at %s in %s, at %s in %s" % (shown(name), ex, a_path, ey, b_path))
        if "digest_value" in x and "digest_value" in y and x["digest_value"] != y["digest_value"]:
            problems.append("%s: DEBUG DIGEST-VALUE %s in %s, %s in %s"
                            % (shown(name), x["digest_value"], a_path, y["digest_value"], b_path))
    for p in problems[:10]:
        print(p)
    if problems:
        print("%d difference(s) between %s (%d keys) and %s (%d keys)" % (len(problems), a_path, len(a), b_path, len(b)))
        sys.exit(1)
    print("%s and %s agree: %d keys" % (a_path, b_path, len(a)))


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "load" and len(sys.argv) == 3:
        load(sys.argv[2])
    elif cmd == "picture" and len(sys.argv) == 4:
        picture(sys.argv[2], sys.argv[3])
    elif cmd == "compare" and len(sys.argv) == 4:
        compare(sys.argv[2], sys.argv[3])
    elif cmd == "count" and len(sys.argv) == 3:
        print(len(json.load(open(sys.argv[2]))))
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
