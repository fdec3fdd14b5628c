// The precompressed siblings the server sends to browsers that accept them (server/src/net_static.cpp):
// FILE.gz (gzip -9) and FILE.br (Brotli, quality 11). Node's zlib has both built in.
//   node precompress.mjs FILE...   writes FILE.gz and FILE.br beside each FILE (the dashboard's files)
//   import { siblings }            the same bytes for a file not yet written (wasm-widget/publish.mjs)
import fs from 'node:fs';
import url from 'node:url';
import zlib from 'node:zlib';

// { 'NAME.gz': bytes, 'NAME.br': bytes } for the file NAME holding `bytes`.
export function siblings(name, bytes) {
  return {
    [`${name}.gz`]: zlib.gzipSync(bytes, { level: 9 }),
    [`${name}.br`]: zlib.brotliCompressSync(bytes, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
        [zlib.constants.BROTLI_PARAM_MODE]: /\.(js|css|html)$/.test(name) ? zlib.constants.BROTLI_MODE_TEXT
          : zlib.constants.BROTLI_MODE_GENERIC,
      },
    }),
  };
}

if (process.argv[1] === url.fileURLToPath(import.meta.url)) {
  for (const file of process.argv.slice(2))
    for (const [out, data] of Object.entries(siblings(file, fs.readFileSync(file)))) fs.writeFileSync(out, data);
}
