"""Local stand-ins for external systems, started by the integration tests."""
