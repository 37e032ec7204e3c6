// Where a build's first image waits, against another build: fresh loads of two checkouts' pages,
// alternated in one headless Chromium (so that the machine's load falls on both alike), each
// timing what the first image waits for: the page's compileStreaming of its wasm (start, done),
// the shipped model's request, its last byte and its bytes read, the first instantiation, main.js's
// arrival (the bundle's, www/dist/main.js, where there is one), DOMContentLoaded,
// and firstImageMs. Prints the medians per build. Not part of the test command.
//
//   node scripts/compare-loads.mjs CHECKOUT_A CHECKOUT_B [LOADS]   (each built with scripts/build.sh)
import { spawn } from 'node:child_process';
import { resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
const [A, B, N = 12] = process.argv.slice(2).map((a, i) => (i < 2 ? resolvePath(a) : a));
if (!A || !B) throw new Error("usage: node scripts/compare-loads.mjs CHECKOUT_A CHECKOUT_B [LOADS]");
const { launchBrowser } = await import(pathToFileURL(resolvePath(A, 'tests/e2e/harness.mjs')).href);
const serve = (dir) => new Promise((resolve) => {
  const proc = spawn(process.execPath, ['scripts/serve.mjs', '--port', '0'], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] });
  proc.stdout.on('data', (c) => { const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(String(c)); if (m) resolve({ url: m[0], proc }); });
});
const servers = [await serve(A), await serve(B)];
const browser = await launchBrowser();
const hook = () => {
  window.__t = {};
  const cs = WebAssembly.compileStreaming;
  WebAssembly.compileStreaming = (...a) => { window.__t.wasmStart = performance.now(); return cs.apply(WebAssembly, a).then((m) => { window.__t.wasmCompiled = performance.now(); return m; }); };
  const ab = Response.prototype.arrayBuffer;
  Response.prototype.arrayBuffer = function () { const u = this.url; return ab.call(this).then((b) => { if (/safetensors/.test(u)) window.__t.modelRead = performance.now(); return b; }); };
  const inst = WebAssembly.instantiate;
  WebAssembly.instantiate = (...a) => inst.apply(WebAssembly, a).then((r) => { window.__t.instantiated ??= performance.now(); return r; });
};
const rows = [[], []];
for (let i = -1; i < Number(N); i++) {
  for (const s of [0, 1]) {
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    await p.addInitScript(hook);
    await p.goto(servers[s].url);
    await p.waitForFunction(() => window.vaeLab?.firstImageMs, null, { timeout: 60000 });
    const r = await p.evaluate(() => {
      const entries = performance.getEntriesByType('resource');
      const main = entries.find((x) => /www\/(dist\/)?main\.js/.test(x.name));
      const model = entries.find((x) => /models\/.*\.safetensors/.test(x.name));
      return {
        first: window.vaeLab.firstImageMs, ...window.__t, mainJs: main?.responseEnd, dcl: performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd,
        modelAsked: model?.startTime, modelArrived: model?.responseEnd,
      };
    });
    if (i >= 0) rows[s].push(r);
    await ctx.close();
  }
}
await browser.close();
for (const s of servers) s.proc.kill('SIGTERM');
const med = (xs) => { const v = xs.filter((x) => x !== undefined).sort((a, b) => a - b); return Math.round(v[Math.floor(v.length / 2)]); };
for (const [s, name] of [[0, A], [1, B]]) {
  const keys = ['first', 'wasmStart', 'wasmCompiled', 'modelAsked', 'modelArrived', 'modelRead', 'instantiated', 'mainJs', 'dcl'];
  console.log(name, keys.map((k) => `${k} ${med(rows[s].map((r) => r[k]))}`).join(', '));
}
