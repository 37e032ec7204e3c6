// Lesson links: the address can hide named panels and controls (hide=chart,settings) so that a
// teacher hands out a page that shows just what the lesson is about; "Copy link" gives the
// address of the page as it stands (settings, z, class, hidden parts, walkthrough stage).
import { BY_KEY } from './state.js';

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
