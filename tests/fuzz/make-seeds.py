#!/usr/bin/env python3
"""tests/fuzz/make-seeds.py -- (re)makes the generated seed inputs of the fuzz targets from the
test fixtures and the golden outputs: `python3 tests/fuzz/make-seeds.py` from the top directory.

Written once to start each corpus; the files it writes are committed (tests/fuzz/corpus/NAME/gen-*),
and the hand-written seeds and the regressions (regress-*) beside them are never touched. Run it
again after a fixture's shape changes (a new field in the seed format, a new journal record).
"""
import json
import os
import sys

TOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
CORPUS = os.path.join(TOP, "tests", "fuzz", "corpus")
LISTS = ["assignments", "quizzes", "discussion_topics", "announcements", "modules", "pages",
         "calendar_events"]


def put(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "gen-" + name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def compact(v):
    return json.dumps(v, separators=(",", ":"), ensure_ascii=False)


def snapshot_seeds():
    """Seed courses as fuzz-snapshot's sections (0x01-separated, see fuzz-snapshot.c)."""
    for f in ["small-seed.json", "calendar-seed.json", "rollover-seed.json", "example-seed.json"]:
        seed = json.load(open(os.path.join(TOP, "tests", "fixtures", f)))
        for i, c in enumerate(seed["courses"][:2]):
            course = {k: v for k, v in c.items() if not isinstance(v, list)}
            secs = [compact(course)] + [compact(c.get(k, [])) for k in LISTS]
            secs.append("[]")   # date_details
            a = next((a for a in c.get("assignments", []) if a.get("overrides")), None)
            secs.append(compact(a["overrides"]) if a else "[]")
            m = next((m for m in c.get("modules", []) if m.get("items")), None)
            secs.append(compact(m["items"]) if m else "[]")
            p = next(iter(c.get("pages", [])), None)
            secs.append(compact(p) if p else "{}")
            put("snapshot", "%s-%d" % (f.replace("-seed.json", ""), i), "\x01".join(secs))


def golden(name, f):
    p = os.path.join(TOP, "tests", "golden", name, f)
    return open(p, encoding="utf-8").read() if os.path.exists(p) else None


def plan_and_journal_seeds():
    for g in sorted(os.listdir(os.path.join(TOP, "tests", "golden"))):
        plan = golden(g, "plan.json")
        if plan and len(plan) < 30000:
            put("plan", g + ".json", plan)
        rec = golden(g, "journal-records.txt")
        if rec and len(rec) < 30000:
            lines = rec.splitlines()
            head = [l for l in lines if '"type":"header"' in l]
            rest = [l for l in lines if '"type":"header"' not in l and '"type":"footer"' not in l]
            foot = [l for l in lines if '"type":"footer"' in l]
            put("journal", g + ".jsonl", "\n".join(head + rest + foot) + "\n")
            put("journal", g + "-torn.jsonl", "\n".join(head + rest[: len(rest) // 2]) + "\n{\"type\":\"outc")


def sim_seeds():
    for f in ["example-seed.json", "ci-seed.json"]:
        put("sim", "seed-" + f, b"\x01" + open(os.path.join(TOP, "tests", "fixtures", f), "rb").read())


if __name__ == "__main__":
    snapshot_seeds()
    plan_and_journal_seeds()
    sim_seeds()
    sys.exit(0)
