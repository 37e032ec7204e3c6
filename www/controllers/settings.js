// The settings and the address: the settings form (a size, the kind or the data set builds another
// model; β, learning rate and warm-up change the one in memory, in one message), the kind's
// one-line summary under the model menu, the address kept in step with both, and lesson links
// (hidden parts, Copy link).
import { PARAMS, readHash, writeHash } from '../state/state.js';
import { SettingsForm } from '../views/settings.js';
import { HIDEABLE, applyHidden, copyLink } from '../state/teacher.js';
import { quiet } from '../workers/protocol.js';
import { FACTS } from '../state/facts.js';
import { $, page, kindOf, say, showText } from './page.js';

const TRAINING = ['beta', 'learningRate', 'warmup'];

export function createSettings({ client, change, explorer, controls }) {
  const summary = document.createElement('p');
  summary.id = 'model-summary';
  summary.className = 'note';
  summary.setAttribute('aria-live', 'polite');
  /// The kind's one line under the menu, and only the settings it has.
  const showSummary = () => { showText(summary, kindOf().summary); form.showFor(kindOf()); };

  let hashTimer = 0;
  function saveHashSoon() {
    clearTimeout(hashTimer);
    hashTimer = setTimeout(() => history.replaceState(null, '', writeHash(page.values, explorer.sliders.values()) || location.pathname), 250);
  }

  /// β, learning rate and warm-up to the model in memory, together; refused ones change nothing.
  function sendTraining(values) {
    const before = page.model?.config;
    client.set(values).then((d) => settings.updated?.(d.config), quiet((e) => {
      say(`${e.message}: nothing changed`, 'warn');
      if (before) { TRAINING.forEach((k) => { page.values[k] = before[k]; }); form.set(page.values); saveHashSoon(); }
    }));
  }

  function onSetting(param, value, problem) {
    if (problem) { // refused: the control goes back to the value in use
      say(`${problem}: nothing changed`, 'warn');
      form.set(page.values);
      return;
    }
    if (page.values[param.key] === value) return;
    if (!param.restart) {
      page.values[param.key] = value;
      saveHashSoon();
      if (page.model) sendTraining({ [param.key]: value });
      return;
    }
    // Another model: the kind or data set switches to that one's (its autosave if there is one);
    // a size asks for exactly those sizes.
    const previous = page.values[param.key];
    const switching = param.key === 'model' || param.key === 'dataset';
    const wanted = switching ? {} : Object.fromEntries(PARAMS.filter((p) => p.restart && p.key !== 'dataset').map((p) => [p.key, p.key === param.key ? value : page.values[p.key]]));
    // A new kind starts at its own learning rate (a GAN's Adams at 2·10⁻⁴) unless another was chosen.
    const rate = param.key === 'model' && page.values.learningRate === kindOf().learningRate ? { learningRate: FACTS.kinds[value].learningRate } : {};
    change({ why: `${param.label} changed`, values: { [param.key]: value, ...rate }, wanted, switching }).then((done) => {
      if (done) return;
      page.values[param.key] = previous; // asked and cancelled: the control goes back
      form.set(page.values);
      showSummary();
    });
  }

  const form = new SettingsForm({ model: $('settings-model'), training: $('settings-training'), data: $('settings-data') }, page.values, onSetting);
  form.inputs.model.closest('.field').after(summary);
  showSummary();

  window.addEventListener('hashchange', () => {
    const next = readHash(location.hash);
    next.problems.forEach((p) => say(p, 'warn'));
    const changed = PARAMS.filter((p) => p.restart && next.values[p.key] !== page.values[p.key]);
    const keep = { ...page.values };
    page.values = next.values;
    form.set(page.values);
    applyHidden(page.values.hide);
    controls.showUntil();
    if (changed.length) {
      explorer.setPendingZ(next.z, !!next.z);
      const wanted = Object.fromEntries(PARAMS.filter((p) => p.restart && p.key !== 'dataset' && next.given.has(p.key)).map((p) => [p.key, page.values[p.key]]));
      change({ why: 'settings from the address', values: {}, wanted }).then((done) => {
        if (!done) { page.values = keep; form.set(page.values); saveHashSoon(); }
      });
    } else {
      const { beta, learningRate, warmup } = page.values;
      sendTraining({ beta, learningRate, warmup });
      explorer.showSampler();
      if (kindOf().conditional && next.given.has('class') && next.values.class < page.classes) explorer.pickClass(next.values.class);
      if (next.z) { explorer.sliders.set(next.z); explorer.showZ(); }
      explorer.requestSamples();
    }
  });

  // ---- Lesson links: hidden parts from the address; "Copy link" with the parts ticked hidden.
  applyHidden(page.values.hide);
  $('share-hide').append(...Object.keys(HIDEABLE).map((name) => {
    const label = document.createElement('label');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.value = name;
    box.checked = page.values.hide.split(',').includes(name);
    label.append(box, ` ${name}`);
    return label;
  }));
  $('copy-link').addEventListener('click', async () => {
    const hide = [...$('share-hide').querySelectorAll('input:checked')].map((b) => b.value).join(',');
    const walk = page.walkthrough.walk ? page.walkthrough.at + 1 : 0;
    const url = `${location.origin}${location.pathname}${writeHash({ ...page.values, hide, walk }, explorer.sliders.values())}`;
    const copied = await copyLink(url, $('link-out'));
    $('copy-link').dataset.link = url;
    say(copied ? 'The link to this view is copied.' : 'Copy the link from the box under the button.', 'info');
  });

  const settings = {
    saveHashSoon,
    sendTraining,
    /// A model is ready: its own settings show (the training settings an address gave outlast the
    /// first model's own: the model is told them once).
    ready(d, asked) {
      page.values = { ...page.values, ...d.config, ...asked, dataset: d.dataset };
      if (Object.keys(asked).length) sendTraining(asked);
      form.set(page.values);
      showSummary();
      saveHashSoon();
    },
    form,
  };
  return settings;
}
