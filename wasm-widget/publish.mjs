// node publish.mjs OUT_DIR LOADER_JS WEB_DIR: makes WEB_DIR the widget's publishable folder.
//   widget.<hash>.wasm   OUT_DIR/widget.wasm
//   widget.<hash>.js     OUT_DIR/widget.js (the Emscripten glue), naming that wasm
//   loader.js            LOADER_JS, naming that glue: the snippet's stable URL
// <hash> is the first 10 hex digits of the file's SHA-256, so a name never changes meaning and
// the server caches it for a year ("immutable"); the loader is cached for 5 minutes, so sites
// get a new version within minutes and repeat visits download nothing (server/src/net_static.cpp,
// docs/embedding.md). Every file gets its gzip and Brotli siblings (cmake/precompress.mjs). Anything else in WEB_DIR (older builds) is removed.
// Maintenance reminder: widget_boot.js holds the '__LIVECHAT_WASM__' placeholder, loader.js the
// '__LIVECHAT_WIDGET_JS__' one.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { siblings } from '../cmake/precompress.mjs';

const [outDir, loaderSource, webDir] = process.argv.slice(2);
const hashed = (name, data) => {
  const h = crypto.createHash('sha256').update(data).digest('hex').slice(0, 10);
  return name.replace(/\.(\w+)$/, `.${h}.$1`);
};
function replaceOnce(text, placeholder, value, file) {
  if (text.split(placeholder).length !== 2) throw new Error(`${file}: expected ${placeholder} exactly once`);
  return text.replace(placeholder, value);
}

const wasm = fs.readFileSync(path.join(outDir, 'widget.wasm'));
const wasmName = hashed('widget.wasm', wasm);
const glue = replaceOnce(fs.readFileSync(path.join(outDir, 'widget.js'), 'utf8'), '__LIVECHAT_WASM__', wasmName, 'widget.js');
const glueName = hashed('widget.js', glue);
const loader = replaceOnce(fs.readFileSync(loaderSource, 'utf8'), '__LIVECHAT_WIDGET_JS__', glueName, 'loader.js');

fs.mkdirSync(webDir, { recursive: true });
const files = { 'loader.js': loader, [glueName]: glue, [wasmName]: wasm };
const keep = new Set();
for (const [name, data] of Object.entries(files)) {
  const bytes = Buffer.from(data);
  const outputs = { [name]: bytes, ...siblings(name, bytes) };
  for (const [file, content] of Object.entries(outputs)) {
    fs.writeFileSync(path.join(webDir, file), content);
    keep.add(file);
  }
}
for (const file of fs.readdirSync(webDir)) if (!keep.has(file)) fs.rmSync(path.join(webDir, file), { force: true });
console.log(`widget: loader.js -> ${glueName} -> ${wasmName}`);
