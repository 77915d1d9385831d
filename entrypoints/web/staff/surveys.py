"""アンケート (ADR 0059): the satisfaction question's results and each custom survey's, with
charts drawn on the server and the numbers in a table beside them, CSV and Excel downloads, and
the administrators' switch for the question after procedures."""

from __future__ import annotations

from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for

from adapters.csv_io import cp932_csv
from adapters.xlsx_io import XLSX_TYPE, xlsx_workbook
from application.surveys.setting_satisfaction import (
    SetSatisfactionQuestion,
    set_satisfaction_question,
)
from application.surveys.viewing_surveys import (
    asking_now,
    export_survey,
    survey_list,
    view_satisfaction,
    view_survey,
)
from domain.access import Permission
from domain.errors import InvalidValue
from domain.surveys import SATISFACTION, SCORES
from entrypoints.web.services import container
from entrypoints.web.staff.access import requires_staff_permission
from entrypoints.web.staff.charts import bar_chart, column_chart
from entrypoints.web.staff.frame import use_staff_error_pages
from entrypoints.web.staff.nav import NavEntry, register_nav

__all__ = ["staff_surveys"]

staff_surveys = Blueprint("staff_surveys", __name__, url_prefix="/staff")
use_staff_error_pages(staff_surveys)
register_nav(staff_surveys, NavEntry("アンケート", "staff_surveys.index", Permission.VIEW_DASHBOARD,
                                     order=15))


def _procedures():  # type: ignore[no-untyped-def]
    return container().procedures().get


@staff_surveys.get("/surveys")
@requires_staff_permission(Permission.VIEW_DASHBOARD)
def index():  # type: ignore[no-untyped-def]
    services = container()
    overview = view_satisfaction(actor=g.actor, uow=services.uow(), procedures=_procedures())
    asking = asking_now(uow=services.uow())
    return render_template(
        "staff/surveys/index.html", overview=overview, scores=SCORES, asking=asking,
        surveys=survey_list(actor=g.actor, uow=services.uow(), procedures=_procedures()),
        distribution_chart=bar_chart(
            [(f"{s} {label}", overview.overall.share(s)) for s, label in SCORES.items()],
            title="満足度の分布（すべての手続き）", unit="%"),
        trend_chart=column_chart([(m.label[2:], m.share(5) + m.share(4))
                                  for m in overview.months[-12:]],
                                 title="満足（5・4）と答えた割合（%）の推移"),
        may_administer=g.actor.may(Permission.ADMINISTER))


@staff_surveys.get("/surveys/<survey_id>")
@requires_staff_permission(Permission.VIEW_DASHBOARD)
def survey(survey_id: str):  # type: ignore[no-untyped-def]
    services = container()
    page = view_survey(survey_id, actor=g.actor, uow=services.uow(), procedures=_procedures(),
                       clock=services.clock())
    charts = {q.key: bar_chart(q.choices, title=q.label) for q in page.results.questions
              if q.choices}
    return render_template("staff/surveys/survey.html", page=page, results=page.results,
                           charts=charts, scores=SCORES)


@staff_surveys.get("/surveys/<survey_id>/export")
@requires_staff_permission(Permission.VIEW_DASHBOARD)
def export(survey_id: str):  # type: ignore[no-untyped-def]
    services = container()
    file_format = request.args.get("format", "csv")
    back = url_for("staff_surveys.index") if survey_id == SATISFACTION else \
        url_for("staff_surveys.survey", survey_id=survey_id)
    try:
        table = export_survey(survey_id, file_format, actor=g.actor, uow=services.uow(),
                              procedures=_procedures(), clock=services.clock())
    except InvalidValue as error:
        flash(error.message, "error")
        return redirect(back)
    if file_format == "csv":
        body, content_type = cp932_csv(table.header, table.rows), "text/csv; charset=shift_jis"
    else:
        body, content_type = xlsx_workbook(table.header, table.rows, sheet="アンケート"), XLSX_TYPE
    return Response(body, content_type=content_type, headers={
        "Content-Disposition": f"attachment; filename=survey-{survey_id}.{file_format}",
        "Cache-Control": "no-store"})


@staff_surveys.post("/settings/satisfaction")
@requires_staff_permission(Permission.ADMINISTER)
def set_satisfaction():  # type: ignore[no-untyped-def]
    services = container()
    on = request.form.get("on") == "1"
    set_satisfaction_question(SetSatisfactionQuestion(on=on), actor=g.actor,
                              uow=services.uow(), clock=services.clock())
    flash("手続き後の満足度の質問を「質問する」にしました。" if on else
          "手続き後の満足度の質問を「質問しない」にしました。", "success")
    return redirect(url_for("staff_surveys.index"))
