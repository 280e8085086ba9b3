"""CPU time of server processes from /proc, shared by the POP3 bench scripts (cpu-per-retr.py,
raw-retr.py, swing.py).

CPU seconds (utime + stime, proc(5) fields 14 and 15) depend much less on other load on a shared
machine than wall time does. Jotmai is one JVM: pass its pid. Dovecot forks a `pop3` process per
logged-in session: take them by command name (`pids_by_comm("pop3")`) while the sessions are open,
since an exited process's time is gone from /proc.
"""
import os

TCK = os.sysconf("SC_CLK_TCK")


def _stat_fields(path):
    """The fields after the command name (which may hold spaces and parentheses)."""
    with open(path) as f:
        raw = f.read()
    return raw[raw.index("(") + 1:raw.rindex(")")], raw.rsplit(")", 1)[1].split()


def cpu(pids):
    """utime + stime in seconds, summed over the processes (all their threads, exited ones included)."""
    t = 0
    for p in pids:
        try:
            _, fs = _stat_fields("/proc/%d/stat" % p)
            t += int(fs[11]) + int(fs[12])
        except (FileNotFoundError, ProcessLookupError):
            pass
    return t / TCK


def threads(pids):
    """CPU seconds of the live threads per category: "jit" (JVM compiler threads), "gc" (JVM GC
    threads), "rest", and "by" (rest per thread name). Exited threads are missing: use cpu() for totals."""
    out = {"jit": 0.0, "gc": 0.0, "rest": 0.0, "by": {}}
    for p in pids:
        try:
            tasks = os.listdir("/proc/%d/task" % p)
        except FileNotFoundError:
            continue
        for tid in tasks:
            try:
                comm, fs = _stat_fields("/proc/%d/task/%s/stat" % (p, tid))
            except (FileNotFoundError, ProcessLookupError):
                continue
            t = (int(fs[11]) + int(fs[12])) / TCK
            if "Compiler" in comm:
                out["jit"] += t
            elif comm.startswith(("GC ", "G1 ")):
                out["gc"] += t
            else:
                out["rest"] += t
                out["by"][comm] = out["by"].get(comm, 0) + t
    return out


def app_cpu(pids):
    """CPU seconds of the live threads that are not JIT compiler threads."""
    t = threads(pids)
    return t["gc"] + t["rest"]


def pids_by_comm(comm):
    """Processes whose command name (/proc/PID/comm) is exactly comm."""
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open("/proc/%s/comm" % d) as f:
                    if f.read().strip() == comm:
                        out.append(int(d))
            except OSError:
                pass
    return out
