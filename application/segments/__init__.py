"""Segments (配信対象): saved conditions, their wording and their live count (ADR 0056)."""
