"""`madoguchi export`: everything the town owns, in one documented zip (docs/export.md), so the
town can leave for another system (ADR 0035)."""

from __future__ import annotations

from pathlib import Path

import click

from adapters.persistence import migrating
from adapters.town_archive import ZipTownArchive
from application.ports.archives import ArchiveMismatch
from application.town_data.exporting_town import ExportTown, export_town
from entrypoints.cli.context import CliContext, operator, pass_context, ready

__all__ = ["export"]


@click.command("export")
@click.argument("outfile", type=click.Path(dir_okay=False, path_type=Path))
@pass_context
def export(ctx: CliContext, outfile: Path) -> None:
    """Write everything the town owns to OUTFILE (a new .zip): residents, households,
    verifications, programs, applications, payments and accounts, certificate requests,
    conversations and messages, staff, API keys and the audit log, decrypted, as CSV (UTF-8
    with BOM) and JSON lines with a manifest.json (described in docs/export.md). The file is
    mode 600 and the export is in the audit log. No password, key or session is in it."""
    if outfile.exists():
        raise click.ClickException(f"{outfile} exists already: an export never replaces a "
                                   "file, choose a new name")
    if not outfile.absolute().parent.is_dir():
        raise click.ClickException(f"{outfile.absolute().parent} is not a directory")
    container = ready(ctx)
    config = container.config
    town = {"name": config.town_name(), "full_name": config.town_full_name(),
            "prefecture": config.town_prefecture(), "city": config.town_city(),
            "code": config.town_code()}
    archive = ZipTownArchive(outfile, town=town,
                             schema_revision=migrating.current_revision(container.engine()))
    try:
        exported = export_town(ExportTown(actor=operator(), town=town["code"] or town["name"]),
                               uow_factory=container.uow, clock=container.clock(),
                               archive=archive)
    except FileExistsError:
        raise click.ClickException(f"{outfile} appeared while the export was written: "
                                   "nothing was replaced, export again under a new name") from None
    except ArchiveMismatch as error:
        raise click.ClickException(f"the export was not consistent and was discarded "
                                   f"({error}); export again") from None
    click.echo(f"{outfile}: {len(exported.rows)} files, {exported.total} rows "
               "(mode 600: personal data of every resident, keep it as the registry is kept)")
