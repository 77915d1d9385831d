"""The map of open cases (ADR 0048) and the case page's place and photos, over HTTP: a case
worker sees their departments' open cases with a point, each look audited; another
department is refused; the tile host is allowed for the map page only; the page carries its
markers and a list, so it works without JavaScript or tiles."""

from __future__ import annotations

import json
import re

import pytest
from flask.testing import FlaskClient

from domain.places import Place
from entrypoints.containers import Container
from entrypoints.web import create_app
from tests.e2e.staff_support import sign_in
from tests.support.calling_routes import audit_head, audit_since
from tests.support.case_map_town import MapTown, _report, seed_map_town

pytestmark = pytest.mark.e2e

GSI = "https://cyberjapandata.gsi.go.jp"


@pytest.fixture
def town(container: Container) -> MapTown:
    return seed_map_town(container)


def _markers(html: str) -> list[dict[str, object]]:
    found = re.search(r'<script type="application/json" id="case-points">(.*?)</script>', html,
                      re.S)
    assert found is not None
    return json.loads(found.group(1))


def test_a_case_worker_sees_their_departments_open_cases_with_a_point(
        container: Container, client: FlaskClient, town: MapTown) -> None:
    sign_in(client, "worker")
    before = audit_head(container)

    page = client.get("/staff/cases/map")

    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert [m["number"] for m in _markers(html)] == ["2026-000001"]
    assert _markers(html)[0]["url"] == f"/staff/cases/{town.pinned}"
    assert (_markers(html)[0]["lat"], _markers(html)[0]["lon"]) == (34.6722, 133.7489)
    assert "data-map-cases" in html and "2026-000002" not in html and "2026-000004" not in html
    assert [(r.action, r.detail.get("shown")) for r in audit_since(container, before)] == [
        ("case.map", 1)]


def test_the_tile_host_is_allowed_on_the_map_page_only(client: FlaskClient,
                                                      town: MapTown) -> None:
    sign_in(client, "worker")

    on_map = client.get("/staff/cases/map").headers["Content-Security-Policy"]
    inbox = client.get("/staff/cases/").headers["Content-Security-Policy"]

    assert f"img-src 'self' data: {GSI};" in on_map
    assert GSI not in inbox and GSI not in on_map.replace(f"img-src 'self' data: {GSI};", "")


def test_without_tiles_the_page_allows_no_outside_images(container: Container,
                                                        town: MapTown) -> None:
    container.config.map_tiles.from_value("")
    client = create_app(container).test_client()
    sign_in(client, "worker")

    page = client.get("/staff/cases/map")

    assert "img-src 'self' data:;" in page.headers["Content-Security-Policy"]
    assert 'data-tiles=""' in page.get_data(as_text=True)


def test_another_departments_map_is_refused_and_shows_nothing(
        container: Container, client: FlaskClient, town: MapTown) -> None:
    sign_in(client, "worker")
    before = audit_head(container)

    page = client.get(f"/staff/cases/map?department={town.parks}")

    assert page.status_code == 403 and "2026-000004" not in page.get_data(as_text=True)
    assert [r.action for r in audit_since(container, before)] == []


def test_an_administrator_sees_every_department_and_filters_by_department_and_status(
        client: FlaskClient, town: MapTown) -> None:
    sign_in(client, "admin")

    every = _markers(client.get("/staff/cases/map").get_data(as_text=True))
    parks = _markers(client.get(f"/staff/cases/map?department={town.parks}")
                     .get_data(as_text=True))
    answered = _markers(client.get("/staff/cases/map?status=answered").get_data(as_text=True))

    assert sorted(str(m["number"]) for m in every) == ["2026-000001", "2026-000004"]
    assert [m["number"] for m in parks] == ["2026-000004"] and answered == []


def test_the_case_page_shows_the_place_a_link_to_the_map_and_every_photo(
        client: FlaskClient, town: MapTown) -> None:
    sign_in(client, "worker")

    html = client.get(f"/staff/cases/{town.pinned}").get_data(as_text=True)

    place = html.split("data-case-place", 1)[1].split("</dl>", 1)[0]
    assert "本町2丁目5番の前" in place and "34.6722" in place and "133.7489" in place
    assert "/staff/cases/map?lat=34.6722&amp;lon=133.7489" in html
    photos = re.findall(r'src="(/staff/cases/[^"]+/photo\?ref=[^"]+)"', html)
    assert photos == [f"/staff/cases/{town.pinned}/photo?ref=line:map-{n}" for n in (1, 2)]
    assert all(client.get(p.replace("&amp;", "&")).status_code == 200 for p in photos)


def test_the_map_centres_on_a_point_in_japan_only(client: FlaskClient, town: MapTown) -> None:
    sign_in(client, "worker")

    centred = client.get("/staff/cases/map?lat=34.6722&lon=133.7489").get_data(as_text=True)
    abroad = client.get("/staff/cases/map?lat=48.85&lon=2.29").get_data(as_text=True)

    assert 'data-centre="[34.6722, 133.7489]"' in centred
    assert 'data-centre="null"' in abroad


def test_the_inbox_says_when_it_shows_only_the_newest_of_more(
        town: MapTown, container: Container, client: FlaskClient) -> None:
    """The list stops at the newest 200; a department with more is told so (with the way to
    the older ones), never left to believe the list is whole."""
    now = container.clock().now()
    with container.uow() as uow:
        for n in range(200):
            uow.cases.add(_report(f"more{n:03d}", 100 + n, town.roads, now,
                                  place=Place.of(address="本町1丁目"), photos=[]))
        uow.commit()
    sign_in(client, "worker")

    page = client.get("/staff/cases/").get_data(as_text=True)

    assert "該当する 203件のうち、新しい 200件を表示しています。" in page
