// The run controls and the top bar: Train / Pause, Step, the stop condition, the step, epoch and
// speed, the status line (which model is shown and where it came from, with a way back to the
// pretrained one), and the model's files: Start fresh, Save, Load, the user's IDX files.
import { BY_KEY, coerce, modelConfig } from '../state/state.js';
import { downloadBlob } from '../lib/files.js';
import { quiet } from '../workers/protocol.js';
import { shippedFor } from '../state/shipped-model.js';
import { $, page, kindOf, datasetOf, say, slug } from './page.js';

export function createRunControls({ client, change, noteAutosave }) {
  const untilNow = () => (page.values.until > 0 ? { [page.values.untilUnit]: page.values.until } : null);
  const untilText = (u) => (u.step != null ? `step ${u.step.toLocaleString()}` : `the end of epoch ${u.epoch}`);

  function setRunning(running) {
    page.running = running;
    $('step-once').disabled = running || !page.model || !kindOf().trainable;
    if (running) $('status').textContent = 'Training… drag the sliders or sample as it learns; Pause to stop.';
    $('train').textContent = running ? 'Pause' : 'Train';
    $('train').setAttribute('aria-pressed', String(running));
  }

  const showStep = (step) => { $('step').textContent = step.toLocaleString(); };

  function showProgress(d) {
    showStep(d.step);
    $('epoch').textContent = `${d.epoch + 1} (${Math.round(d.epochProgress * 100)} %)`;
    $('epoch-bar').value = d.epochProgress;
    $('rate').textContent = d.samplesPerSec == null ? '–'
      : `${Math.round(d.samplesPerSec).toLocaleString()} samples/s, ${d.stepsPerSec.toFixed(1)} steps/s, ${d.threads > 1 ? `${d.threads} threads` : 'one thread'}`;
  }

  $('train').addEventListener('click', () => {
    if (page.running) { client.pause().then((d) => { setRunning(false); showStep(d.step); }, quiet()); return; }
    client.train({ until: untilNow() }).then((d) => {
      if (d.training) setRunning(true);
      else say(`Not started: the model is already at step ${d.step.toLocaleString()}, past the stop condition (${untilText(d.until)}).`, 'warn');
    }, quiet((e) => say(`train: ${e.message}`, 'error')));
  });
  $('step-once').addEventListener('click', () => client.step().catch(quiet((e) => say(`step: ${e.message}`, 'error'))));

  function showUntil() {
    $('until').value = page.values.until > 0 ? String(page.values.until) : '';
    $('until-unit').value = page.values.untilUnit;
  }
  for (const [id, key] of [['until', 'until'], ['until-unit', 'untilUnit']]) {
    $(id).addEventListener('change', () => {
      const { value, problem } = coerce(BY_KEY[key], $(id).value === '' ? 0 : $(id).value);
      if (problem) say(`${problem}: nothing changed`, 'warn');
      else page.values[key] = value;
      showUntil();
      controls.onChange?.();
    });
  }
  showUntil();

  // ---- Files.
  $('restart').addEventListener('click', () => change({ why: 'Start fresh replaced the model with random weights', source: 'fresh', sameSlot: true }));
  $('use-pretrained').addEventListener('click', () => change({ why: 'the pretrained model replaced yours', source: 'pretrained', sameSlot: true }));
  $('save').addEventListener('click', () => client.save().then((d) => {
    const name = `vae-lab-${slug(d.dataset)}-${d.model}-step${d.step}.safetensors`;
    downloadBlob(new Blob([d.bytes], { type: 'application/octet-stream' }), name);
    page.ownSteps = 0;
    say(`Saved ${name}.`);
  }, quiet((e) => say(`save: ${e.message}`, 'error'))));
  $('load').addEventListener('click', () => $('load-file').click());
  const loadModelFile = async (file) => {
    const bytes = new Uint8Array(await file.arrayBuffer());
    change({ why: `${file.name} was loaded`, request: 'load', args: { name: file.name, bytes }, sameSlot: true });
  };
  $('load-file').addEventListener('change', () => {
    const file = $('load-file').files[0];
    $('load-file').value = '';
    if (file) loadModelFile(file);
  });
  /// The user's own IDX files (images and labels, raw or gzip): a fresh model trains on them.
  async function useDataFiles(files) {
    const read = await Promise.all(files.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
    change({ why: 'new data: the IDX files you gave', request: 'files', args: { files: read, config: modelConfig(page.values) }, transfer: read.map((f) => f.bytes.buffer) });
  }
  $('data').addEventListener('click', () => $('data-file').click());
  $('data-file').addEventListener('change', () => {
    const files = [...$('data-file').files];
    $('data-file').value = '';
    if (files.length) useDataFiles(files);
  });
  // Files dropped anywhere on the page: a model file loads like "Load model"; IDX files become the data.
  window.addEventListener('dragover', (e) => { e.preventDefault(); document.body.classList.add('dropping'); });
  window.addEventListener('dragleave', () => document.body.classList.remove('dropping'));
  window.addEventListener('drop', (e) => {
    e.preventDefault();
    document.body.classList.remove('dropping');
    const files = [...(e.dataTransfer?.files ?? [])];
    const model = files.find((f) => /\.safetensors$/i.test(f.name));
    if (model) loadModelFile(model);
    else if (files.length) useDataFiles(files);
  });

  /// Where the model shown came from, in words.
  function origin(d) {
    const resumes = d.from?.resumed ? ', optimiser state restored' : '';
    const own = d.ownSteps > 0 ? `, ${d.ownSteps.toLocaleString()} of them trained here` : '';
    const origins = {
      pretrained: () => `the pretrained model (${d.step.toLocaleString()} steps, trained by the CLI): drag the sliders, or Train to go on`,
      file: () => `${d.from.name} (${d.step.toLocaleString()} steps${resumes}${d.from.trainer ? `, saved by ${d.from.trainer}` : ''})`,
      files: () => 'your own files, from random weights (kept in this tab only: the browser does not store your data)',
      autosave: () => `your model as autosaved at ${new Date(d.from.savedAt).toLocaleTimeString()} (${d.step.toLocaleString()} steps${own}${resumes})`,
    };
    return !kindOf().trainable ? 'solved exactly from the training images (nothing to train)' : origins[d.from?.kind]?.() ?? 'random weights';
  }

  const controls = {
    setRunning,
    showUntil,
    untilText,
    reset(why) {
      setRunning(false);
      $('train').disabled = true;
      $('step-once').disabled = true;
      $('status').textContent = `Building the model… (${why})`;
      $('use-pretrained').hidden = true;
    },
    ready(d) {
      const kind = kindOf();
      page.ownSteps = d.ownSteps;
      if (d.from?.kind === 'autosave') noteAutosave(d.dataset, d.config.model); // saved before the hint existed
      $('autosave').textContent = d.from?.kind === 'autosave' ? `restored (step ${d.step.toLocaleString()})`
        : datasetOf(d.dataset) ? '–' : 'off: your own data stays in this tab';
      showProgress({ step: d.step, epoch: d.epoch, epochProgress: d.epochProgress, samplesPerSec: null });
      setRunning(false);
      $('train').disabled = !kind.trainable;
      $('step-once').disabled = !kind.trainable;
      $('train').title = kind.trainable ? '' : `${kind.name} is solved exactly when it is built: there is nothing to train`;
      $('status').textContent = `Ready: ${kind.name} with ${d.latent} latent dimensions on `
        + `${d.trainSize.toLocaleString()} training and ${d.testSize.toLocaleString()} test images; ${origin(d)}.`;
      // The pretrained model is one click away whenever another one of its kind and sizes is
      // shown and one is shipped (at other sizes the button would bring random weights).
      const shipped = datasetOf(d.dataset) ? shippedFor(d.dataset, d.config) : null;
      $('use-pretrained').hidden = !kind.trainable || d.from?.kind === 'pretrained' || !shipped;
      if (shipped) $('use-pretrained').title = `the shipped ${kind.name} with ${shipped.latent} latent dimensions on ${datasetOf(d.dataset).name}, trained by the CLI`;
    },
    progress(d) {
      page.ownSteps = d.ownSteps;
      showProgress(d);
      if (!d.running) {
        setRunning(false);
        $('status').textContent = d.stopped
          ? `Stopped at step ${d.step.toLocaleString()} (epoch ${d.epoch + 1}): the stop condition, ${untilText(d.stopped)}, is reached. Train goes on past it once you change or clear it.`
          : `Paused at step ${d.step.toLocaleString()}: drag the sliders, or Train to go on.`;
      }
    },
    showProgress,
    showStep,
  };
  return controls;
}
