#!/usr/bin/env python3
"""First SELECT of a big mailbox after a server start (issue 4, docs/BENCHMARKS.md "First SELECT
without a full flag scan").

Starts jotmai.imap.DevServer on a data directory once per round and build (builds alternate, so both
see the same machine state), then over one raw socket: LOGIN, SELECT INBOX three times, and, unless
--select-only, the first UID FETCH 1:* (FLAGS), UID SEARCH UNSEEN and SEARCH BODY <word> after that
start (they pay for the flag rows the first SELECT no longer reads). Prints the client wall time of each
command and the server's CPU time (utime+stime from /proc, 10 ms ticks) for the first SELECT, one line
per start, then medians per build. Nothing is written to the store except the \\Recent claim of the
first SELECT ever on that directory: do one untimed start first (--warmup).

  firstselect.py --data DIR --port 12201 --build before=/tmp/cp-before.txt --build after=/tmp/cp-after.txt

Each --build file holds a Java classpath (one line), optionally a second line of JVM options. Run under `flock /tmp/bench.lock`; note `uptime`.
"""
import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime (fields 14 and 15 of stat)


class Client:
    def __init__(self, port, timeout):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.file = self.sock.makefile("rb", buffering=1 << 16)
        self.n = 0
        self.file.readline()  # greeting

    def command(self, text):
        """Sends one command, reads to its tagged reply; returns (seconds, untagged lines, tagged line)."""
        self.n += 1
        tag = b"t%d" % self.n
        start = time.perf_counter()
        self.sock.sendall(tag + b" " + text.encode() + b"\r\n")
        untagged = []
        while True:
            line = self.file.readline()
            if not line:
                raise ConnectionError("server closed the connection")
            if line.startswith(tag + b" "):
                took = time.perf_counter() - start
                if not line.startswith(tag + b" OK"):
                    raise RuntimeError("%s -> %r" % (text, line))
                return took, untagged, line
            untagged.append(line)

    def close(self):
        try:
            self.command("LOGOUT")
        except Exception:
            pass
        self.sock.close()


def start_server(java, cp, port, data, log):
    cp, opts = cp
    cmd = [java, "--enable-native-access=ALL-UNNAMED", "-Xmx2g"] + opts + ["-cp", cp,
           "jotmai.imap.DevServer", str(port), data, "200"]
    out = open(log, "w")
    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.time() + 120
    while time.time() < deadline:
        with open(log) as f:
            if "DevServer: IMAP" in f.read():
                return proc
        if proc.poll() is not None:
            raise RuntimeError("server exited, see " + log)
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError("server did not start, see " + log)


def one_start(args, label, cp):
    """cp None: the Dovecot peer on --dovecot-port, a new connection (a new imap process) instead of a start."""
    proc = start_server(args.java, cp, args.port, args.data, "/tmp/firstselect-%s.log" % label) if cp else None
    row = {"build": label}
    try:
        c = Client(args.port if proc else args.dovecot_port, args.timeout)
        c.command("LOGIN %s %s" % (args.user, args.password))
        before = cpu_seconds(proc.pid) if proc else 0
        took, untagged, _ = c.command("SELECT INBOX")
        row["cpu_first_select"] = cpu_seconds(proc.pid) - before if proc else 0
        row["select1"] = took
        row["select_lines"] = b"".join(untagged)
        row["select2"] = c.command("SELECT INBOX")[0]
        row["select3"] = c.command("SELECT INBOX")[0]
        if not args.select_only:
            took, untagged, _ = c.command("UID FETCH 1:* (FLAGS)")
            row["fetch_flags"], row["fetch_lines"] = took, len(untagged)
            took, untagged, _ = c.command("UID SEARCH UNSEEN")
            row["unseen"], row["unseen_hits"] = took, len(untagged[0].split()) - 2 if untagged else 0
            if proc:  # Dovecot scans the bodies (tens of seconds on 100,000 messages, BENCHMARKS.md)
                took, untagged, _ = c.command("SEARCH BODY %s" % args.word)
                row["body"], row["body_hits"] = took, len(untagged[0].split()) - 2 if untagged else 0
            row["select4"] = c.command("SELECT INBOX")[0]
        c.close()
    finally:
        if proc:
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    return row


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True)
    p.add_argument("--port", type=int, default=12201)
    p.add_argument("--build", action="append", required=True, help="LABEL=classpath-file")
    p.add_argument("--dovecot-port", type=int, default=0,
                   help="also the reference stack's Dovecot (same user and mailbox), a new connection per round")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--warmup", action="store_true", help="one untimed start of the first build first")
    p.add_argument("--select-only", action="store_true")
    p.add_argument("--user", default="user200@example.test")
    p.add_argument("--password", default="pass")
    p.add_argument("--word", default="budget")
    p.add_argument("--timeout", type=float, default=300)
    p.add_argument("--java", default=os.path.join(os.environ.get("JAVA_HOME", "/usr"), "bin", "java"))
    args = p.parse_args()
    builds = []
    for b in args.build:
        label, path = b.split("=", 1)
        with open(path) as f:
            lines = f.read().strip().split("\n")
        # line 1: the classpath; an optional line 2: more JVM options (e.g. -XX:AOTCache=FILE)
        builds.append((label, (lines[0], lines[1].split() if len(lines) > 1 else [])))
    if args.dovecot_port:
        builds.append(("dovecot", None))
    if args.warmup:
        one_start(args, builds[0][0], builds[0][1])
    rows = []
    keys = ["select1", "select2", "select3", "fetch_flags", "unseen", "body", "select4"]
    for r in range(max(1, min(args.rounds, 20))):
        order = builds if r % 2 == 0 else builds[::-1]
        for label, cp in order:
            row = one_start(args, label, cp)
            rows.append(row)
            print("%-8s " % label + " ".join("%s=%.1fms" % (k, row[k] * 1000) for k in keys if k in row)
                  + " cpu_first_select=%.0fms" % (row["cpu_first_select"] * 1000)
                  + ("" if args.select_only else " fetch_lines=%d unseen_hits=%d body_hits=%s"
                     % (row["fetch_lines"], row["unseen_hits"], row.get("body_hits", "-"))), flush=True)
    print("medians (ms):")
    for label, _ in builds:
        mine = [r for r in rows if r["build"] == label]
        print("%-8s " % label + " ".join("%s=%.1f" % (k, statistics.median(r[k] for r in mine) * 1000)
                                        for k in keys + ["cpu_first_select"] if k in mine[0]))
    # UIDNEXT and HIGHESTMODSEQ move at every start (RunMarker skips UIDs and MODSEQs after a start)
    firsts = {r["build"]: re.sub(rb"\[(UIDNEXT|HIGHESTMODSEQ) \d+\]", rb"[\1 n]", r["select_lines"])
              for r in rows if r["build"] != "dovecot"}
    if len(set(firsts.values())) > 1:
        print("NOTE: the first SELECT's untagged responses differ between builds:")
        for label, lines in firsts.items():
            sys.stdout.write("--- %s\n%s" % (label, lines.decode(errors="replace")))
    else:
        print("first SELECT untagged responses identical across builds")


if __name__ == "__main__":
    main()
