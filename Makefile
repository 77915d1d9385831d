# The README's quick start: `make demo` runs Madoguchi with the embedded default,
# `make test` runs every test. Both install what they need into .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo city test install lint bench clean vendor-tokens

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# The example SMS plug-in (examples/madoguchi-sms-example) is installed as a distribution of its
# own, as a vendor's would be: its entry point makes MADOGUCHI_SMS_PROVIDER=example-http work,
# and `make test` runs its tests (pyproject.toml's testpaths).
EXAMPLE_SMS := examples/madoguchi-sms-example
$(STAMP): pyproject.toml $(EXAMPLE_SMS)/pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,city]'
	$(BIN)/pip install --quiet -e $(EXAMPLE_SMS)
	touch $(STAMP)

install: $(STAMP)

# The demo town is set like a real town (its prefecture, city and 市区町村コード): its registry
# extract writes addresses relative to the town, the development card writes them in full.
demo: export MADOGUCHI_TOWN_PREFECTURE ?= 岡山県
demo: export MADOGUCHI_TOWN_CITY ?= 総社市
demo: export MADOGUCHI_TOWN_CODE ?= 332089
# SMS to the stand-in beside the LINE simulator (its inboxes: http://127.0.0.1:8002/_sim/sms)
demo: export MADOGUCHI_SMS_PROVIDER ?= twilio
# E-mail from the town's sender to the simulator's mail catcher (serve --line-sim points SMTP at
# it; its inboxes: http://127.0.0.1:8001/_sim/mail/)
demo: export MADOGUCHI_MAIL_FROM ?= noreply@city.soja.example.jp
demo: $(STAMP)
	$(BIN)/madoguchi db upgrade
	$(BIN)/madoguchi demo
	$(BIN)/madoguchi serve --line-sim 8001

# A city-sized deployment on this machine (docs/operations.md, "A city-sized deployment"):
# gunicorn, Celery workers for jobs, outbox and inbound, and beat, on PostgreSQL and Redis, all
# started by honcho from Procfile.city with the environment of $(CITY_ENV) (copy
# .env.city.example). Ctrl-C stops them all.
CITY_ENV ?= .env.city
CITY_PORT ?= 8000
city: $(STAMP)
	@test -f $(CITY_ENV) || { echo "$(CITY_ENV) is missing: copy .env.city.example"; exit 1; }
	PATH="$(CURDIR)/$(BIN):$$PATH" PORT=$(CITY_PORT) $(BIN)/honcho -e $(CITY_ENV) run madoguchi city check
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho -e $(CITY_ENV) run madoguchi db upgrade
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho -f Procfile.city -e $(CITY_ENV) start -p $(CITY_PORT)

# worksteal: a worker that runs out takes tests from another's queue. On 2 cores xdist's default
# (load) left one of the two workers idle for the last 29 s of a 10-minute run, worksteal 0.6 s.
test: $(STAMP)
	$(BIN)/pytest -n auto --dist worksteal

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .hypothesis

# Refresh the vendored Digital Agency design tokens from the npm registry (development only;
# the app serves the committed copy, never fetches at run time).
vendor-tokens:
	cd $$(mktemp -d) && npm pack --silent @digital-go-jp/design-tokens >/dev/null && tar xzf *.tgz \
	  && cp package/dist/tokens.css package/LICENSE $(CURDIR)/entrypoints/web/static/vendor/design-tokens/
