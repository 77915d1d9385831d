"""Use cases, ports and the services that coordinate the domain. Imports only `domain`."""
