"""Surveys (アンケート, ADR 0059): the satisfaction question after a completed procedure, custom
surveys built as procedures, and what staff read of their answers."""
