"""`madoguchi line …`: the LINE channel's upkeep."""

from __future__ import annotations

import click

from application.channels.checking_friends import CheckFriends, check_friends
from application.channels.setting_rich_menus import set_rich_menus
from entrypoints.cli.context import CliContext, CliGroup, operator, pass_context, ready
from entrypoints.rich_menu_wiring import rich_menu_plans

__all__ = ["line"]


@click.group(cls=CliGroup)
def line() -> None:
    """The LINE channel."""


@line.command("check-friends")
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="Ask about at most this many LINE users (default: all who follow).")
@pass_context
def line_check_friends(ctx: CliContext, limit: int | None) -> None:
    """Ask LINE which residents still follow the town's account, and block those who left
    without the town hearing of it (an unfollow event lost while the webhook was down): their
    notices then go down the ladder (SMS, e-mail, post) instead of to a chat LINE drops them
    from. Run it before a campaign, or nightly."""
    container = ready(ctx)
    result = check_friends(CheckFriends(operator(), limit), uow_factory=container.uow,
                           friends=container.line_messenger(), clock=container.clock())
    click.echo(f"{result.checked} LINE user(s) asked about, {result.blocked} found blocked and "
               f"moved down the ladder, {result.unknown} LINE could not tell (asked again "
               "next time)")


@line.command("rich-menu")
@pass_context
def line_rich_menu(ctx: CliContext) -> None:
    """Draw the rich menus (the tiles under the chat) as staff laid them out (設定 → LINEの
    リッチメニュー; else from the town's menu) and set them on LINE:
    the one for residents not verified yet becomes the default, and verified residents who follow
    the account are linked to theirs. Run it again after the menu changes: it replaces both.
    Then set LINE_RICH_MENUS=1 so that a resident who verifies is linked at once (ADR 0049)."""
    container = ready(ctx)
    done = set_rich_menus(rich_menu_plans(container), platform=container.line_rich_menus(),
                          uow_factory=container.uow)
    for name, menu_id in done.menu_ids.items():
        click.echo(f"{name}: {menu_id}")
    click.echo(f"{done.linked} verified resident(s) linked to the verified menu")
