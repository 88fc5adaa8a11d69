"""tests/bench/report.py turns a benchmark's files into verdicts. Here, the gc
section's request bound: it holds only when claimcheck's trace shows the
requests and radosgw counted the same. A trace without request lines (as
`-v` gives since store requests moved to `-vv`) once passed it with 0."""
import json
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

REPORT = Path(__file__).with_name("report.py")
OBJECTS, EXPIRED = 2000, 1000
RUNS = ("stats-sequential-1", "stats-partitioned-1", "stats-sequential-2", "stats-partitioned-2",
        "gc-sequential-1", "gc-partitioned-1", "gc-partitioned-2", "gc-sequential-2", "stats-after")


def list_line(prefix, delimiter=False):
    target = f"/bench?list-type=2&max-keys=1000&prefix={prefix}" + ("&delimiter=%2F" if delimiter else "")
    return f"claimcheck: s3: GET {target} -> 200, sent 0 B, received 100 B, 3 ms, attempt 1/5, new connection"


DELETE = ("claimcheck: s3: POST /bench?delete -> 200, sent 100 B, received 100 B, 3 ms, attempt 1/5, "
          "reused connection")
UPLOADS = ("claimcheck: s3: GET /bench?uploads=&prefix=gc%2F -> 200, sent 0 B, received 100 B, 3 ms, "
           "attempt 1/5, reused connection")
# gc over 2,000 objects, 1,000 expired: two pages listed, one batch deleted.
GC_TRACE = [list_line("gc%2F"), list_line("gc%2F"), DELETE]


def write_work(work: Path, gc_trace, radosgw_count, walls=None):
    params = {"commit": "test", "date": "2026-12-03T00:00Z", "cpus": 2, "cpu_model": "test",
              "targets": "gc-1m", "load": "0 0 0", "load_end": "0 0 0", "runs": 15, "seconds": 60,
              "objects": OBJECTS, "expired": EXPIRED, "populate_seconds": 10}
    (work / "params.txt").write_text("".join(f"{k}={v}\n" for k, v in params.items()))
    (work / "requests.txt").write_text("".join(f"{n}={radosgw_count}\n" for n in RUNS))
    (work / "server-cpu.txt").write_text("".join(f"{n}=100\n" for n in RUNS))
    for name in RUNS:
        (work / f"time-{name}").write_text(f"{(walls or {}).get(name, 1.0):.2f} 20000\n")
        trace = gc_trace if name.startswith("gc") else []
        (work / f"trace-{name}.txt").write_text("".join(line + "\n" for line in trace))
        summary = {"deleted": EXPIRED, "errors": 0, "scanned": OBJECTS}
        (work / f"out-{name}.json").write_text(json.dumps(summary))


def report(gc_trace, radosgw_count, walls=None):
    with tempfile.TemporaryDirectory() as tmp:
        write_work(Path(tmp), gc_trace, radosgw_count, walls)
        out = subprocess.run([sys.executable, str(REPORT), tmp], capture_output=True, text=True, check=True)
    return out.stdout.splitlines()


def gc_verdicts(gc_trace, radosgw_count):
    return [line for line in report(gc_trace, radosgw_count) if line.startswith("- gc-")]


class GcRequestBound(unittest.TestCase):
    def test_a_complete_trace_within_the_bound_is_met(self):
        lines = gc_verdicts(GC_TRACE, radosgw_count=3)
        self.assertEqual(len(lines), 4)
        for line in lines:
            self.assertIn("requests 3 (2 list, 1 delete, 0 multipart-upload listing) <= ceil(N/1000) + "
                          "ceil(expired/1000) + partitions = 3: met", line)

    def test_a_trace_without_request_lines_is_not_met(self):
        for line in gc_verdicts([], radosgw_count=3):
            self.assertIn("requests 0 (radosgw counted 3: the trace is incomplete) (0 list", line)
            self.assertTrue(line.endswith("**NOT met**"), line)

    def test_a_trace_over_the_bound_is_not_met_and_says_what_it_sent(self):
        for line in gc_verdicts(GC_TRACE + [UPLOADS], radosgw_count=4):
            self.assertIn("requests 4 (2 list, 1 delete, 1 multipart-upload listing)", line)
            self.assertTrue(line.endswith("**NOT met**"), line)


class GcRatio(unittest.TestCase):
    """The gc runs go sequential, partitioned, partitioned, sequential, and
    each runs slower than the one before it: the ratio sets both partitioned
    runs against both sequential ones, so the drift cancels."""

    def test_a_drift_that_falls_on_both_alike_gives_1(self):
        walls = {"gc-sequential-1": 100, "gc-partitioned-1": 110, "gc-partitioned-2": 120, "gc-sequential-2": 130}
        target = [line for line in report(GC_TRACE, 3, walls) if line.startswith("- target 5")]
        self.assertEqual(len(target), 1)
        self.assertIn("gc 1.00 (the two partitioned runs over the two sequential ones)", target[0])

    def test_a_faster_partitioned_listing_shows(self):
        walls = {"gc-sequential-1": 100, "gc-partitioned-1": 20, "gc-partitioned-2": 30, "gc-sequential-2": 100}
        target = [line for line in report(GC_TRACE, 3, walls) if line.startswith("- target 5")]
        self.assertIn("gc 0.25 ", target[0])
        self.assertTrue(target[0].endswith("gc met"), target[0])


if __name__ == "__main__":
    unittest.main()
