"""What the town's export leaves out (ADR 0035, docs/export.md), table by table and column by
column, with the reason: every column of every table is exported by `town_files.TOWN_FILES` or
named here (a test checks), so a column a migration adds is never forgotten."""

from __future__ import annotations

__all__ = ["LEFT_OUT"]

_VERSION = "a counter against two writers at once (optimistic locking)"
_MATCH_KEYS = ("keyed match keys (HMAC with the town's match key): useless without the key, "
               "and another system computes its own from the facts")
LEFT_OUT: dict[str, dict[str, str]] = {
    "residents": {"match_person": _MATCH_KEYS, "match_place": _MATCH_KEYS,
                  "match_reading": _MATCH_KEYS, "match_name_place": _MATCH_KEYS},
    "identity_verifications": {"match_person": _MATCH_KEYS, "match_place": _MATCH_KEYS,
                               "match_reading": _MATCH_KEYS, "match_name_place": _MATCH_KEYS,
                               "version": _VERSION},
    "applications": {"version": _VERSION},
    "reminders": {"version": _VERSION},
    "payment_batches": {"version": _VERSION},
    "certificate_requests": {"version": _VERSION,
                             "payment_url": "a link to pay the fee at the provider (a bearer "
                                            "link of a payment in progress)"},
    "cash_payouts": {"pickup_code": "the secret code that takes the cash out of an ATM"},
    "conversations": {"version": _VERSION},
    "built_procedures": {"version": _VERSION,
                         "trial_code": "a staff member's 30-minute code to try a draft",
                         "trial_expires_at": "when that code ends"},
    "cases": {"version": _VERSION},
    "fee_payments": {"version": _VERSION,
                     "payment_url": "a link to pay the fee at the provider (a bearer link of a "
                                    "payment in progress)"},
    "case_entries": {"request_key": "a staff form's key against sending a reply twice"},
    "outbox": {"version": _VERSION,
               "reply_token": "LINE's token to reply free of charge (a credential, minutes "
                              "long)",
               "claimed_at": "the dispatcher's lease on a message being sent",
               "next_attempt_at": "the dispatcher's next try after a failure"},
    "inbox": {"address": "who sent the event: the channel identity (channel_identities.csv) "
                         "holds it",
              "event": "the event as received, until it is handled (what a resident typed is "
                       "in conversations.jsonl)",
              "claimed_until": "a handler's lease on the event while it handles it",
              "attempts": "the handlers' count of failed tries (ADR 0062)",
              "next_attempt_at": "the handlers' next try after a failure",
              "failed_at": "when the handlers set a failing event aside (logged)"},
    "town_settings": {"version": _VERSION},
    "service_costs": {"version": _VERSION},
    "kpi_months": {"*": "the report's months kept counted: derived from the other files, "
                        "counted again from them"},
    "kpi_month_counts": {"*": "the report's months kept counted: derived from the other files, "
                              "counted again from them"},
    "interests": {"version": _VERSION},
    "segments": {"version": _VERSION},
    "associations": {"version": _VERSION},
    "notices": {"version": _VERSION,
                "image": "the image staff uploaded with the notice (its type is exported; the "
                         "picture is a flyer the town holds itself)",
                "link_token": "the notice's own link token (a bearer link that counts opens)"},
    "notice_recipients": {"open_token": "the recipient's link token (a bearer link that counts "
                                        "their open)"},
    "survey_answers": {"respondent_key": "a keyed digest of who answered, kept only so one "
                                         "person answers once a period (anonymous without the "
                                         "key)"},
    "resident_profiles": {column: "derived at import from residents.csv (the 町丁目, month of "
                                  "birth, sex and household) for segments to count on"
                          for column in ("resident_id", "area", "birth_month", "sex",
                                         "household_id", "household_size")},
    "rich_menu_layouts": {"version": _VERSION},
    "contact_codes": {"*": "contacts being verified by a code (a hashed secret, minutes long): "
                           "the verified ones are in channel_identities.csv"},
    "staff_members": {"password_hash": "a secret", "session_generation": "session data"},
    "staff_sign_ins": {"id": "the staff member's id (staff.csv's staff_id: the rows are joined)",
                       "totp_secret": "a secret (only whether it is set: totp_enabled)",
                       "totp_last_step": "session data (the last code used)",
                       "failed_attempts": "the sign-in lock-out's counter",
                       "locked_until": "the sign-in lock-out"},
    "api_keys": {"key_hash": "a secret (a hash of the key)"},
    "jobs": {"*": "this system's background work (imports, campaigns): its outcome is in the "
                  "audit log, campaigns and the files above"},
    "verification_attempts": {"*": "identity checks in progress (nonces, PKCE verifiers): "
                                   "session data"},
    "audit_head": {"*": "the newest audit record's number and hash (the last row of "
                        "audit_log.csv)"},
    "resident_links": {"*": "personal links and sign-in codes to the web page (digests, "
                            "expiry, use): credentials in progress, session data"},
    "webhook_subscriptions": {"*": "the town's own systems' webhook endpoints and their signing "
                                    "secrets (ADR 0071): this installation's configuration, "
                                    "made again on a new one (a secret is never exported)"},
    "webhook_deliveries": {"*": "the webhooks sent to the town's own systems: ids and states "
                                "already in the other files, kept for delivery and replay"},
    "webhook_attempts": {"*": "the log of each webhook delivery's attempts (times, HTTP "
                              "statuses): this installation's delivery log"},
    "sms_messages": {"*": "the SMS adapter's bookkeeping of tries that may have reached the "
                          "provider unanswered (against sending twice): the messages, their "
                          "provider ids and statuses are in outbox.csv"},
}
