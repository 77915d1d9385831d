"""The demo town: a synthetic registry, staff accounts and a program, for trying Madoguchi."""
