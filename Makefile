# newsreflow: `make run` sets everything up and reflows the bundled sample; `make test` runs the tests.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
RAPIDOCR_WHEEL := rapidocr==3.10.0
APT_PACKAGES := fonts-noto-cjk fonts-arphic-uming fonts-arphic-ukai fonts-wqy-zenhei tesseract-ocr \
	tesseract-ocr-chi-sim tesseract-ocr-chi-sim-vert tesseract-ocr-chi-tra tesseract-ocr-chi-tra-vert

.PHONY: setup models system-packages run test test-all bench bench-pages bench-text bench-batch lint clean

setup: $(STAMP) models

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	# rapidocr ships the PP-OCRv6 ONNX models; --no-deps keeps its opencv-python-headless
	# from overwriting the cv2 that paddleocr's opencv-contrib-python provides.
	$(PY) -m pip install -q --no-deps $(RAPIDOCR_WHEEL)
	touch $@

# OCR models: copied out of the installed rapidocr wheel into models/<name>/ and sha256-checked
# (never downloaded at run time); `$(PY) -m pipeline.models check` verifies them.
models: $(STAMP)
	$(PY) -m pipeline.models install

# Fonts (benchmark pages) and Tesseract (optional engine and peer) come from Debian packages.
system-packages:
	@if ! command -v tesseract >/dev/null || ! fc-list | grep -qi "Noto Serif CJK"; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(APT_PACKAGES); \
		else echo "install as root: apt-get install $(APT_PACKAGES)"; exit 1; fi; fi

run: setup
	$(VENV)/bin/newsreflow samples/seed-article.txt

test: setup
	$(PY) -m pytest -q -m "not slow"

test-all: setup system-packages
	$(PY) -m pytest -q

bench: setup system-packages
	$(PY) -m pipeline.bench $(if $(CI),--subset ci)

# Batch guarantees on 200 generated inputs: identity with single-file runs, kill and resume, jobs 1 vs 2.
bench-batch: setup
	$(PY) -m pipeline.bench.batchbench

# Re-render the benchmark pages in samples/bench/ from samples/articles/ (deterministic).
bench-pages: setup system-packages
	$(PY) -m pipeline.bench.generate

bench-text: setup
	$(PY) -m pipeline.bench.textbench

lint: setup
	$(PY) -m pyflakes pipeline tests

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
