"""The SMS channel through Twilio's SDK (ADR 0039): outbound with status callbacks, the ledger
that keeps a retry from sending twice, and the inbound webhook's parsing."""
