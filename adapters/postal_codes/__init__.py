"""Postal codes (郵便番号) from Japan Post's data."""
