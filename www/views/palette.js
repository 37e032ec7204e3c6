// The ten class colours (Tableau 10), one per class wherever classes are drawn: the map's dots and
// means, the class buttons, the per-class bars, the classifier's readings under the samples; and
// the classes' names (a data set's own: Fashion-MNIST's garments, MNIST's digits), and the page's
// colours for what is painted on canvases.
import { FACTS } from '../state/facts.js';
import { page } from '../controllers/page.js';

export const CLASS_COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/// Class `c`'s colour (the palette repeats past ten classes).
export const classColour = (c) => CLASS_COLOURS[c % CLASS_COLOURS.length];

/// The class names of the data set the page shows (FACTS.datasets), or null for the user's own
/// files (their classes are numbers). The views take names as an argument; this is their default.
export function currentClassNames() {
  return FACTS.datasets[page.values?.dataset]?.classNames ?? null;
}

/// Class `c`'s name in `names` (default: the data set shown), else its number.
export const className = (c, names = currentClassNames()) => names?.[c] ?? String(c);

/// The page's colours for canvases, from style.css's custom properties (light or dark, as the
/// system asks): read at each paint, so a canvas is never left in the other scheme's colours.
export function themeColours() {
  const css = getComputedStyle(document.documentElement);
  const get = (name, fallback) => css.getPropertyValue(name).trim() || fallback;
  return { bg: get('--panel', '#fff'), fg: get('--fg', '#111827'), muted: get('--muted', '#525b68'), line: get('--line', '#dfe3e8'), accent: get('--accent', '#1d4ed8'), bad: get('--bad', '#b91c1c') };
}

/// Calls `repaint` whenever the system switches between light and dark.
export function onSchemeChange(repaint) {
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', repaint);
}
