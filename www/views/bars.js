// A row of bars under a figure: per-class accuracy, KL per latent dimension, the code's spread.
// Each bar has a height (0 to 1 of the row), a colour, a label under it and a title on hover.
// Per-class bars are labelled with the classes' names (Fashion-MNIST's garments wrap onto two
// short lines under their bars).
import { className, currentClassNames } from './palette.js';

const HEIGHT_PX = 56;

/// Paints `bars` ([{height, colour, label, title, cls}]) into `box`, described by `ariaLabel`. A bar
/// with `cls` (a class number) is labelled with that class's name in `names` (by default the
/// names of the data set shown) instead of `label`.
export function paintBars(box, bars, ariaLabel, names = currentClassNames()) {
  let words = false;
  box.replaceChildren(...bars.map(({ height, colour, label, title, cls }) => {
    const bar = document.createElement('div');
    bar.className = 'bar';
    bar.title = title;
    const fill = document.createElement('span');
    fill.style.height = `${Math.round(Math.max(0, Math.min(1, height)) * HEIGHT_PX)}px`;
    fill.style.background = colour;
    const text = document.createElement('b');
    text.textContent = cls === undefined ? label : className(cls, names);
    words ||= !/^\d+$/.test(text.textContent);
    bar.append(fill, text);
    return bar;
  }));
  box.classList.toggle('named', words);
  box.setAttribute('aria-label', ariaLabel);
}

/// Per-class bars: `values[y]` from 0 to 1 for each class y, in its colour, named.
export function paintClassBars(box, values, colours, { title, ariaLabel, names = currentClassNames() }) {
  paintBars(box, values.map((v, y) => ({ height: v, colour: colours[y % colours.length], label: String(y), title: title(y, v), cls: y })), ariaLabel, names);
}
