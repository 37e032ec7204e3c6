// What the page's files are compressed with, shared by the server (on the fly) and the build
// (precompressed .br/.gz siblings, scripts/precompress.mjs): Node's zlib, brotli and gzip.
import { extname } from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

/// Types worth compressing; not .gz or .png, which are compressed already.
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.wasm', '.json', '.svg', '.safetensors']);
export const compressible = (path) => COMPRESSIBLE.has(extname(path));

/// The sibling file a precompressed encoding is kept in.
export const SUFFIX = { br: '.br', gzip: '.gz' };

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/// `body` encoded as 'br' or 'gzip'. `best` is for the build: brotli quality 11 takes ~2 s for the
/// 1.3 MB wasm where quality 5 takes 30 ms, for 273 KB instead of 310 KB.
export function encode(body, encoding, best = false) {
  if (encoding === 'br') {
    return brotli(body, { params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: best ? 11 : 5,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length,
    } });
  }
  if (encoding === 'gzip') return gzip(body, { level: best ? 9 : 6 });
  throw new Error(`unknown encoding ${encoding}`);
}
