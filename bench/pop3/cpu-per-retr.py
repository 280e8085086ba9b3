#!/usr/bin/env python3
"""Server CPU time per RETR, a figure that depends much less on other load than wall time does.

One POP3 session: login, STAT, then RETR 1..N (no pipelining), LOOPS times. Prints the wall time and
the server's CPU time (utime+stime from /proc, clock ticks) per RETR, counted after login, so a
password hash does not enter it; "no-JIT" leaves out the JVM's compiler threads (live threads only).

    cpu-per-retr.py 12300 user171@example.test 10 --pid <Jotmai JVM pid>     # e.g. Pop3DevServer
    cpu-per-retr.py 10110 user171@example.test 10 --comm pop3                 # Dovecot's pop3 processes

Run it a few times first: a fresh JVM needs tens of thousands of RETRs before its JIT settles.
"""
import argparse, socket, time

from proc_cpu import app_cpu, cpu, pids_by_comm

TERM = b"\r\n.\r\n"  # the end of a multi-line response (RFC 1939 §3)


class C:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=120)
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = bytearray()
        self.chunk = bytearray(1 << 20)
        self.view = memoryview(self.chunk)

    def fill(self):
        n = self.s.recv_into(self.view)
        if not n:
            raise EOFError
        self.buf += self.view[:n]

    def line(self):
        while True:
            i = self.buf.find(b"\r\n")
            if i >= 0:
                out = bytes(self.buf[:i]); del self.buf[:i + 2]; return out
            self.fill()

    def multi(self):
        start = 0
        while True:
            i = self.buf.find(TERM, start)
            if i >= 0:
                del self.buf[:i + 5]; return i
            start = max(0, len(self.buf) - 5)
            self.fill()

    def cmd(self, t):
        self.s.sendall(t.encode() + b"\r\n")
        r = self.line()
        assert r.startswith(b"+OK"), r
        return r


ap = argparse.ArgumentParser()
ap.add_argument("port", type=int); ap.add_argument("user"); ap.add_argument("loops", type=int)
ap.add_argument("--pid", type=int, action="append", default=[]); ap.add_argument("--comm")
ap.add_argument("--password", default="pass")
a = ap.parse_args()
c = C(a.port); c.line(); c.cmd("USER " + a.user); c.cmd("PASS " + a.password)
pids = a.pid + (pids_by_comm(a.comm) if a.comm else [])
n = int(c.cmd("STAT").split()[1])
a0 = app_cpu(pids); c0 = cpu(pids); t0 = time.monotonic()
for _ in range(a.loops):
    for i in range(1, n + 1):
        c.cmd("RETR %d" % i); c.multi()
t1 = time.monotonic(); c1 = cpu(pids); a1 = app_cpu(pids)
c.cmd("QUIT")
k = a.loops * n
print("retrs=%d wall=%.3fs %.1f us/retr  server_cpu=%.2fs %.1f us/retr  no-JIT %.1f us/retr" % (
    k, t1 - t0, (t1 - t0) / k * 1e6, c1 - c0, (c1 - c0) / k * 1e6, (a1 - a0) / k * 1e6))
