"""API load on loopback: list and detail endpoints over a store of 10,000 tests (issue 25's targets: p99 < 50 ms at
200 requests/s with `--workers 2`, >= 500 req/s before saturation, <= 2 ms of server CPU a request; under overload
503 + Retry-After rather than queueing).

`cellbench serve --workers N` runs in its own processes (Uvicorn, SQLite) over a store holding 10,000 test records
from five organisations on mixed tiers. An open-loop generator sends requests at a fixed rate and times each from
its scheduled start (so a slow server cannot hide queueing). The anchor is the same server's health check, which
touches neither the database nor the access rules: the ratio is what sign-in, access filtering, audit and JSON cost.
Besides latency it prints the server's CPU time per request (all its processes, from a closed-loop run), which
depends much less than latency on what else the machine is doing; and the load average before and after.

Lists are read two ways: by offset (random depth 0-2000: the cost grows with the rows skipped) and by keyset
(``after``, the previous page's ``next_after``, at a random depth: what a client paging through should use). An
overload run (``--overload``, requests/s) sends more than the server can answer and reports how many were shed
(503) and the p99 of those answered. The anchor is the same server's health check in the same run.

    .venv/bin/python benchmarks/bench_api.py [--workers 2] [--rate 200] [--seconds 20] [--tests 10000] [--overload 800]

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
from datetime import datetime, timezone
from pathlib import Path

import httpx
import psutil
from sqlalchemy import insert

ORGANISATIONS = ["Anode Works", "Binder Co", "Cathode Ltd", "Dry Room Inc", "Electrolyte AG"]
TIERS = ["private", "private", "private", "public", "named"]


def seed(folder: Path, count: int) -> tuple[str, str]:
    """A store with ``count`` tests; returns (database URL, API token of a user of the first organisation)."""
    from argon2 import PasswordHasher, profiles

    from cellbench.store import Store
    from cellbench.store.models import Organisation, Test
    from cellbench.store.platform import RecordGrant
    from cellbench.web import identity

    identity._hasher = PasswordHasher.from_parameters(profiles.CHEAPEST)  # seeding speed only
    url = f"sqlite:///{folder / 'cellbench.db'}"
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
    return url, token


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


def server_cpu_seconds(server: subprocess.Popen) -> float:
    """User + system CPU time of the server and its worker processes so far."""
    total = 0.0
    root = psutil.Process(server.pid)
    for process in [root, *root.children(recursive=True)]:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


async def open_loop(client: httpx.AsyncClient, paths, rate: float, seconds: float, headers) -> dict:
    """Send at a fixed rate; latency counts from each request's scheduled time."""
    latencies: list[float] = []
    errors = shed = 0
    start = time.perf_counter()
    total = int(rate * seconds)

    async def one(k: int) -> None:
        nonlocal errors, shed
        scheduled = start + k / rate
        await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
        try:
            response = await client.get(paths(k), headers=headers)
            ok = response.status_code == 200
            if response.status_code == 503 and "retry-after" in response.headers:
                shed += 1
                return  # refused at once, by design: counted, not timed
        except httpx.TransportError:
            ok = False
        latencies.append(time.perf_counter() - scheduled)
        errors += not ok

    await asyncio.gather(*(one(k) for k in range(total)))
    elapsed = time.perf_counter() - start
    ordered = sorted(latencies) or [float("nan")]
    return {"requests": total, "errors": errors, "shed": shed, "rate": total / elapsed,
            "p50_ms": 1000 * statistics.median(ordered), "p99_ms": 1000 * ordered[int(0.99 * (len(ordered) - 1))]}


async def closed_loop(client: httpx.AsyncClient, paths, seconds: float, headers, server: subprocess.Popen,
                      concurrency: int = 8) -> tuple[float, float]:
    """(requests per second, server CPU ms per request) with ``concurrency`` clients back to back: the ceiling."""
    done = 0
    stop = time.perf_counter() + seconds

    async def worker(w: int) -> None:
        nonlocal done
        k = w
        while time.perf_counter() < stop:
            await client.get(paths(k), headers=headers)
            done += 1
            k += concurrency

    cpu_before, start = server_cpu_seconds(server), time.perf_counter()
    await asyncio.gather(*(worker(w) for w in range(concurrency)))
    elapsed, cpu = time.perf_counter() - start, server_cpu_seconds(server) - cpu_before
    return done / elapsed, 1000 * cpu / max(done, 1)


async def measure(port: int, token: str, rate: float, seconds: float, tests: int, server: subprocess.Popen,
                  overload: float = 0.0) -> dict:
    auth = {"Authorization": f"Bearer {token}"}
    rng = random.Random(7)
    visible = [k + 1 for k in range(tests) if k % len(ORGANISATIONS) == 0 or TIERS[k % len(TIERS)] != "private"]
    offsets = [rng.randrange(0, 2000) for _ in range(100_000)]
    ids = [rng.choice(visible) for _ in range(100_000)]
    # keyset: start below a random readable id (the previous page's next_after), at the same depths as the offsets
    afters = [visible[-1 - o] for o in offsets]  # the o-th readable id from the newest: the offset's own page
    workloads = {
        "health (anchor)": (lambda k: "/api/v1/health", {}),
        "GET /tests?offset=": (lambda k: f"/api/v1/tests?limit=50&offset={offsets[k % len(offsets)]}", auth),
        "GET /tests?after=": (lambda k: f"/api/v1/tests?limit=50&after={afters[k % len(afters)]}", auth),
        "GET /tests/{id}": (lambda k: f"/api/v1/tests/{ids[k % len(ids)]}", auth),
    }
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    results = {}
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=30) as client:
        for name, (paths, headers) in workloads.items():
            await open_loop(client, paths, rate, 2.0, headers)  # warm-up
            results[name] = await open_loop(client, paths, rate, seconds, headers)
            results[name]["max_rps"], results[name]["cpu_ms"] = await closed_loop(client, paths, 5.0, headers,
                                                                                  server)
        if overload:
            paths, headers = workloads["GET /tests/{id}"]
            results["overload"] = await open_loop(client, paths, overload, 5.0, headers)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1),
                        help="server processes (default: 2, or 1 on a one-core machine)")
    parser.add_argument("--rate", type=float, default=200.0, help="requests per second (open loop)")
    parser.add_argument("--overload", type=float, default=0.0,
                        help="then GET /tests/{id} at this rate for 5 s (above capacity): shed share and p99")
    parser.add_argument("--seconds", type=float, default=20.0, help="measurement time per endpoint")
    parser.add_argument("--tests", type=int, default=10_000, help="tests in the store")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cellbench-bench-api-") as tmp:
        folder = Path(tmp)
        url, token = seed(folder, args.tests)
        port = free_port()
        server = start_server(url, folder, port, args.workers)
        # The generator is Python too: keep its garbage collector from pausing it mid-run and counting the pause
        # against the server.
        gc.collect()
        gc.freeze()
        gc.set_threshold(50_000, 50, 50)
        load_before = os.getloadavg()
        try:
            results = asyncio.run(measure(port, token, args.rate, args.seconds, args.tests, server, args.overload))
        finally:
            server.terminate()
            server.wait(timeout=30)
        load_after = os.getloadavg()
    overloaded = results.pop("overload", None)
    anchor = results["health (anchor)"]
    print(f"cellbench API on loopback: `cellbench serve --workers {args.workers}` over {args.tests} tests in SQLite, "
          f"open loop at {args.rate:g} req/s for {args.seconds:g} s per endpoint, {os.cpu_count()} CPUs shared with "
          f"the load generator; load average {load_before[0]:.2f} before, {load_after[0]:.2f} after")
    print(f"{'endpoint':<22} {'p50 ms':>8} {'p99 ms':>8} {'rate/s':>8} {'errors':>7} {'shed':>6} {'max req/s':>10} "
          f"{'CPU ms/req':>11} {'p99 / anchor':>13}")
    for name, r in results.items():
        print(f"{name:<22} {r['p50_ms']:8.1f} {r['p99_ms']:8.1f} {r['rate']:8.1f} {r['errors']:7d} {r['shed']:6d} "
              f"{r['max_rps']:10.0f} {r['cpu_ms']:11.2f} {r['p99_ms'] / anchor['p99_ms']:13.1f}")
    worst = max(r["p99_ms"] for name, r in results.items() if name != "health (anchor)")
    print(f"target p99 < 50 ms at {args.rate:g} req/s: {'met' if worst < 50 else 'NOT met'} (worst p99 {worst:.1f} ms)")
    if overloaded:
        print(f"overload, GET /tests/{{id}} at {args.overload:g} req/s for 5 s: {overloaded['shed']} of "
              f"{overloaded['requests']} shed (503 + Retry-After), {overloaded['errors']} other errors; p99 of those "
              f"answered {overloaded['p99_ms']:.0f} ms")


if __name__ == "__main__":
    main()
