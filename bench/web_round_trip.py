"""The web channel's answer-a-step round trip: a resident's form POST (through the InboundRouter:
inbox, identity, conversation, the reply in the outbox, one transaction) and the GET of the page
it redirects to (the transcript read from the outbox), against the same POST and GET on an empty
Flask app, both through Werkzeug's test client in this process (no network on either side).

    .venv/bin/python -m bench.web_round_trip --size 500
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from flask import Flask, redirect

from adapters.crypto import new_key
from adapters.persistence import migrating
from bench.common import median, percentile, report
from entrypoints.config import Settings
from entrypoints.containers import build_container, shutdown
from entrypoints.web import create_app


def _empty() -> Flask:
    app = Flask(__name__)

    @app.post("/r/text")
    def answer():  # type: ignore[no-untyped-def]
        return redirect("/r/", 303)

    @app.get("/r/")
    def page():  # type: ignore[no-untyped-def]
        return "<!doctype html><p>ok</p>"

    return app


def _timed(size: int, step: Callable[[int], None]) -> list[float]:
    latencies = []
    for n in range(size):
        began = time.perf_counter()
        step(n)
        latencies.append(time.perf_counter() - began)
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=500, help="answers to time")
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.db'}"
        container = build_container(Settings.from_env({
            "MADOGUCHI_ENV": "test", "MADOGUCHI_DATA_DIR": folder, "DATABASE_URL": url,
            "MADOGUCHI_DATA_KEYS": new_key(), "MADOGUCHI_TASK_QUEUE": "eager",
            "MADOGUCHI_RATE_LIMIT_VERIFICATION_ADDRESS": "1000000/minute"}))
        migrating.upgrade(container.engine())
        try:
            client = create_app(container).test_client()
            client.post("/r/start")
            page = client.get("/r/").get_data(as_text=True)
            token = re.search(r'name="t" value="([^"]+)"', page)[1]  # type: ignore[index]
            # お問い合わせ, then the name question answered again and again (戻る between)
            client.post("/r/tap", data={"t": token, "data": "start:contact"})

            def answer(n: int) -> float:
                began = time.perf_counter()
                response = client.post("/r/text", data={"t": token, "n": f"bench-{n:08d}",
                                                        "text": "窓口 花子"},
                                       follow_redirects=True)
                took = time.perf_counter() - began
                assert response.status_code == 200
                back = re.findall(r'name="data" value="(dlg:[^"]+\$back)"',
                                  response.get_data(as_text=True))
                client.post("/r/tap", data={"t": token, "n": f"back-{n:08d}",
                                            "data": back[-1]})  # not timed
                return took

            answer(args.size)  # warm up (its own nonces)
            app_times = [answer(n) for n in range(args.size)]
            empty = _empty().test_client()
            empty_times = _timed(args.size, lambda n: empty.post(
                "/r/text", data={"text": "窓口 花子"}, follow_redirects=True))
        finally:
            shutdown(container)
    report(f"web channel: answer a step and see the reply ({args.size} answers, "
           f"{'PostgreSQL' if args.database_url else 'SQLite'})", [
        ("app p50 / p99", f"{median(app_times) * 1000:.1f} ms / "
                          f"{percentile(app_times, 0.99) * 1000:.1f} ms"),
        ("empty Flask p50 / p99", f"{median(empty_times) * 1000:.2f} ms / "
                                  f"{percentile(empty_times, 0.99) * 1000:.2f} ms"),
    ])


if __name__ == "__main__":
    main()
