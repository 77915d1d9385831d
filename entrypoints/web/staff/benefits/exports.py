"""The applications export for 決裁 and the finance section (CSV for town systems, Excel for
people): the same files as the API's, streamed, each export audited."""

from __future__ import annotations

from domain.access import Permission
from entrypoints.web.downloads import applications_export_response
from entrypoints.web.staff.access import requires_staff_permission
from entrypoints.web.staff.benefits.blueprint import program_or_404, staff_benefits


@staff_benefits.get("/programs/<program_id>/applications.csv")
@requires_staff_permission(Permission.HANDLE_APPLICATIONS)
def applications_csv(program_id: str):  # type: ignore[no-untyped-def]
    """CP932 and CRLF: what Excel and the town's finance system read."""
    program_or_404(program_id)
    return applications_export_response(program_id, "csv")


@staff_benefits.get("/programs/<program_id>/applications.xlsx")
@requires_staff_permission(Permission.HANDLE_APPLICATIONS)
def applications_xlsx(program_id: str):  # type: ignore[no-untyped-def]
    program_or_404(program_id)
    return applications_export_response(program_id, "xlsx")
