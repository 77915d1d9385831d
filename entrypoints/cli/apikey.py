"""`madoguchi apikey …`: integrator API keys, each for one staff member or one organisation."""

from __future__ import annotations

import click

from application.access.creating_api_key import CreateApiKey, create_api_key
from application.access.revoking_api_key import revoke_api_key
from application.access.views import api_keys
from domain.access import DEFAULT_RATE_LIMIT, MAX_RATE_LIMIT, Permission
from domain.staff import Role
from entrypoints.cli.context import CliContext, CliGroup, operator, pass_context

__all__ = ["apikey"]


@click.group(cls=CliGroup)
def apikey() -> None:
    """Integrator API keys."""


@apikey.command("create")
@click.option("--name", required=True, help="What the key is for (e.g. the vendor's system).")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role.of_town_staff()]))
@click.option("--staff", "staff_login_id", default="", metavar="LOGIN_ID",
              help="The staff member the key acts for (their log-in id).")
@click.option("--organisation", default="", metavar="NAME",
              help="The organisation the key belongs to (e.g. the vendor).")
@click.option("--scope", "scopes", multiple=True,
              type=click.Choice([p.value for p in Permission]),
              help="A permission of the role the key may use (repeat; none given: all).")
@click.option("--read-only", is_flag=True, help="The key may only read (GET).")
@click.option("--rate-limit", type=click.IntRange(1, MAX_RATE_LIMIT),
              default=DEFAULT_RATE_LIMIT, show_default=True,
              help="Requests a minute the key may make (429 past it).")
@pass_context
def apikey_create(ctx: CliContext, name: str, role: str, staff_login_id: str,
                  organisation: str, scopes: tuple[str, ...], read_only: bool,
                  rate_limit: int) -> None:
    """Create a key and print it once: only its hash is stored. Give exactly one of --staff
    and --organisation: the two-person rules treat every key of one staff member or one
    organisation as that one person."""
    if bool(staff_login_id.strip()) == bool(organisation.strip()):
        raise click.UsageError("--staff LOGIN_ID か --organisation NAME のどちらか一方を指定して"
                               "ください（APIキーを使う職員または組織）。")
    container = ctx.container
    created = create_api_key(CreateApiKey(name=name, role=role, actor=operator(),
                                          staff_login_id=staff_login_id,
                                          organisation=organisation, scopes=scopes,
                                          read_only=read_only,
                                          rate_limit_per_minute=rate_limit),
                             uow=container.uow(), ids=container.ids(), clock=container.clock())
    owner = (f"staff member {staff_login_id.strip()}" if staff_login_id.strip()
             else f"organisation {organisation.strip()!r}")
    click.echo(created.secret)
    limits = (f"scopes {' '.join(scopes) if scopes else 'all of the role'}"
              f"{', read-only' if read_only else ''}, {rate_limit} requests a minute")
    click.echo(f"key {created.id} for {name!r} ({role}), acting for {owner}; {limits}; store "
               "it now: it is not shown again", err=True)


@apikey.command("list")
@pass_context
def apikey_list(ctx: CliContext) -> None:
    """Every key (tab-separated): id, name, role, whom it acts for, created, revoked, its
    scopes (`all`: the role's), read-only, requests a minute."""
    click.echo("id\tname\trole\tparty\tcreated_at\trevoked_at\tscopes\tread_only\t"
               "rate_limit")
    for line in api_keys(uow=ctx.container.uow()):
        key = line.key
        revoked = key.revoked_at.isoformat() if key.revoked_at else ""
        scopes = " ".join(sorted(p.value for p in key.scopes)) if key.scopes else "all"
        click.echo(f"{key.id}\t{key.name}\t{key.role.value}\t{line.owner}\t"
                   f"{key.created_at.isoformat()}\t{revoked}\t{scopes}\t"
                   f"{'yes' if key.read_only else 'no'}\t{key.rate_limit_per_minute}")


@apikey.command("revoke")
@click.argument("key_id")
@pass_context
def apikey_revoke(ctx: CliContext, key_id: str) -> None:
    """Stop a key at once (a contract ended, a key leaked, a key moved to another party)."""
    container = ctx.container
    key = revoke_api_key(key_id, actor=operator(), uow=container.uow(), clock=container.clock())
    click.echo(f"key {key.id} ({key.name!r}) revoked at {key.revoked_at.isoformat()}", err=True)
