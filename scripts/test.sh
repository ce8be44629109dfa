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
fi
swift build --build-tests "${build_flags[@]}"

# Everything the tests create lives in one directory that postgres and nginx's workers can reach, removed at the end
# with any process left in it.
work=$(mktemp -d /tmp/menu-api-tests.XXXXXX)
chmod 755 "$work"
cleanup() {
    # A sanitizer's report names its first stack at the top: printed last, where a log's tail shows it.
    for report in "$work"/sanitizer.*; do
        [ -e "$report" ] || continue
        echo "== $(basename "$report"): the start of the report (every process the tests ran writes its own)" >&2
        head -n 60 "$report" >&2
    done
    scripts/pg.sh stop "$work/pg" || true
    pkill -f "$work" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
if [ "${SANITIZE:-}" = address ]; then
    export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:log_path=$work/sanitizer}
fi

scripts/pg.sh init "$work/pg" "$(free_port 55432)" --fast
export MENU_API_TEST_DATABASE_URL=$(scripts/pg.sh url "$work/pg")
export MENU_API_BINARY=$binary
export TMPDIR=$work
# The toolchain's concurrency runtime can free a task while the thread that enqueued it still unlocks the task's
# status lock, inside flagAsAndEnqueueOnExecutor (swiftlang/swift#90701 describes and fixes it upstream). Under
# AddressSanitizer that stops the test process: CI's one such report had that function enqueueing on the global
# executor in its stack; four runs here had none. Only a run whose every report names that function is run once
# more, its reports printed first; any other sanitizer report, or that fault twice, fails.
is_runtime_fault_only() {
    local found=false report
    for report in "$work"/sanitizer.*; do
        [ -e "$report" ] || continue
        grep -q flagAsAndEnqueueOnExecutor "$report" || return 1
        found=true
    done
    $found
}
status=0
swift test --skip-build "${build_flags[@]}" "$@" || status=$?
if [ "$status" -ne 0 ] && [ "${SANITIZE:-}" = address ] && is_runtime_fault_only; then
    mkdir -p "$work/first-run"
    for report in "$work"/sanitizer.*; do
        echo "== $(basename "$report"), the first run: the Swift runtime's fault (swiftlang/swift#90701)" >&2
        head -n 60 "$report" >&2
        mv "$report" "$work/first-run/"
    done
    echo "menu-api tests: the first run stopped on the runtime's own fault alone; running every test once more" >&2
    status=0
    swift test --skip-build "${build_flags[@]}" "$@" || status=$?
fi
exit "$status"
