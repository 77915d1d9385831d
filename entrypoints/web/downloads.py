"""Files staff take away, the same from the REST API and the staff pages: the postal list for a
mail merge and a certificate request's slip. Both hold personal data, so each is read by
`g.actor` through a use case that audits the look."""

from __future__ import annotations

from flask import Response, g, make_response, stream_with_context

from adapters.csv_io import cp932_csv
from application.benefits.listing_postal import POSTAL_COLUMNS, postal_rows
from application.certificates.queue import request_file
from entrypoints.web.services import container

__all__ = ["postal_csv_response", "slip_pdf_response"]


def postal_csv_response(program_id: str) -> Response:
    """The postal list as a streamed CP932 download (the API's and the staff page's), by
    `g.actor` (the export is audited as its first page is read)."""
    rows = postal_rows(program_id, actor=g.actor, uow_factory=container().uow,
                       clock=container().clock(), policy=container().contact_policy())
    return Response(stream_with_context(cp932_csv(POSTAL_COLUMNS, (r.cells() for r in rows))),
                    content_type="text/csv; charset=shift_jis",  # the bytes are CP932
                    headers={"Content-Disposition": "attachment; filename=postal.csv",
                             "Cache-Control": "no-store"})  # names and addresses


def slip_pdf_response(request_id: str) -> Response:
    """The request slip as a PDF (the API's and the staff page's), printed by `g.actor` (the
    look is audited as it is read)."""
    services = container()
    file = request_file(request_id, actor=g.actor, uow=services.uow(), clock=services.clock(),
                        purpose="print")
    pdf = services.slip_renderer().render(file, town_name=services.config.town_full_name(),
                                          printed_at=services.clock().now())
    response = make_response(pdf)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = \
        f'inline; filename="certificate-request-{request_id}.pdf"'
    response.headers["Cache-Control"] = "no-store"
    return response
