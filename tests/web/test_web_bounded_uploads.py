"""Bounded request bodies on a real socket: a huge declared body is refused before it is read and before sign-in,
a body past the limit is answered 413 (not 422) as soon as the count passes the limit, a stalled body times out."""

from __future__ import annotations

import select
import socket

import pytest

from cellbench.web import WebSettings, create_app
from cellbench.web.identity import create_organisation, create_token, create_user
from live_server import read_response, serving
from web_helpers import PASSWORD

GIB = 1 << 30
ANSWER_WITHIN_S = 10  # a socket timeout so a server that never answers fails the test instead of hanging it


@pytest.fixture
def server(tmp_path):
    app = create_app(WebSettings(database_url=f"sqlite:///{tmp_path / 'cb.db'}", data_dir=tmp_path / "data",
                                 max_upload_mb=50.0, body_timeout_s=1.0))
    with app.state.store.session() as db:
        create_organisation(db, "Lab")
        create_user(db, "lab@lab.example", PASSWORD, "Lab")
        token = create_token(db, "lab@lab.example", "tests")
    with serving(app) as port:
        yield app, port, token
    app.state.store.close()


def _connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=ANSWER_WITHIN_S)
    return sock


def _upload_head(port: int, token: str | None, length: int | None, boundary: str = "b0undary") -> bytes:
    lines = [f"POST /api/v1/tests HTTP/1.1", f"Host: 127.0.0.1:{port}",
             f"Content-Type: multipart/form-data; boundary={boundary}"]
    if token:
        lines.append(f"Authorization: Bearer {token}")
    lines.append(f"Content-Length: {length}" if length is not None else "Transfer-Encoding: chunked")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _tests_stored(app) -> int:
    from sqlalchemy import func, select

    from cellbench.store.models import Test

    with app.state.store.session() as db:
        return db.scalar(select(func.count()).select_from(Test))


@pytest.mark.parametrize("signed_in", [False, True])
def test_a_declared_50_gib_body_is_refused_before_a_byte_is_read(server, signed_in):
    app, port, token = server
    with _connect(port) as sock:
        sock.sendall(_upload_head(port, token if signed_in else None, 50 * GIB))
        status, headers, body = read_response(sock)  # no body sent at all: the headers alone decide
        assert status == 413, body
        assert b"larger than the limit" in body and b"detail" in body
        assert headers["connection"] == "close"
        assert sock.recv(1) == b""  # the server closed the connection rather than wait for 50 GiB


def test_60_mb_over_a_50_mb_limit_is_413_not_422(server):
    app, port, token = server
    with _connect(port) as sock:
        sock.sendall(_upload_head(port, token, 60_000_000))
        status, _, body = read_response(sock)
    assert status == 413 and b"larger than the limit" in body
    assert _tests_stored(app) == 0


def test_a_chunked_body_is_refused_once_its_count_passes_the_limit(server):
    """No declared length: the server counts bytes as they arrive and answers while the client is still sending."""
    app, port, token = server
    prologue = (b"--b0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\n"
                b"Content-Type: text/csv\r\n\r\ntest_time_second,voltage_volt,current_ampere\n")
    row_block = b"0,3.7,1\n" * 131_072  # 1 MiB of rows
    sent, answered = 0, None
    with _connect(port) as sock:
        sock.sendall(_upload_head(port, token, None))
        chunk = prologue + row_block
        while sent < 200_000_000:
            readable, _, _ = select.select([sock], [], [], 0)
            if readable:
                answered = read_response(sock)
                break
            try:
                sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            except (BrokenPipeError, ConnectionResetError):
                answered = read_response(sock)
                break
            sent += len(chunk)
            chunk = row_block
        else:
            pytest.fail("the server read 200 MB of a body over a 50 MB limit without answering")
    status, _, body = answered
    assert status == 413 and b"larger than the limit" in body
    # refused at the limit, not after the whole body: the client had sent a little over 50 MB (plus what the
    # socket buffers held) when the answer came
    assert 50_000_000 < sent < 120_000_000
    assert _tests_stored(app) == 0


def test_a_stalled_body_is_answered_408_and_the_connection_closed(server):
    app, port, token = server
    with _connect(port) as sock:
        sock.sendall(_upload_head(port, token, 5_000) + b"--b0undary\r\n")  # then nothing more
        status, headers, body = read_response(sock)  # body_timeout_s=1 in the fixture
        assert status == 408 and b"stalled" in body
        assert headers["connection"] == "close"
    assert _tests_stored(app) == 0


def test_an_ordinary_upload_still_goes_through(server):
    """The layer does not get in the way of a body under the limit (a small real CSV over the socket)."""
    import httpx

    app, port, token = server
    csv = b"test_time_second,voltage_volt,current_ampere\n" + b"".join(
        f"{t * 60},{3.0 + t / 100:.2f},1\n".encode() for t in range(100))
    response = httpx.post(f"http://127.0.0.1:{port}/api/v1/tests", files={"file": ("small.csv", csv)},
                          headers={"Authorization": f"Bearer {token}"}, timeout=ANSWER_WITHIN_S)
    assert response.status_code == 201, response.text
    assert _tests_stored(app) == 1


def test_malformed_content_length_is_400(server):
    _, port, _ = server
    with _connect(port) as sock:
        sock.sendall(f"POST /api/v1/tests HTTP/1.1\r\nHost: x\r\nContent-Length: 12, 13\r\n\r\n".encode())
        status, _, body = read_response(sock)
    assert status == 400
