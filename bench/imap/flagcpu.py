#!/usr/bin/env python3
"""Server-side cost of the sync-time commands on a big mailbox (issue 4), load-insensitive where it can be.

Sends each command --runs times over one raw IMAP connection (no imaplib parsing: the response is read as
bytes up to the tagged line) and prints, per command, the client wall time (median/min) and the CPU time
(utime+stime) the server process spent per command, read from /proc/<pid>/stat before and after. The
server process is the one that owns the server side of this connection (found with `ss -tnp`): Jotmai's
JVM, or Dovecot's per-user imap process. CPU time per command does not grow with the machine's load the
way wall time does, so it is the figure to compare while other builds run.
    flagcpu.py --port 10143 --user user200@example.test [--runs 20] [--label dovecot]
"""
import argparse
import os
import re
import socket
import statistics
import subprocess
import time

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime (fields 14 and 15 of stat)


def server_pid(sock, port):
    local = sock.getsockname()[1]
    out = subprocess.run(["ss", "-tnpH", "state", "established", "( sport = :%d and dport = :%d )" % (port, local)],
                         capture_output=True, text=True).stdout
    m = re.search(r"pid=(\d+)", out)
    if not m:
        raise SystemExit("no server process found for local port %d: %r" % (local, out))
    return int(m.group(1))


class Conn:
    def __init__(self, host, port):
        self.s = socket.create_connection((host, port), timeout=600)
        self.f = self.s.makefile("rb", buffering=1 << 20)
        self.n = 0
        self.f.readline()

    def cmd(self, text):
        self.n += 1
        tag = b"t%d" % self.n
        self.s.sendall(tag + b" " + text.encode() + b"\r\n")
        size = 0
        while True:
            line = self.f.readline()
            if not line:
                raise SystemExit("connection closed")
            size += len(line)
            if line.startswith(tag + b" "):
                if not line.startswith(tag + b" OK"):
                    raise SystemExit("%s -> %r" % (text, line))
                return size


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--user", default="user200@example.test")
    ap.add_argument("--password", default="pass")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--label", default="server")
    ap.add_argument("--commands", default="SELECT INBOX|EXAMINE INBOX|STATUS INBOX (MESSAGES UNSEEN)|"
                    "UID SEARCH UNSEEN|UID SEARCH SEEN|UID SEARCH FLAGGED|UID SEARCH ANSWERED|UID SEARCH DELETED|"
                    "UID FETCH 1:* (FLAGS)|FETCH 1:* (UID FLAGS)")
    a = ap.parse_args()
    c = Conn(a.host, a.port)
    c.cmd('LOGIN "%s" "%s"' % (a.user, a.password))
    pid = server_pid(c.s, a.port)
    c.cmd("SELECT INBOX")  # warm: the first SELECT may load
    for command in a.commands.split("|"):
        if command.startswith(("UID SEARCH", "UID FETCH", "FETCH")):
            c.cmd("SELECT INBOX")
        walls = []
        size = 0
        cpu0 = cpu_seconds(pid)
        for _ in range(max(1, min(a.runs, 1000))):
            t0 = time.monotonic()
            size = c.cmd(command)
            walls.append(time.monotonic() - t0)
        cpu = (cpu_seconds(pid) - cpu0) / len(walls)
        print("CPU %-8s %-36s wall median=%.4f min=%.4f  server cpu/op=%.4f s  bytes=%d" % (
            a.label, command, statistics.median(walls), min(walls), cpu, size), flush=True)
    c.cmd("LOGOUT")


if __name__ == "__main__":
    main()
