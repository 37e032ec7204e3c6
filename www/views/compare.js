// The Compare panel's two pictures and one table: each side's grid of draws, and the same figures
// for both models with the real test images' row beneath as the reference (what Rust measured,
// `evaluation::side_by_side`; nothing is computed here but the formatting).
import { paintGrid } from './digits.js';
import { className } from './palette.js';

/// Paints a side's grid (gridSide × gridSide images) on `canvas`, and says what it holds.
export function paintSide(canvas, side, gridSide, words) {
  paintGrid(canvas, side.grid, gridSide, gridSide);
  canvas.setAttribute('aria-label', words);
}

/// Clears a side's grid (a new model: out of date).
export function clearSide(canvas, words) {
  canvas.getContext('2d').clearRect(0, 0, canvas.width, canvas.height);
  canvas.setAttribute('aria-label', words);
}

const percent = (x) => `${(100 * x).toFixed(1)} %`;

/// The least-drawn class: its share and its name ("1.2 % (7)").
function coverage(f, names) {
  const y = f.classShares.indexOf(Math.min(...f.classShares));
  return `${percent(f.coverage)} (${className(y, names)})`;
}

/// One row: a heading cell and the figures, each cell with `data-figure` (the tests read them).
function row(heading, cells, reference = false) {
  const tr = document.createElement('tr');
  if (reference) tr.className = 'reference';
  const th = document.createElement('th');
  th.scope = 'row';
  th.textContent = heading;
  tr.append(th);
  for (const [figure, value] of cells) {
    const td = document.createElement('td');
    td.dataset.figure = figure;
    td.textContent = value;
    tr.append(td);
  }
  return tr;
}

const COLUMNS = [
  ['score', 'Classifier score ↑', 'exp E_x KL(p(y | x) ‖ p(y)): high when each image is clearly one class and the classes are drawn evenly; at most the number of classes'],
  ['frechet', 'Fréchet distance ↓', '|μ₁ − μ₂|² + tr(Σ₁ + Σ₂ − 2(Σ₁Σ₂)^½) between Gaussians fitted to the classifier’s penultimate features of the draws and of the test images: 0 for the same distribution'],
  ['coverage', 'Least-drawn class', 'the share of the draws the classifier gives the class it reads least often (10 % each when ten classes are drawn evenly; near 0 when a class is missing)'],
  ['grey', 'Grey pixels', 'share of pixels strictly between 0.1 and 0.9: blur shows as more grey than the real images have'],
];

/// Fills `table`: a row per model (`rows`: [{heading, side}]) and the real test images' row.
export function showTable(table, report, rows, names) {
  const head = document.createElement('tr');
  const corner = document.createElement('th');
  corner.scope = 'col';
  corner.textContent = 'Images';
  head.append(corner);
  for (const [, label, title] of COLUMNS) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = label;
    th.title = title;
    head.append(th);
  }
  const thead = document.createElement('thead');
  thead.append(head);
  const tbody = document.createElement('tbody');
  for (const { heading, side } of rows) {
    const f = side.figures;
    tbody.append(row(heading, [['score', f.score.toFixed(2)], ['frechet', side.frechet.toFixed(1)], ['coverage', coverage(f, names)], ['grey', percent(f.greyShare)]]));
  }
  const r = report.real;
  tbody.append(row('Real test images (reference)', [['score', r.score.toFixed(2)], ['frechet', '0 (itself)'], ['coverage', coverage(r, names)], ['grey', percent(r.greyShare)]], true));
  table.replaceChildren(thead, tbody);
}
