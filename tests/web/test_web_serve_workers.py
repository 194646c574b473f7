"""`cellbench serve --workers 2`: two server processes over one SQLite store, started from the app's import
string, with the command's settings reaching both."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil
import pytest

from cellbench.store import Store
from cellbench.web.identity import create_organisation, create_token, create_user

from web_helpers import PASSWORD


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow  # two server processes start (several seconds)
def test_two_worker_processes_serve_one_store_with_the_commands_settings(tmp_path):
    url = f"sqlite:///{tmp_path / 'cellbench.db'}"
    with Store.open(url, data_dir=tmp_path) as store, store.session() as db:
        create_organisation(db, "Lab")
        create_user(db, "ada@lab.example", PASSWORD, "Lab")
        token = create_token(db, "ada@lab.example", "serve test")
    port = _free_port()
    env = {**os.environ, "CELLBENCH_DATABASE_URL": url, "CELLBENCH_DATA_DIR": str(tmp_path)}
    command = [str(Path(sys.executable).with_name("cellbench")), "serve", "--port", str(port), "--workers", "2",
               "--max-upload-mb", "0.001", "--no-access-log"]
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            assert server.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
            time.sleep(0.3)
        # both workers up (the supervisor starts them together; give the second a moment to finish importing)
        deadline = time.monotonic() + 60
        while (tmp_path / "serve.log").read_text().count("Application startup complete") < 2:
            assert time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
            time.sleep(0.3)
        workers = [p for p in psutil.Process(server.pid).children() if "spawn_main" in " ".join(p.cmdline())]
        assert len(workers) == 2

        auth = {"Authorization": f"Bearer {token}"}
        for _ in range(8):  # new connections: the kernel hands them to either process
            listed = httpx.get(f"{base}/api/v1/tests", headers=auth)
            assert listed.status_code == 200 and listed.json()["items"] == []
            # --max-upload-mb 0.001 reached the workers through the environment: 2 kB is refused
            upload = httpx.post(f"{base}/api/v1/tests", headers=auth,
                                files={"file": ("big.csv", b"x" * 2000, "text/csv")})
            assert upload.status_code == 413, upload.text
            assert "larger than the upload limit of 0.001 MB" in upload.json()["detail"]
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def test_connections_accepted_on_the_shared_socket_send_without_delay():
    """The worker processes' socket is marked TCP, so asyncio turns Nagle's algorithm off on every connection
    (else each keep-alive response after the first waits ~40 ms for the client's delayed ACK)."""
    import asyncio

    from cellbench.web.server import listening_socket, uvicorn_config

    listener = listening_socket(uvicorn_config(host="127.0.0.1", port=0, workers=2))
    seen: list[int] = []

    class Probe(asyncio.Protocol):
        def connection_made(self, transport):
            seen.append(transport.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    async def connect_once() -> None:
        server = await asyncio.get_running_loop().create_server(Probe, sock=listener)
        _, writer = await asyncio.open_connection(*listener.getsockname()[:2])
        for _ in range(100):
            if seen:
                break
            await asyncio.sleep(0.01)
        writer.close()
        server.close()

    asyncio.run(connect_once())
    assert seen and seen[0] != 0
