# menu-api: the two commands are `make run` and `make test` (see README.md).
.PHONY: run test test-asan test-tsan fuzz build bench soak eval eval-foreign format lint clean

run:
	scripts/run.sh

test:
	scripts/test.sh

# Every test again with AddressSanitizer, the responder processes included.
test-asan:
	SANITIZE=address scripts/test.sh

# The suites that run clean under ThreadSanitizer (README, Tests): the wrappers, the domain modules, OCR and storage.
# MenuAPITests is left out: TSan reports accesses made inside Synchronization.Mutex.withLock (WorkerThreadPool, and
# a test's own counter), which it does not see synchronised on Linux; EndToEndTests was not tried.
TSAN_SUITES = FastCGITests|PostgresTests|CurlTests|DigestTests|VipsTests|JSONTests|MenuLoggingTests|MenuModelTests|MenuParsingTests|MenuConfigurationTests|OCRTests|MenuStorageTests
test-tsan:
	SANITIZE=thread scripts/test.sh --filter '$(TSAN_SUITES)'

# The libFuzzer targets (Fuzz/), FUZZ_SECONDS (60) each, on their seeds in Tests/FuzzCorpus/ (see README, Fuzzing).
fuzz:
	scripts/fuzz.sh

build:
	scripts/deps.sh build
	swift build -c release --product menu-api

bench:
	scripts/bench.sh

# A bounded mixed load through nginx for SOAK_SECONDS (300), then the accounting against PostgreSQL (see Performance).
SOAK_SECONDS ?= 300
soak:
	SOAK_SECONDS=$(SOAK_SECONDS) scripts/soak.sh

# The local OCR tier on two rendered sets with ground truth (deterministic): `tuning`, the only one to tune on, and
# `heldout`, with other seeds, fonts, backgrounds and layout variants. Item P/R/F1, price accuracy and time per
# image, printed and handwriting-style, and by failure class. EVAL_COUNT menus per set.
EVAL_COUNT ?= 60
eval:
	scripts/deps.sh eval
	swift build -c release --product menu-api
	rm -rf var/eval
	python3 scripts/render-menus.py var/eval/tuning --set tuning --count $(EVAL_COUNT)
	python3 scripts/render-menus.py var/eval/heldout --set heldout --count $(EVAL_COUNT)
	python3 scripts/eval.py "$$(swift build -c release --show-bin-path)/menu-api" var/eval/tuning var/eval/heldout --baseline

# The same two sets and two more drawn by other hands (scripts/render-foreign-menus.py: HTML and CSS pages through
# headless Chromium, then photographed): `foreign-dev`, which may be looked at, and `foreign-heldout`, other fonts,
# backgrounds, layout variants and seed, only for judging. Needs Chromium, so it is not part of `make eval`.
EVAL_FOREIGN_COUNT ?= 60
eval-foreign:
	scripts/deps.sh eval-foreign
	swift build -c release --product menu-api
	rm -rf var/eval
	python3 scripts/render-menus.py var/eval/tuning --set tuning --count $(EVAL_COUNT)
	python3 scripts/render-menus.py var/eval/heldout --set heldout --count $(EVAL_COUNT)
	python3 scripts/render-foreign-menus.py var/eval/foreign-dev --set foreign-dev --count $(EVAL_FOREIGN_COUNT)
	python3 scripts/render-foreign-menus.py var/eval/foreign-heldout --set foreign-heldout --count $(EVAL_FOREIGN_COUNT)
	python3 scripts/eval.py "$$(swift build -c release --show-bin-path)/menu-api" var/eval/tuning var/eval/heldout \
		var/eval/foreign-dev var/eval/foreign-heldout --baseline

format:
	swift format --in-place --recursive Package.swift Sources Tests Fuzz

lint:
	swift format lint --strict --recursive Package.swift Sources Tests Fuzz

clean:
	rm -rf .build var
