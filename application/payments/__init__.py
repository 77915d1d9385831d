"""Fees paid online through the town's payment gateway (ADR 0015, 0053)."""
