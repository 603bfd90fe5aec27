"""A fixed replay input for instruction counts: N readings in `export` format (partition, offset,
timestamp, key, value) over 4 partitions and 100 sensors, in event-time order with a few seconds
of disorder, deterministic.

    python3 benchmarks/replay_input.py 100000 > /tmp/replay-input.jsonl
"""

from __future__ import annotations

import json
import random
import sys


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    rng = random.Random(20261202)
    offsets = [0, 0, 0, 0]
    start = 1_767_225_600_000
    out = sys.stdout
    for index in range(count):
        sensor = rng.randrange(100)
        partition = sensor % 4
        time = start + index * 30 + rng.randrange(10_000) - 5_000
        value = round(rng.uniform(10, 40), 3)
        text = json.dumps({"sensor": f"s-{sensor}", "ts": time, "value": value}, separators=(",", ":"))
        line = {"partition": partition, "offset": offsets[partition], "timestamp": time, "key": f"s-{sensor}", "value": text}
        out.write(json.dumps(line, separators=(",", ":")) + "\n")
        offsets[partition] += 1


if __name__ == "__main__":
    main()
