#!/usr/bin/env python3
"""Why does one client's 1,000 x 5 KB download on Jotmai take 0.07 s in one harness run and 0.17 s in the
next? Starts Jotmai's POP3 (Pop3DevServer on the bench store) several times afresh; after each start it
warms the server like run.sh does, then times passes of one raw client (raw-retr.py's session shape) on
Jotmai and Dovecot alternately. Per pass it prints wall time, login time, the server's CPU split into
the JIT compiler threads, GC threads and the rest (the session thread and helpers), and, with --perf,
context switches and CPU migrations of the JVM (perf stat -p).

    swing.py --starts 4 --passes 5 [--warm full|small|none] [--jvm-opt ...] [--taskset-server 0]

Run under flock /tmp/bench.lock; needs the classpath in $CP (see bench/pop3/README.md) and the filled
bench store (JOTMAI_BENCH_DIR, default /tmp/jotmai-pop3-bench-data). Diagnosis only: figures from one
invocation are compared with each other, never with another's.
"""
import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("raw", os.path.join(HERE, "raw-retr.py"))
raw = importlib.util.module_from_spec(spec)
spec.loader.exec_module(raw)
sys.path.insert(0, HERE)
from proc_cpu import cpu as total_cpu, threads  # noqa: E402 (after the path)


def one_pass(port, user, pids, perf, cpu_list):
    perf_proc = None
    if perf and pids:
        perf_proc = subprocess.Popen(["perf", "stat", "-x,", "-e", "context-switches,cpu-migrations",
                                      "-p", str(pids[0])], stderr=subprocess.PIPE, text=True)
        time.sleep(0.2)
    before_t = threads(pids)
    before = total_cpu(pids)
    if cpu_list is not None:
        os.sched_setaffinity(0, cpu_list)
    count, nbytes, wall, login = raw.one(("127.0.0.1", port, user, "pass"))
    after = total_cpu(pids)
    after_t = threads(pids)
    cs = mig = "-"
    if perf_proc:
        perf_proc.send_signal(2)
        err = perf_proc.communicate()[1]
        for line in err.splitlines():
            f = line.split(",")
            if len(f) > 2 and f[2] == "context-switches":
                cs = f[0]
            if len(f) > 2 and f[2] == "cpu-migrations":
                mig = f[0]
    d = {k: after_t[k] - before_t[k] for k in ("jit", "gc", "rest")}
    by = {k: v - before_t["by"].get(k, 0) for k, v in after_t["by"].items()}
    d["live"] = " ".join("%s=%.2f" % (k, v) for k, v in sorted(by.items(), key=lambda kv: -kv[1]) if v > 0)
    d["rest"] = (after - before) - d["jit"] - d["gc"]  # the session thread has exited: not in after_t
    return wall, login, after - before, d, cs, mig


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--starts", type=int, default=3)
    ap.add_argument("--passes", type=int, default=5)
    ap.add_argument("--warm", default="full", choices=["full", "small", "none"])
    ap.add_argument("--warm-loops", type=int, default=0, help="extra 1,000 x 5 KB sessions after the warm-up")
    ap.add_argument("--port", type=int, default=12310)
    ap.add_argument("--user", default="user171@example.test")
    ap.add_argument("--jvm-opt", action="append", default=[])
    ap.add_argument("--taskset-server", help="CPU list for Jotmai's JVM (diagnosis)")
    ap.add_argument("--client-cpu", help="CPU list for the client (diagnosis)")
    ap.add_argument("--perf", action="store_true")
    ap.add_argument("--no-dovecot", action="store_true")
    a = ap.parse_args()
    data = os.environ.get("JOTMAI_BENCH_DIR", "/tmp/jotmai-pop3-bench-data")
    java = os.path.join(os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64"), "bin", "java")
    client_cpu = set(int(x) for x in a.client_cpu.split(",")) if a.client_cpu else None
    print("load: " + open("/proc/loadavg").read().strip(), flush=True)
    for start in range(1, a.starts + 1):
        cmd = [java, "--enable-native-access=ALL-UNNAMED", "-Djdk.pollerMode=1"] + a.jvm_opt + [
            "-cp", os.environ["CP"], "jotmai.pop3.Pop3DevServer", str(a.port), data, "600"]
        if a.taskset_server:
            cmd = ["taskset", "-c", a.taskset_server] + cmd
        srv = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                line = srv.stdout.readline()
                if not line or "POP3 on" in line:
                    break
            pid = srv.pid
            t0 = time.monotonic()
            warm = []
            if a.warm in ("full", "small"):
                warm += [[a.user], ["user%d@example.test" % u for u in range(171, 181)]]
            if a.warm == "full":
                warm += [["user181@example.test"], ["user%d@example.test" % u for u in range(181, 191)]]
            for users in warm:
                subprocess.run([sys.executable, os.path.join(HERE, "raw-retr.py"), "--port", str(a.port),
                                "--users", ",".join(users), "--runs", "1"], check=True, stdout=subprocess.DEVNULL)
            for _ in range(a.warm_loops):
                subprocess.run([sys.executable, os.path.join(HERE, "raw-retr.py"), "--port", str(a.port),
                                "--users", a.user, "--runs", "1"], check=True, stdout=subprocess.DEVNULL)
            wjit = threads([pid])["jit"]
            print("start %d: pid %d warm-up %s %.1f s (JIT threads so far %.2f s)" % (
                start, pid, a.warm, time.monotonic() - t0, wjit), flush=True)
            rows = {"jotmai": [], "dovecot": []}
            for p in range(a.passes):
                order = [("jotmai", a.port, [pid])]
                if not a.no_dovecot:
                    order.append(("dovecot", 10110, None))
                if p % 2:
                    order.reverse()
                for name, port, pids in order:
                    if pids is None:
                        # Dovecot forks a pop3 process per login; sample its processes after login
                        # is not possible from here, so take the CPU of all pop3 processes (login
                        # included) via a wrapper: count before and after over existing + new ones.
                        pids = []
                    wall, login, cpu, d, cs, mig = one_pass(port, a.user, pids, a.perf and name == "jotmai",
                                                            client_cpu)
                    rows[name].append(wall - login)
                    print("  %-7s pass %d wall %.3f login %.3f without-login %.3f  cpu %.3f (jit %.3f gc %.3f "
                          "rest %.3f) cs %s mig %s live: %s" % (name, p + 1, wall, login, wall - login, cpu, d["jit"],
                                                        d["gc"], d["rest"], cs, mig, d.get("live", "")), flush=True)
            for name, xs in rows.items():
                if xs:
                    print("start %d %-7s without-login median %.3f min %.3f max %.3f" % (
                        start, name, statistics.median(xs), min(xs), max(xs)), flush=True)
        finally:
            srv.terminate()
            try:
                srv.wait(20)
            except subprocess.TimeoutExpired:
                srv.kill()
    print("load: " + open("/proc/loadavg").read().strip(), flush=True)


if __name__ == "__main__":
    main()
