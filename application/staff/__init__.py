"""Staff accounts (職員)."""
