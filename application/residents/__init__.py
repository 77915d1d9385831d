"""Residents (住民): the registry, card verification and matching the two (照合)."""
