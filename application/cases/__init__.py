"""The town's inbox: cases (案件) from finished procedures, routed to departments (課), answered
by staff in the resident's own chat (ADR 0042)."""
