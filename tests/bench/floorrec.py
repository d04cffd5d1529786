#!/usr/bin/env python3
"""tests/bench/floorrec.py -- records canvas-sim's answers for tests/bench/simfloor.c, and checks a
replay against them (issue 18; run by tests/bench/plan.sh).

  floorrec.py record SIM_URL FLOOR_HOSTPORT TOKEN REQUESTS.json ANSWERS
  floorrec.py verify FLOOR_URL TOKEN ANSWERS

record: REQUESTS.json is canvas-sim's request log of one `coursectl plan` (GET /__sim/requests,
tests/sim/README.md); each entry's request target is its raw path, plus "?" and its raw query when
there is one, as libmicrohttpd's URI log callback gave it to canvas-sim. Every distinct target is
fetched once from SIM_URL, in the log's order, on one kept-alive connection, with the headers
coursectl sends (runner/http.c: Accept with application/json+canvas-string-ids, Authorization:
Bearer, the log's User-Agent) and "Host: FLOOR_HOSTPORT": canvas-sim builds every URL it answers
(Link headers, html_url) from the Host header, so the answers name simfloor and coursectl,
pointed at simfloor, makes the same requests. ANSWERS gets status, headers and body byte for byte,
in simfloor's format (the design comment of simfloor.c), less the headers libmicrohttpd writes
itself (Date, Content-Length, Transfer-Encoding). A Connection header is kept, so verify
finds a replay that closes connections canvas-sim keeps alive. The plan reads only, so
canvas-sim's state is the same for the recording as for the plan; only X-Request-Cost (random
within +-20%) and X-Rate-Limit-Remaining (the bucket's level) differ from what that plan saw. Reset
canvas-sim first (POST /__sim/reset), as before a timed plan: coursectl pauses on a remaining under
100 (runner/http.c), so a recording made on a bucket the earlier runs filled replays as a plan of
minutes. The lowest remaining recorded is printed.

verify: fetches every recorded target from simfloor and compares status, headers and body with
the recording; prints "N answers, N differ" and exits 1 when any differs.
"""
import http.client
import json
import sys
import urllib.parse

ACCEPT = "application/json+canvas-string-ids, application/json"
OWN = {"date", "content-length", "transfer-encoding"}


def connect(url):
    u = urllib.parse.urlsplit(url)
    return http.client.HTTPConnection(u.hostname, u.port or 80, timeout=60)


def get(conn, target, host, token, agent):
    conn.putrequest("GET", target, skip_host=True, skip_accept_encoding=True)
    conn.putheader("Host", host)
    conn.putheader("Accept", ACCEPT)
    conn.putheader("Authorization", "Bearer " + token)
    if agent:
        conn.putheader("User-Agent", agent)
    conn.endheaders()
    r = conn.getresponse()
    body = r.read()
    return r.status, [(k, v) for k, v in r.getheaders() if k.lower() not in OWN], body


def write_answer(f, target, status, headers, body):
    t = target.encode()
    f.write(b"%d %d %d %d\n" % (len(t), status, len(headers), len(body)))
    f.write(t + b"\n")
    for k, v in headers:
        if "\n" in k + v or ":" in k:
            sys.exit("floorrec: %s: header %r cannot be recorded" % (target, k))
        f.write(("%s: %s\n" % (k, v)).encode("latin-1"))
    f.write(body + b"\n")


def read_answers(path):
    with open(path, "rb") as f:
        data = f.read()
    head, _, data = data.partition(b"\n")
    if head != b"simfloor-answers 1":
        sys.exit("floorrec: %s: not a simfloor answers file" % path)
    out, p = [], 0
    while p < len(data):
        e = data.index(b"\n", p)
        tlen, status, nh, blen = map(int, data[p:e].split())
        p = e + 1
        target = data[p:p + tlen].decode()
        p += tlen + 1
        headers = []
        for _ in range(nh):
            e = data.index(b"\n", p)
            k, _, v = data[p:e].decode("latin-1").partition(": ")
            headers.append((k, v))
            p = e + 1
        out.append((target, status, headers, data[p:p + blen]))
        p += blen + 1
    return out


def record(sim_url, floor_host, token, log_path, out_path):
    with open(log_path) as f:
        log = json.load(f)
    conn, seen, n, size, low = connect(sim_url), set(), 0, 0, None
    with open(out_path, "wb") as f:
        f.write(b"simfloor-answers 1\n")
        for e in log:
            if e["method"] != "GET":
                sys.exit("floorrec: %s %s: only GETs are replayed (a write changes the state)" %
                         (e["method"], e["path"]))
            target = e["path"] + ("?" + e["query"] if e.get("query") else "")
            if target in seen:
                continue
            seen.add(target)
            status, headers, body = get(conn, target, floor_host, token, e.get("user_agent"))
            write_answer(f, target, status, headers, body)
            for k, v in headers:
                if k.lower() == "x-rate-limit-remaining" and (low is None or float(v) < low):
                    low = float(v)
            n += 1
            size += len(body)
    print("recorded %d answers, %.1f MB of bodies, lowest X-Rate-Limit-Remaining %s" % (n, size / 1e6, low))


def verify(floor_url, token, path):
    conn, bad = connect(floor_url), 0
    host = urllib.parse.urlsplit(floor_url).netloc
    answers = read_answers(path)
    for target, status, headers, body in answers:
        got = get(conn, target, host, token, None)
        if got != (status, headers, body):
            bad += 1
            if bad <= 3:
                print("floorrec: %s differs: %r" % (target, (got[0], got[1], len(got[2]))), file=sys.stderr)
    print("%d answers, %d differ" % (len(answers), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) == 7 and sys.argv[1] == "record":
        record(*sys.argv[2:])
    elif len(sys.argv) == 5 and sys.argv[1] == "verify":
        sys.exit(verify(*sys.argv[2:]))
    else:
        sys.exit(__doc__)
