"""Adapters: the ports of `application` implemented for real systems."""
