// Formulas typeset by KaTeX (npm `katex`, copied into www/vendor/katex/ by scripts/build.sh and
// served by the project, never a CDN). KaTeX (270 KB) is loaded on first use, after the first
// image; until it is here, and if it fails, a formula shows as readable text (Greek letters,
// superscripts and subscripts as such, never raw `^` or `_`).

let loading = null;
// KaTeX's script and style wait for the first image (typesetAll, which main.js calls then, lets
// them come), or a few seconds where no image comes: a caption with a formula shown before it (a
// kind's summary, the settings' notes) must not put 270 KB of script and a style recalculation
// on the page's thread while the first image is on its way (measured: docs/performance.md).
let release;
const mayLoad = new Promise((resolve) => { release = resolve; });
setTimeout(() => release(), 4000);

function katex() {
  loading ??= mayLoad.then(() => new Promise((resolve, reject) => {
    const css = document.createElement('link');
    css.rel = 'stylesheet';
    css.href = new URL('../vendor/katex/katex.min.css', import.meta.url).href;
    document.head.append(css);
    const script = document.createElement('script');
    script.src = new URL('../vendor/katex/katex.min.js', import.meta.url).href;
    script.onload = () => resolve(window.katex);
    script.onerror = () => reject(new Error('KaTeX did not load'));
    document.head.append(script);
  }));
  return loading;
}

/// Typesets `tex` into `el`; `el` keeps its text (or shows the TeX as plain text) until KaTeX is here.
export function typeset(el, tex) {
  el.dataset.tex = tex;
  if (!el.textContent) el.replaceChildren(...plain(tex));
  katex().then((k) => {
    if (el.dataset.tex !== tex) return; // replaced meanwhile
    k.render(tex, el, { throwOnError: false, displayMode: el.tagName !== 'SPAN' });
    el.dataset.typeset = 'true';
  }, () => {});
}

/// Typesets every element under `root` that carries its formula in data-tex (and, the first
/// image being on screen, lets KaTeX load).
export function typesetAll(root = document) {
  release();
  root.querySelectorAll('[data-tex]').forEach((el) => typeset(el, el.dataset.tex));
}

/// Shows `text` in `el`: the words as text nodes (never parsed as HTML), each `$…$` part as an
/// inline formula typeset by KaTeX (readable plain text until it is here). FACTS' and Rust's
/// captions hold such parts ("the mixture $\sum_y p(y)\,\mathcal N(\mu^y, I)$"); `\$` is a dollar.
export function renderText(el, text) {
  el.replaceChildren(...textNodes(text));
}

/// The nodes `renderText` shows, for a caller that builds a larger line around them.
export function textNodes(text) {
  const out = [];
  // Split on unescaped $…$ pairs; an odd, unpaired $ stays text.
  const parts = String(text ?? '').split(/(?<!\\)(\$[^$]+?(?<!\\)\$)/);
  for (const part of parts) {
    if (!part) continue;
    if (/^\$[^$]+\$$/.test(part)) {
      const span = document.createElement('span');
      span.className = 'tex';
      typeset(span, part.slice(1, -1));
      out.push(span);
    } else out.push(document.createTextNode(part.replace(/\\\$/g, '$')));
  }
  return out;
}

// ---- A readable stand-in for TeX before KaTeX has loaded: the commands the page's captions use
// as Unicode, `^`/`_` as <sup>/<sub>, braces and spacing commands dropped.
const SYMBOLS = {
  alpha: 'α', beta: 'β', gamma: 'γ', delta: 'δ', epsilon: 'ϵ', varepsilon: 'ε', theta: 'θ', lambda: 'λ', mu: 'μ', nu: 'ν',
  pi: 'π', rho: 'ρ', sigma: 'σ', tau: 'τ', phi: 'ϕ', varphi: 'φ', psi: 'ψ', omega: 'ω', Sigma: 'Σ', Phi: 'Φ', Omega: 'Ω',
  sum: 'Σ', prod: 'Π', int: '∫', infty: '∞', sim: '~', mid: '|', odot: '⊙', cdot: '·', times: '×', top: 'ᵀ', le: '≤', ge: '≥',
  leq: '≤', geq: '≥', ne: '≠', approx: '≈', in: '∈', to: '→', rightarrow: '→', leftarrow: '←', partial: '∂', nabla: '∇',
  log: 'log', exp: 'exp', ldots: '…', dots: '…', quad: '  ', qquad: '    ', ',': ' ', ';': ' ', ' ': ' ', '|': '‖', '{': '{', '}': '}',
  '%': '%', '$': '$', '_': '_',
};
const DROP = new Set(['mathcal', 'mathrm', 'mathbf', 'text', 'textstyle', 'displaystyle', 'big', 'Big', 'bigg', 'left', 'right', 'operatorname', 'boldsymbol', 'underbrace', 'mathit', 'tfrac', 'frac']);

/// TeX as DOM nodes of plain text with <sup>/<sub>: "\mu^y" → μ<sup>y</sup>.
function plain(tex) {
  const nodes = [];
  let i = 0;
  const text = (s) => { if (s) nodes.push(document.createTextNode(s)); };
  // One argument of ^ or _: a {group} or a single token, as text.
  const arg = () => {
    if (tex[i] === '{') {
      let depth = 0; const start = i;
      for (; i < tex.length; i++) { if (tex[i] === '{') depth++; else if (tex[i] === '}' && --depth === 0) break; }
      i++;
      return flat(tex.slice(start + 1, i - 1));
    }
    if (tex[i] === '\\') { const m = /^\\([a-zA-Z]+|.)/.exec(tex.slice(i)); i += m[0].length; return SYMBOLS[m[1]] ?? m[1]; }
    return tex[i++] ?? '';
  };
  while (i < tex.length) {
    const c = tex[i];
    if (c === '^' || c === '_') {
      i++;
      const s = arg();
      if (c === '^' && s === 'ᵀ') { text('ᵀ'); continue; }
      const el = document.createElement(c === '^' ? 'sup' : 'sub');
      el.textContent = s;
      nodes.push(el);
    } else if (c === '\\') {
      const m = /^\\([a-zA-Z]+|.)/.exec(tex.slice(i));
      i += m[0].length;
      if (m[1] === 'hat') { const s = arg(); text(`${s}\u0302`); } else if (!DROP.has(m[1])) text(SYMBOLS[m[1]] ?? m[1]);
    } else if (c === '{' || c === '}') i++;
    else { text(c); i++; }
  }
  return nodes;
}

/// A {group}'s TeX as one string (inside a superscript or subscript).
function flat(tex) {
  const box = document.createElement('span');
  box.append(...plain(tex));
  return box.textContent;
}

/// For the tests and a quick look in the console: the visible text outside KaTeX's output that
/// holds raw notation (`μ^y`, `Σ_0`, `x_{i}`, a TeX command like `\mu`). Returns [{text, where}].
export function rawNotation(root = document.body) {
  const found = [];
  const raw = /[\p{L}\p{N})\]}|*'′][\^_]|[\^_][{\p{L}\p{N}\\]|\\[a-zA-Z]{2,}/u;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
    acceptNode(node) {
      const el = node.parentElement;
      if (!el || el.closest('.katex, script, style, noscript, template, [aria-hidden="true"]')) return NodeFilter.FILTER_REJECT;
      return raw.test(node.data) ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP;
    },
  });
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    // Visible: laid out (no display: none on it or an ancestor) and not visibility: hidden.
    if (!el.getClientRects().length || getComputedStyle(el).visibility !== 'visible') continue;
    if (el.tagName === 'OPTION' && !el.selected) continue; // a closed menu shows only its choice
    const id = el.closest('[id]')?.id;
    found.push({ text: node.data.trim().slice(0, 120), where: id ? `#${id}` : el.tagName.toLowerCase() });
  }
  // Form controls show their value, not a text node: the model menu's choice is the only one with words.
  root.querySelectorAll('select').forEach((s) => {
    const shown = s.selectedOptions[0]?.textContent ?? '';
    if (s.getClientRects().length && raw.test(shown)) found.push({ text: shown, where: s.id ? `#${s.id}` : 'select' });
  });
  return found;
}
