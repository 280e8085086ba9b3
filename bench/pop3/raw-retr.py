#!/usr/bin/env python3
"""POP3 retrieval timing with a thin client: big socket reads, no per-line parsing, so the figure is
bound by the server rather than by poplib. Same session shape as pop3-timing.py retr: USER/PASS,
STAT, LIST, RETR of every message one after the other (no pipelining), QUIT.

    raw-retr.py --port 10110 --users 'user%d@example.test:181-190' --password pass --runs 3
    raw-retr.py --port 10110 --users 'user%d@example.test:181-190' --logged-in-first --server-comm pop3
    raw-retr.py --port 12300 --users 'user%d@example.test:181-190' --logged-in-first --server-pid <JVM pid>

Prints one line per run and a final SUMMARY line (min/median/max wall time, msg/s and MB/s of the
median run; bytes are the octets between "+OK" and the terminating ".", stuffing included).

Login: Jotmai checks an Argon2id hash, Dovecot's peer a {PLAIN} password, so the wall time is not
like for like. Two figures leave the login out:
- one client: without_login_s, the wall time minus that client's connect, greeting, USER and PASS;
- --logged-in-first (any number of clients): every client logs in, waits until all have (a barrier),
  then downloads; data_s is the time from that barrier to the moment the last client has its last
  RETR's reply (before QUIT). With --server-pid/--server-comm the server's CPU over exactly that
  interval is printed too (ms per MB, us per RETR): Dovecot's pop3 processes exist from PASS to QUIT.
Session 8 dropped without_login_s for several clients without the barrier: it was the wall time minus
the SLOWEST client's login, and with ten clients Dovecot takes them in one after another (its
slowest login took 1.0-1.7 s on a quiet machine, Jotmai's 0.3 s) while the clients already in were
downloading, so the figure subtracted up to half of Dovecot's download time and not of Jotmai's.
"""
import argparse
import multiprocessing
import socket
import statistics
import time

from proc_cpu import cpu, pids_by_comm

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


def download(c):
    """STAT, LIST, then RETR of every message; returns (messages, octets received)."""
    count = int(c.cmd("STAT").split()[1])
    c.cmd("LIST")
    c.multiline()
    nbytes = 0
    for i in range(1, count + 1):
        c.cmd("RETR %d" % i)
        nbytes += c.multiline()
    return count, nbytes


def one(a):
    host, port, user, password = a
    t0 = time.monotonic()
    c = Client(host, port)
    c.line()
    c.cmd("USER " + user)
    c.cmd("PASS " + password)
    login = time.monotonic() - t0
    count, nbytes = download(c)
    c.cmd("QUIT")
    c.s.close()
    return count, nbytes, time.monotonic() - t0, login


BARRIER_TIMEOUT_S = 600  # a client that died before a barrier breaks it instead of hanging the run
_barriers = None


def _init(barriers):
    global _barriers
    _barriers = barriers


def one_logged_in_first(a):
    """Like one(), but waits at the first barrier after PASS and at the second before QUIT."""
    host, port, user, password = a
    logged_in, done = _barriers
    c = Client(host, port)
    try:
        c.line()
        c.cmd("USER " + user)
        c.cmd("PASS " + password)
    except Exception:
        logged_in.abort()
        raise
    logged_in.wait(BARRIER_TIMEOUT_S)
    try:
        count, nbytes = download(c)
    except Exception:
        done.abort()
        raise
    done.wait(BARRIER_TIMEOUT_S)
    c.cmd("QUIT")
    c.s.close()
    return count, nbytes


def run_logged_in_first(jobs, server_pids, server_comm):
    """One run with both barriers; returns (count, bytes, wall, data seconds, server CPU seconds or None)."""
    n = len(jobs)
    barriers = (multiprocessing.Barrier(n + 1), multiprocessing.Barrier(n + 1))
    t0 = time.monotonic()
    with multiprocessing.Pool(n, initializer=_init, initargs=(barriers,)) as pool:
        pending = pool.map_async(one_logged_in_first, jobs)
        barriers[0].wait(BARRIER_TIMEOUT_S)
        pids = list(server_pids) + (pids_by_comm(server_comm) if server_comm else [])
        c0 = cpu(pids)
        t1 = time.monotonic()
        barriers[1].wait(BARRIER_TIMEOUT_S)
        t2 = time.monotonic()
        c1 = cpu(pids)
        res = pending.get(BARRIER_TIMEOUT_S)
    wall = time.monotonic() - t0
    return (sum(r[0] for r in res), sum(r[1] for r in res), wall, t2 - t1,
            (c1 - c0) if pids else None)


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
    ap.add_argument("--logged-in-first", action="store_true",
                    help="all clients log in before any downloads; report the download phase (data_s)")
    ap.add_argument("--server-pid", type=int, action="append", default=[],
                    help="with --logged-in-first: server process whose CPU to count (Jotmai's JVM)")
    ap.add_argument("--server-comm", help="with --logged-in-first: count processes of this name (Dovecot: pop3)")
    args = ap.parse_args()
    jobs = [(args.host, args.port, u, args.password) for u in expand(args.users)]
    walls = []
    for run in range(1, args.runs + 1):
        if args.logged_in_first:
            msgs, nbytes, wall, data, server = run_logged_in_first(jobs, args.server_pid, args.server_comm)
            walls.append((wall, msgs, nbytes, data, server))
            print("run %d: clients=%d msgs=%d bytes=%d wall=%.3fs; logged in first, download %.3fs -> %.1f msg/s, "
                  "%.2f MB/s%s" % (run, len(jobs), msgs, nbytes, wall, data, msgs / data, nbytes / data / 1e6,
                                   "" if server is None else "; server CPU %.3fs" % server), flush=True)
            continue
        t0 = time.monotonic()
        if len(jobs) == 1:
            res = [one(jobs[0])]
        else:
            with multiprocessing.Pool(len(jobs)) as pool:
                res = pool.map(one, jobs)
        wall = time.monotonic() - t0
        msgs = sum(r[0] for r in res)
        nbytes = sum(r[1] for r in res)
        login = res[0][3] if len(res) == 1 else None
        walls.append((wall, msgs, nbytes, login, None))
        print("run %d: clients=%d msgs=%d bytes=%d wall=%.3fs -> %.1f msg/s, %.2f MB/s%s" % (
            run, len(jobs), msgs, nbytes, wall, msgs / wall, nbytes / wall / 1e6,
            "" if login is None else "; login %.3fs" % login), flush=True)
    ws = [w[0] for w in walls]
    med = statistics.median(ws)
    msgs, nbytes = walls[-1][1], walls[-1][2]
    line = ("SUMMARY clients=%d msgs_per_run=%d bytes_per_run=%d wall_s min=%.3f median=%.3f max=%.3f  "
            "msg/s(median)=%.1f MB/s(median)=%.2f" % (len(jobs), msgs, nbytes, min(ws), med, max(ws), msgs / med,
                                                     nbytes / med / 1e6))
    if args.logged_in_first:
        d = statistics.median(w[3] for w in walls)
        line += "  data_s median=%.3f msg/s=%.1f MB/s=%.2f" % (d, msgs / d, nbytes / d / 1e6)
        cpus = [w[4] for w in walls if w[4] is not None]
        if cpus:
            c = statistics.median(cpus)
            line += "  server_cpu_s median=%.3f ms/MB=%.2f us/retr=%.1f" % (c, c * 1e3 / (nbytes / 1e6), c * 1e6 / msgs)
    elif len(jobs) == 1:
        # The client's own connect+USER+PASS: the same thing subtracted on both servers.
        x = statistics.median(w - l for w, _, _, l, _ in walls)
        line += "  without_login_s median=%.3f msg/s=%.1f" % (x, msgs / x)
    print(line)


if __name__ == "__main__":
    main()
