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

# The local OCR tier on 48 rendered menus with ground truth (deterministic): item P/R/F1 and price accuracy,
# printed and handwriting-style, next to a naive regex baseline and with preprocessing off.
eval:
	scripts/deps.sh eval
	swift build -c release --product menu-api
	rm -rf var/eval && python3 scripts/render-menus.py var/eval --count 48
	python3 scripts/eval.py "$$(swift build -c release --show-bin-path)/menu-api" var/eval

format:
	swift format --in-place --recursive Package.swift Sources Tests

lint:
	swift format lint --strict --recursive Package.swift Sources Tests

clean:
	rm -rf .build var
