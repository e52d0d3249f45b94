#!/usr/bin/env bash
# Runs each fuzzer for a bounded time and prints its executions, corpus size and findings.
#
# Usage: FUZZ_SECONDS=60 Fuzz/run.sh [TARGET...]   (TARGET: decoder, filter or theme)
# Exits 1 when any fuzzer found a crash, a timeout or an out-of-memory input; the inputs are
# left in .build/fuzz/findings/TARGET/. The corpus in .build/fuzz/corpus/TARGET/ is kept
# between runs, so later runs start from what earlier runs found.
set -euo pipefail

cd "$(dirname "$0")/.."
SECONDS_PER_TARGET=${FUZZ_SECONDS:-60}
OUT=.build/fuzz

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(decoder filter)
    if [ -f Fuzz/ThemeFuzzer.swift ]; then targets+=(theme); fi
fi

Fuzz/build.sh "${targets[@]}"

# Writes one seed file per non-empty fixture line, so that every fixture message is its own input.
seed_from_lines() {
    local directory=$1
    shift
    local file line number
    for file in "$@"; do
        number=0
        while IFS= read -r line || [ -n "$line" ]; do
            number=$((number + 1))
            [ -n "$line" ] || continue
            printf '%s' "$line" > "$directory/$(basename "$file" .jsonl)-$number.json"
        done < "$file"
    done
}

prepare_seeds() {
    local target=$1 directory=$OUT/seeds/$1
    rm -rf "$directory"
    mkdir -p "$directory"
    case $target in
        decoder) seed_from_lines "$directory" Tests/Fixtures/*.jsonl ;;
        filter) cp Fuzz/seeds/filter/* "$directory/" ;;
        theme) cp Themes/*.theme "$directory/" ;;
    esac
}

failed=0
summary=$OUT/summary.txt
: > "$summary"
for target in "${targets[@]}"; do
    prepare_seeds "$target"
    corpus=$OUT/corpus/$target
    findings=$OUT/findings/$target
    log=$OUT/$target.log
    mkdir -p "$corpus" "$findings"

    dictionary=()
    if [ -f "Fuzz/$target.dict" ]; then dictionary=(-dict="Fuzz/$target.dict"); fi

    echo "fuzzing $target for ${SECONDS_PER_TARGET}s (log: $log)"
    status=0
    # Swift's own backtracer is turned off so that libFuzzer's crash handler reports the
    # input at once. -timeout flags a single input that runs longer than 10 s as a hang.
    SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=1 \
        "$OUT/$target-fuzzer" "$corpus" "$OUT/seeds/$target" "${dictionary[@]}" \
        -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
        -print_final_stats=1 -artifact_prefix="$findings/" > "$log" 2>&1 || status=$?

    executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    seconds=$(sed -n 's/^stat::.*//; s/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\2/p' "$log" | tail -1)
    corpus_size=$(find "$corpus" -type f | wc -l)
    finding_files=$(find "$findings" -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) | wc -l)
    line="$target: ${executions:-?} executions in ${seconds:-$SECONDS_PER_TARGET} s, corpus $corpus_size inputs, exit status $status, $finding_files finding files in $findings"
    echo "$line" | tee -a "$summary"
    if [ "$status" -ne 0 ]; then
        failed=1
        grep -m1 -E 'Fatal error|ERROR: (AddressSanitizer|libFuzzer)|invariant violated' "$log" || true
        grep -m1 'Test unit written to' "$log" || true
    fi
done

if [ $failed -ne 0 ]; then
    echo "fuzzing found failures; reproduce one with: $OUT/TARGET-fuzzer FILE"
    exit 1
fi
