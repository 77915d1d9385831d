"""Outbound webhooks for the town's own systems (連携（Webhook）, ADR 0071)."""
