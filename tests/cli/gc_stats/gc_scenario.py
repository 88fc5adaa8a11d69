"""The gc scenario run on every store: 60 objects written by `claimcheck
offload` with TTLs of 1, 3 and 10 days, plus 5 foreign objects (bare UUID keys,
as the Go runner writes them, expiring by LastModified + TTL), then dry run,
real run, survivors, second run, --keep-referenced and --limit, each checked
against what is really in the store."""
import json
import uuid

from gc_cli import rfc3339, utc_now

TTLS = ("1d", "3d", "10d")
PER_TTL = 20
FOREIGN = 5


class MixedTtlScenario:
    def populate(self):
        self.refs = {ttl: [] for ttl in TTLS}
        for ttl in TTLS:
            for i in range(PER_TTL):
                payload = (f"{ttl}-{i}-" + "claim check payload " * 40).encode()
                self.refs[ttl].append((self.offload(payload, ttl), payload))
        self.foreign = {self.prefix + str(uuid.uuid4()): f"foreign {i}".encode() * 7 for i in range(FOREIGN)}
        for key, data in self.foreign.items():
            self.backend.put_foreign(key, data)
        self.all_keys = self.keys_of(*TTLS) | set(self.foreign)
        self.assertEqual(self.backend.keys(self.prefix), self.all_keys)

    def keys_of(self, *ttls):
        return {ref["key"] for ttl in ttls for ref, _ in self.refs[ttl]}

    def stored_bytes_of(self, *ttls):
        return sum(ref["stored_bytes"] for ttl in ttls for ref, _ in self.refs[ttl])

    def check_storage_stats(self):
        self.env["CLAIMCHECK_PREFIX"] = self.prefix  # stats has no --prefix flag
        s = self.ok("stats", "--storage", "--json").json()
        del self.env["CLAIMCHECK_PREFIX"]
        total = self.stored_bytes_of(*TTLS) + sum(len(d) for d in self.foreign.values())
        self.assertEqual(s["TotalBytesStored"], total)
        self.assertEqual(s["TotalBytesStoredSource"], "storage")
        st = s["storage"]
        self.assertEqual(st["objects"], 65)
        self.assertEqual(st["stored_bytes"], total)
        self.assertEqual(st["expiry_from_key"]["objects"], 60)
        self.assertEqual(st["expiry_from_ttl"]["objects"], 5)
        self.assertEqual(st["expired"]["objects"], 0)
        self.assertEqual(st["expiring"]["1d"], {"objects": 20, "bytes": self.stored_bytes_of("1d")})
        self.assertEqual(st["expiring"]["7d"]["objects"], 40)
        self.assertEqual(st["expiring"]["30d"]["objects"], 65)  # foreign: default TTL 30d
        self.assertEqual(st["age"]["<1d"]["objects"], 65)
        self.assertIsNone(st["original_bytes"])
        self.assertIsNone(s["operations"])

    def check_dry_run(self):
        expected = self.keys_of("1d")
        text = self.gc("--dry-run", "--as-of", "+2d", "--ttl", "5d")
        listed = [line.split("\t") for line in text.out.splitlines() if "\t" in line]
        self.assertEqual({fields[0] for fields in listed}, expected)
        self.assertEqual(len(listed), 20)
        sizes = {ref["key"]: ref["stored_bytes"] for ref, _ in self.refs["1d"]}
        for key, size, expires, source in listed:
            self.assertEqual(int(size), sizes[key])
            self.assertEqual(source, "key")
        self.assertIn("would delete:      20", text.out)
        doc = self.gc("--dry-run", "--as-of", "+2d", "--ttl", "5d", "--json").json()
        self.assertEqual({o["key"] for o in doc["objects"]}, expected)
        self.assertEqual(doc["selected"], 20)
        self.assertEqual(doc["selected_bytes"], self.stored_bytes_of("1d"))
        self.assertEqual(doc["deleted"], 0)
        self.assertEqual(self.backend.keys(self.prefix), self.all_keys)

    def check_real_run(self):
        doc = self.gc("--as-of", "+2d", "--ttl", "5d", "--json").json()
        self.assertEqual((doc["scanned"], doc["expired"], doc["deleted"], doc["errors"]), (65, 20, 20, 0))
        self.assertEqual(doc["bytes_freed"], self.stored_bytes_of("1d"))
        self.assertNotIn("objects", doc)
        self.assertEqual(self.backend.keys(self.prefix), self.all_keys - self.keys_of("1d"))
        for ttl in ("3d", "10d"):
            for ref, payload in self.refs[ttl]:
                self.assertEqual(self.retrieve(ref), payload)
        again = self.gc("--as-of", "+2d", "--ttl", "5d", "--json").json()
        self.assertEqual((again["scanned"], again["expired"], again["deleted"]), (45, 0, 0))

    def check_keep_referenced(self):
        kept_ref = self.refs["3d"][0][0]
        kept_foreign = sorted(self.foreign)[0]
        state = {"data": {"photos": kept_ref},
                 "context": {"go": {"_type": "claim_check_ref", "key": kept_foreign, "size_bytes": 49,
                                    "compressed": False, "stored_at": rfc3339(utc_now())}}}
        with open(self.path("state.json"), "w") as f:
            json.dump(state, f)
        doc = self.gc("--as-of", "+6d", "--ttl", "5d", "--keep-referenced", self.path("state.json"),
                      "--json").json()
        self.assertEqual((doc["expired"], doc["kept_referenced"], doc["deleted"]), (25, 2, 23))
        self.assertEqual(self.backend.keys(self.prefix), self.keys_of("10d") | {kept_ref["key"], kept_foreign})
        self.assertEqual(self.retrieve(kept_ref), self.refs["3d"][0][1])

    def check_limit(self):
        # "010" is 10: a leading zero is decimal (CLI11 alone read "010" as 8, "08" as an error)
        doc = self.gc("--as-of", "+20d", "--limit", "010", "--json").json()
        self.assertEqual(doc["deleted"], 10)
        self.assertTrue(doc["limit_reached"])
        self.assertEqual(len(self.backend.keys(self.prefix)), 22 - 10)

    def run_scenario(self):
        self.populate()
        self.check_storage_stats()
        self.check_dry_run()
        self.check_real_run()
        self.check_keep_referenced()
        self.check_limit()
