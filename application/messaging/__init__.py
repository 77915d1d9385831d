"""Outbound messages: written to the outbox with the change, delivered by a dispatcher."""
