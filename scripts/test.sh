#!/usr/bin/env bash
# `make test`: a throwaway PostgreSQL cluster on a free port, then every test (unit, PostgreSQL, FastCGI, and end
# to end through nginx, which the tests start themselves from nginx/menu-api.local.conf.template).
# Extra arguments go to `swift test`, e.g. scripts/test.sh --filter EndToEndTests.
# SANITIZE=address builds everything, the responder the end-to-end tests start included, with AddressSanitizer
# (in .build-asan); leak detection is off because XCTest's own runner leaks at exit. SANITIZE=thread does the same
# with ThreadSanitizer in .build-tsan (`make test-tsan`, the suites that run clean under it).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
source scripts/lib.sh

scripts/deps.sh test
build_flags=()
binary=$root/.build/debug/menu-api
if [ -n "${SANITIZE:-}" ]; then
    # .build-asan for address (its historical name), .build-tsan for thread.
    scratch=.build-asan
    [ "$SANITIZE" = thread ] && scratch=.build-tsan
    build_flags=(--sanitize="$SANITIZE" --scratch-path "$scratch")
    binary=$root/$scratch/debug/menu-api
    export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
fi
swift build --build-tests "${build_flags[@]}"

# Everything the tests create lives in one directory that postgres and nginx's workers can reach, removed at the end
# with any process left in it.
work=$(mktemp -d /tmp/menu-api-tests.XXXXXX)
chmod 755 "$work"
cleanup() {
    scripts/pg.sh stop "$work/pg" || true
    pkill -f "$work" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

scripts/pg.sh init "$work/pg" "$(free_port 55432)" --fast
export MENU_API_TEST_DATABASE_URL=$(scripts/pg.sh url "$work/pg")
export MENU_API_BINARY=$binary
export TMPDIR=$work
swift test --skip-build "${build_flags[@]}" "$@"
