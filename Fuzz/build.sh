#!/usr/bin/env bash
# Builds the libFuzzer binaries into .build/fuzz/ by compiling the module sources with swiftc,
# because SwiftPM cannot link a target against the libFuzzer runtime.
#
# Usage: Fuzz/build.sh [TARGET...]   where TARGET is decoder, filter or theme (default: all
# targets whose sources exist). Set SANITIZERS=fuzzer to build without AddressSanitizer.
set -euo pipefail

cd "$(dirname "$0")/.."
SWIFTC=${SWIFTC:-swiftc}
SANITIZERS=${SANITIZERS:-fuzzer,address}
OUT=.build/fuzz
mkdir -p "$OUT"

# -Onone would hide nothing from the sanitizers but runs several times slower; bounds checks
# and overflow traps stay on with -O, which is what the fuzzers rely on.
FLAGS=(-O -g -sanitize="$SANITIZERS" -parse-as-library)

# Compiles one module's sources into a static library and its .swiftmodule in $OUT.
build_module() {
    local name=$1
    shift
    echo "building module $name"
    "$SWIFTC" "${FLAGS[@]}" -emit-library -static -emit-module -module-name "$name" \
        -I "$OUT" -o "$OUT/lib$name.a" -emit-module-path "$OUT/$name.swiftmodule" "$@" 2>&1 \
        | grep -v "Cannot export local symbol '__asan" || true
    test -f "$OUT/lib$name.a"
}

# Links one fuzz entry (a source file, or several separated by spaces) against the given
# module libraries.
build_fuzzer() {
    local name=$1 entry=$2
    shift 2
    local libraries=()
    for module in "$@"; do libraries+=("$OUT/lib$module.a"); done
    echo "building fuzzer $name"
    rm -f "$OUT/$name"
    # ld.gold warns once per ASan helper symbol that it cannot export; the warnings are harmless.
    # shellcheck disable=SC2086 # $entry is split into its source files on purpose.
    "$SWIFTC" "${FLAGS[@]}" -I "$OUT" -o "$OUT/$name" $entry "${libraries[@]}" 2>&1 \
        | grep -v "Cannot export local symbol '__asan" || true
    test -x "$OUT/$name"
}

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(decoder filter)
    if [ -f Fuzz/ThemeFuzzer.swift ]; then targets+=(theme); fi
fi

needs_events=0
needs_aggregation=0
needs_dashboard=0
for target in "${targets[@]}"; do
    case $target in
        decoder) needs_events=1 ;;
        filter) needs_events=1; needs_aggregation=1 ;;
        theme) needs_events=1; needs_aggregation=1; needs_dashboard=1 ;;
        *) echo "unknown fuzz target '$target'; use decoder, filter or theme" >&2; exit 2 ;;
    esac
done

if [ $needs_events = 1 ]; then build_module SpendEvents Sources/SpendEvents/*.swift; fi
if [ $needs_aggregation = 1 ]; then build_module SpendAggregation Sources/SpendAggregation/*.swift; fi
if [ $needs_dashboard = 1 ]; then build_module SpendDashboard Sources/SpendDashboard/*.swift; fi

for target in "${targets[@]}"; do
    case $target in
        decoder)
            # The frozen copy of the decoder from the tests checks that the tuned decoder
            # returns the same result for every input.
            build_fuzzer decoder-fuzzer "Fuzz/DecoderFuzzer.swift Tests/SpendEventsTests/ReferenceDecoder.swift" SpendEvents ;;
        filter) build_fuzzer filter-fuzzer Fuzz/FilterFuzzer.swift SpendAggregation SpendEvents ;;
        theme) build_fuzzer theme-fuzzer Fuzz/ThemeFuzzer.swift SpendDashboard SpendAggregation SpendEvents ;;
    esac
done
