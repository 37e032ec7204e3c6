// What the page knows, declared in one place: the settings, the model shown (its generation, kind
// and sizes), the explorer's class and z, and the one line of messages. The controllers share it.
import { FACTS } from '../state/facts.js';
import { renderText } from '../views/formulas.js';

export const $ = (id) => document.getElementById(id);

export const page = {
  values: null, // the settings (state.js), as the address and the controls set them
  model: null, // the model shown: its `ready` description ({gen, config, dataset, step, from, …}), or null while none
  kind: null, // its FACTS kind
  classes: 0,
  classMeans: new Float32Array(0),
  cls: null, // the class buttons' selection (see explorer.js)
  followClass: null, // class whose μ^y the sliders track while it trains, until the user drags
  running: false,
  ownSteps: 0, // steps trained here since the model was loaded, shipped or saved to a file
  fitted: null, // the fitted sampler's Gaussians (for the map), as the worker last sent them
  lastProgress: null,
  lastTest: undefined,
  latencies: [], // ms from input to the frame that paints its image (the benchmark reads them)
};

/// The FACTS entry of the kind the settings name (the model being shown or built).
export const kindOf = (values = page.values) => FACTS.kinds[values.model];
/// A data set's words (none for the user's own files).
export const datasetOf = (name) => FACTS.datasets[name] ?? null;

/// One message at the top of the list; five are kept.
export function say(text, kind = 'info') {
  const li = document.createElement('li');
  li.className = kind;
  li.textContent = text;
  $('messages').prepend(li);
  while ($('messages').children.length > 5) $('messages').lastChild.remove();
}

/// A data set's name as a file name part ("your files: a.gz, b.gz" → "your-files-a-gz-b-gz").
export const slug = (s) => s.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40);
export const pngName = () => `vae-lab-${slug(page.values.dataset)}-${page.values.model}-step${$('step').textContent.replace(/\D/g, '')}`;

/// Shows `text` in `el`, its inline TeX between `$…$` typeset (FACTS' words may hold some).
export const showText = (el, text) => renderText(el, text);

/// The parts of the page that need what a kind may lack (`data-needs="encoder"`: the map,
/// reconstructions, drawing, diagnostics and walkthrough need an encoder) are shown or hidden for
/// `kind`, and where they are hidden a line says why (`data-needs-not`, the kind's `views` words).
export function showKindParts(kind) {
  const has = { encoder: kind.hasEncoder };
  for (const el of document.querySelectorAll('[data-needs]')) el.hidden = !has[el.dataset.needs];
  for (const el of document.querySelectorAll('[data-needs-not]')) {
    el.hidden = has[el.dataset.needsNot];
    if (el.hidden) el.textContent = '';
    else showText(el, kind.views);
  }
}
