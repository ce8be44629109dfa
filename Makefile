# menu-api: the two commands are `make run` and `make test` (see README.md).
.PHONY: run test test-asan build bench eval format lint clean

run:
	scripts/run.sh

test:
	scripts/test.sh

# Every test again with AddressSanitizer, the responder processes included.
test-asan:
	SANITIZE=address scripts/test.sh

build:
	scripts/deps.sh build
	swift build -c release --product menu-api

bench:
	scripts/bench.sh

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

format:
	swift format --in-place --recursive Package.swift Sources Tests

lint:
	swift format lint --strict --recursive Package.swift Sources Tests

clean:
	rm -rf .build var
