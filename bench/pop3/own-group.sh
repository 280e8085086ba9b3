#!/bin/bash
# own-group.sh COMMAND...: runs COMMAND with the autogroup nice value AUTOGROUP_NICE; start it with
# `setsid -w` so that it is a session, and so a CPU scheduling group, of its own. With autogroup
# scheduling on (/proc/sys/kernel/sched_autogroup_enabled, Debian's default; sched(7), "The autogroup
# feature") the kernel first shares the CPU between sessions and a process's nice value only counts
# inside its session: a server that shares a session with its load client gets half the share of a
# server in a session of its own (Dovecot, started by reference-stack.sh, is one).
[ -z "${AUTOGROUP_NICE:-}" ] || echo "$AUTOGROUP_NICE" >/proc/self/autogroup 2>/dev/null || true
exec "$@"
