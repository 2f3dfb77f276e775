#!/usr/bin/env python3
"""The lean comparison for the benchmark: the fastest `comply check` a team
would plausibly write. Loads every matrix and backlog file with PyYAML's C
loader, os.stat's each evidence path named (globs expanded with glob.glob),
and counts overdue items at or above the threshold and done items whose
evidence is missing. Nothing more: no confinement, no diagnostics.

Usage: lean.py ROOT AS_OF [FAIL_ON]
"""
import datetime
import glob
import os
import sys

import yaml

RISKS = ["critical", "high", "medium", "low"]


def paths(entries):
    for entry in entries or []:
        if isinstance(entry, str):
            yield entry
        elif isinstance(entry, dict) and "path" in entry:
            yield entry["path"]


def present(root, path):
    full = os.path.join(root, path)
    if any(c in path for c in "*?["):
        return bool(glob.glob(full, recursive=True))
    try:
        os.stat(full)
        return True
    except OSError:
        return False


def load(root, folder):
    for name in sorted(glob.glob(os.path.join(root, folder, "*.yaml"))):
        with open(name, "rb") as f:
            yield yaml.load(f, Loader=yaml.CSafeLoader) or {}


def main():
    root, as_of = sys.argv[1], datetime.date.fromisoformat(sys.argv[2])
    fail_on = RISKS.index(sys.argv[3] if len(sys.argv) > 3 else "high")
    seen = {}
    for doc in load(root, "controls"):
        for control in doc.get("controls") or []:
            for p in paths(control.get("evidence")):
                if p not in seen:
                    seen[p] = present(root, p)
    offenders = 0
    for doc in load(root, "backlog"):
        for item in doc.get("items") or []:
            evidence = list(paths(item.get("evidence")))
            for p in evidence:
                if p not in seen:
                    seen[p] = present(root, p)
            if RISKS.index(item.get("risk", "low")) > fail_on:
                continue
            status = item.get("status", "open")
            due = item.get("due")
            if status not in ("done", "wont-do") and isinstance(due, datetime.date) and due < as_of:
                offenders += 1
            elif status == "done" and not all(seen[p] for p in evidence):
                offenders += 1
    print(f"{offenders} offenders")
    return 1 if offenders else 0


if __name__ == "__main__":
    sys.exit(main())
