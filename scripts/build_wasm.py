#!/usr/bin/env python3
"""Trunk post_build hook, first step: builds the app's wasm in place of Trunk.

Why not Trunk's own Rust pipeline: release builds split the module at its lazy
blades (`app/src/blades/mod.rs`, feature `split`), so the first load downloads
the shell and Home only (issue 15). The splitter must see the linker's output
with its relocations, before wasm-bindgen, and wasm-bindgen must keep the
linker's exports (`--keep-lld-exports`); Trunk 0.21.14 has no step between the
two and no such option (trunk-rs/trunk#1022). So index.html marks its Rust link
`data-trunk-skip` and this script does what Trunk did, with the split between:

  release: cargo build --features split (+ --emit-relocs) -> wasm-split-tool ->
           wasm-bindgen --keep-lld-exports -> wasm-opt -Oz on every module
  debug:   cargo build -> wasm-bindgen (what `trunk serve` needs; no split)

Every file is named by a hash of the linked module (the service worker's cache
is named by the files' contents besides), so two builds never mix;
the loader block written into index.html is Trunk's own, so the later steps
(externalize_loader.py, service_worker.py, precompress.mjs) are unchanged.
"""
import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = "wasm32-unknown-unknown"
NAME = "sig-portal"

staging = os.environ.get("TRUNK_STAGING_DIR")
if not staging:
    sys.exit("build_wasm.py runs as a Trunk hook (TRUNK_STAGING_DIR is not set)")
release = os.environ.get("TRUNK_PROFILE") == "release"
cargo = os.environ.get("CARGO", "cargo")
# Wherever cargo puts its output (CARGO_TARGET_DIR, a config's build.target-dir).
metadata = subprocess.run([cargo, "metadata", "--format-version", "1", "--no-deps"],
                          cwd=ROOT, capture_output=True, text=True)
if metadata.returncode != 0:
    sys.exit(f"build_wasm: cargo metadata failed:\n{metadata.stderr}")
target_dir = json.loads(metadata.stdout)["target_directory"]


def run(*args, quiet=False):
    if not quiet:
        print("build_wasm:", " ".join(args), flush=True)
    done = subprocess.run(args, cwd=ROOT, capture_output=quiet, text=True)
    if done.returncode != 0:
        sys.exit(f"build_wasm: `{' '.join(args)}` failed (exit {done.returncode})"
                 + (f"\n{done.stdout}{done.stderr}" if quiet else ""))


def sri(path):
    with open(path, "rb") as f:
        return "sha384-" + base64.b64encode(hashlib.sha384(f.read()).digest()).decode()


build = [cargo, "build", "--locked", "-p", NAME, "--bin", NAME, f"--target={TARGET}"]
if release:
    # The relocations tell the splitter which code each lazy blade reaches. Given
    # through --config, which adds to .cargo/config.toml's flags (RUSTFLAGS would
    # replace them and drop erase_components); erase_components is repeated so the
    # build is right either way.
    flags = '["--cfg", "erase_components", "-Clink-arg=--emit-relocs"]'
    build += ["--release", "--features", "split", "--config", f"target.{TARGET}.rustflags={flags}"]
run(*build)
linked = os.path.join(target_dir, TARGET, "release" if release else "debug", f"{NAME}.wasm")
with open(linked, "rb") as f:
    digest = hashlib.sha256(f.read()).hexdigest()[:16]
stem = f"{NAME}-{digest}"

bindgen_input = linked
split_files = []
if release:
    # Only this build's split output is kept (earlier builds' would pile up).
    shutil.rmtree(os.path.join(target_dir, "wasm-split"), ignore_errors=True)
    work = os.path.join(target_dir, "wasm-split", stem)
    os.makedirs(work)
    link_js = f"{stem}.split.js"
    run(cargo, "build", "-q", "--locked", "--profile", "tool", "-p", "wasm-split-tool")
    tool = os.path.join(target_dir, "tool", "wasm-split-tool")
    print("build_wasm: splitting at the lazy blades", flush=True)
    listed = subprocess.run(
        [tool, linked, work, f"./{stem}.js", f"./{link_js}"],
        cwd=ROOT, capture_output=True, text=True,
    )
    if listed.returncode != 0:
        sys.exit(f"build_wasm: the split failed:\n{listed.stderr}")
    with open(os.path.join(work, link_js), encoding="utf-8") as f:
        loader = f.read()
    # Each split file gets the build's name too: a cached file of another build
    # can never be loaded by this one.
    for path in listed.stdout.splitlines():
        base = os.path.basename(path)
        named = f"{stem}-{base}"
        reference = f'"./{base}"'
        if loader.count(reference) != 1:
            sys.exit(f"build_wasm: expected one reference to {base} in the split loader, "
                     f"found {loader.count(reference)}")
        loader = loader.replace(reference, f'"./{named}"')
        shutil.copyfile(path, os.path.join(staging, named))
        split_files.append(named)
    with open(os.path.join(staging, link_js), "w", encoding="utf-8") as f:
        f.write(loader)
    bindgen_input = os.path.join(work, "main.wasm")

bindgen = ["wasm-bindgen", "--target=web", f"--out-dir={staging}", f"--out-name={stem}",
           "--no-typescript"]
if release:
    # The split loader and the split files use the table and memory exports.
    bindgen += ["--keep-lld-exports", "--no-demangle"]
run(*bindgen, bindgen_input)
main_wasm = f"{stem}_bg.wasm"
if release:
    print(f"build_wasm: wasm-opt -Oz on {1 + len(split_files)} modules", flush=True)
    for name in [main_wasm] + split_files:
        path = os.path.join(staging, name)
        # Quiet: it warns about the name subsection of every module, which is harmless.
        # SIG_WASM_NAMES=1 keeps the functions' names, for a profile that names them
        # (`-g` keeps the name section; the code is optimized the same).
        names = ["-g"] if os.environ.get("SIG_WASM_NAMES") == "1" else []
        run("wasm-opt", "-Oz", *names, f"--output={path}", path, quiet=True)

# Trunk's loader block, where Trunk would have put it.
index = os.path.join(staging, "index.html")
with open(index, encoding="utf-8") as f:
    html = f.read()
skipped = re.compile(r"<link[^>]*data-trunk-skip[^>]*>")
if len(skipped.findall(html)) != 1:
    sys.exit("build_wasm: expected index.html's one Rust link marked data-trunk-skip")
js = f"{stem}.js"
loader_block = f"""
<script type="module">
import init, * as bindings from './{js}';
const wasm = await init({{ module_or_path: './{main_wasm}' }});

window.wasmBindings = bindings;

dispatchEvent(new CustomEvent("TrunkApplicationStarted", {{detail: {{wasm}}}}));
</script>"""
preloads = (
    f'<link rel="modulepreload" href="./{js}" crossorigin="anonymous" '
    f'integrity="{sri(os.path.join(staging, js))}">'
)
if release:
    preloads += (
        f'<link rel="modulepreload" href="./{stem}.split.js" crossorigin="anonymous" '
        f'integrity="{sri(os.path.join(staging, stem + ".split.js"))}">'
    )
preloads += (
    f'<link rel="preload" href="./{main_wasm}" crossorigin="anonymous" '
    f'integrity="{sri(os.path.join(staging, main_wasm))}" as="fetch" type="application/wasm">'
)
html = skipped.sub(lambda _: loader_block, html)
html = html.replace("</head>", preloads + "</head>", 1)
with open(index, "w", encoding="utf-8") as f:
    f.write(html)

size = lambda name: os.path.getsize(os.path.join(staging, name))
print(f"build_wasm: {main_wasm} {size(main_wasm):,} B" + (
    f"; {len(split_files)} split files, {sum(map(size, split_files)):,} B" if split_files else ""),
    flush=True)
