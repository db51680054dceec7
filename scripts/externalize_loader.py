#!/usr/bin/env python3
"""Trunk post_build hook: moves the inline module loader Trunk writes into
index.html into its own content-hashed file, so the page runs under a
Content-Security-Policy with `script-src 'self'` (no 'unsafe-inline').

Trunk hands hooks the staging directory in TRUNK_STAGING_DIR. The loader
gets a hashed name (like Trunk's own assets) and a Subresource Integrity
hash, so a cached old loader can never start a new build's files.
"""
import base64
import hashlib
import os
import re
import sys

staging = os.environ.get("TRUNK_STAGING_DIR")
if not staging:
    sys.exit("externalize_loader.py runs as a Trunk hook (TRUNK_STAGING_DIR is not set)")
index = os.path.join(staging, "index.html")
with open(index, encoding="utf-8") as f:
    html = f.read()

inline = re.compile(r'<script type="module">(.*?)</script>', re.S)
found = inline.findall(html)
if len(found) != 1:
    sys.exit(f"expected Trunk's one inline module loader in index.html, found {len(found)}")
code = found[0].strip() + "\n"
digest = hashlib.sha256(code.encode()).hexdigest()[:16]
name = f"loader-{digest}.js"
with open(os.path.join(staging, name), "w", encoding="utf-8") as f:
    f.write(code)
sri = "sha384-" + base64.b64encode(hashlib.sha384(code.encode()).digest()).decode()
tag = f'<script type="module" src="./{name}" integrity="{sri}"></script>'
html = inline.sub(lambda _: tag, html)
with open(index, "w", encoding="utf-8") as f:
    f.write(html)
