"""Run the web app in one or several Uvicorn processes (what ``cellbench serve`` calls).

Several processes need the app as an import string, ``cellbench.web.app:create_app`` with ``factory=True``: each
process builds its own app, store connection pool and evaluation worker, with settings from the environment
(:meth:`cellbench.web.app.WebSettings.from_environment`). They share the listening socket, which the kernel hands
connections from; evaluations are shared through the database (:mod:`cellbench.web.evaluations`).

>>> config = uvicorn_config(host="127.0.0.1", port=0, workers=2)
>>> listener = listening_socket(config)
>>> listener.proto == socket.IPPROTO_TCP
True
>>> listener.close()
"""

from __future__ import annotations

import socket

import uvicorn
from uvicorn.supervisors import Multiprocess

from cellbench.errors import CellbenchError

APP_FACTORY = "cellbench.web.app:create_app"


def uvicorn_config(*, host: str, port: int, workers: int, access_log: bool = True,
                   log_level: str = "info") -> uvicorn.Config:
    # proxy_headers off: uvicorn would otherwise believe X-Forwarded-* from 127.0.0.1 by default; the app believes
    # them only from the proxies the operator names (WebSettings.trusted_proxies)
    return uvicorn.Config(APP_FACTORY, factory=True, host=host, port=port, workers=workers, access_log=access_log,
                          log_level=log_level, proxy_headers=False)


def listening_socket(config: uvicorn.Config) -> socket.socket:
    """The socket the worker processes share, bound by Uvicorn and marked as TCP.

    Uvicorn binds it with protocol number 0; accepted connections inherit that number, and asyncio switches off
    Nagle's algorithm (TCP_NODELAY) only on sockets that say they are TCP. Without this every keep-alive response
    after the first waits for the client's delayed ACK: about 40 ms on Linux (uvicorn issue 3149).
    """
    bound = config.bind_socket()
    if bound.family not in (socket.AF_INET, socket.AF_INET6) or bound.proto == socket.IPPROTO_TCP:
        return bound
    tcp = socket.socket(bound.family, bound.type, socket.IPPROTO_TCP, fileno=bound.detach())
    tcp.set_inheritable(True)  # the worker processes receive it
    return tcp


def run(*, host: str, port: int, workers: int = 1, access_log: bool = True) -> None:
    """Serve until interrupted: one process, or a supervisor with ``workers`` processes (restarted if they die)."""
    config = uvicorn_config(host=host, port=port, workers=workers, access_log=access_log)
    if workers == 1:
        server = uvicorn.Server(config)
        server.run()
        if not server.started:
            raise CellbenchError(f"the server did not start on {host}:{port} (the log above says why)")
        return
    Multiprocess(config, sockets=[listening_socket(config)]).run()
