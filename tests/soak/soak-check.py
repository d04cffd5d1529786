#!/usr/bin/python3
"""tests/soak/soak-check.py -- the checks of tests/soak/soak.sh, over files the soak saved.

  soak-check.py planned SEED_STATE STATE PLAN JOURNAL   the state is the seed with exactly the plan
  soak-check.py same SEED_STATE STATE                    the state is the seed again
  soak-check.py wire PLAN JOURNAL REQUESTS SEED_STATE    the journal and the simulator's request log agree

Each prints "name value" lines (soak.sh turns them into its table) and the first few problems on
stderr, and exits 1 when a check fails.

Objects are compared kind by kind, keyed (course, kind, id), with the fields the simulator stores
(GET /__sim/state): only `updated_at` and a page's `revisions` are left out -- Canvas keeps history
and a rollback cannot take it back (docs/apply.md, "What a rollback cannot restore exactly").
Dates are compared as instants.

The wire check works on objects, not requests: a write the simulator carried out (a PUT, POST or
DELETE it answered 2xx; a fault, a dropped connection or a throttle refusal runs no handler,
tests/sim/README.md section 5) names the objects it touched -- the path's object, each assignment of
a bulk_update body, the named module, item or page of a POST -- and each of them must have an intent
in the journal (every applied write is journaled); every change the journal has as done must have
an applied write on its object (every journaled success reached Canvas). A create must be POSTed
and carried out exactly once (no duplicate).
"""
import copy
import json
import re
import sys
from datetime import datetime

DATE_RE = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)$')
SKIP = {'updated_at', 'revisions'}
CHILD = {'overrides': 'assignment_override', 'items': 'module_item'}
LISTS = {'assignments': 'assignment', 'modules': 'module', 'pages': 'page', 'quizzes': 'quiz',
         'discussion_topics': 'discussion_topic', 'announcements': 'announcement',
         'calendar_events': 'calendar_event'}
problems = []


def problem(msg):
    problems.append(msg)


def norm(v):
    if isinstance(v, str) and DATE_RE.match(v):
        try:
            return datetime.fromisoformat(v.replace('Z', '+00:00')).timestamp()
        except ValueError:
            return v
    if isinstance(v, dict):
        return {k: norm(x) for k, x in v.items()}
    if isinstance(v, list):
        return [norm(x) for x in v]
    return v


def load(path):
    with open(path) as f:
        return json.load(f)


def objects(state):
    """(course, kind, id) -> {field: value} for every object of the state, children apart."""
    out = {}
    for c in state.get('courses', []):
        cid = c['id']
        out[(cid, 'course', cid)] = {k: v for k, v in c.items() if k not in LISTS and k not in SKIP}
        for key, kind in LISTS.items():
            for o in c.get(key) or []:
                oid = o.get('page_id', o.get('id')) if kind == 'page' else o.get('id')
                out[(cid, kind, oid)] = {k: v for k, v in o.items() if k not in CHILD and k not in SKIP}
                for ck, ckind in CHILD.items():
                    for ch in o.get(ck) or []:
                        out[(cid, ckind, ch.get('id'))] = {k: v for k, v in ch.items() if k not in SKIP}
    return out


def journal(path):
    """seq -> {'intent': n, 'state': last outcome state, 'id': created id}, and the job records."""
    recs, jobs, header = {}, [], None
    with open(path) as f:
        for line in f:
            if not line.endswith('\n'):
                break
            r = json.loads(line)
            t = r.get('type')
            if t == 'header':
                header = r
            elif t == 'intent':
                e = recs.setdefault(r['seq'], {'intent': 0, 'state': None, 'id': None})
                e['intent'] += 1
                if r.get('adopted'):
                    e['id'] = str(r['adopted']['id'])
            elif t == 'outcome':
                e = recs.setdefault(r['seq'], {'intent': 0, 'state': None, 'id': None})
                e['state'] = r['state']
                if r.get('id') is not None:
                    e['id'] = str(r['id'])
            elif t == 'job':
                jobs.append(r)
    return header, recs, jobs


def idval(v):
    try:
        return int(v)
    except (TypeError, ValueError):
        return v


def created_ids(plan, recs):
    """'new:N' -> the id Canvas gave it, from the journal's create outcomes."""
    m = {}
    for ch in plan['changes']:
        if ch['op'] == 'create' and recs.get(ch['seq'], {}).get('id'):
            m[ch['id']] = idval(recs[ch['seq']]['id'])
    return m


def resolve(v, ids):
    if isinstance(v, str) and v.startswith('new:'):
        return ids.get(v, v)
    return v


def cmd_planned(seed_path, state_path, plan_path, journal_path):
    plan = load(plan_path)
    _, recs, _ = journal(journal_path)
    ids = created_ids(plan, recs)
    want = objects(load(seed_path))
    got = objects(load(state_path))
    partial = set()      # created objects: only the planned fields are known
    for ch in plan['changes']:
        c, kind, oid = ch['course_id'], ch['kind'], resolve(ch['id'], ids)
        key = (c, kind, oid)
        if ch['op'] == 'create':
            if isinstance(oid, str):
                problem(f'create seq {ch["seq"]} ({kind} {ch.get("name")}): no id in the journal')
                continue
            want[key] = {k: resolve(v, ids) for k, v in (ch['after'] or {}).items()}
            partial.add(key)
        elif ch['op'] == 'delete':
            want.pop(key, None)
        else:
            if key not in want:
                problem(f'seq {ch["seq"]}: {key} not in the seed')
                continue
            want[key][ch['field']] = resolve(ch['after'], ids)
    checked = fields = 0
    for key in sorted(set(want) | set(got), key=str):
        if key not in got:
            problem(f'{key}: missing from the state')
            continue
        if key not in want:
            problem(f'{key}: in the state but neither in the seed nor planned '
                    f'(a duplicate? {got[key].get("name") or got[key].get("title")})')
            continue
        w, g = want[key], got[key]
        names = w.keys() if key in partial else set(w) | set(g)
        checked += 1
        for f in names:
            fields += 1
            if norm(w.get(f)) != norm(g.get(f)):
                problem(f'{key} {f}: {json.dumps(g.get(f))[:80]} in the state, '
                        f'{json.dumps(w.get(f))[:80]} planned')
    print('objects_checked', checked)
    print('fields_checked', fields)
    print('creates', len([c for c in plan['changes'] if c['op'] == 'create']))


def cmd_same(seed_path, state_path):
    want = objects(load(seed_path))
    got = objects(load(state_path))
    n = 0
    for key in sorted(set(want) | set(got), key=str):
        if key not in got:
            problem(f'{key}: missing from the state')
        elif key not in want:
            problem(f'{key}: left in the state ({got[key].get("name") or got[key].get("title")})')
        else:
            n += 1
            for f in set(want[key]) | set(got[key]):
                if norm(want[key].get(f)) != norm(got[key].get(f)):
                    problem(f'{key} {f}: {json.dumps(got[key].get(f))[:80]} now, '
                            f'{json.dumps(want[key].get(f))[:80]} in the seed')
    print('objects_compared', n)


PATH_RE = re.compile(r'^/api/v1/courses/(\d+)(?:/([a-z_]+)(?:/([^/]+)(?:/([a-z_]+)(?:/([^/]+))?)?)?)?$')
KIND = {'assignments': 'assignment', 'modules': 'module', 'pages': 'page', 'quizzes': 'quiz',
        'discussion_topics': 'discussion_topic', 'calendar_events': 'calendar_event'}


def written(entry, slugs):
    """The objects an applied write touched: a list of (course, kind, id or ('new', name))."""
    m = PATH_RE.match(entry['path'])
    if not m:
        return None
    c, coll, oid, sub, sid = m.groups()
    c = int(c)
    body = entry.get('body')
    if coll is None:
        return [(c, 'course', c)]
    if coll == 'assignments' and oid == 'bulk_update':
        out = []
        for a in body if isinstance(body, list) else []:
            out.append((c, 'assignment', idval(a.get('id'))))
        return out
    kind = KIND.get(coll)
    if sub == 'items':
        if sid is None:     # POST an item
            it = (body or {}).get('module_item', {}) if isinstance(body, dict) else {}
            return [(c, 'module_item', ('new', idval(oid), it.get('title')))]
        return [(c, 'module_item', idval(sid))]
    if oid is None:         # POST to a list
        w = {'module': 'module', 'page': 'wiki_page'}.get(kind, kind)
        o = body.get(w, {}) if isinstance(body, dict) else {}
        return [(c, kind, ('new', None, o.get('name') or o.get('title')))]
    if kind == 'page':
        if oid.startswith('page_id:'):
            return [(c, 'page', int(oid[8:]))]
        return [(c, 'page', slugs.get((c, oid), ('slug', oid)))]
    return [(c, kind, idval(oid))]


def cmd_wire(plan_path, journal_path, requests_path, seed_path):
    plan = load(plan_path)
    _, recs, jobs = journal(journal_path)
    ids = created_ids(plan, recs)
    state = load(seed_path)
    slugs = {}
    for c in state.get('courses', []):
        for p in c.get('pages') or []:
            slugs[(c['id'], p.get('url'))] = p.get('page_id')
    # the journal, by object: an override's dates go with its assignment (bulk_update)
    by_seq = {ch['seq']: ch for ch in plan['changes']}
    parent_of = {}
    for ch in plan['changes']:
        if ch['op'] == 'create':
            parent_of[ch['id']] = ch.get('parent')

    def obj_keys(ch):
        c, kind, oid = ch['course_id'], ch['kind'], ch['id']
        keys = []
        if kind == 'assignment_override':
            keys.append((c, 'assignment', idval(ch.get('parent'))))
        if ch['op'] == 'create':
            parent = resolve(ch.get('parent'), ids)
            keys.append((c, kind, ('new', idval(parent) if kind == 'module_item' else None, ch.get('name'))))
        keys.append((c, kind, idval(resolve(oid, ids))))
        return keys

    intended, done = set(), {}
    for seq, e in recs.items():
        ch = by_seq.get(seq)
        if ch is None:
            problem(f'journal seq {seq} not in the plan')
            continue
        if e['intent']:
            intended.update(obj_keys(ch))
        if e['state'] == 'done':
            done[seq] = ch
    entries = []
    with open(requests_path) as f:
        for line in f:
            if line.strip():
                entries.append(json.loads(line))
    applied, writes, unjournaled, other = {}, 0, 0, 0
    statuses = {}
    for e in entries:
        statuses[e['status']] = statuses.get(e['status'], 0) + 1
        if e['method'] == 'GET' or not (200 <= e['status'] < 300):
            continue
        if e['path'].startswith('/api/v1/progress/'):
            continue
        writes += 1
        keys = written(e, slugs)
        if keys is None:
            other += 1
            problem(f'applied write outside any course: {e["method"]} {e["path"]}')
            continue
        for k in keys:
            applied[k] = applied.get(k, 0) + 1
            if k not in intended:
                unjournaled += 1
                problem(f'{e["method"]} {e["path"]} (seq {e["seq"]}) wrote {k}: no intent in the journal')
    missing = 0
    for seq, ch in done.items():
        ks = obj_keys(ch)
        if not any(k in applied for k in ks):
            missing += 1
            problem(f'seq {seq} ({ch["kind"]} {ch["id"]} {ch["field"]}) is done in the journal '
                    'but no applied write touched it')
    dups = 0
    for ch in plan['changes']:
        if ch['op'] != 'create':
            continue
        k = obj_keys(ch)[0]
        n = applied.get(k, 0)
        if recs.get(ch['seq'], {}).get('state') == 'done' and n != 1:
            dups += max(n - 1, 0)
            problem(f'create seq {ch["seq"]} ({ch["kind"]} {ch.get("name")}) carried out {n} times')
    for j in jobs:
        for s in j['seqs']:
            if by_seq.get(s, {}).get('kind') not in ('assignment', 'assignment_override'):
                problem(f'job {j["progress"]} names seq {s}, not an assignment date')
    print('requests', len(entries))
    print('status_counts', ' '.join(f'{k}:{v}' for k, v in sorted(statuses.items())))
    print('applied_writes', writes)
    print('objects_written', len(applied))
    print('writes_not_journaled', unjournaled)
    print('done_without_write', missing)
    print('duplicate_creates', dups)
    print('journal_done', len(done))
    print('journal_states', ' '.join(f'{k}:{v}' for k, v in sorted(
        {s: sum(1 for e in recs.values() if e['state'] == s) for s in
         {e['state'] for e in recs.values()}}.items(), key=lambda x: str(x[0]))))


def main():
    cmds = {'planned': (cmd_planned, 4), 'same': (cmd_same, 2), 'wire': (cmd_wire, 4)}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds or len(sys.argv) != 2 + cmds[sys.argv[1]][1]:
        print(__doc__.strip().split('\n\n')[0], file=sys.stderr)
        return 64
    fn, _ = cmds[sys.argv[1]]
    fn(*sys.argv[2:])
    for p in problems[:15]:
        print('soak-check:', p, file=sys.stderr)
    if len(problems) > 15:
        print(f'soak-check: ... {len(problems) - 15} more', file=sys.stderr)
    print('problems', len(problems))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
