#!/usr/bin/env python3
"""Times two commands interleaved (A B A B ...) and prints a markdown table row.

Usage: bench.py NAME RUNS 'COMMAND A' 'COMMAND B'
Each run's wall time comes from a monotonic clock around fork/exec/wait, its CPU time and
peak resident memory from wait4's rusage (ru_maxrss, the largest single process).
Commands run through /bin/sh -c. Medians are quoted, with min-max.
"""
import os
import statistics
import sys
import time


def run(command):
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_RDWR)
        os.dup2(devnull, 0)
        os.dup2(devnull, 1)
        os.execv("/bin/sh", ["sh", "-c", command])
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"bench: command failed ({os.waitstatus_to_exitcode(status)}): {command}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0


def summary(values, unit, scale=1.0):
    median = statistics.median(values) * scale
    return f"{median:.1f} {unit} ({min(values) * scale:.1f}-{max(values) * scale:.1f})"


def main():
    name, runs, command_a, command_b = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    for _ in range(3):  # warm-up, not counted
        run(command_a)
        run(command_b)
    a, b = [], []
    for _ in range(runs):
        a.append(run(command_a))
        b.append(run(command_b))
    ratios = [x[0] / y[0] for x, y in zip(a, b)]
    cpu_ratios = [x[1] / y[1] for x, y in zip(a, b) if y[1] > 0]
    print(
        f"| {name} | {summary([x[0] for x in a], 'ms', 1000)} | {summary([y[0] for y in b], 'ms', 1000)} "
        f"| {statistics.median(ratios):.2f}x ({min(ratios):.2f}-{max(ratios):.2f}) "
        f"| {statistics.median(cpu_ratios):.2f}x "
        f"| {statistics.median([x[2] for x in a]):.1f} MiB / {statistics.median([y[2] for y in b]):.1f} MiB |"
    )


if __name__ == "__main__":
    main()
