# `make test` is the one test command; pass pytest arguments with ARGS, e.g. make test ARGS="-k account".
.PHONY: test lint run

test:
	bash scripts/test.sh $(ARGS)

lint:
	.venv/bin/ruff check .

run:
	bash scripts/run-demo.sh
