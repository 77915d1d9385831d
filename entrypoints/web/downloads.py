"""Files staff take away, the same from the REST API and the staff pages: the postal list for a
mail merge, the applications export for 決裁 and finance (CSV or Excel) and a certificate
request's slip. All hold personal data, so each is read by `g.actor` through a use case that
audits the look."""

from __future__ import annotations

from flask import Response, g, make_response, stream_with_context

from adapters.csv_io import cp932_csv
from adapters.xlsx_io import XLSX_TYPE, xlsx_workbook
from application.benefits.exporting_applications import (
    EXPORT_COLUMNS,
    ExportApplications,
    export_applications,
)
from application.benefits.listing_postal import POSTAL_COLUMNS, postal_rows
from application.certificates.queue import request_file
from entrypoints.web.services import container

__all__ = ["applications_export_response", "postal_csv_response", "slip_pdf_response"]


def postal_csv_response(program_id: str) -> Response:
    """The postal list as a streamed CP932 download (the API's and the staff page's), by
    `g.actor` (the export is audited as its first page is read)."""
    rows = postal_rows(program_id, actor=g.actor, uow_factory=container().uow,
                       clock=container().clock(), policy=container().contact_policy())
    return Response(stream_with_context(cp932_csv(POSTAL_COLUMNS, (r.cells() for r in rows))),
                    content_type="text/csv; charset=shift_jis",  # the bytes are CP932
                    headers={"Content-Disposition": "attachment; filename=postal.csv",
                             "Cache-Control": "no-store"})  # names and addresses


def applications_export_response(program_id: str, file_format: str) -> Response:
    """The program's applications and decisions (the API's and the staff page's), streamed: a
    CP932 CSV or an .xlsx workbook, exported by `g.actor` (audited before the first byte)."""
    services = container()
    export = export_applications(
        ExportApplications(program_id=program_id, format=file_format, actor=g.actor),
        uow_factory=services.uow, clock=services.clock(), banks=services.bank_master())
    if file_format == "csv":
        body = cp932_csv(EXPORT_COLUMNS, (row.cells() for row in export.rows))
        content_type = "text/csv; charset=shift_jis"  # the bytes are CP932
    else:
        body = xlsx_workbook(EXPORT_COLUMNS, (row.values() for row in export.rows),
                             sheet="申請一覧")
        content_type = XLSX_TYPE
    return Response(stream_with_context(body), content_type=content_type, headers={
        "Content-Disposition": f"attachment; filename=applications-{program_id}.{file_format}",
        "Cache-Control": "no-store"})  # names, addresses and accounts


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
