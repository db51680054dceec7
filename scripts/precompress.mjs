// Trunk post_build hook (release builds): writes brotli (.br) and gzip (.gz)
// siblings of the text and wasm files in the staging directory, as static
// hosts serve them, so scripts/serve.py (and any host that uses precompressed
// files) sends them compressed. Node's zlib does both at maximum quality with
// nothing to install.
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) {
  console.error('precompress.mjs runs as a Trunk hook (TRUNK_STAGING_DIR is not set)');
  process.exit(1);
}
if (process.env.TRUNK_PROFILE !== 'release') process.exit(0);

const COMPRESSIBLE = new Set(['.html', '.js', '.wasm', '.css', '.svg', '.webmanifest', '.json']);
for (const name of readdirSync(staging)) {
  const path = join(staging, name);
  if (!statSync(path).isFile() || !COMPRESSIBLE.has(extname(name))) continue;
  const data = readFileSync(path);
  if (data.length < 1024) continue; // Not worth a round of negotiation.
  writeFileSync(`${path}.br`, brotliCompressSync(data, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
    },
  }));
  writeFileSync(`${path}.gz`, gzipSync(data, { level: 9 }));
}
