# The two set-up commands (README.md): `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := run
export OMP_THREAD_LIMIT := 1

.PHONY: run test setup services-up services-down bench samples clean

setup:
	@scripts/setup.sh

## The main job: install, digitize samples/ on the embedded default, serve the API on :8000.
run: setup
	.venv/bin/ocr-service serve --ingest samples/documents

## The whole test suite, with the real Redis, PostgreSQL and S3 server it needs.
test: setup
	@scripts/install-browser.sh
	@scripts/services.sh install
	@scripts/services.sh start
	@set -a; eval "$$(scripts/services.sh env)"; set +a; \
	  .venv/bin/python -m pytest $(PYTEST_ARGS); status=$$?; \
	  scripts/services.sh stop; exit $$status

## Accuracy and speed against raw Tesseract on a generated corpus (writes bench/reports/).
bench: setup
	.venv/bin/python -m bench $(BENCH_ARGS)

## Service mode under load: uploads through the real API, RQ workers, PostgreSQL and S3 (writes bench/reports/).
.PHONY: bench-service
bench-service: setup
	@scripts/services.sh install
	@scripts/services.sh start
	@set -a; eval "$$(scripts/services.sh env)"; set +a; \
	  .venv/bin/python -m bench service $(BENCH_ARGS)

samples: setup
	.venv/bin/python -m samples generate --out samples/generated

services-up:
	@scripts/services.sh install && scripts/services.sh start && scripts/services.sh env

services-down:
	@scripts/services.sh stop

clean:
	rm -rf var out samples/generated bench/reports .pytest_cache
