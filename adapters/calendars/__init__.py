"""Calendars of Japanese offices."""
