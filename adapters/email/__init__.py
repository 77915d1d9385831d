"""The e-mail channel: SMTP through the standard library (ADR 0040)."""
