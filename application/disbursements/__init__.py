"""Paying approved applications: batches, the transfer file, results, cash codes."""
