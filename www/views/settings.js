// Builds the settings form from the parameter table, each setting in its group's container (the
// side panel's sections), and reports each committed change.
import { PARAMS, coerce } from '../state/state.js';

export class SettingsForm {
  constructor(containers, values, onChange) {
    this.inputs = {};
    for (const p of PARAMS.filter((q) => !q.place)) {
      const container = containers[p.group];
      const row = document.createElement('div');
      row.className = 'field';
      const label = document.createElement('label');
      label.htmlFor = `set-${p.key}`;
      label.textContent = p.label;
      let input;
      if (p.kind === 'enum') {
        input = document.createElement('select');
        for (const [value, text] of Object.entries(p.options)) input.append(new Option(text, value));
      } else {
        input = document.createElement('input');
        Object.assign(input, { type: 'number', min: p.min, max: p.max, step: p.step });
      }
      input.id = `set-${p.key}`;
      input.title = p.help;
      input.setAttribute('aria-description', p.help);
      input.value = String(values[p.key]);
      // `change` (not `input`): a half-typed number must not rebuild the model.
      input.addEventListener('change', () => {
        const own = p.kind === 'enum' && !(input.value in p.options); // the user's files, added by set()
        const { value, problem } = own ? { value: input.value } : coerce(p, input.value);
        input.value = String(value);
        onChange(p, value, problem);
      });
      if (p.kind === 'enum') row.classList.add('wide'); // the options' text needs the width
      row.append(label, input);
      container.append(row);
      this.inputs[p.key] = input;
    }
  }

  /// Shows the rows of the settings `kind` has (FACTS: its `settings`), and the data set and kind.
  showFor(kind) {
    for (const [key, input] of Object.entries(this.inputs)) {
      input.closest('.field').hidden = !(key === 'dataset' || key === 'model' || kind.settings.includes(key));
    }
  }

  set(values) {
    for (const [k, v] of Object.entries(values)) {
      const input = this.inputs[k];
      if (!input) continue;
      // A data set the table does not list (the user's own files) gets an entry of its own.
      if (input.tagName === 'SELECT' && ![...input.options].some((o) => o.value === String(v))) input.append(new Option(String(v), String(v)));
      input.value = String(v);
    }
  }
}
