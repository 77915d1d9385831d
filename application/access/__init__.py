"""Access for integrators (API keys) and staff accounts."""
