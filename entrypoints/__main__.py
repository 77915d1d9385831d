"""`python -m entrypoints` is the `madoguchi` command."""

from entrypoints.cli import main

main()
