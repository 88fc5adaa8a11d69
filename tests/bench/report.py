#!/usr/bin/python3
"""Turns the benchmark's raw measurements in WORKDIR (hyperfine JSON, GNU time
files, radosgw request counts and CPU, claimcheck -v traces) into the
Markdown tables of tests/bench/run, with a verdict per issue-16 target.
Usage: report.py WORKDIR
"""
import json
import math
import re
import statistics
import sys
from pathlib import Path

work = Path(sys.argv[1])
# claimcheck -vv prints one line per HTTP attempt (sigv4/request_executor.cpp,
# trace_attempt), e.g. "claimcheck: s3: GET /bucket?list-type=2&... -> 200, ...".
# A trace without such lines is broken (it once ran with -v, which no longer
# prints them, and every request bound passed with 0): its verdicts fail.
TRACE_ATTEMPT = re.compile(r"^claimcheck: s3: (GET|PUT|POST|HEAD|DELETE) (/\S*) -> ")


def key_values(name):
    path = work / name
    if not path.exists():
        return {}
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    return {k: v for k, v in pairs}


params = key_values("params.txt")
server_requests = {k: int(v) for k, v in key_values("requests.txt").items()}
server_cpu = {k: int(v) / 100 for k, v in key_values("server-cpu.txt").items()}
sizes = {k: int(v) for k, v in key_values("sizes.txt").items()}


def attempts(name):
    """The (method, target) of every HTTP attempt in claimcheck's -vv trace."""
    found = []
    for line in (work / f"trace-{name}.txt").read_text(errors="replace").splitlines():
        m = TRACE_ATTEMPT.match(line)
        if m:
            found.append((m.group(1), m.group(2), line))
    return found


def hyperfine(name):
    """{command: (median s, min s, max s, mean user+system CPU s)} in the order run."""
    results = json.loads((work / name).read_text())["results"]
    return {r["command"]: (statistics.median(r["times"]), min(r["times"]), max(r["times"]),
                           r["user"] + r["system"]) for r in results}


def cell(text):
    """A Markdown table cell: a pipe inside a command must not end the cell."""
    return text.replace("|", "\\|")


def ms(seconds):
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def verdict(ok):
    return "met" if ok else "**NOT met**"


def table(title, rows, ours, extra=None):
    """rows: {command: (median, min, max, cpu)}; `ours` is the command the ratio divides."""
    extra = extra or {}
    heading = f"| {title} | median | min .. max | CPU (mean) | claimcheck / this |"
    extra_names = sorted({k for cols in extra.values() for k in cols})
    heading += "".join(f" {name} |" for name in extra_names)
    out = [heading, "|" + "---|" * (5 + len(extra_names))]
    base = rows[ours][0]
    for command, (median, low, high, cpu) in rows.items():
        line = f"| {cell(command)} | {ms(median)} | {ms(low)} .. {ms(high)} | {ms(cpu)} | {base / median:.3f} |"
        line += "".join(f" {extra.get(command, {}).get(name, '-')} |" for name in extra_names)
        out.append(line)
    return "\n".join(out)


def requests_cell(command, trace=None):
    cells = {}
    if command in server_requests:
        text = str(server_requests[command])
        if trace:
            count = len(attempts(trace))
            text += f" (trace: {count})" if count else " (trace: no request lines, a broken trace)"
        cells["requests per run"] = text
    return cells


def transfer_section():
    off = hyperfine("offload.json")
    floor = "igzip -1 > f.gz && curl -T f.gz"
    extra = {c: requests_cell(c, "offload" if c == "claimcheck offload" else None) for c in off}
    print(table("1 MiB text, offload to radosgw", off, "claimcheck offload", extra))
    ratio = off["claimcheck offload"][0] / off[floor][0]
    print(f"\n- target 1: claimcheck / `{floor}` = {ratio:.2f} (at most 1.0): {verdict(ratio <= 1.0)}")
    print(f"- default level 1 beside levels 3 and 6 (1 MiB): "
          + ", ".join(f"{name} {ms(off[name][0])} (CPU {ms(off[name][3])})"
                      for name in ("claimcheck offload", "(level 3) claimcheck offload --level 3",
                                   "(level 6) claimcheck offload --level 6")))
    ret = hyperfine("retrieve.json")
    floor = "curl | igzip -dc"
    extra = {c: requests_cell(c, "retrieve" if c == "claimcheck retrieve" else None) for c in ret}
    print()
    print(table("1 MiB text, retrieve from radosgw", ret, "claimcheck retrieve", extra))
    ratio = ret["claimcheck retrieve"][0] / ret[floor][0]
    print(f"\n- target 1: claimcheck / `{floor}` = {ratio:.2f} (at most 1.0): {verdict(ratio <= 1.0)}\n")


def offload_mid_section():
    mib = int(params["mid_mib"])
    rows = hyperfine("throughput.json")
    ours = "claimcheck offload (level 1, local store)"
    original = sizes["original"]
    stored = {ours: sizes["claimcheck --level 1"], "igzip -1 -T 2 -c > file": sizes["igzip -1"],
              "pigz -p 2 -1 -c > file": sizes["pigz -1"],
              "(level 3) claimcheck offload --level 3": sizes["claimcheck --level 3"],
              "(level 3) igzip -3 -T 2 -c > file": sizes["igzip -3"],
              "(level 6) claimcheck offload --level 6": sizes["claimcheck --level 6"],
              "(level 6) pigz -p 2 -6 -c > file": sizes["pigz -6"]}
    extra = {c: {"MiB/s": f"{mib / rows[c][0]:.0f}",
                 "stored": f"{stored[c]:,} B ({100 * stored[c] / original:.1f}%)"} for c in rows}
    print(table(f"{mib} MiB text, offload to the local store", rows, ours, extra))
    igzip = "igzip -1 -T 2 -c > file"
    ratio = rows[ours][0] / rows[igzip][0]
    size_ratio = stored[ours] / stored[igzip]
    print(f"\n- target 2: claimcheck (which also computes sha256 and fsyncs) / `{igzip}` = {ratio:.2f} "
          f"(at most 1.0): {verdict(ratio <= 1.0)}; stored bytes {size_ratio:.4f}x igzip's "
          f"(at most 1.02): {verdict(size_ratio <= 1.02)}")
    print(f"- default level 1 beside 3 and 6: "
          + ", ".join(f"level {lvl} {mib / rows[name][0]:.0f} MiB/s, {100 * stored[name] / original:.1f}%"
                      for lvl, name in ((1, ours), (3, "(level 3) claimcheck offload --level 3"),
                                        (6, "(level 6) claimcheck offload --level 6"))) + "\n")


def retrieve_mid_section():
    mib = int(params["mid_mib"])
    rows = hyperfine("retrieve-mid.json")
    ours = "claimcheck retrieve -o file"
    extra = {c: {"MiB/s": f"{mib / rows[c][0]:.0f}"} for c in rows}
    print(table(f"{mib} MiB text, retrieve from the local store", rows, ours, extra))
    ratio = rows[ours][0] / rows["igzip -dc > file"][0]
    print(f"\n- target 3: claimcheck (size and sha256 verified before the file appears, fsynced) / "
          f"`igzip -dc > file` = {ratio:.2f} (at most 1.3): {verdict(ratio <= 1.3)}\n")


def time_files(pattern):
    return [tuple(float(x) for x in p.read_text().split()) for p in sorted(work.glob(pattern))]


def memory_section():
    mib = int(params["big_mib"])
    size = f"{mib / 1024:g} GiB" if mib >= 1024 else f"{mib} MiB"
    stored = sizes["big_stored"]
    print(f"| {size} text on radosgw, {params['mem_runs']} runs | peak RSS (max) | wall time (median) "
          f"| throughput |\n|---|---|---|---|")
    worst = 0.0
    for label, pattern, nbytes in (("claimcheck offload", "mem-off-*", mib << 20),
                                   ("claimcheck retrieve -o", "mem-ret-*", mib << 20),
                                   ("curl -T of the stored (compressed) bytes", "curl-put-*", stored),
                                   ("curl GET of the stored bytes to a file", "curl-get-*", stored)):
        runs = time_files(pattern)
        peak = max(m for m, _ in runs) / 1024
        wall = statistics.median(t for _, t in runs)
        if label.startswith("claimcheck"):
            worst = max(worst, peak)
        what = "original" if label.startswith("claimcheck") else "compressed"
        print(f"| {label} | {peak:.1f} MiB | {wall:.2f} s | {nbytes / 2**20 / wall:.0f} MiB/s of {what} bytes |")
    print(f"\n- requests of one offload: {server_requests['claimcheck offload (big)']}"
          f" (multipart: create, parts, complete, metadata copy); stored {stored:,} B")
    print(f"- target 4: peak resident memory at most 64 MiB each: {verdict(worst <= 64)}\n")


def startup_section():
    rows = hyperfine("startup.json")
    print(table("start-up", rows, "claimcheck --version"))
    curl = rows["curl --version"][0]
    ok = all(r[0] <= curl for c, r in rows.items() if c.startswith("claimcheck"))
    print(f"\n- each claimcheck row no slower than `curl --version`: {verdict(ok)}\n")


def listing_counts(name):
    """(list requests, delete requests, retries, partitions, all requests, multipart-upload
    listings) from a -vv trace."""
    lines = attempts(name)
    lists = [t for m, t, _ in lines if "list-type=2" in t]
    deletes = sum(1 for m, t, _ in lines if m == "POST" and "?delete" in t)
    uploads = sum(1 for m, t, _ in lines if "?uploads" in t)
    retries = sum(1 for _, _, line in lines if "attempt 1/" not in line)
    prefixes = {re.search(r"[?&]prefix=([^&]*)", t).group(1) for t in lists if "delimiter=" not in t}
    partitions = len(prefixes) if any("delimiter=" in t for t in lists) else 0
    return len(lists), deletes, retries, partitions, len(lines), uploads


# In the order they ran (tests/bench/run): sequential, partitioned, partitioned, sequential.
GC_RUNS = ("gc-sequential-1", "gc-partitioned-1", "gc-partitioned-2", "gc-sequential-2")


def gc_section():
    objects, expired = int(params["objects"]), int(params["expired"])
    print(f"| {objects:,} objects, {expired:,} expired, radosgw | wall time | peak RSS | server CPU "
          f"| requests: trace (radosgw) | list / delete requests | partitions |\n|---|---|---|---|---|---|---|")
    walls = {}
    for name in ("stats-sequential-1", "stats-partitioned-1", "stats-sequential-2", "stats-partitioned-2",
                 *GC_RUNS, "stats-after"):
        wall, rss = time_files(f"time-{name}")[0]
        walls[name] = wall
        lists, deletes, retries, partitions, total, _ = listing_counts(name)
        rss_mib = rss / 1024
        print(f"| claimcheck {name.replace('-', ' ')} | {wall:.2f} s | {rss_mib:.1f} MiB | "
              f"{server_cpu[name]:.1f} s | {total} ({server_requests.get(name, '?')}), {retries} retries | "
              f"{lists} / {deletes} | "
              f"{partitions or '-'} |")
    puts = [("populate_seconds", objects, "Populating"),
            ("restore_seconds", expired, "Restoring the half an earlier run deleted")]
    puts += [(f"repopulate_seconds_before_{run[3:]}", expired, f"PUTting the deleted half anew before {run}")
             for run in GC_RUNS[1:]]
    for name, count, what in puts:
        if name in params:
            took = int(params[name])
            print(f"\n{what} took {took // 60} min {took % 60} s ({count / max(took, 1):.0f} PUT/s).")
    if "populate_seconds" not in params:
        print("\nThe objects were PUT by an earlier run (BENCH_RGW_STATE) and reused.")
    print()
    stats_ratio = (min(walls["stats-partitioned-1"], walls["stats-partitioned-2"])
                   / min(walls["stats-sequential-1"], walls["stats-sequential-2"]))
    # The gc runs went A B B A: the sums compare like with like.
    gc_ratio = (sum(walls[n] for n in GC_RUNS if "partitioned" in n)
                / sum(walls[n] for n in GC_RUNS if "sequential" in n))
    print(f"- target 5: partitioned / sequential wall time: stats {stats_ratio:.2f}, gc {gc_ratio:.2f} "
          f"(the two partitioned runs over the two sequential ones) (at most 0.25): "
          f"stats {verdict(stats_ratio <= 0.25)}, gc {verdict(gc_ratio <= 0.25)}")
    for name in GC_RUNS:
        summary = json.loads((work / f"out-{name}.json").read_text())
        lists, deletes, retries, partitions, total, uploads = listing_counts(name)
        bound = math.ceil(objects / 1000) + math.ceil(expired / 1000) + partitions
        exact = summary["deleted"] == expired and summary["errors"] == 0 and summary["scanned"] == objects
        counted = server_requests.get(name)
        agree = "" if counted == total else f" (radosgw counted {counted}: the trace is incomplete)"
        print(f"- {name}: deleted {summary['deleted']:,} of {summary['scanned']:,} scanned, {summary['errors']} "
              f"errors ({verdict(exact)}); requests {total}{agree} ({lists} list, {deletes} delete, "
              f"{uploads} multipart-upload listing) <= ceil(N/1000) + ceil(expired/1000) "
              f"+ partitions = {bound}: {verdict(0 < total <= bound and retries == 0 and counted == total)}")
    after = json.loads((work / "out-stats-after.json").read_text())
    storage = after.get("storage", after)
    print(f"- after the gc runs: {storage.get('objects')} objects remain, expired "
          f"`{json.dumps(storage.get('expired'))}`")
    worst = max(time_files(f"time-{n}")[0][1] for n in walls) / 1024
    print(f"- peak RSS at most 64 MiB: {worst:.1f} MiB, {verdict(worst <= 64)}\n")


def load(target):
    return f"load average at its start: {params.get('load_' + target, '?')}"


print("## Benchmark results\n")
print(f"Commit {params['commit']}, {params['date']}, {params['cpus']} CPUs ({params['cpu_model']}), "
      f"targets `{params['targets']}`, load average at the start {params['load']}, at the end "
      f"{params['load_end']}; {params['runs']} runs per 1 MiB comparison (medians); the whole run took "
      f"{int(params['seconds']) // 60} min {int(params['seconds']) % 60} s. Requests per run are radosgw's "
      "own count (`perf dump` rgw.req) over one extra run.\n")
sections = (("offload-1m", transfer_section), ("offload-256m", offload_mid_section),
            ("retrieve-256m", retrieve_mid_section), ("big-1g", memory_section), ("startup", startup_section),
            ("gc-1m", gc_section))
for target, section in sections:
    if target in params["targets"].split():
        print(f"### `tests/bench/run {target}` ({load(target)})\n")
        section()
