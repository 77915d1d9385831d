"""Serving the simulator: in a background thread on a free port (tests, benchmarks) or in the
foreground for `madoguchi line-sim`.

Two servers, one process (the simulator's state lives in memory): werkzeug's threaded server
(always there; it closes every connection after one request, so each request costs a new TCP
connection and thread) or waitress, if installed (keep-alive and a thread pool, about twice the
requests per second), for benchmarks that want the platform to be the last thing to saturate.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Literal

from werkzeug.serving import WSGIRequestHandler, make_server

from adapters.line.simulator.simulator import LineSimulator

__all__ = ["ServerKind", "running", "running_simulator", "serve"]

ServerKind = Literal["werkzeug", "waitress"]
_NOISY_PATHS = ("/_sim/messages", "/_sim/static/")


class _Handler(WSGIRequestHandler):
    # werkzeug writes the headers and the body separately; without TCP_NODELAY the second
    # write can wait for the client's delayed ACK
    disable_nagle_algorithm = True


class _QuietHandler(_Handler):
    """Logs nothing (tests and benchmarks)."""

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


class _PollingQuietHandler(_Handler):
    """Logs requests, except the phone page's polling and its static files."""

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        if not self.path.startswith(_NOISY_PATHS):
            super().log_request(*args, **kwargs)


class _Server:
    """One interface over both servers: the bound port, `run()` and `stop()`."""

    def __init__(self, simulator: LineSimulator, host: str, port: int, kind: ServerKind, *,
                 quiet: bool, threads: int, background: bool) -> None:
        if kind == "waitress":
            try:
                from waitress.server import create_server
            except ImportError:
                raise RuntimeError("server='waitress' needs the waitress package "
                                   "(pip install waitress)") from None
            from waitress import wasyncore

            if quiet:
                logging.getLogger("waitress.queue").setLevel(logging.ERROR)
            server = create_server(simulator.app, host=host, port=port, threads=threads,
                                   connection_limit=1000, ident="line-simulator")
            self.port: int = server.effective_port  # type: ignore[union-attr]
            stopping = threading.Event()

            def run_waitress() -> None:
                # the loop runs here until stopped; sockets are closed by the same thread
                try:
                    while not stopping.is_set():
                        wasyncore.loop(timeout=0.1, map=server._map, count=1)
                finally:
                    wasyncore.close_all(server._map)
                    server.task_dispatcher.shutdown(timeout=2)
            self.run: Callable[[], None] = run_waitress
            self._stop: Callable[[], None] = stopping.set
        elif kind == "werkzeug":
            handler = _QuietHandler if quiet else _PollingQuietHandler
            werkzeug = make_server(host, port, simulator.app, threaded=True,
                                   request_handler=handler)
            self.port = werkzeug.server_port
            self.run = lambda: werkzeug.serve_forever(poll_interval=0.05 if background else 0.5)

            def stop() -> None:
                werkzeug.shutdown()
                werkzeug.server_close()
            self._stop = stop
        else:
            raise ValueError(f"unknown server {kind!r} (werkzeug or waitress)")

    def stop(self) -> None:
        self._stop()


@contextmanager
def running(simulator: LineSimulator, *, host: str = "127.0.0.1", port: int = 0,
            server: ServerKind = "werkzeug", threads: int = 16,
            quiet: bool = True) -> Iterator[LineSimulator]:
    """Serve `simulator` in a daemon thread; `simulator.base_url` is set while it runs."""
    serving = _Server(simulator, host, port, server, quiet=quiet, threads=threads,
                      background=True)
    thread = threading.Thread(target=serving.run, name="line-simulator", daemon=True)
    thread.start()
    simulator.base_url = f"http://{host}:{serving.port}"
    try:
        yield simulator
    finally:
        serving.stop()
        thread.join(timeout=5)
        simulator.base_url = None


@contextmanager
def running_simulator(channel_secret: str, access_token: str, webhook_url: str | None = None,
                      *, host: str = "127.0.0.1", port: int = 0, server: ServerKind = "werkzeug",
                      **options: Any) -> Iterator[LineSimulator]:
    """`with running_simulator(secret, token, url, push_rate=5) as sim: sim.base_url`; the other
    options are `LineSimulator`'s keyword arguments."""
    with running(LineSimulator(channel_secret, access_token, webhook_url, **options),
                 host=host, port=port, server=server) as simulator:
        yield simulator


def serve(host: str = "127.0.0.1", port: int = 8200, *, channel_secret: str, access_token: str,
          webhook_url: str | None = None, users: int = 0, reply_token_ttl: float = 60.0,
          push_rate: int = 2000, multicast_rate: int = 200, error_rate: float = 0.0,
          lost_response_rate: float = 0.0, seed: int | None = None,
          bot_name: str = "見本町役場", server: ServerKind = "werkzeug",
          echo: Callable[[str], None] = print) -> None:
    """Run the simulator in the foreground until interrupted (Ctrl-C)."""
    simulator = LineSimulator(
        channel_secret, access_token, webhook_url, users=users, reply_token_ttl=reply_token_ttl,
        push_rate=push_rate, multicast_rate=multicast_rate, error_rate=error_rate,
        lost_response_rate=lost_response_rate, seed=seed, bot_name=bot_name)
    serving = _Server(simulator, host, port, server, quiet=False, threads=16, background=False)
    simulator.base_url = f"http://{host}:{serving.port}"
    echo(f"LINE シミュレーター ({server}): {simulator.base_url}/ をブラウザで開いてください")
    echo(f"  Messaging API の host: {simulator.base_url}")
    echo(f"  webhook の送信先: {webhook_url or '未設定 (イベントは送信されません)'}")
    echo(f"  bot の user id (destination): {simulator.bot_user_id}")
    try:
        serving.run()
    except KeyboardInterrupt:
        pass
    finally:
        serving.stop()
