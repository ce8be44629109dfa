#!/usr/bin/env bash
# `make fuzz`: builds each libFuzzer target (Fuzz/, declared in Package.swift only when MENU_API_FUZZ is set) and
# runs it for FUZZ_SECONDS on its committed seeds (Tests/FuzzCorpus/<target>/) plus what earlier runs found
# (var/fuzz/<target>/, not committed). A crash or failed invariant stops that target, leaves its input in
# var/fuzz/artifacts/ and makes the script fail once every target has run.
# usage: scripts/fuzz.sh [target ...]   (default: FUZZ_TARGETS, else all five; FUZZ_SECONDS=60 per target)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

all_targets=(FuzzJSON FuzzPrice FuzzLayout FuzzMultipart FuzzProviderReplies)
targets=("$@")
# shellcheck disable=SC2206 # FUZZ_TARGETS is a space-separated list of names
[ ${#targets[@]} -gt 0 ] || targets=(${FUZZ_TARGETS:-${all_targets[*]}})
seconds=${FUZZ_SECONDS:-60}

scripts/deps.sh build
export MENU_API_FUZZ=1
# Release, for speed (about 10x debug under ASan: -Onone spends its time in generic metadata lookups), with
# bounds checks kept (-O keeps them) and -enable-testing for the targets' @testable imports. The one combined
# -sanitize=fuzzer,address: swiftc keeps only the last -sanitize= flag it is given, so SwiftPM's
# `--sanitize fuzzer --sanitize address` yields ASan without coverage, and libFuzzer then finds nothing new.
# `--sanitize fuzzer` stays for what SwiftPM does with it: -parse-as-library and libFuzzer's main at link.
# shellcheck disable=SC2054 # the comma belongs to swiftc's flag
build_flags=(-c release --sanitize fuzzer -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing
    --scratch-path .build-fuzz)
mkdir -p var/fuzz/artifacts
for target in "${targets[@]}"; do
    echo "==> build $target"
    # The log keeps the toolchain's warnings (ld.gold's about ASan's local symbols, thousands of lines) out of sight.
    if ! swift build "${build_flags[@]}" --product "$target" >var/fuzz/build.log 2>&1; then
        grep -E "error:" var/fuzz/build.log | head -20 >&2
        echo "fuzz.sh: $target did not build (var/fuzz/build.log)" >&2
        exit 1
    fi
done
# Swift's own crash backtracer would race libFuzzer's and ASan's handlers; theirs save the input and report.
export SWIFT_BACKTRACE=enable=no

failed=()
for target in "${targets[@]}"; do
    mkdir -p "var/fuzz/$target"
    echo "==> $target: ${seconds}s"
    # New inputs go to the first directory only; the committed seeds are read, never written.
    if ! ".build-fuzz/release/$target" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 \
        -rss_limit_mb=2048 -artifact_prefix="var/fuzz/artifacts/$target-" \
        "var/fuzz/$target" "Tests/FuzzCorpus/$target" >"var/fuzz/$target.log" 2>&1; then
        failed+=("$target")
        grep -E -A 20 "ERROR|invariant failed|Fatal error" "var/fuzz/$target.log" | head -30 || true
    fi
    grep -E "^#[0-9]+[[:space:]]+DONE|stat::(number_of_executed_units|average_exec_per_sec)" "var/fuzz/$target.log" || true
done

if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz.sh: crashes in ${failed[*]}; inputs in var/fuzz/artifacts/, logs in var/fuzz/<target>.log" >&2
    exit 1
fi
echo "fuzz.sh: ${targets[*]}: no crash in ${seconds}s each"
