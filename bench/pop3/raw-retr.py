#!/usr/bin/env python3
"""POP3 retrieval timing with a thin client: big socket reads, no per-line parsing, so the figure is
bound by the server rather than by poplib. Same session shape as pop3-timing.py retr: USER/PASS,
STAT, LIST, RETR of every message one after the other (no pipelining), QUIT.

    raw-retr.py --port 10110 --users 'user%d@example.test:181-190' --password pass --runs 3

Prints one line per run and a final SUMMARY line (min/median/max wall time, msg/s and MB/s of the
median run; bytes are the octets between "+OK" and the terminating ".", stuffing included; and the
median wall time without the slowest client's login, since the servers may hash passwords differently).
"""
import argparse
import multiprocessing
import socket
import statistics
import time

TERM = b"\r\n.\r\n"


class Client:
    def __init__(self, host, port):
        self.s = socket.create_connection((host, port), timeout=300)
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = bytearray()
        # recv_into one preallocated buffer: recv(1 MB) would allocate (and page-fault) 1 MB per call,
        # which cost more than a small message itself and made this client the bottleneck.
        self.chunk = bytearray(1 << 20)
        self.view = memoryview(self.chunk)

    def _fill(self):
        n = self.s.recv_into(self.view)
        if not n:
            raise EOFError("server closed")
        self.buf += self.view[:n]

    def line(self):
        start = 0
        while True:
            i = self.buf.find(b"\r\n", start)
            if i >= 0:
                out = bytes(self.buf[:i])
                del self.buf[:i + 2]
                return out
            start = max(0, len(self.buf) - 1)
            self._fill()

    def multiline(self):
        """Body up to and without the terminator; returns its length."""
        if self.buf.startswith(b".\r\n"):
            del self.buf[:3]
            return 0
        start = 0
        while True:
            i = self.buf.find(TERM, start)
            if i >= 0:
                del self.buf[:i + len(TERM)]
                return i + 2
            start = max(0, len(self.buf) - len(TERM))
            self._fill()

    def cmd(self, text):
        self.s.sendall(text.encode() + b"\r\n")
        reply = self.line()
        if not reply.startswith(b"+OK"):
            raise RuntimeError("%s -> %r" % (text.split()[0], reply))
        return reply


def one(a):
    host, port, user, password = a
    t0 = time.monotonic()
    c = Client(host, port)
    c.line()
    c.cmd("USER " + user)
    c.cmd("PASS " + password)
    login = time.monotonic() - t0
    count = int(c.cmd("STAT").split()[1])
    c.cmd("LIST")
    c.multiline()
    nbytes = 0
    for i in range(1, count + 1):
        c.cmd("RETR %d" % i)
        nbytes += c.multiline()
    c.cmd("QUIT")
    c.s.close()
    return count, nbytes, time.monotonic() - t0, login


def expand(spec):
    out = []
    for part in spec.split(","):
        if "%d" in part and ":" in part:
            fmt, rng = part.rsplit(":", 1)
            a, b = (int(x) for x in rng.split("-"))
            out.extend(fmt % i for i in range(a, b + 1))
        elif part:
            out.append(part)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=10110)
    ap.add_argument("--users", required=True)
    ap.add_argument("--password", default="pass")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    jobs = [(args.host, args.port, u, args.password) for u in expand(args.users)]
    walls = []
    for run in range(1, args.runs + 1):
        t0 = time.monotonic()
        if len(jobs) == 1:
            res = [one(jobs[0])]
        else:
            with multiprocessing.Pool(len(jobs)) as pool:
                res = pool.map(one, jobs)
        wall = time.monotonic() - t0
        msgs = sum(r[0] for r in res)
        nbytes = sum(r[1] for r in res)
        login = max(r[3] for r in res)  # the slowest client's USER/PASS (overlaps the others' downloads)
        walls.append((wall, msgs, nbytes, login))
        print("run %d: clients=%d msgs=%d bytes=%d wall=%.3fs -> %.1f msg/s, %.2f MB/s; slowest login %.3fs" % (
            run, len(jobs), msgs, nbytes, wall, msgs / wall, nbytes / wall / 1e6, login), flush=True)
    ws = [w for w, _, _, _ in walls]
    med = statistics.median(ws)
    # Without login: wall minus the slowest login, for comparing servers with different password hashes.
    xs = sorted(w - l for w, _, _, l in walls)
    xmed = statistics.median(xs)
    print("SUMMARY clients=%d msgs_per_run=%d bytes_per_run=%d wall_s min=%.3f median=%.3f max=%.3f  "
          "msg/s(median)=%.1f MB/s(median)=%.2f  without_login_s median=%.3f msg/s=%.1f" % (
              len(jobs), walls[-1][1], walls[-1][2], min(ws), med, max(ws), walls[-1][1] / med,
              walls[-1][2] / med / 1e6, xmed, walls[-1][1] / xmed))


if __name__ == "__main__":
    main()
