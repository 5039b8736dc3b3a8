#!/usr/bin/env python3
"""Small HTTP clients for bench/run, where wrk does not fit (standard library only, loopback).

  client.py save   BASE SLUG N [BYTES]
                                    N sequential synthesis saves through the JSON API, each with a
                                    distinct body (about BYTES long; default ~2 KB, 12 paragraphs)
                                    on top of the seq the previous save returned; prints
                                    "rps p50_ms p99_ms server_p50_ms server_p99_ms" (per-request
                                    latency as the client sees it, and as the server's
                                    `Server-Timing: app;dur=` says; "- -" when it sends none).
  client.py logins BASE RATE SECS   logins at RATE per second for SECS seconds, on a fixed schedule
                                    (16 workers, so slow logins do not lower the rate); prints
                                    "achieved_rate p50_ms p99_ms ok failed".
  client.py thread BASE SLUG        creates the thread SLUG (as benchadmin) unless it exists.
  client.py notified BASE SLUG USER the follower USER (same password) marks every notification
                                    read; benchadmin saves SLUG's synthesis once; USER's
                                    notifications are polled every 20 ms until the thread's
                                    unread one shows; prints the seconds from the save's answer.
  client.py searchable BASE SLUG N  N times: benchadmin saves SLUG's synthesis with a word of its
                                    own, then anonymous search is polled every 10 ms until it finds
                                    the thread by that word; prints "p50_s max_s" of the waits
                                    from the save's answer (the search indexer's delay).

The account is benchadmin (BENCH_ADMIN_USER) with BENCH_ADMIN_PASSWORD.
"""

import http.client
import json
import os
import re
import sys
import threading
import time
import urllib.parse

USER = os.environ.get("BENCH_ADMIN_USER", "benchadmin")
PASSWORD = os.environ.get("BENCH_ADMIN_PASSWORD", "bench-admin-password")


def connect(base):
    url = urllib.parse.urlsplit(base)
    if url.hostname not in ("127.0.0.1", "localhost", "::1"):
        sys.exit(f"refusing a non-loopback target: {base}")
    return http.client.HTTPConnection(url.hostname, url.port or 80, timeout=30)


def request(conn, method, path, body=None, headers=None):
    data = None if body is None else json.dumps(body).encode()
    hdrs = {"Content-Type": "application/json"} if body is not None else {}
    hdrs.update(headers or {})
    conn.request(method, path, body=data, headers=hdrs)
    res = conn.getresponse()
    return res, res.read()


def log_in(conn, user=USER):
    res, raw = request(conn, "POST", "/api/v1/session", {"username": user, "password": PASSWORD})
    if res.status != 200:
        raise RuntimeError(f"login answered {res.status}: {raw[:200]!r}")
    cookies = [h.split(";", 1)[0] for k, h in res.getheaders() if k.lower() == "set-cookie"]
    return "; ".join(cookies), json.loads(raw)["csrf_token"]


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


SENTENCE = " The evidence is weighed, sources are cited and the open questions are named."
BODY = "\n\n".join(f"Paragraph {k} of the synthesis as the save benchmark writes it." + SENTENCE * 2 for k in range(1, 13))


def body_of(size):
    """The synthesis the saves write: BODY (12 paragraphs, ~2.6 KB), or as many paragraphs like
    them as make `size` bytes."""
    if size <= len(BODY):
        return BODY
    paragraphs, k = [], 0
    while len("\n\n".join(paragraphs)) < size:
        k += 1
        paragraphs.append(f"Paragraph {k} of the synthesis as the save benchmark writes it." + SENTENCE * 2)
    return "\n\n".join(paragraphs)


SERVER_TIMING = re.compile(r"(?:^|,)\s*app;dur=([0-9.]+)")


def save(base, slug, n, size=0):
    text = body_of(size)
    conn = connect(base)
    cookie, csrf = log_in(conn)
    headers = {"Cookie": cookie, "X-CSRF-Token": csrf}
    res, raw = request(conn, "GET", f"/api/v1/threads/{slug}")
    if res.status != 200:
        raise RuntimeError(f"GET thread answered {res.status}")
    seq = json.loads(raw)["head_seq"]
    run = f"{time.time_ns()}"
    latencies, server = [], []
    warmup = 20
    started = None
    for i in range(warmup + n):
        if i == warmup:
            started = time.perf_counter()
        body = {"base_seq": seq, "body": f"Save {i} of run {run}.\n\n{text}", "summary": f"bench save {i}"}
        t0 = time.perf_counter()
        res, raw = request(conn, "POST", f"/api/v1/threads/{slug}/synthesis", body, headers)
        elapsed = time.perf_counter() - t0
        if res.status != 201:
            raise RuntimeError(f"save {i} on base {seq} answered {res.status}: {raw[:300]!r}")
        seq = json.loads(raw)["seq"]
        if i >= warmup:
            latencies.append(elapsed)
            timing = SERVER_TIMING.search(res.getheader("Server-Timing") or "")
            if timing:
                server.append(float(timing.group(1)) / 1e3)
    total = time.perf_counter() - started
    # Only when every save said how long it took: a partial sample would not be the p50 of N.
    own = f"{percentile(server, 50) * 1e3:.2f} {percentile(server, 99) * 1e3:.2f}" if len(server) == n else "- -"
    print(f"{n / total:.0f} {percentile(latencies, 50) * 1e3:.2f} {percentile(latencies, 99) * 1e3:.2f} {own}")


def logins(base, rate, secs):
    workers = 16
    total = int(rate * secs)
    start = time.perf_counter() + 0.05
    latencies, failures = [], []
    lock = threading.Lock()

    def worker(w):
        conn = connect(base)
        for i in range(w, total, workers):
            delay = start + i / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            t0 = time.perf_counter()
            try:
                res, _ = request(conn, "POST", "/api/v1/session", {"username": USER, "password": PASSWORD})
                ok = res.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = connect(base)
            with lock:
                (latencies if ok else failures).append(time.perf_counter() - t0)

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.perf_counter() - start
    done = latencies or [0.0]
    print(f"{len(latencies) / took:.1f} {percentile(done, 50) * 1e3:.1f} {percentile(done, 99) * 1e3:.1f} "
          f"{len(latencies)} {len(failures)}")


def create_thread(base, slug):
    conn = connect(base)
    cookie, csrf = log_in(conn)
    res, _ = request(conn, "GET", f"/api/v1/threads/{slug}")
    if res.status == 200:
        return
    body = {"title": f"Bench: {slug}", "framing_question": "Does the fan-out keep up?", "slug": slug}
    res, raw = request(conn, "POST", "/api/v1/threads", body, {"Cookie": cookie, "X-CSRF-Token": csrf})
    if res.status != 201:
        raise RuntimeError(f"creating {slug} answered {res.status}: {raw[:300]!r}")


def save_once(conn, cookie, csrf, slug, text, summary):
    """One synthesis save on top of the thread's current head, as benchadmin (logged in on conn)."""
    res, raw = request(conn, "GET", f"/api/v1/threads/{slug}")
    body = {"base_seq": json.loads(raw)["head_seq"], "body": text, "summary": summary}
    res, raw = request(conn, "POST", f"/api/v1/threads/{slug}/synthesis", body, {"Cookie": cookie, "X-CSRF-Token": csrf})
    if res.status != 201:
        raise RuntimeError(f"save answered {res.status}: {raw[:300]!r}")


def notified(base, slug, user):
    reader = connect(base)
    r_cookie, r_csrf = log_in(reader, user)
    r_headers = {"Cookie": r_cookie, "X-CSRF-Token": r_csrf}
    res, raw = request(reader, "POST", "/api/v1/notifications/read", {"all": True}, r_headers)
    if res.status != 200:
        raise RuntimeError(f"marking read answered {res.status}: {raw[:200]!r}")
    writer = connect(base)
    cookie, csrf = log_in(writer)
    save_once(writer, cookie, csrf, slug, f"Save at {time.time_ns()}.\n\n{BODY}", "fan-out latency")
    saved = time.perf_counter()
    while time.perf_counter() - saved < 60:
        res, raw = request(reader, "GET", "/api/v1/notifications", headers={"Cookie": r_cookie})
        page = json.loads(raw)
        if any(not n["read"] and n["thread"]["slug"] == slug for n in page.get("notifications", [])):
            print(f"{time.perf_counter() - saved:.3f}")
            return
        time.sleep(0.02)
    print("999")


def made_up_word(n):
    """A word no text has: letters only (the parser splits digits off), lowercase."""
    letters = "bcdfghjklmnpqrstvwxz"
    word = ""
    while n:
        n, k = divmod(n, len(letters))
        word += letters[k]
    return "qz" + word


def searchable(base, slug, n):
    writer = connect(base)
    cookie, csrf = log_in(writer)
    reader = connect(base)
    waits = []
    for i in range(n):
        word = made_up_word(time.time_ns() + i)
        save_once(writer, cookie, csrf, slug, f"The word {word} is new.\n\n{BODY}", "search latency")
        saved = time.perf_counter()
        while True:
            res, raw = request(reader, "GET", f"/api/v1/search?q={word}")
            if res.status == 200 and any(r["url"] == f"/threads/{slug}" for r in json.loads(raw)["results"]):
                waits.append(time.perf_counter() - saved)
                break
            if time.perf_counter() - saved > 60:
                waits.append(999.0)
                break
            time.sleep(0.01)
    print(f"{percentile(waits, 50):.3f} {max(waits):.3f}")


def main(argv):
    if len(argv) in (5, 6) and argv[1] == "save":
        save(argv[2], argv[3], int(argv[4]), int(argv[5]) if len(argv) == 6 else 0)
    elif len(argv) == 5 and argv[1] == "logins":
        logins(argv[2], float(argv[3]), float(argv[4]))
    elif len(argv) == 4 and argv[1] == "thread":
        create_thread(argv[2], argv[3])
    elif len(argv) == 5 and argv[1] == "searchable":
        searchable(argv[2], argv[3], int(argv[4]))
    elif len(argv) == 5 and argv[1] == "notified":
        notified(argv[2], argv[3], argv[4])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
