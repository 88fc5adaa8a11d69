#!/usr/bin/python3
"""Times commands side by side, interleaved: each round runs every command
once (the order rotated every round), so a load that comes and goes on a
shared machine falls on all of them alike instead of on whichever ran in
that minute. Each run goes through `bash -c` (the alternatives need a shell
for `&&`, `|` and `>`; a lone command is exec'ed by bash, so every run pays
one shell start-up), or is exec'ed directly with --no-shell. Output goes to
/dev/null. Records the wall time and the CPU time of each run (the child's
and its waited-for descendants' rusage).

Usage: interleave.py [--runs N] [--warmup W] [--no-shell] --export-json FILE
                     -n NAME COMMAND [-n NAME COMMAND ...]
Writes hyperfine's JSON shape ({"results": [{"command", "times", "user",
"system"}]}) and prints a summary per command on stderr. Exits 1 when a run
fails.
"""
import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import time


def run_once(command, no_shell):
    argv = shlex.split(command) if no_shell else ["bash", "-c", command]
    with open(os.devnull, "wb") as null:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=null, stderr=null)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"interleave.py: exit {proc.returncode}: {command}")
    return wall, usage.ru_utime, usage.ru_stime


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--no-shell", action="store_true")
    p.add_argument("--export-json", required=True)
    p.add_argument("-n", nargs=2, action="append", metavar=("NAME", "COMMAND"), required=True)
    args = p.parse_args()
    names = [name for name, _ in args.n]
    commands = dict(args.n)
    for _ in range(args.warmup):
        for name in names:
            run_once(commands[name], args.no_shell)
    samples = {name: [] for name in names}
    for round_index in range(args.runs):
        shift = round_index % len(names)
        for name in names[shift:] + names[:shift]:
            samples[name].append(run_once(commands[name], args.no_shell))
    results = []
    for name in names:
        walls = [w for w, _, _ in samples[name]]
        results.append({"command": name, "times": walls,
                        "user": statistics.mean(u for _, u, _ in samples[name]),
                        "system": statistics.mean(s for _, _, s in samples[name])})
        print(f"{name}: median {statistics.median(walls) * 1000:.1f} ms "
              f"({min(walls) * 1000:.1f} .. {max(walls) * 1000:.1f}), CPU "
              f"{(results[-1]['user'] + results[-1]['system']) * 1000:.1f} ms", file=sys.stderr)
    with open(args.export_json, "w") as f:
        json.dump({"results": results}, f, indent=1)


if __name__ == "__main__":
    main()
