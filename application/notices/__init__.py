"""お知らせ配信: notices staff send to a segment (ADR 0058)."""
