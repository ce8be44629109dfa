# menu-api: the two commands are `make run` and `make test` (see README.md).
.PHONY: run test build bench format lint clean

run:
	scripts/run.sh

test:
	scripts/test.sh

build:
	scripts/deps.sh build
	swift build -c release --product menu-api

bench:
	scripts/bench.sh

format:
	swift format --in-place --recursive Package.swift Sources Tests

lint:
	swift format lint --strict --recursive Package.swift Sources Tests

clean:
	rm -rf .build var
