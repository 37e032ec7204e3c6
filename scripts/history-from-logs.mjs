// Writes models/<name>.history.json from models/logs/<name>.txt: the shipped model's loss curve
// as its training printed it, one point per epoch (the epoch's mean training loss and terms, and
// the test −ELBO after it), so the page's chart starts with the model's own history.
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
  if (!h.step.length) throw new Error(`${name}: no epoch lines in its log`);
  writeFileSync(`models/${name}.history.json`, `${JSON.stringify(h)}\n`);
  console.log(`models/${name}.history.json: ${h.step.length} epochs, last step ${h.step.at(-1).toLocaleString()}`);
}
