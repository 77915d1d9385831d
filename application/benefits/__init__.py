"""Benefit programs (給付金) and applications."""
