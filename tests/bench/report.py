#!/usr/bin/python3
"""Turns the benchmark's raw measurements in WORKDIR (hyperfine JSON, GNU time
files, radosgw request counts, claimcheck -v traces) into the Markdown tables
of tests/bench/run, with a verdict per issue-9 target.
Usage: report.py WORKDIR
"""
import json
import math
import re
import statistics
import sys
from pathlib import Path

work = Path(sys.argv[1])
# claimcheck -v prints one line per HTTP attempt (sigv4/request_executor.cpp,
# trace_attempt), e.g. "claimcheck: s3: GET /bucket?list-type=2&... -> 200, ...".
TRACE_ATTEMPT = re.compile(r"^claimcheck: s3: (GET|PUT|POST|HEAD|DELETE) /\S* -> ")


def key_values(name):
    pairs = (line.split("=", 1) for line in (work / name).read_text().splitlines() if "=" in line)
    return {k: v for k, v in pairs}


params = key_values("params.txt")
server_requests = {k: int(v) for k, v in key_values("requests.txt").items()}


def traced_requests(name):
    path = work / f"trace-{name}.txt"
    return sum(1 for line in path.read_text(errors="replace").splitlines() if TRACE_ATTEMPT.match(line))


def hyperfine(name):
    """[(command name, median s, min s, max s, mean user+system CPU s)] in the order run."""
    results = json.loads((work / name).read_text())["results"]
    return [(r["command"], statistics.median(r["times"]), min(r["times"]), max(r["times"]),
             r["user"] + r["system"]) for r in results]


def cell(text):
    """A Markdown table cell: a pipe inside a command must not end the cell."""
    return text.replace("|", "\\|")


def ms(seconds):
    return f"{seconds * 1000:.1f} ms"


def verdict(ok):
    return "met" if ok else "**NOT met**"


def comparison(title, name, trace=None):
    """The table; returns (text, {command: median})."""
    rows = hyperfine(name)
    ours = rows[0][1]
    out = [f"| {title} | median | min .. max | CPU (mean) | claimcheck / this | requests per run |",
           "|---|---|---|---|---|---|"]
    for command, median, low, high, cpu in rows:
        requests = str(server_requests[command]) if command in server_requests else "-"
        if trace and command == rows[0][0]:
            requests += f" (trace: {traced_requests(trace)})"
        out.append(f"| {cell(command)} | {ms(median)} | {ms(low)} .. {ms(high)} | {ms(cpu)} | "
                   f"{ours / median:.3f} | {requests} |")
    return "\n".join(out), {row[0]: row[1] for row in rows}


def transfer_section(kind, name, aws, floor):
    text, medians = comparison(f"1 MiB text, {kind}", name, trace=kind)
    ours = medians[f"claimcheck {kind}"]
    print(text)
    print(f"\n- vs `{aws}`: {ours / medians[aws]:.3f} (target at most 0.05): "
          f"{verdict(ours / medians[aws] <= 0.05)}")
    print(f"- vs the floor `{floor}`: {ours / medians[floor]:.2f}x (target at most 1.5x): "
          f"{verdict(ours / medians[floor] <= 1.5)}")
    level6 = medians.get(f"(for reference) claimcheck {kind} --level 6")
    if level6:
        print(f"- at --level 6 (the default before the benchmark): {ms(level6)}, "
              f"{level6 / medians[aws]:.3f} of `{aws}`")
    print()


def time_files(pattern):
    return [tuple(float(x) for x in p.read_text().split()) for p in sorted(work.glob(pattern))]


def memory_section():
    size = f"{int(params['big_mib']) / 1024:g} GiB" if int(params["big_mib"]) >= 1024 \
        else f"{params['big_mib']} MiB"
    print(f"| {size} text, {params['mem_runs']} runs | peak RSS (max) | peak RSS (median) "
          f"| wall time (median) |\n|---|---|---|---|")
    worst = 0.0
    for label, pattern in (("claimcheck offload (S3)", "mem-off-*"),
                           ("claimcheck retrieve -o (S3)", "mem-ret-*")):
        runs = time_files(pattern)
        peak = max(m for m, _ in runs) / 1024
        worst = max(worst, peak)
        print(f"| {label} | {peak:.1f} MiB | {statistics.median(m for m, _ in runs) / 1024:.1f} MiB | "
              f"{statistics.median(t for _, t in runs):.2f} s |")
    print(f"\n- requests of one offload: {server_requests['claimcheck offload (big)']}"
          " (multipart: create, parts, complete, metadata copy)")
    print(f"- target: peak resident memory at most 64 MiB each: {verdict(worst <= 64)}\n")


def throughput_section():
    text, medians = comparison(f"{params['mid_mib']} MiB text to the local store", "throughput.json")
    print(text)
    mib = int(params["mid_mib"])
    ours, gzip = medians["claimcheck offload (local store)"], medians["gzip -6 > file"]
    print(f"\n- claimcheck {mib / ours:.0f} MiB/s, gzip -6 {mib / gzip:.0f} MiB/s; "
          f"target claimcheck / gzip at most 1: {verdict(ours <= gzip)}")
    level6 = medians["(same level) claimcheck offload --level 6"]
    gzip1 = medians["(same level) gzip -1 > file"]
    print(f"- at the same level: claimcheck --level 6 / gzip -6 {level6 / gzip:.3f}, "
          f"claimcheck (level 1) / gzip -1 {ours / gzip1:.3f}")
    sizes = {k: int(v) for k, v in key_values("sizes.txt").items()}
    original = sizes.pop("original")
    print("- stored size, % of the original: " + ", ".join(
        f"{name} {size:,} B ({100 * size / original:.1f}%)" for name, size in sizes.items()) + "\n")


def startup_section():
    text, medians = comparison("start-up", "startup.json")
    print(text)
    curl = medians["curl --version"]
    ok = all(m <= curl for c, m in medians.items() if c.startswith("claimcheck"))
    print(f"\n- target: each claimcheck row no slower than `curl --version` (ratio at most 1): "
          f"{verdict(ok)}\n")


def gc_section():
    objects = int(params["objects"])
    expired = objects // 2
    stats = time_files("stats-[0-9]*")
    gc_time = time_files("gc-time")[0]
    aws_time = time_files("awsrm-time")[0]
    print(f"| {objects:,} objects, {expired:,} expired | wall time | peak RSS | requests (server) "
          f"| requests (claimcheck trace) |\n|---|---|---|---|---|")
    print(f"| claimcheck stats --storage (median of {len(stats)}) | "
          f"{statistics.median(t for t, _ in stats):.2f} s | "
          f"{statistics.median(m for _, m in stats) / 1024:.1f} MiB | "
          f"{server_requests['claimcheck stats --storage']} | {traced_requests('stats')} |")
    print(f"| claimcheck gc | {gc_time[0]:.2f} s | {gc_time[1] / 1024:.1f} MiB | "
          f"{server_requests['claimcheck gc']} | {traced_requests('gc')} |")
    print(f"| aws s3 rm --recursive (the same number of keys, {expired:,}) | {aws_time[0]:.2f} s | "
          f"{aws_time[1] / 1024:.1f} MiB | {server_requests['aws s3 rm --recursive']} | - |")
    summary = json.loads((work / "gc.json").read_text())
    print(f"\ngc summary: `{json.dumps(summary.get('summary', summary))}`\n")
    # The bound: each listing page fetched once (radosgw, like S3, may return
    # fewer than max-keys per page, so the page count is the server's), one
    # DeleteObjects per 1,000 expired keys, and no retries.
    gc_lines = [line for line in (work / "trace-gc.txt").read_text(errors="replace").splitlines()
                if TRACE_ATTEMPT.match(line)]
    lists = [line for line in gc_lines if "list-type=2" in line]
    tokens = [m.group(1) for m in (re.search(r"continuation-token=([^ &]*)", line) for line in lists) if m]
    deletes = sum(1 for line in gc_lines if line.startswith("claimcheck: s3: POST") and "?delete" in line)
    retries = sum(1 for line in gc_lines if "attempt 1/" not in line)
    ok = (len(set(tokens)) == len(tokens) == len(lists) - 1 and deletes <= math.ceil(expired / 1000)
          and retries == 0 and len(gc_lines) == len(lists) + deletes)
    print(f"- bound: gc made {len(lists)} list requests ({objects / max(len(lists), 1):.0f} keys per page "
          f"as served, each page once), {deletes} DeleteObjects (at most ceil({expired}/1000) = "
          f"{math.ceil(expired / 1000)}), {retries} retries: {verdict(ok)}")
    print(f"- gc / aws s3 rm wall time: {gc_time[0] / aws_time[0]:.3f}\n")


print("## Benchmark results\n")
print(f"Commit {params['commit']}, {params['date']}, {params['cpus']} CPUs, load average at the end "
      f"{params['load']}; {params['runs']} runs per 1 MiB comparison (medians); "
      f"measurements took {int(params['seconds']) // 60} min {int(params['seconds']) % 60} s. Requests per run are "
      "radosgw's own count (`perf dump` rgw.req) over one extra run.\n")
transfer_section("offload", "offload.json", "gzip | aws s3 cp", "gzip > tmp; curl PUT")
transfer_section("retrieve", "retrieve.json", "aws s3 cp | gunzip", "curl GET | gunzip")
memory_section()
throughput_section()
startup_section()
gc_section()
