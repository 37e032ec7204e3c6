// The latent explorer's controls: one slider per z dimension and one button per class.
// Sliders report on `input` (every movement), so the image follows while dragging.

import { classColour } from './palette.js';

export const Z_RANGE = 4; // sliders span μ ± 4: covers >99.99 % of a unit-variance prior

export class LatentSliders {
  constructor(container, onInput) {
    this.container = container;
    this.onInput = onInput;
    this.inputs = [];
  }

  /// Rebuilds for `latent` dimensions, all at `z` (or 0).
  build(latent, z = null) {
    this.container.replaceChildren();
    this.inputs = [];
    for (let i = 0; i < latent; i++) {
      const row = document.createElement('div');
      row.className = 'slider-row';
      const label = document.createElement('label');
      label.htmlFor = `z${i}`;
      label.textContent = `z${sub(i + 1)}`;
      const input = document.createElement('input');
      Object.assign(input, { type: 'range', id: `z${i}`, min: -Z_RANGE, max: Z_RANGE, step: 0.01, value: z?.[i] ?? 0 });
      input.setAttribute('aria-label', `latent dimension ${i + 1}`);
      const out = document.createElement('output');
      out.htmlFor = input.id;
      out.textContent = Number(input.value).toFixed(2);
      input.addEventListener('input', () => {
        out.textContent = Number(input.value).toFixed(2);
        this.onInput(i);
      });
      row.append(label, input, out);
      this.container.append(row);
      this.inputs.push(input);
    }
  }

  values() {
    return this.inputs.map((el) => Number(el.value));
  }

  /// Moves the sliders to `z` (clamped to their range) without reporting it as user input.
  set(z) {
    this.inputs.forEach((el, i) => {
      el.value = String(Math.max(-Z_RANGE, Math.min(Z_RANGE, z[i] ?? 0)));
      el.nextElementSibling.textContent = Number(el.value).toFixed(2);
    });
  }
}

export class ClassButtons {
  constructor(container, onPick) {
    this.container = container;
    this.onPick = onPick;
    this.buttons = new Map();
  }

  /// One button per class in `classes` (the labels the training set has, e.g. [0, …, 9]); `kind`:
  /// the model (the seeds' CVAE moves z to μ^y; the standard CVAE tells the decoder y).
  build(classes, enabled, kind = 'cvae') {
    this.container.replaceChildren();
    this.buttons = new Map(classes.map((c) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = String(c);
      b.disabled = !enabled;
      b.style.setProperty('--class', classColour(c));
      b.setAttribute('aria-pressed', 'false');
      b.setAttribute('aria-label', kind === 'sohn' ? `decode as class ${c}` : `move z to the learned mean of class ${c}`);
      b.addEventListener('click', () => this.onPick(c));
      this.container.append(b);
      return [c, b];
    }));
  }

  select(c) {
    this.buttons.forEach((b, i) => b.setAttribute('aria-pressed', String(i === c)));
  }
}

function sub(n) {
  return String(n).replace(/\d/g, (d) => '₀₁₂₃₄₅₆₇₈₉'[d]);
}
