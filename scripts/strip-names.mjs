// Drops the "name" custom section (function names for stack traces, about 50 KB of the gzipped
// module) from a .wasm file in place. Custom sections never affect what the module does.
//   node scripts/strip-names.mjs pkg/vae_lab_bg.wasm
import { readFileSync, writeFileSync } from 'node:fs';

const file = process.argv[2];
const bytes = readFileSync(file);
if (bytes.readUInt32LE(0) !== 0x6d736100) throw new Error(`${file} is not a wasm module`);

function leb(at) { // unsigned LEB128 → [value, next offset]
  let value = 0;
  for (let shift = 0; ; shift += 7) {
    const b = bytes[at++];
    value += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return [value, at];
  }
}

const kept = [bytes.subarray(0, 8)];
let dropped = 0;
for (let at = 8; at < bytes.length;) {
  const [size, body] = leb(at + 1);
  const end = body + size;
  let isName = false;
  if (bytes[at] === 0) {
    const [len, nameAt] = leb(body);
    isName = bytes.toString('latin1', nameAt, nameAt + len) === 'name';
  }
  if (isName) dropped += end - at;
  else kept.push(bytes.subarray(at, end));
  at = end;
}
writeFileSync(file, Buffer.concat(kept));
console.log(`${file}: dropped the name section (${dropped.toLocaleString('en')} bytes)`);
