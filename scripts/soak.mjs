// Soak benchmark: trains in the page (headless Chromium) for a long time and records, each
// minute, the wasm memory and the training throughput. Memory must plateau (growth ≤ 5 % after
// minute one) and throughput stay steady. Not part of the test command.
//
//   node scripts/soak.mjs [--minutes 30]      (the README's short version: --minutes 3)
//
// Prints a table and writes it to bench/soak-<minutes>min.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { startServer, launchBrowser, openPage, sleep } from '../tests/e2e/harness.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const minutes = arg('minutes', 30);
if (!(minutes >= 2)) throw new Error('--minutes must be at least 2 (minute one is the baseline)');

const server = await startServer();
const browser = await launchBrowser();
try {
  const { page, problems } = await openPage(browser, server.url);
  const batch = await page.evaluate(() => window.vaeLab.values.batch);
  await page.click('#train');
  await page.waitForFunction(() => window.vaeLab.lastProgress); // the clock starts at the first report
  const rows = [];
  const t0 = Date.now();
  let last = { step: await page.evaluate(() => window.vaeLab.lastProgress.step), at: t0 };
  for (let m = 1; m <= minutes; m++) {
    await sleep(t0 + m * 60_000 - Date.now());
    const p = await page.evaluate(() => window.vaeLab.lastProgress);
    const now = Date.now();
    const samplesPerSec = ((p.step - last.step) * batch) / ((now - last.at) / 1000);
    rows.push({ minute: m, step: p.step, samplesPerSec, wasmMiB: p.wasmBytes / 2 ** 20, loss: p.loss });
    last = { step: p.step, at: now };
    console.log(`minute ${String(m).padStart(2)}: step ${p.step}, ${samplesPerSec.toFixed(0)} samples/s, wasm memory ${(p.wasmBytes / 2 ** 20).toFixed(1)} MiB, loss ${p.loss.toFixed(1)}`);
  }
  await page.click('#train');

  const base = rows[0].wasmMiB;
  const peak = Math.max(...rows.map((r) => r.wasmMiB));
  const growth = ((peak - base) / base) * 100;
  const rates = rows.slice(1).map((r) => r.samplesPerSec).sort((a, b) => a - b);
  const median = rates[Math.floor(rates.length / 2)];
  const spread = ((rates.at(-1) - rates[0]) / median) * 100;
  const verdict = [
    `memory: ${base.toFixed(1)} MiB at minute 1, peak ${peak.toFixed(1)} MiB: growth ${growth.toFixed(1)} % (target ≤ 5 %): ${growth <= 5 ? 'met' : 'MISSED'}`,
    `throughput after minute 1: median ${median.toFixed(0)} samples/s, range ${rates[0].toFixed(0)}–${rates.at(-1).toFixed(0)} (spread ${spread.toFixed(0)} % of the median)`,
    `page problems: ${problems.length ? problems.join('; ') : 'none'}`,
  ];
  const table = ['| minute | step | samples/s | wasm memory (MiB) | loss |', '|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.minute} | ${r.step} | ${r.samplesPerSec.toFixed(0)} | ${r.wasmMiB.toFixed(1)} | ${r.loss.toFixed(1)} |`)];
  const report = [`# Soak: ${minutes} minutes of training in headless Chromium`, '',
    `Default model (CVAE 784-400-8, batch ${batch}) from the pretrained start, autosave on, the page's views refreshing as usual.`,
    `Run ${new Date().toISOString()} with \`node scripts/soak.mjs --minutes ${minutes}\`.`, '', ...table, '', ...verdict.map((v) => `- ${v}`), ''].join('\n');
  mkdirSync('bench', { recursive: true });
  writeFileSync(`bench/soak-${minutes}min.md`, report);
  console.log(verdict.join('\n'));
  console.log(`written to bench/soak-${minutes}min.md`);
} finally {
  await browser.close();
  server.stop();
}
