"""API load on loopback: list and detail endpoints over a store of 10,000 tests (issue 25's targets: p99 < 50 ms at
200 requests/s with `--workers 2`, >= 500 req/s before saturation, <= 2 ms of server CPU a request; under overload
503 + Retry-After rather than queueing), on SQLite and, given a server, on PostgreSQL side by side.

`cellbench serve --workers N` runs in its own processes (Uvicorn, which uses httptools and uvloop) over a store
holding 10,000 test records from five organisations on mixed tiers. An open-loop generator sends requests at a fixed
rate and times each from its scheduled start (so a slow server cannot hide queueing). The anchor is the same
server's health check, which touches neither the database nor the access rules: the ratio is what sign-in, access
filtering, audit and JSON cost. Besides latency it prints the server's CPU time per request (all its processes,
from a closed-loop run; for PostgreSQL also its server's processes, apart), which depends much less than latency on
what else the machine is doing; and the load average before and after.

Lists are read two ways: by offset (random depth 0-2000: the cost grows with the rows skipped) and by keyset
(``after``, the previous page's ``next_after``, at a random depth: what a client paging through should use).

Overload (``--overload``, requests/s, default 2000: above what two processes answer on two cores) offers more
reads than the server can answer for 5 s and reports the share shed (503 with Retry-After), how many were answered
per second, the p50/p99 of those answered (timed from their scheduled start), and whether reads 1 s later are
answered again.

The generator is as light as it can be made, since it shares the two cores with the server: raw keep-alive
HTTP/1.1 over asyncio sockets (uvloop's loop where installed; no HTTP library: a response is split at its
Content-Length), one request at a time per connection, as many connections as outstanding requests need, requests
sent in batches as their times come. Earlier versions used httpx, which cannot itself send much more than a few
hundred requests a second beside the server: its closed loop measured the generator's ceiling (300-500 req/s, not
the server's), and in the overload run the backlog sat in its own queue (p99 23 s) while the server never reached
its bound. The generator's own lag (how late it sent, p99) is printed with the overload run, so a run where it fell
behind shows as such.

PostgreSQL: ``--postgres URL`` (default ``$CELLBENCH_TEST_POSTGRES_URL``, which ``.ci/postgres.sh`` exports) runs
the same measurements over a fresh schema of that database (dropped afterwards) and prints both backends side by
side. A throwaway server for it, as root on Debian (PostgreSQL refuses to run as root, hence ``runuser``)::

    mkdir /tmp/pg && chown postgres /tmp/pg
    runuser -u postgres -- /usr/lib/postgresql/15/bin/initdb -D /tmp/pg/data -A trust -U postgres
    runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D /tmp/pg/data -l /tmp/pg/log \
        -o "-p 5499 -k /tmp/pg -c listen_addresses=127.0.0.1" start
    runuser -u postgres -- psql -h 127.0.0.1 -p 5499 -c "CREATE ROLE cb LOGIN" -c "CREATE DATABASE cb OWNER cb"
    .venv/bin/python benchmarks/bench_api.py --postgres postgresql://cb@127.0.0.1:5499/cb

    .venv/bin/python benchmarks/bench_api.py [--workers 2] [--rate 200] [--seconds 20] [--tests 10000]
        [--overload 2000] [--postgres URL | --no-postgres]

To measure another version of the server side by side, put its ``src`` first: ``PYTHONPATH=/path/to/src``.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import psutil
from sqlalchemy import insert, text

ORGANISATIONS = ["Anode Works", "Binder Co", "Cathode Ltd", "Dry Room Inc", "Electrolyte AG"]
TIERS = ["private", "private", "private", "public", "named"]


def seed(url: str, folder: Path, count: int) -> str:
    """A store at ``url`` with ``count`` tests; returns the API token of a user of the first organisation."""
    from argon2 import PasswordHasher, profiles

    from cellbench.store import Store
    from cellbench.store.models import Organisation, Test
    from cellbench.store.platform import RecordGrant
    from cellbench.web import identity

    identity._hasher = PasswordHasher.from_parameters(profiles.CHEAPEST)  # seeding speed only
    with Store.open(url, data_dir=folder) as store, store.session() as db:
        for name in ORGANISATIONS:
            identity.create_organisation(db, name)
        org_ids = {o.name: o.id for o in db.query(Organisation)}
        now = datetime.now(timezone.utc)
        rows = []
        for k in range(count):
            owner = ORGANISATIONS[k % len(ORGANISATIONS)]
            rows.append({"content_hash": f"{k:064x}", "source_file": f"cell-{k:05d}.csv", "vendor": "Arbin",
                         "file_format": "arbin-csv", "cell_id": f"cell-{k % 500:03d}", "channel": str(k % 16),
                         "start_time": now, "row_count": 50_000 + k, "duration_s": 3.6e5, "outcome": "ok",
                         "access_tier": TIERS[k % len(TIERS)], "owner_organisation_id": org_ids[owner],
                         "created_at": now})
        db.execute(insert(Test), rows)
        db.commit()
        named = [t for t in db.query(Test).filter(Test.access_tier == "named")]
        db.execute(insert(RecordGrant), [{"record_kind": "test", "record_id": t.id,
                                          "organisation_id": org_ids[ORGANISATIONS[0]]} for t in named])
        db.commit()
        identity.create_user(db, "bench@anode.example", "benchmark password", ORGANISATIONS[0])
        token = identity.create_token(db, "bench@anode.example", "bench")
        if db.get_bind().dialect.name == "postgresql":
            # the statistics autovacuum would gather within a minute or so: without them PostgreSQL takes the
            # fresh table for a few rows and plans offset pages as a full scan and sort (5 ms instead of 1)
            db.execute(text("ANALYZE"))
            db.commit()
    return token


def postgres_schema(base: str) -> tuple[str, Callable[[], None]]:
    """(URL of a fresh schema in the database at ``base``, a function that drops it)."""
    import psycopg

    from cellbench.store.config import normalise_database_url

    schema = f"cb_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')

    def drop() -> None:
        with psycopg.connect(base, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA "{schema}" CASCADE')

    separator = "&" if "?" in base else "?"
    return f"{normalise_database_url(base)}{separator}options=-csearch_path%3D{schema}", drop


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(url: str, folder: Path, port: int, workers: int) -> subprocess.Popen:
    """``cellbench serve --workers N`` on loopback; returns once every worker has started."""
    env = {**os.environ, "CELLBENCH_DATABASE_URL": url, "CELLBENCH_DATA_DIR": str(folder)}
    log_path = folder / "serve.log"
    command = [str(Path(sys.executable).with_name("cellbench")), "serve", "--host", "127.0.0.1", "--port", str(port),
               "--workers", str(workers), "--no-access-log"]
    process = subprocess.Popen(command, env=env, stdout=log_path.open("w"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if log_path.read_text().count("Application startup complete") >= workers:
            return process
        time.sleep(0.2)
    process.kill()
    raise SystemExit(f"the server did not start:\n{log_path.read_text()}")


def cpu_seconds(roots: list[int]) -> float:
    """User + system CPU time so far of these processes and all their children, those that have ended included
    (a process's ended children count in its own ``children_*`` times: PostgreSQL ends the backend of each
    connection the pool closes)."""
    total = 0.0
    for pid in roots:
        try:
            root = psutil.Process(pid)
            processes = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            continue
        for process in processes:
            try:
                times = process.cpu_times()
            except psutil.NoSuchProcess:
                continue
            total += times.user + times.system + times.children_user + times.children_system
    return total


def database_server(url: str) -> int | None:
    """The process id of the PostgreSQL server behind ``url`` (its postmaster, whose children serve the
    connections), if this user may see it; None for SQLite, which works inside the server's own processes."""
    if not url.startswith(("postgresql", "postgres:")):
        return None
    import psycopg

    try:
        with psycopg.connect(url) as connection:
            backend = connection.execute("SELECT pg_backend_pid()").fetchone()[0]
        postmaster = psutil.Process(backend).parent()
        postmaster.cpu_times()
    except (psutil.Error, AttributeError):
        return None
    return postmaster.pid


class RawConnection(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection of the generator, one request at a time: a response ends after its head
    and ``Content-Length`` bytes (every answer of this API has one)."""

    def __init__(self, answered: Callable[["RawConnection", int, bool], None], lost: Callable[["RawConnection"], None]):
        self.answered, self.lost = answered, lost
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.end: int | None = None  # where the response being read ends in the buffer
        self.status, self.retry_after = 0, False

    def connection_made(self, transport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            if self.end is None:
                head_end = self.buffer.find(b"\r\n\r\n")
                if head_end < 0:
                    return
                head = bytes(self.buffer[:head_end]).lower()
                self.status = int(head[9:12])
                self.retry_after = b"\r\nretry-after:" in head
                at = head.find(b"\r\ncontent-length:")
                if at < 0:
                    raise RuntimeError(f"an answer without Content-Length: {head!r}")
                stop = head.find(b"\r\n", at + 2)
                self.end = head_end + 4 + int(head[at + 17:stop if stop > 0 else len(head)])
            if len(self.buffer) < self.end:
                return
            del self.buffer[:self.end]
            self.end = None
            self.answered(self, self.status, self.retry_after)

    def connection_lost(self, exc) -> None:
        self.lost(self)


class Generator:
    """Requests over raw keep-alive connections to the server on ``port`` (see the module docstring): open loop
    (:meth:`open_loop`, at a fixed rate, each request timed from its scheduled start) and closed loop
    (:meth:`closed_loop`, clients back to back: the ceiling and the server's CPU a request)."""

    def __init__(self, port: int):
        self.port = port
        self.idle: list[RawConnection] = []
        self.waiting: dict[RawConnection, float] = {}  # connection → when its request was due
        self._on_answer: Callable[[RawConnection, float, int, bool], None] = lambda *a: None

    def _answered(self, connection: RawConnection, status: int, retry_after: bool) -> None:
        due = self.waiting.pop(connection)
        self.idle.append(connection)
        self._on_answer(connection, due, status, retry_after)

    def _lost(self, connection: RawConnection) -> None:
        if self.waiting.pop(connection, None) is not None:
            self._on_answer(connection, float("nan"), 0, False)  # status 0: the connection dropped the request
        if connection in self.idle:
            self.idle.remove(connection)

    async def connect(self, count: int) -> None:
        loop = asyncio.get_running_loop()
        made = await asyncio.gather(*(loop.create_connection(lambda: RawConnection(self._answered, self._lost),
                                                             "127.0.0.1", self.port) for _ in range(count)))
        self.idle.extend(protocol for _, protocol in made)

    def close(self) -> None:
        for connection in [*self.idle, *self.waiting]:
            connection.transport.close()
        self.idle.clear()
        self.waiting.clear()

    async def _send(self, path: str, head: str, due: float) -> None:
        if not self.idle:
            await self.connect(1)  # every connection is waiting for an answer: the open loop does not wait too
        connection = self.idle.pop()
        self.waiting[connection] = due
        connection.transport.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n{head}\r\n".encode())

    async def open_loop(self, paths, headers: dict[str, str], rate: float, seconds: float, *,
                        drain_s: float = 30.0) -> dict:
        """Offer ``rate`` requests/s for ``seconds``, sent in batches as their times come; answers still missing
        ``drain_s`` after the last send count as errors. 503 with Retry-After is counted as shed, not timed."""
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        accepted: list[float] = []
        counts = {"shed": 0, "shed_without_retry_after": 0, "errors": 0}
        last = 0.0

        def on_answer(connection, due: float, status: int, retry_after: bool) -> None:
            nonlocal last
            last = time.perf_counter()
            if status == 200:
                accepted.append(last - due)
            elif status == 503:
                counts["shed" if retry_after else "shed_without_retry_after"] += 1
            else:
                counts["errors"] += 1

        self._on_answer = on_answer
        total, lags, k = int(rate * seconds), [], 0
        start = time.perf_counter()
        while k < total:
            due_now = min(total, int((time.perf_counter() - start) * rate) + 1)
            while k < due_now:
                due = start + k / rate
                await self._send(paths(k), head, due)
                lags.append(time.perf_counter() - due)
                k += 1
            await asyncio.sleep(max(0.0, start + k / rate - time.perf_counter()))
        sent = time.perf_counter() - start
        deadline = time.perf_counter() + drain_s
        while self.waiting and time.perf_counter() < deadline:
            await asyncio.sleep(0.005)
        counts["errors"] += len(self.waiting)  # never answered
        if self.waiting:
            self.close()
        ordered = sorted(accepted) or [float("nan")]
        lags.sort()
        return {"requests": total, "rate": total / sent, "accepted": len(accepted),
                "accepted_rate": len(accepted) / max(last - start, seconds), **counts,
                "p50_ms": 1000 * statistics.median(ordered), "p99_ms": 1000 * ordered[int(0.99 * (len(ordered) - 1))],
                "max_ms": 1000 * ordered[-1], "lag_p99_ms": 1000 * lags[int(0.99 * (len(lags) - 1))]}

    async def closed_loop(self, paths, headers: dict[str, str], seconds: float, server: subprocess.Popen,
                          database: int | None = None, concurrency: int = 8) -> tuple[float, float, float]:
        """(answers per second, server CPU ms a request, database server CPU ms a request (NaN: not known)) with
        ``concurrency`` clients back to back."""
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        stop = time.perf_counter() + seconds
        done, k = 0, concurrency

        def on_answer(connection, due: float, status: int, retry_after: bool) -> None:
            nonlocal done, k
            done += 1
            if time.perf_counter() < stop:
                k += 1
                self.waiting[connection] = 0.0
                self.idle.remove(connection)
                connection.transport.write(
                    f"GET {paths(k)} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n{head}\r\n".encode())

        self._on_answer = on_answer
        databases = [database] if database is not None else []
        cpu_before, database_before = cpu_seconds([server.pid]), cpu_seconds(databases)
        start = time.perf_counter()
        for w in range(concurrency):
            await self._send(paths(w), head, 0.0)
        while time.perf_counter() < stop or self.waiting:
            await asyncio.sleep(0.01)
        elapsed, cpu = time.perf_counter() - start, cpu_seconds([server.pid]) - cpu_before
        database_cpu = cpu_seconds(databases) - database_before if databases else float("nan")
        return done / elapsed, 1000 * cpu / max(done, 1), 1000 * database_cpu / max(done, 1)


def workloads(tests: int, token: str) -> dict[str, tuple[Callable[[int], str], dict[str, str]]]:
    """name → (path of the k-th request, headers): the anchor, lists by offset and by keyset, and reads."""
    auth = {"Authorization": f"Bearer {token}"}
    rng = random.Random(7)
    visible = [k + 1 for k in range(tests) if k % len(ORGANISATIONS) == 0 or TIERS[k % len(TIERS)] != "private"]
    offsets = [rng.randrange(0, min(2000, len(visible) - 1)) for _ in range(100_000)]
    ids = [rng.choice(visible) for _ in range(100_000)]
    # keyset: start below a random readable id (the previous page's next_after), at the same depths as the offsets
    afters = [visible[-1 - o] for o in offsets]  # the o-th readable id from the newest: the offset's own page
    return {
        "health (anchor)": (lambda k: "/api/v1/health", {}),
        "GET /tests?offset=": (lambda k: f"/api/v1/tests?limit=50&offset={offsets[k % len(offsets)]}", auth),
        "GET /tests?after=": (lambda k: f"/api/v1/tests?limit=50&after={afters[k % len(afters)]}", auth),
        "GET /tests/{id}": (lambda k: f"/api/v1/tests/{ids[k % len(ids)]}", auth),
    }


async def measure(port: int, token: str, rate: float, seconds: float, tests: int, server: subprocess.Popen,
                  overload: float = 0.0, database: int | None = None) -> dict:
    results = {}
    work = workloads(tests, token)
    generator = Generator(port)
    await generator.connect(16)
    try:
        for name, (paths, headers) in work.items():
            await generator.open_loop(paths, headers, rate, 2.0)  # warm-up
            results[name] = await generator.open_loop(paths, headers, rate, seconds)
            results[name]["max_rps"], results[name]["cpu_ms"], results[name]["db_cpu_ms"] = \
                await generator.closed_loop(paths, headers, 5.0, server, database)
        if overload:
            paths, headers = work["GET /tests/{id}"]
            await generator.connect(400)  # enough for the requests outstanding at once; more are opened if not
            results["overload"] = await generator.open_loop(paths, headers, overload, 5.0)
            await asyncio.sleep(1.0)
            results["overload"]["after"] = await generator.open_loop(paths, headers, 20, 1.0)  # has it recovered?
    finally:
        generator.close()
    return results


def _loop_factory():
    """uvloop's loop for the generator too where it is installed (less of the shared CPU for sending)."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def run_backend(url: str, folder: Path, args, database: str = "") -> dict:
    """Seed a store at ``url``, serve it, measure, stop the server; the results by endpoint (and ``overload``)."""
    token = seed(url, folder, args.tests)
    port = free_port()
    server = start_server(url, folder, port, args.workers)
    try:
        with asyncio.Runner(loop_factory=_loop_factory()) as runner:
            return runner.run(measure(port, token, args.rate, args.seconds, args.tests, server, args.overload,
                                      database_server(database)))
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1),
                        help="server processes (default: 2, or 1 on a one-core machine)")
    parser.add_argument("--rate", type=float, default=200.0, help="requests per second (open loop)")
    parser.add_argument("--overload", type=float, default=2000.0,
                        help="then GET /tests/{id} at this rate for 5 s, above capacity (0: skip): shed share, p99")
    parser.add_argument("--seconds", type=float, default=20.0, help="measurement time per endpoint")
    parser.add_argument("--tests", type=int, default=10_000, help="tests in the store")
    parser.add_argument("--postgres", default=os.environ.get("CELLBENCH_TEST_POSTGRES_URL", ""),
                        help="a PostgreSQL database to measure beside SQLite (default: $CELLBENCH_TEST_POSTGRES_URL)")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    args = parser.parse_args()
    # The generator is Python too: keep its garbage collector from pausing it mid-run and counting the pause
    # against the server.
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 50, 50)
    by_backend: dict[str, dict] = {}
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="cellbench-bench-api-") as tmp:
        by_backend["SQLite"] = run_backend(f"sqlite:///{Path(tmp) / 'cellbench.db'}", Path(tmp), args)
    if args.postgres and not args.no_postgres:
        url, drop = postgres_schema(args.postgres)
        try:
            with tempfile.TemporaryDirectory(prefix="cellbench-bench-api-pg-") as tmp:
                by_backend["PostgreSQL"] = run_backend(url, Path(tmp), args, args.postgres)
        finally:
            drop()
    load_after = os.getloadavg()
    backends = list(by_backend)
    print(f"cellbench API on loopback: `cellbench serve --workers {args.workers}` over {args.tests} tests in "
          f"{' and '.join(backends)}, open loop at {args.rate:g} req/s for {args.seconds:g} s per endpoint, "
          f"{os.cpu_count()} CPUs shared with the load generator; load average {load_before[0]:.2f} before, "
          f"{load_after[0]:.2f} after")
    if len(backends) == 1:
        print("(PostgreSQL not measured: give --postgres URL or set CELLBENCH_TEST_POSTGRES_URL)")
    columns = (f"{'p50 ms':>7} {'p99 ms':>7} {'rate/s':>7} {'err':>4} {'max/s':>6} {'CPU ms':>7} {'+db ms':>6} "
               f"{'p99/anchor':>10}")
    print(f"{'':<20} " + " | ".join(f"{b:^{len(columns)}}" for b in backends))
    print(f"{'endpoint':<20} " + " | ".join(columns for _ in backends))
    for name in by_backend["SQLite"]:
        if name == "overload":
            continue
        cells = []
        for backend in backends:
            r, anchor = by_backend[backend][name], by_backend[backend]["health (anchor)"]
            cells.append(f"{r['p50_ms']:7.1f} {r['p99_ms']:7.1f} {r['rate']:7.1f} {r['errors'] + r['shed']:4d} "
                         f"{r['max_rps']:6.0f} {r['cpu_ms']:7.2f} {r['db_cpu_ms']:6.2f} "
                         f"{r['p99_ms'] / anchor['p99_ms']:10.1f}")
        print(f"{name:<20} " + " | ".join(cells))
    print("(CPU ms: the cellbench server's processes a request, closed loop of 8 clients, whose rate is max/s; "
          "+db ms: PostgreSQL's processes on top, nan where SQLite works inside the server's own)")
    for backend in backends:
        results = {k: v for k, v in by_backend[backend].items() if k != "overload"}
        worst = max(r["p99_ms"] for name, r in results.items() if name != "health (anchor)")
        slowest = max(r["cpu_ms"] for name, r in results.items() if name != "health (anchor)")
        ceiling = min(r["max_rps"] for name, r in results.items() if name != "health (anchor)")
        print(f"{backend}: p99 < 50 ms at {args.rate:g} req/s {'met' if worst < 50 else 'NOT met'} (worst "
              f"{worst:.1f} ms); <= 2 ms CPU a request {'met' if slowest <= 2 else 'NOT met'} (worst {slowest:.2f}); "
              f">= 500 req/s {'met' if ceiling >= 500 else 'NOT met'} (lowest {ceiling:.0f}, generator on the same cores)")
    for backend in backends:
        o = by_backend[backend].get("overload")
        if not o:
            continue
        share = (o["shed"] + o["shed_without_retry_after"]) / max(o["requests"], 1)
        print(f"{backend} overload, GET /tests/{{id}} offered at {o['rate']:.0f} req/s for 5 s "
              f"(generator lag p99 {o['lag_p99_ms']:.1f} ms): {100 * share:.0f} % shed with 503 "
              f"({o['shed_without_retry_after']} without Retry-After), {o['errors']} errors; {o['accepted']} answered "
              f"({o['accepted_rate']:.0f}/s), p50 {o['p50_ms']:.0f} ms, p99 {o['p99_ms']:.0f} ms, max "
              f"{o['max_ms']:.0f} ms; 1 s later, 20 reads: {o['after']['accepted']} answered, p99 "
              f"{o['after']['p99_ms']:.0f} ms")


if __name__ == "__main__":
    main()
