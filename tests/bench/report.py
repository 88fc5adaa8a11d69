#!/usr/bin/python3
"""Turns the benchmark's raw measurements (hyperfine JSON, GNU time files,
verbose traces) in WORKDIR into the Markdown table quoted in README.md.
Usage: report.py WORKDIR
"""
import json
import re
import statistics
import sys
from pathlib import Path

work = Path(sys.argv[1])
# one verbose trace line per HTTP attempt, e.g. "s3: GET /bucket/key?list-type=2 -> 200 ..."
REQUEST_LINE = re.compile(r"\b(GET|PUT|POST|HEAD|DELETE) /")


def medians(name):
    data = json.loads((work / name).read_text())["results"]
    return [(r["command"], statistics.median(r["times"])) for r in data]


def ms(seconds):
    return f"{seconds * 1000:.1f} ms"


def comparison(title, name, target_note):
    rows = medians(name)
    base = rows[0][1]
    out = [f"| {title} | median | ratio claimcheck / this |", "|---|---|---|"]
    for command, median in rows:
        ratio = "1" if command == rows[0][0] else f"{base / median:.3f}"
        out.append(f"| {command} | {ms(median)} | {ratio} |")
    out.append(f"\n{target_note}\n")
    return "\n".join(out)


def time_files(pattern):
    return [tuple(float(x) for x in p.read_text().split()) for p in sorted(work.glob(pattern))]


def requests(trace):
    return sum(1 for line in trace.read_text(errors="replace").splitlines() if REQUEST_LINE.search(line))


print("## Benchmark results\n")
print(comparison("1 MiB text, offload", "offload.json",
                 "Targets: ratio to `gzip | aws s3 cp` at most 0.05; at most 1.5x the curl floor."))
print(comparison("1 MiB text, retrieve", "retrieve.json",
                 "Targets: ratio to `aws s3 cp | gunzip` at most 0.05; at most 1.5x the curl floor."))

off = time_files("mem-off-*")
ret = time_files("mem-ret-*")
print("| 1 GiB text | peak RSS (median) | wall time (median) |\n|---|---|---|")
print(f"| claimcheck offload (S3) | {statistics.median(m for m, _ in off) / 1024:.1f} MiB | "
      f"{statistics.median(t for _, t in off):.2f} s |")
print(f"| claimcheck retrieve -o (S3) | {statistics.median(m for m, _ in ret) / 1024:.1f} MiB | "
      f"{statistics.median(t for _, t in ret):.2f} s |")
print("\nTarget: peak resident memory at most 64 MiB each.\n")

print(comparison("256 MiB text to the local store", "throughput.json",
                 "Target: claimcheck at least as fast as `gzip -6` alone (ratio >= 1)."))
print(comparison("start-up", "startup.json",
                 "Target: no slower than `curl --version` (ratio >= 1)."))

stats = time_files("stats-[0-9]*")
gc_time = time_files("gc-time")[0]
aws_time = time_files("awsrm-time")[0]
gc_summary = json.loads((work / "gc.json").read_text())
print("| 100,000 objects, 50,000 expired | wall time | requests |\n|---|---|---|")
print(f"| claimcheck stats --storage (median of {len(stats)}) | "
      f"{statistics.median(t for t, _ in stats):.2f} s | {requests(work / 'stats-trace-1')} |")
print(f"| claimcheck gc | {gc_time[0]:.2f} s | {requests(work / 'gc-trace')} |")
print(f"| aws s3 rm --recursive (same 50,000 keys) | {aws_time[0]:.2f} s | (not traced) |")
print(f"\ngc summary: `{json.dumps(gc_summary.get('summary', gc_summary))}`")
print("Bound: gc at most ceil(100000/1000) = 100 list + ceil(50000/1000) = 50 delete requests.")
