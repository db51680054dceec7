#!/bin/sh
# The core's speed in wasm (node, the V8 that Chromium runs) next to its native speed on
# the same work (crates/sig-core/tests/speed_ratio.rs), both with the release profile the
# portal and `sig` ship with; prints each figure and the wasm / native ratio (issue 17's
# goal: <= 2.5). One build at a time: run it when nothing else compiles.
set -eu
cd "$(dirname "$0")/.."
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
cargo test -q --release --locked -p sig-core --test speed_ratio -- --ignored --nocapture 2>&1 |
  grep '^figure:' >>"$out"
cargo test --release --locked -p sig-core --target wasm32-unknown-unknown --test speed_ratio \
  -- --include-ignored --nocapture 2>&1 | grep '^figure:' >>"$out"
python3 - "$out" <<'PY'
import re, sys
figures = {}
for line in open(sys.argv[1]):
    m = re.match(r"figure: (\w+) (.+) median ([\d.]+) ms", line)
    if m:
        figures.setdefault(m.group(2), {})[m.group(1)] = float(m.group(3))
print(f"{'work':58} {'native ms':>10} {'wasm ms':>10} {'ratio':>6}")
for work, t in figures.items():
    if "native" in t and "wasm" in t:
        print(f"{work:58} {t['native']:10.2f} {t['wasm']:10.2f} {t['wasm'] / t['native']:6.2f}")
PY
