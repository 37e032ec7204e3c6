// The latent explorer's controls: one slider per z dimension and one button per class.
// Sliders report on `input` (every movement), so the image follows while dragging.
// Keyboard: an arrow key moves a slider by STEP (the range in about 40 presses), with Shift by
// FINE_STEP; Page Up/Down by 1, Home/End to the ends. The class buttons are one radio group: one
// tab stop, the arrow keys move between the classes (and pick them, as radio buttons do).

import { classColour, currentClassNames } from './palette.js';

export const Z_RANGE = 4; // sliders span μ ± 4: covers >99.99 % of a unit-variance prior
export const STEP = 0.2; // 2·Z_RANGE / 40
export const FINE_STEP = 0.02;

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
      // step 0.01 for the pointer (and for z set to a class mean); the keys' steps are below.
      Object.assign(input, { type: 'range', id: `z${i}`, min: -Z_RANGE, max: Z_RANGE, step: 0.01, value: z?.[i] ?? 0 });
      input.setAttribute('aria-label', `latent dimension ${i + 1}`);
      input.setAttribute('aria-keyshortcuts', 'ArrowLeft ArrowRight Shift+ArrowLeft Shift+ArrowRight PageUp PageDown Home End');
      input.title = `arrow keys: ±${STEP}; with Shift: ±${FINE_STEP}`;
      const out = document.createElement('output');
      out.htmlFor = input.id;
      out.textContent = Number(input.value).toFixed(2);
      const moved = () => {
        out.textContent = Number(input.value).toFixed(2);
        this.onInput(i);
      };
      input.addEventListener('input', moved);
      input.addEventListener('keydown', (e) => {
        const to = keyTarget(e, Number(input.value));
        if (to === null) return;
        e.preventDefault(); // the browser's own step (0.01) would take 800 presses
        const next = Math.round(Math.max(-Z_RANGE, Math.min(Z_RANGE, to)) * 100) / 100;
        if (next === Number(input.value)) return;
        input.value = String(next);
        moved();
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
    container.setAttribute('role', 'radiogroup');
    container.addEventListener('keydown', (e) => this.key(e));
  }

  /// One button per class in `classes` (the labels the training set has, e.g. [0, …, 9]), named
  /// by `names` (the data set's class names; by default those of the data set shown); `kind`: the
  /// model kind's facts (a kind with class means moves z to the class's mean; one that takes the
  /// label tells the decoder y).
  build(classes, enabled, kind, names = currentClassNames()) {
    this.container.replaceChildren();
    this.container.classList.toggle('named', !!names && classes.some((c) => (names[c] ?? String(c)) !== String(c)));
    this.buttons = new Map(classes.map((c) => {
      const b = document.createElement('button');
      b.type = 'button';
      const name = names?.[c] ?? String(c);
      b.textContent = name;
      b.dataset.cls = String(c);
      b.disabled = !enabled;
      b.style.setProperty('--class', classColour(c));
      b.setAttribute('role', 'radio');
      b.setAttribute('aria-checked', 'false');
      b.tabIndex = -1;
      b.title = kind?.takesLabel ? `decode as class ${name}` : `move z to the learned mean of class ${name}`;
      b.addEventListener('click', () => this.onPick(c));
      this.container.append(b);
      return [c, b];
    }));
    this.roving(null);
  }

  /// Marks `c` chosen (null: none, z has left every class mean).
  select(c) {
    this.buttons.forEach((b, i) => b.setAttribute('aria-checked', String(i === c)));
    this.roving(c);
  }

  /// One tab stop: the chosen class's button, else the first one.
  roving(c) {
    const first = this.buttons.get(c) ?? this.buttons.values().next().value;
    this.buttons.forEach((b) => { b.tabIndex = b === first ? 0 : -1; });
  }

  /// Arrow keys move between the classes and pick the one they land on; Home/End the ends.
  key(e) {
    const list = [...this.buttons.values()].filter((b) => !b.disabled);
    const at = list.indexOf(document.activeElement);
    if (at < 0) return;
    const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[e.key];
    const to = e.key === 'Home' ? 0 : e.key === 'End' ? list.length - 1 : step ? (at + step + list.length) % list.length : null;
    if (to === null) return;
    e.preventDefault();
    list[to].focus();
    list[to].click();
  }
}

/// Where a key moves a slider from `v`, or null for a key it leaves alone.
function keyTarget(e, v) {
  if (e.altKey || e.ctrlKey || e.metaKey) return null;
  const step = e.shiftKey ? FINE_STEP : STEP;
  switch (e.key) {
    case 'ArrowRight': case 'ArrowUp': return v + step;
    case 'ArrowLeft': case 'ArrowDown': return v - step;
    case 'PageUp': return v + 1;
    case 'PageDown': return v - 1;
    case 'Home': return -Z_RANGE;
    case 'End': return Z_RANGE;
    default: return null;
  }
}

function sub(n) {
  return String(n).replace(/\d/g, (d) => '₀₁₂₃₄₅₆₇₈₉'[d]);
}
