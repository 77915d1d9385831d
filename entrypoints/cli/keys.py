"""`madoguchi keys …`: the data encryption keys (MADOGUCHI_DATA_KEYS)."""

from __future__ import annotations

import click

from adapters.crypto import new_key
from adapters.persistence.key_rotation import rotate_encrypted_columns
from entrypoints.cli.context import CliContext, CliGroup, pass_context

__all__ = ["keys"]


@click.group(cls=CliGroup)
def keys() -> None:
    """Data encryption keys (MADOGUCHI_DATA_KEYS)."""


@keys.command("generate")
def keys_generate() -> None:
    """Print a new data key. Put it first in MADOGUCHI_DATA_KEYS, then run `keys rotate`."""
    click.echo(new_key())


@keys.command("rotate")
@pass_context
def keys_rotate(ctx: CliContext) -> None:
    """Re-encrypt all personal data with the first key of MADOGUCHI_DATA_KEYS."""
    container = ctx.container
    count = rotate_encrypted_columns(container.engine(), container.cipher())
    click.echo(f"{count} values re-encrypted with the newest key; older keys can now be removed")
