// Lesson links: the address can hide named panels and controls (hide=chart,settings) so that a
// teacher hands out a page that shows just what the lesson is about; "Copy link" gives the
// address of the page as it stands (settings, z, class, hidden parts, walkthrough stage).
// A lesson link says what it presets ("This lesson sets: β = 4, model VAE"), and what it scrolls
// to lands below the sticky top bar (style.css's scroll-margin reads --topbar-height, kept here).
import { BY_KEY, readHash } from './state.js';
import { FACTS } from './facts.js';
import { renderText } from '../views/formulas.js';

/// What `hide=` can name, and the elements each name hides.
export const HIDEABLE = {
  settings: ['.side'],
  train: ['.topbar .run', '#until-box'],
  stats: ['.topbar .stats'],
  explorer: ['#explore-panel'],
  sliders: ['#sliders'],
  classes: ['#classes-title', '#classes', '#class-readout', '#classes-note'],
  samples: ['.explorer-samples', '#sample', '#png-samples', '#png-traversal'],
  chart: ['#chart-panel'],
  walkthrough: ['#walk-panel'],
  latent: ['#views-panel'],
  draw: ['#draw-panel'],
  diagnostics: ['#diag-panel'],
  runs: ['#runs-panel'],
  compare: ['#compare-panel'],
};
// state.js's `hide` setting lists these same names (it reads the address before any view exists).
if (BY_KEY.hide.options.join() !== Object.keys(HIDEABLE).join()) throw new Error('teacher.js and state.js name different hideable parts');

/// Hides exactly the parts `names` (comma-separated) lists; shows the others.
export function applyHidden(names) {
  const hidden = new Set(String(names).split(',').filter(Boolean));
  for (const [name, selectors] of Object.entries(HIDEABLE)) {
    for (const sel of selectors) document.querySelectorAll(sel).forEach((el) => el.classList.toggle('hidden-by-link', hidden.has(name)));
  }
  document.body.dataset.hidden = [...hidden].join(',');
  followTopBar();
  showLesson(location.hash);
}

/// Keeps --topbar-height equal to the sticky top bar's height (it wraps to two or three rows as
/// the window narrows and as its status line grows), so that scrollIntoView lands below it.
let barObserver = null;
function followTopBar() {
  const bar = document.querySelector('.topbar');
  if (barObserver || !bar) return;
  const set = () => {
    const sticky = getComputedStyle(bar).position === 'sticky';
    document.documentElement.style.setProperty('--topbar-height', `${sticky ? Math.ceil(bar.getBoundingClientRect().height) : 0}px`);
  };
  barObserver = new ResizeObserver(set);
  barObserver.observe(bar);
  set();
}

/// Settings a lesson line names, in this order, and how each is said ($…$: typeset).
const SAID = {
  model: (v) => `model ${FACTS.kinds[v]?.name ?? v}`,
  dataset: (v) => `data ${FACTS.datasets[v]?.name ?? v}`,
  beta: (v) => `$\\beta = ${v}$`,
  latent: (v) => `latent size ${v}`,
  hidden: (v) => `hidden units ${v}`,
  layers: (v) => `hidden layers ${v}`,
  learningRate: (v) => `learning rate ${v}`,
  batch: (v) => `batch ${v}`,
  warmup: (v) => `KL warm-up ${v} steps`,
  meansSpread: (v) => `class means spread ${v}`,
  seed: (v) => `seed ${v}`,
  sampler: (v) => `sampling from ${v === 'prior' ? 'the prior' : 'a fitted Gaussian'}`,
  tau: (v) => `$\\tau = ${v}$`,
  class: (v) => `class ${v}`,
  until: (v) => `training until ${v}`,
  walk: (v) => `walkthrough at stage ${v}`,
};

/// A lesson link (one that hides parts or opens the walkthrough) gets a line in the top bar
/// saying what it sets; any other address none.
function showLesson(hash) {
  const { values, given, z } = readHash(hash);
  let line = document.getElementById('lesson');
  const lesson = (given.has('hide') && values.hide) || (given.has('walk') && values.walk > 0);
  if (!lesson) { line?.remove(); return; }
  if (!line) {
    line = document.createElement('p');
    line.id = 'lesson';
    line.className = 'lesson';
    // In the sticky top bar, so that it stays in view wherever the lesson scrolls to.
    (document.querySelector('.topbar') ?? document.body).append(line);
  }
  const said = Object.keys(SAID).filter((k) => given.has(k)).map((k) => SAID[k](values[k]));
  if (z) said.push('a starting $z$');
  if (values.hide) said.push(`hidden: ${values.hide.split(',').join(', ')}`);
  renderText(line, `This lesson sets: ${said.join('; ')}.`);
}

/// Copies `url` to the clipboard; where the page may not write it, selects it in `fallback`.
export async function copyLink(url, fallback) {
  try {
    await navigator.clipboard.writeText(url);
    return true;
  } catch {
    fallback.hidden = false;
    fallback.value = url;
    fallback.select();
    return false;
  }
}
