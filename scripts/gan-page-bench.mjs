// Issue 26's page benchmark: a GAN trained from scratch in the page for a fixed time on one thread
// (the page served without cross-origin isolation), then saved, and its samples scored by the
// CLI exactly as the README's table scores every model (`vae-lab eval --classifier`: 10,000 prior
// draws read by the project's classifier). Prints the steps reached and the figures, with the
// machine's load average, since the cores may be shared. Not part of the test command.
//
//   node scripts/gan-page-bench.mjs [--minutes 5] [--model gan] [--dataset mnist]
//   (after scripts/build.sh; cargo builds the CLI itself)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir, loadavg } from 'node:os';
import { startServer, launchBrowser, openPage, waitFor, stepCount, text } from '../tests/e2e/harness.mjs';

const arg = (name, fallback) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : fallback; };
const minutes = Number(arg('--minutes', '5'));
const kind = arg('--model', 'gan');
const dataset = arg('--dataset', 'mnist');
if (!(minutes > 0 && minutes <= 120)) throw new Error(`--minutes ${minutes}: give a number of minutes from 0 to 120`);

execFileSync('cargo', ['build', '--release', '--quiet', '--bin', 'vae-lab'], { stdio: 'inherit' });
const server = await startServer(['--one-thread']);
const browser = await launchBrowser();
const dir = mkdtempSync(join(tmpdir(), 'gan-page-bench-'));
try {
  const { page, problems } = await openPage(browser, `${server.url}#model=${kind}&dataset=${dataset}`);
  await waitFor('the model', async () => /^Ready/.test(await text(page, 'status')), 120_000);
  // From scratch: random weights even where a pretrained model was shown (a fresh browser has no
  // training of its own for Start fresh to ask about).
  await page.click('#restart');
  await waitFor('random weights', async () => (await stepCount(page)) === 0 && /^Ready/.test(await text(page, 'status')), 120_000);
  const load = loadavg()[0];
  await page.click('#train');
  const t0 = Date.now();
  await new Promise((r) => setTimeout(r, minutes * 60_000));
  await page.click('#train');
  await waitFor('paused', async () => (await text(page, 'train')) === 'Train');
  const seconds = (Date.now() - t0) / 1000;
  const steps = await stepCount(page);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#save')]);
  const file = join(dir, download.suggestedFilename());
  await download.saveAs(file);
  const cli = join(process.env.CARGO_TARGET_DIR ?? 'target', 'release', 'vae-lab');
  const report = execFileSync(cli, ['eval', '--checkpoint', file, '--classifier', `models/${dataset}-classifier.safetensors`], { encoding: 'utf8' });
  console.log(`# ${kind} on ${dataset}, trained from scratch in the page for ${seconds.toFixed(0)} s on one thread: ${steps.toLocaleString('en')} steps `
    + `(${(steps / seconds).toFixed(1)} a second); load average at the start ${load.toFixed(2)} on ${(await import('node:os')).cpus().length} cores`);
  console.log(report.trim());
  if (problems.length) console.log(`page problems: ${problems.join('; ')}`);
} finally {
  await browser.close();
  server.stop();
  rmSync(dir, { recursive: true, force: true });
}
