#!/usr/bin/env python3
"""Records redis-server 7.0.15's introspection replies for Cairn's tests.

Run against a scratch server (redis-server --port 7431 --save '' --appendonly no --daemonize yes):
    python3 scripts/record-introspection.py 7431
It reads the command names in testdata/redis-7.0.15-command-info.tsv (every command Cairn has,
engine and server) and writes testdata/introspection/{resp2,resp3}-{info,docs}.resp: the raw replies
to COMMAND INFO / COMMAND DOCS for all those names, re-encoded after two normalizations that
Redis leaves to chance or to features Cairn lacks: subcommands are sorted by name (Redis walks a
hash table) and subcommands Cairn does not have are dropped.
"""
import os, socket, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

class Conn:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port))
        self.buf = b""
    def send(self, *args):
        out = b"*%d\r\n" % len(args)
        for a in args:
            a = a.encode() if isinstance(a, str) else a
            out += b"$%d\r\n%s\r\n" % (len(a), a)
        self.s.sendall(out)
        return self.read()
    def line(self):
        while b"\r\n" not in self.buf:
            self.buf += self.s.recv(65536)
        l, _, self.buf = self.buf.partition(b"\r\n")
        return l
    def exact(self, n):
        while len(self.buf) < n + 2:
            self.buf += self.s.recv(65536)
        d, self.buf = self.buf[:n], self.buf[n + 2:]
        return d
    def read(self):
        l = self.line(); t, rest = chr(l[0]), l[1:]
        if t in "+-:,#(_": return (t, rest)
        if t in "$=!":
            n = int(rest)
            return (t, None if n < 0 else self.exact(n))
        n = int(rest)
        if n < 0: return (t, None)
        if t == "%": n *= 2
        return (t, [self.read() for _ in range(n)])

def encode(v, proto):
    t, x = v
    if t in "+-:,#(_": return t.encode() + x + b"\r\n"
    if t in "$=!":
        return b"$-1\r\n" if x is None else t.encode() + b"%d\r\n" % len(x) + x + b"\r\n"
    if x is None: return t.encode() + b"-1\r\n"
    n = len(x) // 2 if t == "%" else len(x)
    return t.encode() + b"%d\r\n" % n + b"".join(encode(e, proto) for e in x)

def normalize_info(entry, ours):
    if entry[0] == "_" or entry[1] is None: return entry
    items = list(entry[1])
    subs = [s for s in items[9][1] if s[1][0][1].decode() in ours]
    items[9] = (items[9][0], sorted(subs, key=lambda s: s[1][0][1]))
    return (entry[0], items)

def normalize_docs(doc, ours):
    items = list(doc[1])
    for i in range(0, len(items), 2):
        if items[i][1] == b"subcommands":
            m = items[i + 1][1]
            pairs = [(m[j], normalize_docs(m[j + 1], ours)) for j in range(0, len(m), 2) if m[j][1].decode() in ours]
            pairs.sort(key=lambda p: p[0][1])
            items[i + 1] = (items[i + 1][0], [e for p in pairs for e in p])
    return (doc[0], items)

def main():
    port = int(sys.argv[1])
    names = [l.split("\t")[0] for l in open(os.path.join(ROOT, "testdata/redis-7.0.15-command-info.tsv")) if not l.startswith("#")]
    ours = set(names)
    top = [n for n in names if "|" not in n]
    os.makedirs(os.path.join(ROOT, "testdata/introspection"), exist_ok=True)
    for proto in (2, 3):
        c = Conn(port)
        c.send("HELLO", str(proto))
        info = c.send("COMMAND", "INFO", *top)
        info = (info[0], [normalize_info(e, ours) for e in info[1]])
        docs = c.send("COMMAND", "DOCS", *top)  # RESP2: a flat array of name, docs, ...
        docs = (docs[0], [e if i % 2 == 0 else normalize_docs(e, ours) for i, e in enumerate(docs[1])])
        for kind, value in (("info", info), ("docs", docs)):
            with open(os.path.join(ROOT, "testdata/introspection/resp%d-%s.resp" % (proto, kind)), "wb") as f:
                f.write(encode(value, proto))

main()
