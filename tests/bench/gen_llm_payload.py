#!/usr/bin/python3
"""Writes text-like benchmark input modelled on LLM conversations: JSON Lines
of chat messages (role, natural-language content, occasional code and tool
output), deterministic for a seed, exactly SIZE bytes.

Usage: gen_llm_payload.py SIZE_BYTES OUTPUT [--seed N]
Large outputs repeat an 8 MiB generated block; gzip's 32 KiB window never sees
the repetition, so the compression ratio stays that of the text itself.
"""
import json
import random
import sys

WORDS = """the a of to and in is that it for on with as this be are was by an
not or from at which but have has can will if they their more we you all one
would there what so about when up out into than them some could these other
time only new also our may use its any how first two way even because most
model agent workflow payload context token memory tool call result output input
error retry storage bucket object reference history event activity signal query
timeout latency request response server client function argument value string
number list record document summary analysis report customer order invoice
shipment account balance transaction schedule meeting project task deadline
priority status update review approve reject deploy release version branch
commit test build pipeline cluster node service database index table column
query row cache queue message stream batch window partition replica shard
however therefore although because while whereas unless until since before
after during between among within without through across against toward
carefully quickly clearly simply usually often rarely always never perhaps
important relevant specific general possible necessary available previous
following similar different large small recent current final initial
""".split()

CODE = [
    "def handler(event, context):\n    items = fetch(event['ids'])\n    return {'count': len(items)}\n",
    "SELECT id, status, updated_at FROM orders WHERE status = 'pending' ORDER BY updated_at;\n",
    "for attempt in range(5):\n    try:\n        return client.get(key)\n    except Timeout:\n        sleep(2 ** attempt)\n",
]


def sentence(rng):
    n = rng.randint(6, 22)
    words = [rng.choice(WORDS) for _ in range(n)]
    words[0] = words[0].capitalize()
    return " ".join(words) + rng.choice([".", ".", ".", "?", "!"])


def message(rng, index):
    role = ["user", "assistant", "tool"][index % 3] if rng.random() < 0.9 else "system"
    parts = [" ".join(sentence(rng) for _ in range(rng.randint(1, 6)))
             for _ in range(rng.randint(1, 4))]
    if role == "assistant" and rng.random() < 0.25:
        parts.append("```\n" + rng.choice(CODE) + "```")
    if role == "tool":
        parts = [json.dumps({"status": rng.choice(["ok", "partial", "error"]),
                             "rows": rng.randint(0, 5000),
                             "latency_ms": round(rng.uniform(1, 900), 2)})]
    return json.dumps({"index": index, "role": role, "content": "\n\n".join(parts),
                       "tokens": rng.randint(20, 900)}) + "\n"


def block(seed, size):
    rng = random.Random(seed)
    out, total, i = [], 0, 0
    while total < size:
        m = message(rng, i)
        out.append(m)
        total += len(m)
        i += 1
    return "".join(out).encode()[:size]


def main():
    size, path = int(sys.argv[1]), sys.argv[2]
    seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 1
    chunk = block(seed, min(size, 8 << 20))
    with open(path, "wb") as f:
        written = 0
        while written < size:
            piece = chunk[: size - written]
            f.write(piece)
            written += len(piece)


if __name__ == "__main__":
    main()
