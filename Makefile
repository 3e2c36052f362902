# `make test` is the one test command; pass pytest arguments with ARGS, e.g. make test ARGS="-k account".
.PHONY: test lint typecheck run

test:
	bash scripts/test.sh $(ARGS)

lint: typecheck
	.venv/bin/ruff check .

typecheck:
	.venv/bin/mypy

run:
	bash scripts/run-demo.sh
