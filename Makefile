# newscrawl: every command a user or CI needs. `make demo` and `make test` install first when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SPIDER ?=
EVAL_DIR ?= ../shared/eval

.PHONY: bytecode redis-server chromium install demo corpus report test lint format eval bench bench-dedup bench-shared crawl clean

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=23"
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(MAKE) bytecode
	command -v redis-server >/dev/null || $(MAKE) redis-server
	test -x /usr/bin/chromium || $(MAKE) chromium
	touch $(STAMP)

# An editable install compiles no bytecode for the project, and where Python writes none itself
# (PYTHONDONTWRITEBYTECODE, a read-only checkout) every crawl would compile newscrawl's modules
# again: 0.17 s before "Spider opened" (README "Benchmarks"). Only changed modules are compiled.
bytecode:
	$(BIN)/python -m compileall -q newscrawl

# The shared mode's tests run a real Redis (README "Past one machine"): Debian's package.
redis-server:
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server

# The report's browser test drives Debian's Chromium (never a browser build downloaded by a tool).
chromium:
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium

corpus: $(STAMP)
	$(BIN)/scrapy corpus

report: $(STAMP)
	$(BIN)/scrapy report

demo: $(STAMP) bytecode
	$(BIN)/python -m scripts.demo

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

eval: $(STAMP)
	$(BIN)/python -m scripts.eval_extraction --eval-dir $(EVAL_DIR)
	$(BIN)/python -m scripts.eval_l3s --eval-dir $(EVAL_DIR)
	$(BIN)/python -m scripts.eval_datelines --eval-dir $(EVAL_DIR)
	$(BIN)/python -m scripts.eval_rouge --eval-dir $(EVAL_DIR)

bench: $(STAMP) bytecode
	$(BIN)/python -m scripts.bench --eval-dir $(EVAL_DIR)

bench-dedup: $(STAMP)
	$(BIN)/python -m scripts.bench_dedup

bench-shared: $(STAMP)
	$(BIN)/python -m scripts.bench_shared --eval-dir $(EVAL_DIR)

crawl: $(STAMP) bytecode
	$(BIN)/scrapy cronrun $(SPIDER)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
