#!/usr/bin/env python3
"""The comparison for the benchmark: `comply check` written in Python with
PyYAML's C loader. Reads every matrix and backlog file, checks every evidence
path (present, empty, missing, outside), and fails on overdue items at or
above the threshold or done items whose evidence is not all present.

Usage: check.py ROOT AS_OF [FAIL_ON]
"""
import datetime
import glob
import os
import sys

import yaml

RISKS = ["critical", "high", "medium", "low"]


def evidence_state(root, path):
    if os.path.isabs(path) or ".." in path.split("/"):
        return "outside"
    full = os.path.join(root, path)
    if any(c in path for c in "*?[{"):
        return "present" if glob.glob(full, recursive=True) else "missing"
    real = os.path.realpath(full)
    if not real.startswith(os.path.realpath(root) + os.sep):
        return "outside"
    try:
        st = os.stat(real)
    except OSError:
        return "missing"
    if os.path.isdir(real):
        for _, _, files in os.walk(real):
            if files:
                return "present"
        return "empty"
    return "present" if st.st_size > 0 else "empty"


def paths(entries):
    for entry in entries or []:
        yield entry if isinstance(entry, str) else entry["path"]


def main():
    root, as_of = sys.argv[1], datetime.date.fromisoformat(sys.argv[2])
    fail_on = RISKS.index(sys.argv[3] if len(sys.argv) > 3 else "high")
    loader = yaml.CSafeLoader
    items, wanted = [], set()
    for name in sorted(glob.glob(os.path.join(root, "controls", "*.yaml"))):
        with open(name, encoding="utf-8") as f:
            doc = yaml.load(f, Loader=loader)
        for control in doc.get("controls") or []:
            wanted.update(paths(control.get("evidence")))
    for name in sorted(glob.glob(os.path.join(root, "backlog", "*.yaml"))):
        with open(name, encoding="utf-8") as f:
            doc = yaml.load(f, Loader=loader)
        items.extend(doc.get("items") or [])
    for item in items:
        wanted.update(paths(item.get("evidence")))
    states = {p: evidence_state(root, p) for p in wanted}
    offenders = 0
    for item in items:
        if RISKS.index(item["risk"]) > fail_on:
            continue
        status = item.get("status", "open")
        due = item.get("due")
        if status not in ("done", "wont-do") and isinstance(due, datetime.date) and due < as_of:
            offenders += 1
        elif status == "done" and any(states[p] != "present" for p in paths(item.get("evidence"))):
            offenders += 1
    print(f"{offenders} offenders")
    return 1 if offenders else 0


if __name__ == "__main__":
    sys.exit(main())
