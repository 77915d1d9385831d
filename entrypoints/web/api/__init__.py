"""The integrator REST API."""
