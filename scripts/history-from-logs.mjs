// Writes models/<name>.history.json from models/logs/<name>.txt: the shipped model's loss curve
// as its training printed it, one point per epoch (the epoch's mean training loss and terms, and
// the test −ELBO after it; for a GAN, the epoch's mean of each figure its step reports, and no
// test figure), so the page's chart starts with the model's own history.
// Usage: node scripts/history-from-logs.mjs [name ...]   (all shipped networks when none named)
import { readFileSync, writeFileSync, readdirSync } from 'node:fs';

const names = process.argv.slice(2).length ? process.argv.slice(2)
  : readdirSync('models/logs').map((f) => f.replace(/\.txt$/, '')).filter((n) => !/classifier|pca/.test(n));

for (const name of names) {
  const log = readFileSync(`models/logs/${name}.txt`, 'utf8');
  const train = Number(/(\d+) train and/.exec(log)?.[1]);
  const batch = Number(/batch (\d+)/.exec(log)?.[1]);
  if (!train || !batch) throw new Error(`${name}: the log names no training set size or batch`);
  const perEpoch = Math.floor(train / Math.min(batch, train));
  const h = { step: [], recon: [], kl: [], loss: [], test: [] };
  const line = /^epoch +(\d+) +train: (?:loss ([\d.]+) \(recon ([\d.]+), KL ([\d.]+)\)|reconstruction error ([\d.]+)) +test: (?:−ELBO ([\d.]+)|reconstruction error ([\d.]+))/gm;
  for (const m of log.matchAll(line)) {
    const [epoch, loss, recon, kl, aeTrain, test, aeTest] = m.slice(1).map((v) => (v === undefined ? undefined : Number(v)));
    h.step.push(epoch * perEpoch);
    h.recon.push(recon ?? aeTrain);
    h.kl.push(kl ?? 0);
    h.loss.push(loss ?? aeTrain);
    h.test.push(test ?? aeTest);
  }
  // A GAN's epoch lines name their step and figures: "epoch 3  step 420  train: dLoss 0.61, gLoss 2.1, …".
  // A log of several runs, each resuming the last (--init), numbers its epochs from 1 in each; the
  // steps go on.
  if (!h.step.length) {
    const gan = /^epoch +\d+ +step (\d+) +train: (.+?) {2}[\d.]+ samples\/s$/gm;
    const points = [...log.matchAll(gan)].map((m) => [Number(m[1]), m[2].split(', ').map((t) => t.split(' '))]);
    if (points.length) {
      const terms = points[0][1].map(([t]) => t);
      for (const k of ['recon', 'kl', 'loss']) delete h[k];
      for (const t of terms) h[t] = [];
      for (const [step, figures] of points) {
        if (h.step.length && step <= h.step.at(-1)) throw new Error(`${name}: step ${step} comes after step ${h.step.at(-1)}`);
        h.step.push(step);
        for (const [t, v] of figures) h[t].push(Number(v));
        h.test.push(null);
      }
      if (terms.some((t) => h[t].length !== h.step.length)) throw new Error(`${name}: its epoch lines do not all name the same figures`);
    }
  }
  if (!h.step.length) throw new Error(`${name}: no epoch lines in its log`);
  writeFileSync(`models/${name}.history.json`, `${JSON.stringify(h)}\n`);
  console.log(`models/${name}.history.json: ${h.step.length} epochs, last step ${h.step.at(-1).toLocaleString()}`);
}
