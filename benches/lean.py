#!/usr/bin/env python3
"""The lean comparison for the benchmark: the fastest `comply check` a team
would plausibly write. Loads every YAML file with PyYAML's C loader, stats
each evidence path named once (a file is present when not empty, a
directory when a file lies beneath it, a glob when glob.glob matches), and
counts the gate's offenders as docs/format.md defines them: items and
reviews at or above the threshold that are overdue, done items whose
evidence is not all present, and expired risk acceptances of such targets;
offences of a target with an acceptance in force are not counted. Nothing
more: no validation, no confinement, no git history, no diagnostics.

Usage: lean.py ROOT AS_OF [FAIL_ON]
"""
import calendar
import datetime
import glob
import os
import stat
import sys

import yaml

RISKS = ["critical", "high", "medium", "low"]
MONTHS = {"monthly": 1, "quarterly": 3, "biannual": 6, "annual": 12}


def paths(entries):
    if isinstance(entries, str):
        entries = [entries]
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
        st = os.stat(full)
    except OSError:
        return False
    if stat.S_ISDIR(st.st_mode):
        return any(files for _, _, files in os.walk(full))
    return st.st_size > 0


def load(root, folder):
    for name in sorted(glob.glob(os.path.join(root, folder, "**", "*.yaml"), recursive=True)):
        with open(name, "rb") as f:
            yield yaml.load(f, Loader=yaml.CSafeLoader) or {}


def next_due(last, cadence):
    """One cadence after `last`; a day the month lacks becomes its last."""
    if isinstance(cadence, dict):
        return last + datetime.timedelta(days=int(cadence["every"]))
    words = str(cadence).lower().split()
    if words[0] == "every":
        return last + datetime.timedelta(days=int(words[1]))
    month = last.month - 1 + MONTHS[words[0]]
    year, month = last.year + month // 12, month % 12 + 1
    return last.replace(year=year, month=month, day=min(last.day, calendar.monthrange(year, month)[1]))


def main():
    root, as_of = sys.argv[1], datetime.date.fromisoformat(sys.argv[2])
    fail_on = RISKS.index(sys.argv[3] if len(sys.argv) > 3 else "high")
    seen = {}

    def all_present(entries):
        wanted = list(paths(entries))
        for p in wanted:
            if p not in seen:
                seen[p] = present(root, p)
        return all(seen[p] for p in wanted)

    for doc in load(root, "controls"):
        for control in doc.get("controls") or []:
            all_present(control.get("evidence"))
    offending, risk_of = set(), {}
    for doc in load(root, "backlog"):
        for item in doc.get("items") or []:
            evidence_ok = all_present(item.get("evidence"))
            risk = RISKS.index(item.get("risk", "low"))
            risk_of[item["id"]] = risk
            if risk > fail_on:
                continue
            status = item.get("status", "open")
            due = item.get("due")
            if status not in ("done", "wont-do") and isinstance(due, datetime.date) and due < as_of:
                offending.add(item["id"])
            elif status == "done" and not evidence_ok:
                offending.add(item["id"])
    for doc in load(root, "reviews"):
        for review in doc.get("reviews") or []:
            risk = RISKS.index(review.get("risk", "medium"))
            risk_of[review["id"]] = risk
            last = review.get("last_done")
            if risk <= fail_on and isinstance(last, datetime.date) and next_due(last, review["cadence"]) < as_of:
                offending.add(review["id"])
    in_force, expired = set(), []
    for doc in load(root, "exceptions"):
        for acceptance in doc.get("exceptions") or []:
            if acceptance["expires"] < as_of:
                expired.append(acceptance["target"])
            elif acceptance["approved_on"] <= as_of:
                in_force.add(acceptance["target"])
    offenders = len(offending - in_force) + sum(
        1 for t in expired if t not in in_force and risk_of.get(t, fail_on) <= fail_on
    )
    print(f"{offenders} offenders")
    return 1 if offenders else 0


if __name__ == "__main__":
    sys.exit(main())
