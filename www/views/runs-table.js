// The runs table: one row per recorded run (runs.js), sortable by any column (click its heading;
// again to reverse), the current run marked, and a tick box per row to overlay up to two runs'
// loss curves on the chart. Wider than its panel (15 columns), it scrolls sideways and says so: a
// line above it, shadows on the side with more columns (style.css), and its box takes the keyboard's
// arrows (a focusable region).
import { COLUMNS } from '../state/runs.js';

export const OVERLAY_MAX = 2;

export class RunsTable {
  constructor(table, { onOverlay }) {
    Object.assign(this, { table, onOverlay });
    this.runs = [];
    this.current = null;
    this.sort = { key: 'started', down: true };
    this.overlaid = new Set();
    this.wrap = table.closest('.table-wrap');
    if (this.wrap) {
      // Said above the box (a caption would scroll away with the table it is part of).
      this.cue = document.createElement('p');
      this.cue.id = 'runs-scroll-cue';
      this.cue.className = 'note scroll-cue';
      this.cue.textContent = `${COLUMNS.length + 1} columns, wider than this panel: scroll sideways (swipe, Shift + wheel, or focus the table and use the arrow keys) to see them all.`;
      this.wrap.before(this.cue);
      this.wrap.setAttribute('aria-describedby', this.cue.id);
      this.wrap.tabIndex = 0;
      this.wrap.setAttribute('role', 'region');
      this.wrap.setAttribute('aria-label', 'runs table (scrolls sideways)');
      new ResizeObserver(() => this.markScroll()).observe(this.wrap);
    }
  }

  /// Whether the table is wider than its box: the caption that says it scrolls shows then.
  markScroll() {
    if (!this.wrap) return;
    this.cue.hidden = this.wrap.scrollWidth <= this.wrap.clientWidth + 1;
  }

  show(runs, current) {
    this.runs = runs;
    this.current = current;
    const known = new Set(runs.map((r) => r.id));
    const before = this.overlaid.size;
    for (const id of this.overlaid) if (!known.has(id)) this.overlaid.delete(id);
    this.render();
    if (this.overlaid.size !== before) this.onOverlay(this.overlays());
  }

  /// The overlaid runs, as {id, label, curve}.
  overlays() {
    return this.runs.filter((r) => this.overlaid.has(r.id)).map((r) => ({ id: r.id, label: label(r), curve: r.curve }));
  }

  render() {
    const { key, down } = this.sort;
    const value = (r) => r[key] ?? (down ? -Infinity : Infinity);
    const rows = [...this.runs].sort((a, b) => {
      const [x, y] = [value(a), value(b)];
      const order = typeof x === 'string' || typeof y === 'string' ? String(x).localeCompare(String(y)) : x - y;
      return down ? -order : order;
    });
    const head = document.createElement('tr');
    const overlayHead = document.createElement('th');
    overlayHead.scope = 'col';
    overlayHead.textContent = 'Overlay';
    head.append(overlayHead, ...COLUMNS.map((c) => {
      const th = document.createElement('th');
      th.scope = 'col';
      if (c.key === key) th.setAttribute('aria-sort', down ? 'descending' : 'ascending');
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = c.label + (c.key === key ? (down ? ' ▾' : ' ▴') : '');
      b.addEventListener('click', () => {
        this.sort = { key: c.key, down: c.key === key ? !down : true };
        this.render();
      });
      th.append(b);
      return th;
    }));
    const body = rows.map((r) => {
      const tr = document.createElement('tr');
      if (r.id === this.current) tr.className = 'current';
      tr.dataset.run = r.id;
      const tick = document.createElement('input');
      tick.type = 'checkbox';
      tick.checked = this.overlaid.has(r.id);
      tick.disabled = r.id === this.current || !r.curve?.step?.length || (!tick.checked && this.overlaid.size >= OVERLAY_MAX);
      tick.setAttribute('aria-label', `overlay the loss curve of the run started ${new Date(r.started).toLocaleString()}`);
      tick.addEventListener('change', () => {
        if (tick.checked) this.overlaid.add(r.id);
        else this.overlaid.delete(r.id);
        this.render();
        this.onOverlay(this.overlays());
      });
      const first = document.createElement('td');
      first.append(tick);
      tr.append(first, ...COLUMNS.map((c) => {
        const td = document.createElement('td');
        const v = r[c.key];
        td.textContent = v == null ? '–' : c.show ? c.show(v) : String(v);
        return td;
      }));
      return tr;
    });
    const thead = document.createElement('thead');
    thead.append(head);
    const tbody = document.createElement('tbody');
    tbody.append(...body);
    if (!body.length) {
      const tr = document.createElement('tr');
      const td = document.createElement('td');
      td.colSpan = COLUMNS.length + 1;
      td.textContent = 'No runs yet: a run is recorded once a model trains (or PCA is solved).';
      tr.append(td);
      tbody.append(tr);
    }
    this.table.replaceChildren(thead, tbody);
    this.markScroll();
  }
}

const label = (r) => `${r.model} ${r.dataset}, latent ${r.latent}, β ${r.beta}, ${new Date(r.started).toLocaleTimeString([], { timeStyle: 'short' })}`;
