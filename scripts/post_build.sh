#!/bin/sh
# Trunk post_build hook: the steps depend on each other, so they run in order
# here (Trunk starts every hook of a stage at once). TRUNK_STAGING_DIR and
# TRUNK_PROFILE come from Trunk.
set -eu
python3 scripts/build_wasm.py           # the wasm, split at the lazy blades (release)
python3 scripts/externalize_loader.py   # CSP: no inline script
python3 scripts/service_worker.py       # release: offline after one visit (lists the files)
node scripts/precompress.mjs            # release: .br and .gz siblings (after the list)
