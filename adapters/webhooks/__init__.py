"""Outbound webhooks' HTTP sender (ADR 0071)."""
