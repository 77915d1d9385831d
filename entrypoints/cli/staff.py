"""`madoguchi staff …`: staff accounts."""

from __future__ import annotations

import sys

import click

from application.staff.creating_staff_member import CreateStaffMember, create_staff_member
from application.staff.managing_staff import (
    ChangeStaffAccount,
    StaffChange,
    change_staff_account,
)
from application.staff.views import member_by_login_id
from domain.staff import Role
from entrypoints.cli.context import CliContext, CliGroup, operator, pass_context

__all__ = ["staff"]


@click.group(cls=CliGroup)
def staff() -> None:
    """Staff accounts."""


@staff.command("create")
@click.option("--login-id", required=True)
@click.option("--name", "display_name", required=True, help="氏名 as shown in the UI.")
@click.option("--role", default=Role.ADMINISTRATOR.value, show_default=True,
              type=click.Choice([r.value for r in Role.of_town_staff()]))
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@pass_context
def staff_create(ctx: CliContext, login_id: str, display_name: str, role: str,
                 password_stdin: bool) -> None:
    """Create a staff account (the first administrator, for example)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("password", hide_input=True, confirmation_prompt=True)
    container = ctx.container
    staff_id = create_staff_member(
        CreateStaffMember(login_id=login_id, display_name=display_name, role=role,
                          password=password, actor=operator()),
        uow=container.uow(), ids=container.ids(), hasher=container.password_hasher(),
        clock=container.clock())
    click.echo(f"staff account {login_id} ({role}) created: {staff_id}")


@staff.command("reset-sign-in")
@click.argument("login_id")
@pass_context
def staff_reset_sign_in(ctx: CliContext, login_id: str) -> None:
    """Unlock LOGIN_ID and turn off its second factor (a locked-out or phone-less administrator)."""
    container = ctx.container
    member = member_by_login_id(login_id, uow=container.uow())
    if member is None:
        raise click.ClickException(f"ログインID「{login_id}」の職員はいません。")
    for change in (StaffChange.UNLOCK, StaffChange.RESET_TOTP):
        change_staff_account(
            ChangeStaffAccount(staff_id=member.id, change=change, actor=operator()),
            uow=container.uow(), clock=container.clock())
    click.echo(f"staff account {member.login_id}: unlocked, second factor off")
