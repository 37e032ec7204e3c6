// A row of bars under a figure: per-class accuracy, KL per latent dimension, the code's spread.
// Each bar has a height (0 to 1 of the row), a colour, a label under it and a title on hover.

const HEIGHT_PX = 56;

/// Paints `bars` ([{height, colour, label, title}]) into `box`, described by `ariaLabel`.
export function paintBars(box, bars, ariaLabel) {
  box.replaceChildren(...bars.map(({ height, colour, label, title }) => {
    const bar = document.createElement('div');
    bar.className = 'bar';
    bar.title = title;
    const fill = document.createElement('span');
    fill.style.height = `${Math.round(Math.max(0, Math.min(1, height)) * HEIGHT_PX)}px`;
    fill.style.background = colour;
    const text = document.createElement('b');
    text.textContent = label;
    bar.append(fill, text);
    return bar;
  }));
  box.setAttribute('aria-label', ariaLabel);
}
