#!/usr/bin/env python3
"""The download phase alone, as python3's poplib does it: log in untimed, then time RETR 1..N (poplib
parses every line), in alternating pairs against two servers; prints each pair and the median ratio.

    poplib-download.py 12903 10110 user181@example.test [PAIRS]      # Jotmai's port first, then Dovecot's

Why: pop3-timing.py times the login too, and the two servers' logins differ (Jotmai ~7 ms, Dovecot ~38 ms
on this machine), which is a large share of a one-client pass. Run under flock /tmp/bench.lock.
"""
import poplib
import sys
import time


def download(port, user, password="pass"):
    p = poplib.POP3("127.0.0.1", port)
    p.user(user)
    p.pass_(password)
    count = p.stat()[0]
    t0 = time.perf_counter()
    for i in range(1, count + 1):
        p.retr(i)
    took = time.perf_counter() - t0
    p.quit()
    return took


def main():
    first, second, user = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    pairs = int(sys.argv[4]) if len(sys.argv) > 4 else 9
    for _ in range(3):  # untimed: both servers' caches warm, and the first server's JIT
        download(first, user)
        download(second, user)
    ratios = []
    for k in range(pairs):
        if k % 2:
            a = download(first, user)
            b = download(second, user)
        else:
            b = download(second, user)
            a = download(first, user)
        ratios.append(b / a)
        print("pair %d first=%.3fs second=%.3fs ratio(second/first)=%.3f" % (k + 1, a, b, b / a))
    ratios.sort()
    print("MEDIAN pairs=%d ratio=%.3f min=%.3f max=%.3f" % (pairs, ratios[pairs // 2], ratios[0], ratios[-1]))


if __name__ == "__main__":
    main()
