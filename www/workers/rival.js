// Compare's other model: the kind the model in memory is set against (FACTS' `rival`: the GAN
// beside a VAE, the VAE beside a GAN) on the same data set, from this browser's autosave of that
// kind when the person trained one, else the shipped pretrained model of that kind. Only its bytes
// and where they came from are found here; Rust builds it for the comparison alone
// (Lab.compareWith), so the model in memory is never replaced and no training is lost.
import { FACTS } from '../state/facts.js';
import { loadAutosave, autosaveKey } from './autosave.js';
import { shippedOfKind, shippedUrl } from '../state/shipped-model.js';
import { isShipped } from './data.js';

/// Where the other side may come from, best first: [{from, words, bytes: () => Promise<Uint8Array>} | {words, problem}].
async function sources(dataset, config, kind) {
  const name = FACTS.kinds[kind].name;
  const out = [];
  if (!isShipped(dataset)) return out; // this browser keeps no models of the user's own files
  const { record, problem } = await loadAutosave(autosaveKey(dataset, kind));
  const autosaved = `this browser's autosaved ${name}`;
  if (problem) out.push({ words: autosaved, problem });
  else if (record) out.push({ words: autosaved, from: { kind: 'autosave', savedAt: record.savedAt }, bytes: async () => record.checkpoint });
  const shipped = shippedOfKind(dataset, { ...config, model: kind });
  if (shipped) {
    out.push({
      words: `the shipped ${name}`,
      from: { kind: 'pretrained', file: shipped.file },
      bytes: async () => {
        const res = await fetch(shippedUrl(shipped));
        if (!res.ok) throw new Error(`${shipped.file}.safetensors could not be fetched (HTTP ${res.status})`);
        return new Uint8Array(await res.arrayBuffer());
      },
    });
  }
  return out;
}

/// `lab` (the model in memory) against its rival: the first source that Rust accepts. Returns the
/// report with `rival` (the other kind), `otherFrom` and `problems` (sources passed over, with
/// why), or `{rival, missing: true, problems}` when there is none to compare with. `stillShown()`
/// says whether `lab` is still the model in memory (awaits may see it replaced).
export async function compareWithRival(lab, classifier, stillShown, { samples, seed }) {
  if (!stillShown()) throw new Error('the model changed while the comparison was set up');
  const config = lab.config();
  const rival = FACTS.kinds[config.model].rival;
  const problems = [];
  for (const source of await sources(lab.dataset, config, rival)) {
    if (source.problem) { problems.push(`${source.words} could not be used: ${source.problem}`); continue; }
    let bytes;
    try {
      bytes = await source.bytes();
    } catch (e) {
      problems.push(`${source.words} could not be used: ${e?.message ?? e}`);
      continue;
    }
    if (!stillShown()) throw new Error('the model changed while the comparison was set up');
    try {
      const t0 = performance.now();
      const report = lab.compareWith(classifier, bytes, samples, seed);
      return { ...report, rival, otherFrom: source.from, problems, ms: performance.now() - t0 };
    } catch (e) {
      problems.push(`${source.words} could not be used: ${e?.message ?? e}`);
    }
  }
  return { rival, missing: true, problems };
}
