"""Who may do what: deny-by-default permissions per role, staff members and integrator API keys."""

import datetime as dt
import itertools

import pytest

from domain.access import ROLE_PERMISSIONS, ApiKey, Permission, allows, organisation_party
from domain.errors import InvalidValue
from domain.staff import Role, StaffMember

pytestmark = pytest.mark.unit

UTC = dt.UTC
CREATED_AT = dt.datetime(2025, 4, 1, 9, 0, tzinfo=UTC)
REVOKED_AT = dt.datetime(2025, 6, 1, 17, 0, tzinfo=UTC)

P = Permission

# The rules, written out independently of domain/access.py.
EXPECTED = {
    Role.VIEWER: {P.VIEW_PROGRAMS, P.VIEW_JOBS},
    Role.CASE_WORKER: {P.VIEW_PROGRAMS, P.VIEW_JOBS, P.VIEW_RESIDENTS, P.HANDLE_APPLICATIONS,
                       P.REVIEW_VERIFICATIONS, P.HANDLE_CASES, P.BUILD_PROCEDURES},
    Role.APPROVER: {
        P.VIEW_PROGRAMS, P.VIEW_JOBS, P.VIEW_RESIDENTS, P.HANDLE_APPLICATIONS,
        P.REVIEW_VERIFICATIONS, P.HANDLE_CASES, P.BUILD_PROCEDURES,
        P.DECIDE_APPLICATIONS, P.APPROVE_BATCHES, P.SEND_NOTICES,
    },
    Role.ADMINISTRATOR: set(Permission),
    Role.ASSOCIATION_LEADER: {P.SEND_CIRCULARS},  # 自治会長: their association's 回覧板 only
}
for _role in (Role.VIEWER, Role.CASE_WORKER, Role.APPROVER):  # the staff UI's dashboard
    EXPECTED[_role] = EXPECTED[_role] | {P.VIEW_DASHBOARD}


def a_staff_member(*, login_id: str = "tanaka.h", display_name: str = "田中 花子") -> StaffMember:
    return StaffMember(id="staff-1", login_id=login_id, display_name=display_name,
                       role=Role.CASE_WORKER, password_hash="$argon2id$...")


def an_api_key(*, name: str = "住基連携") -> ApiKey:
    return ApiKey(id="key-1", name=name, role=Role.VIEWER, key_hash="sha256:abc",
                  created_at=CREATED_AT, organisation="住基ベンダー")


# --- permissions --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "permission"), list(itertools.product(Role, Permission)),
    ids=lambda value: value.value,
)
def test_each_role_holds_exactly_its_listed_permissions(role, permission):
    assert allows(role, permission) is (permission in EXPECTED[role])


def test_an_administrator_holds_every_permission():
    assert all(allows(Role.ADMINISTRATOR, permission) for permission in Permission)


def test_a_viewer_cannot_look_at_residents_personal_data():
    assert allows(Role.VIEWER, Permission.VIEW_RESIDENTS) is False


def test_only_an_administrator_may_administer():
    assert [role for role in Role if allows(role, Permission.ADMINISTER)] == [Role.ADMINISTRATOR]


def test_every_role_is_listed_so_none_falls_through_to_the_default():
    assert set(ROLE_PERMISSIONS) == set(Role)


@pytest.mark.parametrize("role", [None, "administrator"])
def test_a_role_that_is_not_in_the_table_is_denied_everything(role):
    assert not any(allows(role, permission) for permission in Permission)


@pytest.mark.parametrize(
    ("lower", "higher"),
    [(Role.VIEWER, Role.CASE_WORKER), (Role.CASE_WORKER, Role.APPROVER),
     (Role.APPROVER, Role.ADMINISTRATOR)],
)
def test_a_higher_role_may_do_everything_a_lower_role_may(lower, higher):
    assert ROLE_PERMISSIONS[lower] <= ROLE_PERMISSIONS[higher]


# --- API keys -----------------------------------------------------------------------------------


def test_a_new_api_key_is_active():
    key = an_api_key()

    assert key.active is True
    assert key.revoked_at is None


def test_a_revoked_api_key_is_no_longer_active():
    key = an_api_key()

    key.revoke(REVOKED_AT)

    assert key.active is False
    assert key.revoked_at == REVOKED_AT


def test_revoking_a_key_again_keeps_the_first_revocation_time():
    key = an_api_key()
    key.revoke(REVOKED_AT)

    key.revoke(REVOKED_AT + dt.timedelta(days=1))

    assert key.revoked_at == REVOKED_AT


@pytest.mark.parametrize("name", ["", "   ", "鍵" * 101])
def test_an_api_key_needs_a_name_of_at_most_100_characters(name):
    with pytest.raises(InvalidValue) as caught:
        an_api_key(name=name)

    assert "100文字以内" in caught.value.message


@pytest.mark.parametrize(("staff_id", "organisation"), [
    (None, None), ("staff-1", "住基ベンダー"), (None, " "), (None, "社" * 101),
], ids=["nobody", "both", "blank-organisation", "long-organisation"])
def test_an_api_key_acts_for_exactly_one_staff_member_or_organisation(staff_id, organisation):
    with pytest.raises(InvalidValue) as caught:
        ApiKey(id="key-1", name="住基連携", role=Role.VIEWER, key_hash="h",
               created_at=CREATED_AT, staff_id=staff_id, organisation=organisation)

    assert "職員か組織" in caught.value.message or "組織名" in caught.value.message


def test_a_key_s_party_is_its_staff_member_or_its_organisation_however_written():
    for_staff = ApiKey(id="k1", name="職員の連携", role=Role.VIEWER, key_hash="h1",
                       created_at=CREATED_AT, staff_id="staff-1")
    written = [ApiKey(id=f"k{n}", name="連携", role=Role.VIEWER, key_hash=f"h{n}",
                      created_at=CREATED_AT, organisation=name).party
               for n, name in enumerate(["ＡＢＣ　商事", "abc 商事", " Abc  商事 "])]

    assert for_staff.party == "staff-1"
    assert written == ["org:abc 商事"] * 3
    assert organisation_party("ＸＹＺ") != organisation_party("ABC")


# --- staff --------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", list(Role), ids=lambda role: role.value)
def test_a_role_is_parsed_from_its_code(role):
    assert Role.parse(role.value) is role


def test_an_unknown_role_is_refused_with_the_list_of_roles():
    with pytest.raises(InvalidValue) as caught:
        Role.parse("superuser")

    assert "superuser" in caught.value.message
    assert "case_worker" in caught.value.message


def test_every_role_has_a_japanese_label():
    assert Role.APPROVER.label == "決裁者"
    assert all(role.label for role in Role)


@pytest.mark.parametrize("login_id", ["tanaka.h", "abc", "0sato", "s-ito_2", "a" * 64])
def test_a_staff_login_id_of_lower_case_letters_digits_and_dot_dash_underscore_is_accepted(
    login_id,
):
    assert a_staff_member(login_id=login_id).login_id == login_id


@pytest.mark.parametrize(
    "login_id", ["ab", "a" * 65, "Tanaka", ".tanaka", "-tanaka", "tanaka h", "田中", "", None]
)
def test_a_staff_login_id_outside_the_rules_is_refused(login_id):
    with pytest.raises(InvalidValue) as caught:
        a_staff_member(login_id=login_id)

    assert "ログインID" in caught.value.message


def test_a_staff_login_id_ending_in_a_newline_is_refused():
    with pytest.raises(InvalidValue):
        a_staff_member(login_id="tanaka\n")


@pytest.mark.parametrize("display_name", ["", "   "])
def test_a_staff_member_needs_a_display_name(display_name):
    with pytest.raises(InvalidValue) as caught:
        a_staff_member(display_name=display_name)

    assert "職員の氏名" in caught.value.message


def test_a_staff_member_is_active_unless_said_otherwise():
    assert a_staff_member().active is True


def _scoped(role: Role = Role.CASE_WORKER, **limits: object) -> ApiKey:
    return ApiKey(id="k1", name="連携", role=role, key_hash="h", created_at=NOW_FOR_SCOPES,
                  organisation="ベンダー", **limits)  # type: ignore[arg-type]


NOW_FOR_SCOPES = dt.datetime(2026, 12, 5, tzinfo=dt.UTC)


def test_a_key_without_scopes_may_use_every_permission_of_its_role_and_write() -> None:
    key = _scoped()
    assert all(key.missing_scope(p, writing=True) is None
               for p in ROLE_PERMISSIONS[Role.CASE_WORKER])


def test_a_scoped_key_lacks_the_permissions_it_was_not_given() -> None:
    key = _scoped(scopes=frozenset({Permission.VIEW_PROGRAMS}))
    assert key.missing_scope(Permission.VIEW_PROGRAMS, writing=False) is None
    assert key.missing_scope(Permission.HANDLE_APPLICATIONS, writing=False) == \
        "handle_applications"


def test_a_read_only_key_lacks_the_write_scope() -> None:
    key = _scoped(read_only=True)
    assert key.missing_scope(Permission.HANDLE_APPLICATIONS, writing=False) is None
    assert key.missing_scope(Permission.HANDLE_APPLICATIONS, writing=True) == "write"


@pytest.mark.parametrize("limits", [
    {"scopes": frozenset({Permission.ADMINISTER})},  # beyond the case worker's role
    {"scopes": frozenset()},
    {"rate_limit_per_minute": 0},
    {"rate_limit_per_minute": 6001},
])
def test_scopes_beyond_the_role_or_a_limit_out_of_range_are_refused(
        limits: dict[str, object]) -> None:
    with pytest.raises(InvalidValue):
        _scoped(**limits)
