#!/usr/bin/env python3
"""Turns the reliability suite's JSON lines (RELIABILITY_REPORT) into the markdown table of
docs/RELIABILITY.md:  python3 scripts/reliability-table.py out/reliability.jsonl"""

import json
import sys

COLUMNS = [
    ("scenario", "scenario"), ("injected", "injected"), ("times", "times"), ("records_in", "records in"),
    ("windows_out", "windows out"), ("lost", "lost"), ("duplicated", "duplicated"),
    ("dead_lettered", "dead-lettered"), ("note", "note"),
]


def main() -> None:
    rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
    print("| " + " | ".join(title for _, title in COLUMNS) + " |")
    print("|" + "---|" * len(COLUMNS))
    for row in rows:
        print("| " + " | ".join(str(row.get(key, "")).replace("|", "/") for key, _ in COLUMNS) + " |")


if __name__ == "__main__":
    main()
