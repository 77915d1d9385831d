"""The webhooks' HTTP sender against a real server on 127.0.0.1: the receiver's status as it is,
no redirect followed, and no answer (refused, timed out, past the whole request's deadline) as
an error type, never raised."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from adapters.webhooks.sender import HttpWebhookSender
from tests.e2e.conftest import free_port

pytestmark = pytest.mark.integration


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        if self.path == "/slow":
            time.sleep(0.5)
        if self.path == "/drip":  # its status line a byte at a time: each read is quick
            for byte in b"HTTP/1.1 200 OK\r\n":
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.1)
            return
        status = {"/ok": 204, "/moved": 302, "/gone": 410, "/busy": 503}.get(self.path, 200)
        self.send_response(status)
        if status == 302:
            self.send_header("Location", "/ok")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


@pytest.mark.parametrize(("path", "status"), [("/ok", 204), ("/moved", 302), ("/gone", 410),
                                              ("/busy", 503)])
def test_the_receivers_status_is_the_answer_and_a_redirect_is_not_followed(
        server: str, path: str, status: int) -> None:
    sender = HttpWebhookSender()
    answer = sender.post(server + path, b"{}", {"Content-Type": "application/json"})
    sender.close()
    assert (answer.status, answer.error) == (status, "")
    assert answer.duration_ms >= 0


def test_a_refused_connection_and_a_timeout_are_no_answer() -> None:
    sender = HttpWebhookSender(timeout=(1, 0.2))
    refused = sender.post(f"http://127.0.0.1:{free_port()}/h", b"{}", {})
    assert (refused.status, refused.error) == (None, "ConnectionError")
    sender.close()


def test_a_receiver_slower_than_the_timeout_is_no_answer(server: str) -> None:
    sender = HttpWebhookSender(timeout=(1, 0.2))
    slow = sender.post(server + "/slow", b"{}", {})
    sender.close()
    assert (slow.status, slow.error) == (None, "ReadTimeout")
    assert slow.duration_ms >= 200


def test_a_receiver_that_answers_a_byte_at_a_time_is_cut_off_at_the_deadline(
        server: str) -> None:
    sender = HttpWebhookSender(timeout=(1, 0.5), deadline=0.6)
    dripped = sender.post(server + "/drip", b"{}", {})
    assert (dripped.status, dripped.error) == (None, "DeadlineExceeded")
    assert 600 <= dripped.duration_ms < 1500
