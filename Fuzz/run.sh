#!/usr/bin/env bash
# Runs Cairn's fuzz targets (libFuzzer) on their seed corpora.
#
#   Fuzz/run.sh TARGET SECONDS [libFuzzer flags...]   # one target
#   Fuzz/run.sh all SECONDS [libFuzzer flags...]      # every target, one after another
#   Fuzz/run.sh list                                  # the targets
#
# Builds the Fuzz package first (release, -sanitize=fuzzer,address; see
# README.md). Each run starts from a scratch copy of testdata/fuzz/TARGET,
# so the committed corpus is not grown by runs; a crash, leak, timeout or
# out-of-memory exits non-zero and names the reproducer in Fuzz/artifacts/
# (replay it with `Fuzz/.build/release/TARGET FILE`).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
TARGETS=(FuzzRESPRequest FuzzRESPReply FuzzSegment FuzzSnapshot FuzzManifest FuzzCommands)

usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 3; }
[ $# -ge 1 ] || usage
if [ "$1" = list ]; then printf '%s\n' "${TARGETS[@]}"; exit 0; fi
[ $# -ge 2 ] || usage
which="$1" seconds="$2"; shift 2
case "$seconds" in ''|*[!0-9]*) usage ;; esac

selected=()
if [ "$which" = all ]; then
    selected=("${TARGETS[@]}")
else
    for target in "${TARGETS[@]}"; do [ "$target" = "$which" ] && selected=("$target"); done
    [ ${#selected[@]} -eq 1 ] || { echo "unknown target $which (Fuzz/run.sh list)" >&2; exit 3; }
fi

build_start=$SECONDS
# swiftc keeps only the last -sanitize= it is given, so SwiftPM's two flags
# alone would leave the Swift code with AddressSanitizer and no coverage
# (blind fuzzing); -Xswiftc gives it both in one flag (README.md, "Build").
swift build --package-path "$HERE" -c release --sanitize=fuzzer --sanitize=address -Xswiftc -sanitize=fuzzer,address 2>&1 | grep -Ev "^\[[0-9]+/[0-9]+\]|ld.gold: warning: Cannot export local symbol" || true
for target in "${selected[@]}"; do
    [ -x "$HERE/.build/release/$target" ] || { echo "fuzz: $target did not build" >&2; exit 2; }
done
# A build without coverage counters in the Swift code would fuzz blind.
if command -v objdump >/dev/null && [ "$(objdump -h "$HERE/.build/release/Cairn.build/SegmentScanner.swift.o" | grep -c sancov)" = 0 ]; then
    echo "fuzz: the Swift code has no coverage instrumentation (see README.md, Build)" >&2; exit 2
fi
echo "fuzz: built in $((SECONDS - build_start)) s"

mkdir -p "$HERE/artifacts"
# libFuzzer reports crashes itself; Swift's backtracer would only get in its way.
export SWIFT_BACKTRACE=enable=no
status=0
for target in "${selected[@]}"; do
    scratch="$(mktemp -d "${TMPDIR:-/tmp}/cairn-fuzz-$target.XXXXXX")"
    cp "$ROOT/testdata/fuzz/$target/"* "$scratch/"
    log="$scratch.log"
    echo "fuzz: $target for $seconds s"
    if "$HERE/.build/release/$target" "$scratch" -max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb=1024 \
        -timeout=10 -max_len=65536 -print_final_stats=1 -artifact_prefix="$HERE/artifacts/$target-" "$@" >"$log" 2>&1; then
        runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')"
        speed="$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')"
        echo "PASS $target: $runs executions, $speed exec/s"
    else
        status=1
        echo "FAIL $target:"
        grep -E "==ERROR|fuzz invariant|Fatal error|SUMMARY|Test unit written to|Base64" "$log" | head -n 12
        echo "(whole log: $log)"
    fi
    rm -rf "$scratch"
done
exit $status
