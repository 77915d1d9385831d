"""The `|label` filter: what a page shows for a stored key, from the catalogues of
adapters/documents/labels.py (channels, verification methods, providers, statuses) in the
reader's language, so no page shows `line`, `dev_card`, `fake` or `completed`.

In a template: `{{ c.channel|label("channel") }}`, or `{{ status|label }}` for a status enum
that carries its own Japanese `label` (ApplicationStatus, BatchState, …)."""

from __future__ import annotations

import enum

from flask_babel import gettext

from adapters.documents.labels import LABELS

__all__ = ["LABELS", "label", "register_label_filters", "yes_no"]


def label(value: object, kind: str | None = None) -> str:
    """The reader's label of `value`: a status enum's own `label`, else the catalogue of
    `kind`. An unknown key is shown as it is, so the raw-key tests find it."""
    if value is None:
        return ""
    if isinstance(value, enum.Enum):
        if hasattr(value, "label"):
            return gettext(value.label)
        value = value.value
    text = str(value)
    if kind is None:
        return text
    known = LABELS[kind].get(text)
    return gettext(known) if known is not None else text


def yes_no(value: object) -> str:
    """はい / いいえ for a flag (a report's `written`), never True / False."""
    if isinstance(value, bool):
        return gettext("はい") if value else gettext("いいえ")
    return "" if value is None else str(value)


def register_label_filters(app) -> None:  # type: ignore[no-untyped-def]
    app.add_template_filter(label, "label")
    app.add_template_filter(yes_no, "yes_no")
