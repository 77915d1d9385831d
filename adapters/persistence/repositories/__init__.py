"""SQLAlchemy repositories, one module per bounded context (as in `adapters.persistence.orm`),
on the shared base in `base`."""
