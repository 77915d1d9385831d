"""The vendor's stand-in as a program, to rehearse a town on a laptop with this plug-in:

    python -m madoguchi_sms_example --port 8003 --token dev-token --sender +815000000000 \\
        [--webhook-secret <16+ characters> --town http://127.0.0.1:8000]

and Madoguchi beside it, with MADOGUCHI_SMS_PROVIDER=example-http,
EXAMPLE_SMS_API_URL=http://127.0.0.1:8003, EXAMPLE_SMS_TOKEN, EXAMPLE_SMS_SENDER (and
EXAMPLE_SMS_WEBHOOK_SECRET) set alike. It prints each message it accepts, posts their
"delivered" statuses to the town every second (with a webhook secret), and posts a resident's
reply for each line typed as `<number> <text>` (+819012345678 はい). Ctrl-C stops it."""

from __future__ import annotations

import argparse
import sys
import threading
import time

from madoguchi_sms_example.standin import running_standin


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m madoguchi_sms_example",
                                     description="The example SMS vendor's stand-in.")
    parser.add_argument("--port", type=int, default=8003)
    parser.add_argument("--token", default="dev-token")
    parser.add_argument("--sender", default="+815000000000")
    parser.add_argument("--webhook-secret", default="")
    parser.add_argument("--town", default="http://127.0.0.1:8000",
                        help="Madoguchi's address: replies go to its /sms/example-http/webhook")
    options = parser.parse_args(argv)
    inbound = f"{options.town.rstrip('/')}/sms/example-http/webhook"
    with running_standin(options.token, options.sender, webhook_secret=options.webhook_secret,
                         inbound_url=inbound if options.webhook_secret else "",
                         port=options.port) as vendor:
        print(f"the example SMS vendor on {vendor.base_url} (token {options.token}, "
              f"sender {options.sender})", flush=True)
        stop = threading.Event()
        if options.webhook_secret:
            threading.Thread(target=_replies, args=(vendor, stop), daemon=True).start()
        shown = 0
        try:
            while True:
                for sent in vendor.received()[shown:]:
                    print(f"--- to {sent.to} ({sent.id})\n{sent.body}", flush=True)
                    shown += 1
                if options.webhook_secret:
                    vendor.pump_callbacks()
                time.sleep(1)
        except KeyboardInterrupt:
            stop.set()


def _replies(vendor: object, stop: threading.Event) -> None:
    for line in sys.stdin:
        if stop.is_set():
            return
        number, _, text = line.strip().partition(" ")
        if number and text:
            message_id, status = vendor.reply(number, text)  # type: ignore[attr-defined]
            print(f"reply {message_id} from {number}: the town answered {status}", flush=True)


if __name__ == "__main__":
    main()
