"""The demo town: a synthetic registry, staff accounts, an open program and an approved payment
batch, for trying Madoguchi (`madoguchi demo`).

Above `application/`: it seeds only through the use cases a town's staff use (creating staff
and programs, importing the registry and the eligibility list, entering paper applications,
deciding, making and approving a batch), so the demo shows what the code does and its audit log
says who did it. It imports `application` and `domain` only; the entrypoints import it."""
