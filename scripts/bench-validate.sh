#!/usr/bin/env bash
# Whole process against whole process, in one run: `sig validate` on an ARM list of 10,000 image
# versions (plus their 1,000 definitions and 100 galleries) vs `jq empty` reading the same file.
# Goal (issue 3): ratio sig/jq <= 1.0 — checking every rule costs no more than parsing the JSON.
#
#   scripts/bench-validate.sh              # 5 warmup rounds, 30 timed rounds, interleaved
#   RUNS=50 scripts/bench-validate.sh
#   HYPERFINE=1 scripts/bench-validate.sh  # hyperfine instead (one command after the other)
#
# Needs jq (Debian package `jq`, installed with apt-get when missing and running as root);
# hyperfine (Debian package `hyperfine`) only with HYPERFINE=1.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS="${RUNS:-30}"
WARMUP="${WARMUP:-5}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
FILE="$WORK/full-limits.json"
# A fixed simulation time: the fixture's end-of-life checks do not depend on the day it runs.
AT="2020-06-01T12:00:00Z"

need() {
    command -v "$1" >/dev/null 2>&1 && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "installing $1 (Debian package) ..." >&2
        apt-get install -y "$1" >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 && apt-get install -y "$1" >/dev/null 2>&1; } || true
    fi
    command -v "$1" >/dev/null 2>&1
}

need jq || { echo "jq is required (apt-get install -y jq)" >&2; exit 1; }
HAVE_HYPERFINE=0
if [ "${HYPERFINE:-0}" = 1 ]; then need hyperfine && HAVE_HYPERFINE=1; fi

echo "building sig (release) and the fixture generator ..." >&2
cargo build --release -q -p sig-cli
cargo run --release -q -p sig-core --example full_limits_arm >"$FILE"
SIG="$(pwd)/target/release/sig"

resources=$(jq '.value | length' "$FILE")
echo "input: $FILE — $(wc -c <"$FILE") bytes, $resources ARM resources" >&2
# The file must be read and pass (exit 0: the fixture obeys every rule).
"$SIG" validate --at "$AT" "$FILE" | tail -n 1 >&2

if [ "${HYPERFINE:-0}" = 1 ] && [ "$HAVE_HYPERFINE" = 1 ]; then
    # hyperfine runs all of one command, then all of the other: on a shared machine a load change
    # between the two phases biases the ratio, hence the interleaved loop below by default.
    hyperfine -N --warmup "$WARMUP" --runs "$RUNS" \
        --export-json "$WORK/times.json" \
        "$SIG validate --at $AT $FILE" \
        "jq empty $FILE" >&2
    sig_ms=$(jq '.results[0].mean * 1000' "$WORK/times.json")
    jq_ms=$(jq '.results[1].mean * 1000' "$WORK/times.json")
    sig_med=$(jq '.results[0].median * 1000' "$WORK/times.json")
    jq_med=$(jq '.results[1].median * 1000' "$WORK/times.json")
else
    # Interleaved: each round times one whole `sig validate` process, then one whole `jq empty`
    # process (wall clock, bash's EPOCHREALTIME: no extra process per sample).
    for _ in $(seq "$WARMUP"); do
        "$SIG" validate --at "$AT" "$FILE" >/dev/null
        jq empty "$FILE"
    done
    : >"$WORK/sig.txt"
    : >"$WORK/jq.txt"
    for _ in $(seq "$RUNS"); do
        t0=$EPOCHREALTIME
        "$SIG" validate --at "$AT" "$FILE" >/dev/null
        t1=$EPOCHREALTIME
        jq empty "$FILE"
        t2=$EPOCHREALTIME
        awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", (b - a) * 1000 }' >>"$WORK/sig.txt"
        awk -v a="$t1" -v b="$t2" 'BEGIN { printf "%.3f\n", (b - a) * 1000 }' >>"$WORK/jq.txt"
    done
    stats() { sort -n "$1" | awk '{ a[NR] = $1; s += $1 } END { printf "%.3f %.3f\n", s / NR, (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }
    read -r sig_ms sig_med < <(stats "$WORK/sig.txt")
    read -r jq_ms jq_med < <(stats "$WORK/jq.txt")
fi

awk -v s="$sig_ms" -v j="$jq_ms" -v sm="$sig_med" -v jm="$jq_med" -v runs="$RUNS" 'BEGIN {
    printf "sig validate: mean %.1f ms, median %.1f ms (%d runs)\n", s, sm, runs
    printf "jq empty:     mean %.1f ms, median %.1f ms (%d runs)\n", j, jm, runs
    printf "ratio sig/jq: %.2f (mean), %.2f (median); goal <= 1.0\n", s / j, sm / jm
}'
