"""A burst of LINE webhooks with the app (gunicorn) killed mid-way: LINE redelivers what got no
200, the restarted app's workers handle what the killed one stored, and every event is handled
once and answered once."""

from __future__ import annotations

import random
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import Engine

from adapters.line.simulator.simulator import bulk_user_ids
from entrypoints.config import DEV_LINE_SECRET
from tests.faults.conftest import Stack, report, scalar, wait_until

EVENTS = 40
USERS = 8
SENDERS = 4
LEASE_SECONDS = 15  # the shortest MADOGUCHI_INBOUND_LEASE_SECONDS: a killed claim lapses soon


def test_a_webhook_burst_killed_midway_and_redelivered_is_handled_once_and_answered_once(
        stack: Stack, engine: Engine, rng: random.Random) -> None:
    users = bulk_user_ids(DEV_LINE_SECRET, USERS)
    stack.simulator(users=USERS).start()
    app = stack.app(MADOGUCHI_INBOUND_LEASE_SECONDS=str(LEASE_SECONDS)).start()
    kill_at = rng.randint(3, EVENTS - 10)  # the kill lands while this event is on its way
    started = 0
    lock = threading.Lock()

    def send(index: int) -> dict:
        nonlocal started
        with lock:
            started += 1
            if started == kill_at:
                app.kill()
        return stack.sim("POST", f"/_sim/users/{users[index % USERS]}/text",
                         {"text": f"こんにちは {index}"})

    with ThreadPoolExecutor(SENDERS) as pool:
        outcomes = list(pool.map(send, range(EVENTS)))
    sent_by_user = Counter(users[i % USERS] for i in range(EVENTS))
    unanswered = [o["webhookEventId"] for o in outcomes if o.get("status") != 200]
    assert unanswered, "the kill should have left some events without an answer"
    left_claimed = scalar(engine, "SELECT count(*) FROM outbox WHERE status = 'sending'")
    left_pending = scalar(engine, "SELECT count(*) FROM outbox WHERE status = 'pending'")

    app.start()  # restarted: delivers what the killed process left due, then LINE redelivers
    redelivered = [stack.sim("POST", "/_sim/redeliver", {"webhookEventId": event_id})
                   for event_id in unanswered]
    answered = [o["webhookEventId"] for o in outcomes if o.get("status") == 200]
    again = [stack.sim("POST", "/_sim/redeliver", {"webhookEventId": event_id})
             for event_id in rng.sample(answered, min(5, len(answered)))]  # LINE may repeat
    assert all(o["status"] == 200 for o in redelivered + again), redelivered + again

    # A 200 means stored (ADR 0062): the workers handle the events, then the replies go out. An
    # event the killed process had claimed waits for its lease to lapse (then a sweep takes it).
    wait_until(lambda: scalar(engine, "SELECT count(*) FROM inbox WHERE processed_at IS NULL")
               == 0 and scalar(engine, "SELECT count(*) FROM outbox WHERE status <> 'sent'") == 0,
               timeout=LEASE_SECONDS + 45,
               what="every event handled and every reply delivered")
    handled = scalar(engine, "SELECT count(*) FROM inbox WHERE source = 'line' "
                             "AND processed_at IS NOT NULL")
    replies = scalar(engine, "SELECT count(*) FROM outbox")
    received = {user: len({m["requestId"] for m in stack.replies(user)}) for user in users}
    stats = stack.sim("GET", "/_sim/stats")
    report("webhook burst", killed="app (gunicorn, SIGKILL to its group)",
           at=f"event {kill_at} of {EVENTS}", events_sent=EVENTS,
           unanswered_then_redelivered=len(unanswered),
           replies_left_claimed_by_the_killed=left_claimed, replies_left_pending=left_pending,
           repeated_answered=len(again),
           events_handled=handled, replies_written=replies,
           replies_received=sum(received.values()),
           duplicate_deliveries=stats["duplicate_deliveries"])
    assert handled == EVENTS
    assert replies == EVENTS
    assert received == dict(sent_by_user)
    assert stats["duplicate_deliveries"] == 0
