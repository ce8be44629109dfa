#!/usr/bin/env python3
"""The client half of `make soak` (scripts/soak.sh starts the stack): a bounded mixed load through nginx for a set
time, the responder's RSS and open fds sampled every --sample-every requests, then the accounting against
PostgreSQL and the metrics route.

usage: scripts/soak.py --base http://127.0.0.1:PORT --pid PID --restaurant ID --key KEY --admin-token TOKEN
                       --image MENU.jpg --database-url URL [--seconds 300] [--threads 6] [--sample-every 1000]
                       [--fd-slack 20] [--rss-slope-mb 1.0]

Each client thread keeps one HTTP/1.1 connection and picks, by weight, one of: a sync upload of a distinct image
(the menu's bytes with a JPEG comment of its own, so it misses the cache), a sync upload of one of five images
uploaded before the load (a cache hit), an async upload (`Prefer: respond-async`) of two distinct images then its
task polled until it ends, health, the menu list, a PATCH of an item from the list, the admin metrics route, and
three bad requests: a malformed multipart body (400 malformed_multipart), a text file (200, the file failed
invalid_image) and a 1x1 PNG (200, the file failed image_too_small). Any other answer is counted as unexpected.

Exits 1 when an answer was unexpected or a 5xx, when the accounting fails (every task the client was told of is in
upload_tasks with the same status and counts, none left queued/processing after the drain, no task the client does
not know of, the metrics route's file_count, cache_hits and error_count equal the client's counts of files), when
the fd count at the end exceeds the first sample after the warm-up plus --fd-slack, or when the RSS slope over the
second half of the requests (sampled every quarter of --sample-every) exceeds --rss-slope-mb MB per thousand
requests. Python 3 standard library and psql.
"""
import argparse
import collections
import http.client
import json
import os
import random
import struct
import subprocess
import sys
import threading
import time
import urllib.parse
import zlib

BOUNDARY = "menu-api-soak-boundary-15"


def multipart(files):
    """files: [(filename, content_type, bytes)] as `files` parts."""
    chunks = []
    for name, content_type, data in files:
        chunks.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
                      f"Content-Type: {content_type}\r\n\r\n".encode())
        chunks.append(data)
        chunks.append(b"\r\n")
    chunks.append(f"--{BOUNDARY}--\r\n".encode())
    return b"".join(chunks)


def tiny_png():
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff")) + chunk(b"IEND", b""))


def variant(jpeg, label):
    """The JPEG with a comment segment after SOI: same picture, bytes (and cache key) of its own."""
    comment = f"soak {label}".encode()
    return jpeg[:2] + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + jpeg[2:]


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def fd_count(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def fd_kinds(pid):
    """The open fds by kind: socket, pipe, anon_inode:[eventfd] ..., or a file's path."""
    kinds = collections.Counter()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        kinds[target.split(":[")[0] if target.startswith(("socket:", "pipe:")) else target] += 1
    return kinds


def psql(url, sql):
    out = subprocess.run(["psql", url, "-AtF", "\t", "-v", "ON_ERROR_STOP=1", "-c", sql], check=True,
                         capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines() if line]


class Soak:
    def __init__(self, args):
        self.args = args
        url = urllib.parse.urlsplit(args.base)
        self.host, self.port = url.hostname, url.port
        self.jpeg = open(args.image, "rb").read()
        self.lock = threading.Lock()
        self.requests = 0
        self.statuses = collections.Counter()
        self.routes = collections.Counter()
        self.route_statuses = collections.Counter()
        self.unexpected = []
        self.tasks = {}  # task id -> (status, total, successful, failed) as the client was told
        self.files = 0
        self.cache_hits = 0
        self.failed_files = 0
        self.item_ids = []
        self.serial = 0
        self.samples = []
        self.kinds = {}
        self.fine = []  # (requests, RSS KB) every quarter of --sample-every, for the slope
        self.hot = []
        self.deadline = 0.0

    # ---- HTTP ----

    def request(self, connection, route, method, path, body=None, headers=None):
        """One request on the thread's connection (reopened after a failure); counts it; answers (status, body)."""
        for attempt in range(2):
            try:
                connection[0].request(method, path, body=body, headers=headers or {})
                response = connection[0].getresponse()
                data = response.read()
                status = response.status
                break
            except (OSError, http.client.HTTPException) as error:
                connection[0].close()
                connection[0] = http.client.HTTPConnection(self.host, self.port, timeout=120)
                if attempt == 1:
                    status, data = 0, str(error).encode()
        with self.lock:
            self.requests += 1
            self.statuses[status] += 1
            self.routes[route] += 1
            self.route_statuses[(route, status)] += 1
        return status, data

    def b2b(self, extra=None):
        headers = {"Authorization": f"Bearer {self.args.key}"}
        headers.update(extra or {})
        return headers

    def note(self, route, why):
        with self.lock:
            if len(self.unexpected) < 1000:
                self.unexpected.append(f"{route}: {why}")

    def next_label(self):
        with self.lock:
            self.serial += 1
            return f"{os.getpid()}-{self.serial}"

    # ---- operations ----

    def upload(self, connection, route, files, expect_cached=None, expect_codes=None):
        body = multipart(files)
        status, data = self.request(connection, route, "POST", self.upload_path, body,
                                    self.b2b({"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}))
        if status != 200:
            self.note(route, f"{status} {data[:200]!r}")
            return
        try:
            answer = json.loads(data)
            results = answer["results"]
            codes = [r.get("error", {}).get("code") for r in results if r.get("status") == "failed"]
            hits = sum(1 for r in results if r.get("cached") is True)
            ok = sum(1 for r in results if r.get("status") == "success")
            if answer["total"] != len(files) or answer["successful"] != ok or len(results) != len(files):
                self.note(route, f"counts {answer['total']}/{answer['successful']} for {len(files)} files")
            if expect_cached is not None and any(r.get("cached") is not expect_cached for r in results):
                self.note(route, f"cached is not {expect_cached}: {[r.get('cached') for r in results]}")
            if sorted(codes, key=str) != sorted(expect_codes or [], key=str):
                self.note(route, f"failed files {codes}, expected {expect_codes or []}")
            with self.lock:
                self.tasks[answer["task_id"]] = ("completed" if ok > 0 else "failed", answer["total"], ok,
                                                 answer["failed"])
                self.files += len(results)
                self.cache_hits += hits
                self.failed_files += len(results) - ok
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            self.note(route, f"not an upload answer ({error}): {data[:200]!r}")

    def sync_distinct(self, connection):
        count = random.choice((1, 1, 2))
        files = [(f"menu-{i}.jpg", "image/jpeg", variant(self.jpeg, self.next_label())) for i in range(count)]
        self.upload(connection, "upload sync (miss)", files, expect_cached=False)

    def sync_repeat(self, connection):
        self.upload(connection, "upload sync (hit)", [("hot.jpg", "image/jpeg", random.choice(self.hot))],
                    expect_cached=True)

    def async_upload(self, connection):
        files = [(f"async-{i}.jpg", "image/jpeg", variant(self.jpeg, self.next_label())) for i in range(2)]
        status, data = self.request(connection, "upload async", "POST", self.upload_path, multipart(files),
                                    self.b2b({"Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
                                              "Prefer": "respond-async"}))
        if status != 202:
            self.note("upload async", f"{status} {data[:200]!r}")
            return
        try:
            task_id = json.loads(data)["task_id"]
        except (ValueError, KeyError, TypeError) as error:
            self.note("upload async", f"not a 202 answer ({error})")
            return
        # Polled until it ends, past the deadline too (the drain), for at most two minutes.
        give_up = time.monotonic() + 120
        while time.monotonic() < give_up:
            time.sleep(0.25)
            status, data = self.request(connection, "task poll", "GET", f"/api/v1/b2b/tasks/{task_id}",
                                        headers=self.b2b())
            if status != 200:
                self.note("task poll", f"{status} {data[:200]!r}")
                return
            task = json.loads(data)
            if task["status"] in ("completed", "failed", "interrupted"):
                results = task["results"]
                ok = sum(1 for r in results if r.get("status") == "success")
                if task["status"] != "completed" or ok != 2 or any(r.get("cached") for r in results):
                    self.note("task poll", f"task {task_id} {task['status']}, {ok} of 2 read")
                with self.lock:
                    self.tasks[task_id] = (task["status"], task["total"], task["successful"], task["failed"])
                    self.files += len(results)
                    self.cache_hits += sum(1 for r in results if r.get("cached") is True)
                    self.failed_files += len(results) - ok
                return
        self.note("task poll", f"task {task_id} did not end in 120 s")

    def health(self, connection):
        status, data = self.request(connection, "health", "GET", "/api/v1/health")
        if status != 200 or b'"status":"ok"' not in data:
            self.note("health", f"{status} {data[:200]!r}")

    def menu_list(self, connection):
        status, data = self.request(connection, "menu list", "GET", f"{self.menu_path}?limit=50", headers=self.b2b())
        if status != 200:
            self.note("menu list", f"{status} {data[:200]!r}")
            return
        ids = [item["item_id"] for item in json.loads(data)["items"]]
        if ids:
            with self.lock:
                self.item_ids = ids

    def patch_item(self, connection):
        with self.lock:
            ids = list(self.item_ids)
        if not ids:
            return self.menu_list(connection)
        item_id = random.choice(ids)
        body = json.dumps({"description": f"soak {self.next_label()}"}).encode()
        status, data = self.request(connection, "item PATCH", "PATCH", f"{self.menu_path}/items/{item_id}", body,
                                    self.b2b({"Content-Type": "application/json"}))
        if status != 200:
            self.note("item PATCH", f"{status} {data[:200]!r}")

    def metrics(self, connection):
        status, data = self.request(connection, "admin metrics", "GET", "/api/v1/admin/ocr/metrics?window=all",
                                    headers={"Authorization": f"Bearer {self.args.admin_token}"})
        if status != 200 or b'"file_count"' not in data:
            self.note("admin metrics", f"{status} {data[:200]!r}")

    def bad(self, connection):
        kind = random.randrange(3)
        if kind == 0:
            body = f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"x.jpg\"\r\n\r\nno end"
            status, data = self.request(connection, "bad: malformed multipart", "POST", self.upload_path,
                                        body.encode(),
                                        self.b2b({"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}))
            if status != 400 or b"malformed_multipart" not in data:
                self.note("bad: malformed multipart", f"{status} {data[:200]!r}")
        elif kind == 1:
            self.upload(connection, "bad: text file", [("menu.txt", "text/plain", b"not an image " * 20)],
                        expect_codes=["invalid_image"])
        else:
            self.upload(connection, "bad: 1x1 PNG", [("tiny.png", "image/png", tiny_png())],
                        expect_codes=["image_too_small"])

    # ---- the run ----

    def client(self):
        connection = [http.client.HTTPConnection(self.host, self.port, timeout=120)]
        operations = [(self.sync_distinct, 3), (self.sync_repeat, 3), (self.async_upload, 1), (self.health, 3),
                      (self.menu_list, 2), (self.patch_item, 1), (self.metrics, 1), (self.bad, 1)]
        population = [op for op, _ in operations]
        weights = [w for _, w in operations]
        while time.monotonic() < self.deadline:
            op = random.choices(population, weights)[0]
            try:
                op(connection)
            except Exception as error:  # a bug in the client or a garbled answer: counted, never fatal
                self.note(op.__name__, f"client error {type(error).__name__}: {error}")
        connection[0].close()

    def sample(self, label=None, printed=True):
        pid = self.args.pid
        with self.lock:
            count = self.requests
        if not printed:  # a point for the slope only: RSS, no fds or sessions
            self.fine.append((count, rss_kb(pid)))
            return
        # The responder's sessions in PostgreSQL (its pools open them as the load needs them): an fd that is one.
        sessions = int(psql(self.args.database_url, "SELECT count(*) FROM pg_stat_activity WHERE "
                            "datname = current_database() AND pid <> pg_backend_pid()")[0][0])
        rss = rss_kb(pid)
        self.samples.append((label or count, count, rss, fd_count(pid), sessions))
        self.fine.append((count, rss))
        if label in ("start", "end"):
            self.kinds[label] = fd_kinds(pid)

    def sampler(self, stop):
        step = self.args.sample_every
        fine = max(1, step // 4)
        following = fine
        while not stop.is_set():
            with self.lock:
                count = self.requests
            if count >= following:
                self.sample(printed=following % step == 0)
                following = (count // fine + 1) * fine
            stop.wait(0.05)

    def run(self):
        args = self.args
        self.upload_path = f"/api/v1/b2b/restaurants/{args.restaurant}/menus/upload-images"
        self.menu_path = f"/api/v1/b2b/restaurants/{args.restaurant}/menus"
        # Five images read once before the load: from then on they are the cache hits.
        connection = [http.client.HTTPConnection(self.host, self.port, timeout=120)]
        for index in range(5):
            image = variant(self.jpeg, f"hot-{index}")
            self.upload(connection, "upload sync (seed)", [("hot.jpg", "image/jpeg", image)], expect_cached=False)
            self.hot.append(image)
        self.menu_list(connection)
        connection[0].close()
        self.sample("start")

        stop = threading.Event()
        sampler = threading.Thread(target=self.sampler, args=(stop,), daemon=True)
        sampler.start()
        started = time.monotonic()
        self.deadline = started + args.seconds
        clients = [threading.Thread(target=self.client) for _ in range(args.threads)]
        for thread in clients:
            thread.start()
        for thread in clients:
            thread.join()
        load_seconds = time.monotonic() - started
        stop.set()
        sampler.join()

        # The drain: nothing left queued or processing (the async clients polled theirs to the end already).
        for _ in range(600):
            left = int(psql(args.database_url,
                            "SELECT count(*) FROM upload_tasks WHERE status IN ('queued', 'processing')")[0][0])
            if left == 0:
                break
            time.sleep(0.1)
        time.sleep(1)  # idle connections and buffers settle before the last sample
        self.sample("end")
        return self.report(load_seconds)

    def report(self, load_seconds):
        args = self.args
        failures = []
        print(f"\nSoak: {args.seconds} s, {args.threads} client threads, through nginx at {args.base}")
        print(f"requests sent: {self.requests} in {load_seconds:.1f} s ({self.requests / load_seconds:.1f} req/s)")
        print("statuses: " + ", ".join(f"{code}: {n}" for code, n in sorted(self.statuses.items())))
        print("per route:")
        for route, n in sorted(self.routes.items()):
            codes = ", ".join(f"{code} x{c}" for (r, code), c in sorted(self.route_statuses.items()) if r == route)
            print(f"  {route:<26} {n:>7}   ({codes})")
        fives = sum(n for code, n in self.statuses.items() if code >= 500 or code == 0)
        if fives:
            failures.append(f"{fives} answers were 5xx or no answer")
        if self.unexpected:
            failures.append(f"{len(self.unexpected)} unexpected answers, first: " + " | ".join(self.unexpected[:5]))

        print(f"\nresponder every {args.sample_every} requests (RSS from /proc/PID/status VmRSS, fds from /proc/PID/fd):")
        print(f"  {'requests':>10} {'RSS MB':>8} {'fds':>5} {'PostgreSQL sessions':>20}")
        for label, count, rss, fds, sessions in self.samples:
            name = label if isinstance(label, str) else str(count)
            print(f"  {name:>10} {rss / 1024:>8.1f} {fds:>5} {sessions:>20}")
        for label, kinds in self.kinds.items():
            print(f"  fds at the {label}: " + ", ".join(f"{k} {n}" for k, n in kinds.most_common(8)))
        counted = [s for s in self.samples if not isinstance(s[0], str)]
        # The fd baseline is the first sample under load (pools and kept connections opened by then).
        baseline = counted[0] if counted else self.samples[0]
        end = self.samples[-1]
        if end[3] > baseline[3] + args.fd_slack:
            failures.append(f"fds rose from {baseline[3]} (at {baseline[1]} requests) to {end[3]} at the end, "
                            f"over the bound of +{args.fd_slack}")
        # The slope: a least-squares line through the RSS of the second half of the requests, sampled every quarter
        # of --sample-every (the printed rows and the end's, after the drain, among them), so that one jump of
        # glibc's heap between two printed rows does not decide it alone.
        half = [s for s in self.fine if s[0] >= self.requests / 2]
        slope = None
        if len(half) >= 3:
            xs = [s[0] / 1000 for s in half]
            ys = [s[1] / 1024 for s in half]
            mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
            denominator = sum((x - mx) ** 2 for x in xs)
            slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / denominator if denominator else 0.0
            print(f"  RSS slope over the second half ({len(half)} samples): {slope:+.2f} MB per thousand requests"
                  f" (bound {args.rss_slope_mb})")
            if slope > args.rss_slope_mb:
                failures.append(f"RSS slope {slope:.2f} MB per thousand requests over the second half")
        else:
            print(f"  RSS slope: too few samples in the second half ({len(half)}; need 3), not judged")
        print(f"  fds: {baseline[3]} at the first sample under load, {end[3]} at the end (bound +{args.fd_slack})")

        print("\naccounting (PostgreSQL against what the client was told):")
        rows = psql(args.database_url, "SELECT id, status, total, successful, failed FROM upload_tasks")
        stored = {row[0]: (row[1], int(row[2]), int(row[3]), int(row[4])) for row in rows}
        missing = [t for t in self.tasks if t not in stored]
        differ = [t for t in self.tasks if t in stored and stored[t] != self.tasks[t]]
        unknown = [t for t in stored if t not in self.tasks]
        stuck = [t for t, row in stored.items() if row[0] in ("queued", "processing")]
        print(f"  tasks the client was told of: {len(self.tasks)}; in upload_tasks: {len(stored)}; missing "
              f"{len(missing)}; status or counts differ {len(differ)}; unknown to the client {len(unknown)}; "
              f"queued/processing after the drain {len(stuck)}")
        for name, bad in (("missing", missing), ("differ", differ), ("unknown to the client", unknown),
                          ("stuck", stuck)):
            if bad:
                detail = [f"{t}: told {self.tasks.get(t)}, stored {stored.get(t)}" for t in bad[:3]]
                failures.append(f"{len(bad)} tasks {name}: " + "; ".join(detail))
        by_status = collections.Counter(row[0] for row in stored.values())
        print("  tasks by status: " + ", ".join(f"{s} {n}" for s, n in sorted(by_status.items())))

        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        connection.request("GET", "/api/v1/admin/ocr/metrics?window=all",
                           headers={"Authorization": f"Bearer {args.admin_token}"})
        metrics = json.loads(connection.getresponse().read())
        connection.close()
        events = int(psql(args.database_url, "SELECT count(*) FROM ocr_events")[0][0])
        print(f"  files: client {self.files}, metrics file_count {metrics.get('file_count')}, ocr_events {events}")
        print(f"  cache hits: client {self.cache_hits}, metrics cache_hits {metrics.get('cache_hits')}")
        print(f"  failed files: client {self.failed_files}, metrics error_count {metrics.get('error_count')}")
        for name, mine, theirs in (("file_count", self.files, metrics.get("file_count")),
                                   ("ocr_events", self.files, events),
                                   ("cache_hits", self.cache_hits, metrics.get("cache_hits")),
                                   ("error_count", self.failed_files, metrics.get("error_count"))):
            if mine != theirs:
                failures.append(f"{name}: client {mine}, service {theirs}")

        if failures:
            print("\nsoak: FAILED")
            for failure in failures:
                print(f"  - {failure}")
            return 1
        print("\nsoak: passed (no 5xx, every answer as expected, accounting equal, fds and RSS within bounds)")
        return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", required=True)
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--restaurant", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--admin-token", required=True)
    parser.add_argument("--image", required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--threads", type=int, default=6)
    parser.add_argument("--sample-every", type=int, default=1000)
    parser.add_argument("--fd-slack", type=int, default=20)
    parser.add_argument("--rss-slope-mb", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    random.seed(args.seed)
    sys.exit(Soak(args).run())


if __name__ == "__main__":
    main()
