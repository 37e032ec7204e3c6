// Formulas typeset by KaTeX (npm `katex`, copied into www/vendor/katex/ by scripts/build.sh and
// served by the project, never a CDN). KaTeX (270 KB) is loaded on first use, after the first
// image; until it is here, and if it fails, a formula shows as the plain text it was written in.

let loading = null;

function katex() {
  loading ??= new Promise((resolve, reject) => {
    const css = document.createElement('link');
    css.rel = 'stylesheet';
    css.href = new URL('../vendor/katex/katex.min.css', import.meta.url).href;
    document.head.append(css);
    const script = document.createElement('script');
    script.src = new URL('../vendor/katex/katex.min.js', import.meta.url).href;
    script.onload = () => resolve(window.katex);
    script.onerror = () => reject(new Error('KaTeX did not load'));
    document.head.append(script);
  });
  return loading;
}

/// Typesets `tex` into `el`; `el` keeps its text (or shows the TeX) until KaTeX is here.
export function typeset(el, tex) {
  el.dataset.tex = tex;
  if (!el.textContent) el.textContent = tex;
  katex().then((k) => {
    if (el.dataset.tex !== tex) return; // replaced meanwhile
    k.render(tex, el, { throwOnError: false, displayMode: el.tagName !== 'SPAN' });
    el.dataset.typeset = 'true';
  }, () => {});
}

/// Typesets every element under `root` that carries its formula in data-tex.
export function typesetAll(root = document) {
  root.querySelectorAll('[data-tex]').forEach((el) => typeset(el, el.dataset.tex));
}
