"""A local LINE platform: the Messaging API (push, multicast, reply, profile, content) with LINE's
validation, retry keys, rate limits and injectable faults, simulated residents whose actions
become signed webhooks, and a phone page (`/`) for trying the service without a LINE account.

    with running_simulator("secret", "token", "http://127.0.0.1:8000/line/webhook") as sim:
        Configuration(host=sim.base_url, access_token="token")  # the real SDK, pointed here
"""

from __future__ import annotations

from adapters.line.simulator.limits import Faults
from adapters.line.simulator.residents import WebhookOutcome
from adapters.line.simulator.running import running, running_simulator, serve
from adapters.line.simulator.simulator import LineSimulator
from adapters.line.simulator.webhooks import sign

__all__ = [
    "Faults",
    "LineSimulator",
    "WebhookOutcome",
    "running",
    "running_simulator",
    "serve",
    "sign",
]
