#!/usr/bin/env python3
"""SMTP load client measuring the latency of the final reply after end of data.

  smtp-load.py HOST:PORT [--sessions 10] [--msgs 2000] [--len 5000] [--rcpt user%d@example.test]
               [--range 1-50] [--per-conn 1] [--from a@x.test]

Each of SESSIONS threads sends messages (a new connection every PER_CONN messages, like
smtp-source without -d when PER_CONN=1), recipient numbers cycling over RANGE. The latency is the time
from writing "<CRLF>.<CRLF>" to reading the 250 reply: for a durable server that is the time to
stable storage. Prints one SUMMARY line: msg_per_s, p50_ms, p99_ms, max_ms, errors.
"""
import argparse, socket, threading, time

def reply(f):
    lines = []
    while True:
        line = f.readline()
        if not line:
            raise IOError("connection closed")
        lines.append(line)
        if len(line) < 4 or line[3:4] != b"-":
            return lines[-1][:3].decode(), b"".join(lines)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("target")
    ap.add_argument("--sessions", type=int, default=10)
    ap.add_argument("--msgs", type=int, default=2000)
    ap.add_argument("--len", type=int, default=5000)
    ap.add_argument("--rcpt", default="user%d@example.test")
    ap.add_argument("--range", default="1-50")
    ap.add_argument("--per-conn", type=int, default=1)
    ap.add_argument("--from", dest="sender", default="a@x.test")
    a = ap.parse_args()
    host, port = a.target.rsplit(":", 1)
    lo, hi = (int(x) for x in a.range.split("-"))
    line = b"X" * 76 + b"\r\n"
    body_lines = max(1, a.len // len(line))
    lock = threading.Lock()
    state = {"next": 0, "errors": 0}
    latencies = []

    def take():
        with lock:
            if state["next"] >= a.msgs:
                return None
            state["next"] += 1
            return state["next"]

    def worker():
        n = take()
        while n is not None:
            try:
                s = socket.create_connection((host, int(port)), timeout=60)
                f = s.makefile("rb")
                code, _ = reply(f)
                s.sendall(b"EHLO load.test\r\n"); reply(f)
                sent = 0
                while n is not None and sent < a.per_conn:
                    rcpt = a.rcpt % (lo + n % (hi - lo + 1)) if "%d" in a.rcpt else a.rcpt
                    s.sendall(b"MAIL FROM:<%s>\r\nRCPT TO:<%s>\r\nDATA\r\n" % (a.sender.encode(), rcpt.encode()))
                    c1, _ = reply(f); c2, _ = reply(f); c3, _ = reply(f)
                    if c1 != "250" or c2 != "250" or c3 != "354":
                        raise IOError("refused: %s %s %s" % (c1, c2, c3))
                    msg = (b"From: <%s>\r\nTo: <%s>\r\nSubject: load %d\r\nMessage-ID: <%d.%f@load.test>\r\n\r\n"
                           % (a.sender.encode(), rcpt.encode(), n, n, time.time())) + line * body_lines
                    s.sendall(msg)
                    t0 = time.perf_counter()
                    s.sendall(b".\r\n")
                    c4, _ = reply(f)
                    dt = time.perf_counter() - t0
                    if c4 != "250":
                        raise IOError("final reply %s" % c4)
                    with lock:
                        latencies.append(dt)
                    sent += 1
                    n = take() if sent < a.per_conn else None
                s.sendall(b"QUIT\r\n")
                try:
                    reply(f)
                except IOError:
                    pass
                s.close()
            except (IOError, OSError) as e:
                with lock:
                    state["errors"] += 1
                    if state["errors"] < 5:
                        print("error:", e, flush=True)
            if n is None:
                n = take()

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(a.sessions)]
    for t in threads: t.start()
    for t in threads: t.join()
    elapsed = time.perf_counter() - t0
    latencies.sort()
    def pct(p):
        return latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000 if latencies else float("nan")
    print("SUMMARY target=%s sessions=%d msgs=%d ok=%d len=%d per_conn=%d elapsed_s=%.3f msg_per_s=%.1f "
          "p50_ms=%.2f p99_ms=%.2f max_ms=%.2f errors=%d" % (a.target, a.sessions, a.msgs, len(latencies), a.len,
          a.per_conn, elapsed, len(latencies) / elapsed, pct(0.50), pct(0.99), pct(1.0), state["errors"]))

if __name__ == "__main__":
    main()
