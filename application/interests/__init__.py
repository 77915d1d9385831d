"""お知らせの分野: the interests staff offer and residents subscribe to (ADR 0056)."""
