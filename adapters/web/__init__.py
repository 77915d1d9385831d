"""The web channel: the resident's page is its client (entrypoints/web/resident/)."""
