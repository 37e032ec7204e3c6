// Fails when the page names a model kind outside its one table (issue 24): what a kind can do is
// told by Rust (www/state/facts.js) and worded in www/state/kinds.js; anywhere else, a literal
// 'pca' or <option value="pca"> is a decision about kinds taken in the wrong place.
//
// Looks at every .js/.mjs file under www/ (www/vendor/ aside) and index.html for a kind's name as
// a whole JS string literal ('pca', "pca", `pca`), or as an HTML attribute value (value="pca", in
// the page or inside a JS string). Comments, identifiers (page.pca) and longer strings ('vae-lab')
// are fine. The kinds are the `order` array of www/state/facts.js, else the five of today.
//
//   node scripts/check-kind-names.mjs              lists file:line of each and exits 1 if any
//   node scripts/check-kind-names.mjs --self-test  checks the scanner on small samples
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const FALLBACK_KINDS = ['cvae', 'sohn', 'vae', 'ae', 'pca'];
// The table itself, and code that is not ours.
const ALLOWED = ['www/state/facts.js', 'www/state/kinds.js'];
const SKIPPED_DIRS = ['www/vendor', 'www/dist', 'node_modules']; // dist: the bundles of www/'s own files

/// The kinds listed in facts.js's `order: [...]`, or null when there is none to read.
export function kindsFrom(factsText) {
  // `order: [` or, as `vae-lab facts` writes it (JSON), `"order": [`.
  const m = /(?:\b|["'])order["']?\s*:\s*\[([^\]]*)\]/.exec(factsText);
  if (!m) return null;
  const names = [...m[1].matchAll(/(['"`])([^'"`]+)\1/g)].map((x) => x[2]);
  return names.length ? names : null;
}

/// The string literals of JS source `text`, each { value, line, template } (a template literal's
/// value is its text without `${…}` parts; `whole` says it had none). Comments are skipped.
export function jsStrings(text) {
  const out = [];
  let i = 0;
  let line = 1;
  // Contexts: 'code' (with a count of open braces, for `${ … }`) or 'template'.
  const stack = [{ mode: 'code', braces: 0 }];
  let lastSignificant = ''; // the last token's kind, to tell a regex from a division
  const isIdent = (c) => /[\p{L}\p{N}_$]/u.test(c);
  const advance = (n = 1) => {
    for (let k = 0; k < n && i < text.length; k++, i++) if (text[i] === '\n') line++;
  };
  let template = null; // { value, line, whole }
  while (i < text.length) {
    const top = stack[stack.length - 1];
    const c = text[i];
    if (top.mode === 'template') {
      if (c === '\\') { template.value += text.slice(i, i + 2); advance(2); continue; }
      if (c === '`') {
        out.push({ value: template.value, line: template.line, whole: template.whole, quote: '`' });
        stack.pop(); template = top.outer; advance(); lastSignificant = 'value'; continue;
      }
      if (c === '$' && text[i + 1] === '{') {
        template.whole = false;
        stack.push({ mode: 'code', braces: 0 }); advance(2); lastSignificant = 'punct'; continue;
      }
      template.value += c; advance(); continue;
    }
    // Code.
    if (c === '/' && text[i + 1] === '/') { while (i < text.length && text[i] !== '\n') advance(); continue; }
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      advance((end < 0 ? text.length : end + 2) - i); continue;
    }
    if (c === '\'' || c === '"') {
      const start = line;
      let value = '';
      advance();
      while (i < text.length && text[i] !== c && text[i] !== '\n') {
        if (text[i] === '\\') { value += text.slice(i, i + 2); advance(2); } else { value += text[i]; advance(); }
      }
      advance();
      out.push({ value, line: start, whole: true, quote: c });
      lastSignificant = 'value';
      continue;
    }
    if (c === '`') {
      const outer = template;
      template = { value: '', line, whole: true };
      stack.push({ mode: 'template', outer });
      advance(); continue;
    }
    if (c === '/' && !['value', 'ident'].includes(lastSignificant)) {
      // A regex literal: up to the closing slash outside a character class.
      advance();
      let inClass = false;
      while (i < text.length && text[i] !== '\n') {
        const r = text[i];
        if (r === '\\') { advance(2); continue; }
        if (r === '[') inClass = true;
        else if (r === ']') inClass = false;
        else if (r === '/' && !inClass) break;
        advance();
      }
      advance();
      while (i < text.length && isIdent(text[i])) advance();
      lastSignificant = 'value';
      continue;
    }
    if (c === '{') { top.braces++; lastSignificant = 'punct'; advance(); continue; }
    if (c === '}') {
      if (top.braces === 0 && stack.length > 1) { stack.pop(); advance(); continue; } // back into the template
      top.braces--; lastSignificant = 'value'; advance(); continue;
    }
    if (isIdent(c)) {
      let word = '';
      while (i < text.length && isIdent(text[i])) { word += text[i]; advance(); }
      // After these keywords a slash starts a regex.
      lastSignificant = ['return', 'typeof', 'case', 'do', 'else', 'in', 'of', 'new', 'delete', 'void', 'throw', 'instanceof', 'yield', 'await'].includes(word) ? 'punct' : 'ident';
      continue;
    }
    if (c === ')' || c === ']') { lastSignificant = 'value'; advance(); continue; }
    if (!/\s/.test(c)) lastSignificant = 'punct';
    advance();
  }
  return out;
}

/// HTML attribute values equal to a kind in `text` (markup, or a string holding markup): [{ kind, offset }].
function attributeHits(text, kinds) {
  const hits = [];
  for (const m of text.matchAll(/[\w:-]+\s*=\s*(["'])([^"'<>]*)\1/g)) {
    if (kinds.includes(m[2])) hits.push({ kind: m[2], offset: m.index });
  }
  return hits;
}

const lineAt = (text, offset) => text.slice(0, offset).split('\n').length;

/// The kind names in JS source `text`: [{ line, what }].
export function scanJs(text, kinds) {
  const hits = [];
  for (const s of jsStrings(text)) {
    if (s.whole && kinds.includes(s.value)) hits.push({ line: s.line, what: `${s.quote}${s.value}${s.quote}` });
    for (const a of attributeHits(s.value, kinds)) {
      hits.push({ line: s.line + lineAt(s.value, a.offset) - 1, what: `attribute value "${a.kind}" in a string` });
    }
  }
  return hits;
}

/// The kind names in an HTML page: attribute values, and string literals in its inline scripts.
export function scanHtml(text, kinds) {
  // Comments out, keeping line breaks.
  const blanked = text.replace(/<!--[\s\S]*?-->/g, (c) => c.replace(/[^\n]/g, ' '));
  const hits = [];
  const scripts = [];
  const markup = blanked.replace(/(<script\b[^>]*>)([\s\S]*?)(<\/script>)/gi, (all, open, body, close, offset) => {
    scripts.push({ body, line: lineAt(blanked, offset + open.length) });
    return open + body.replace(/[^\n]/g, ' ') + close;
  });
  for (const a of attributeHits(markup, kinds)) hits.push({ line: lineAt(markup, a.offset), what: `attribute value "${a.kind}"` });
  for (const s of scripts) {
    for (const h of scanJs(s.body, kinds)) hits.push({ line: s.line + h.line - 1, what: h.what });
  }
  return hits.sort((a, b) => a.line - b.line);
}

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const rel = relative(ROOT, path);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.includes(rel)) yield* files(path);
    } else if (/\.m?js$/.test(entry.name)) {
      yield rel;
    }
  }
}

function check() {
  const factsFile = join(ROOT, 'www/state/facts.js');
  const kinds = (existsSync(factsFile) && kindsFrom(readFileSync(factsFile, 'utf8'))) || FALLBACK_KINDS;
  const targets = [...files(join(ROOT, 'www'))].filter((f) => !ALLOWED.includes(f)).sort();
  if (existsSync(join(ROOT, 'index.html'))) targets.push('index.html');
  let count = 0;
  const perFile = new Map();
  for (const file of targets) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const hits = file.endsWith('.html') ? scanHtml(text, kinds) : scanJs(text, kinds);
    for (const h of hits) console.log(`${file}:${h.line}: ${h.what}`);
    if (hits.length) perFile.set(file, hits.length);
    count += hits.length;
  }
  if (count) {
    console.error(`\n${count} kind name(s) (${kinds.join(', ')}) in ${perFile.size} file(s) outside ${ALLOWED.join(' and ')}:`
      + ' ask the kind\'s facts (FACTS.kinds[kind].hasEncoder, …) or its table instead of comparing names.');
    process.exit(1);
  }
  console.log(`no kind names (${kinds.join(', ')}) outside ${ALLOWED.join(' and ')}: ${targets.length} files checked`);
}

function selfTest() {
  const kinds = [...FALLBACK_KINDS, 'gan'];
  const cases = [
    // [what, source, expected hits (lines), scanner]
    ['single-quoted literal', "if (kind === 'pca') x();", [1]],
    ['double-quoted literal', 'const k = "vae";', [1]],
    ['template literal', 'f(`sohn`);', [1]],
    ['a kind from facts.js, not in the fallback list', "x = 'gan';", [1]],
    ['inside a ${} of a template', 'const s = `a ${kind === \'cvae\' ? 1 : 2} b`;', [1]],
    ['an attribute value inside a string', "el.innerHTML = '<option value=\"ae\">AE</option>';", [1]],
    ['on its line', "const a = 1;\n\nconst b = [\n  'ae',\n];", [4]],
    ['line comment', "// kind === 'pca'\nx = 1;", []],
    ['block and doc comments', "/* 'vae' */ /** @param {'cvae'|'sohn'} k */ x = 1;", []],
    ['identifiers and keys', 'const vae = page.pca; const o = { ae: 1, sohn: 2 }; o.cvae = vae;', []],
    ['part of a longer string', "const n = 'vae-lab'; const m = 'pcab'; const t = `the vae`; const u = 'ae ';", []],
    ['a template with a substitution', 'const s = `${kind}`; const t = `${x}pca`;', []],
    ['an escaped quote', "const s = 'it\\'s \\'vae\\''; ", []],
    ['a regex literal with quotes', "const r = /'(vae)'/; const d = a / b / c;", []],
    ['a division after a call', "const q = f(x) / 2; const k = 'pca';", [1]],
  ];
  const htmlCases = [
    ['an option value', '<select>\n<option value="pca">PCA</option></select>', [2]],
    ['single-quoted attribute', "<div data-kind='sohn'></div>", [1]],
    ['inline script', "<p>x</p>\n<script type=\"module\">\nif (k === 'vae') go();\n</script>", [3]],
    ['comment, text and longer values', '<!-- value="pca" -->\n<p>pca and vae</p><a href="vae-lab.html" title="a vae">', []],
  ];
  let failed = 0;
  let total = 0;
  const run = (list, scan) => {
    for (const [what, source, want] of list) {
      const got = scan(source, kinds).map((h) => h.line);
      const ok = JSON.stringify(got) === JSON.stringify(want);
      total++;
      if (!ok) {
        failed++;
        console.error(`FAIL ${what}: hits on lines ${JSON.stringify(got)}, expected ${JSON.stringify(want)}\n  ${source}`);
      }
    }
  };
  run(cases, scanJs);
  run(htmlCases, scanHtml);
  const read = kindsFrom("export const FACTS = {\n  order: ['cvae', 'gan'],\n  kinds: {},\n};");
  const generated = kindsFrom('export const FACTS = {\n  "order": [\n    "cvae",\n    "gan"\n  ],\n  "defaultKind": "cvae"\n};');
  const readOk = JSON.stringify(read) === JSON.stringify(['cvae', 'gan']) && JSON.stringify(generated) === JSON.stringify(['cvae', 'gan'])
    && kindsFrom('export const X = 1;') === null;
  total++;
  if (!readOk) {
    failed++;
    console.error(`FAIL the kinds read from facts.js's order: ${JSON.stringify(read)} and, as generated, ${JSON.stringify(generated)}, expected ["cvae","gan"]`);
  }
  if (failed) {
    console.error(`check-kind-names self-test: ${failed} of ${total} cases failed`);
    process.exit(1);
  }
  console.log(`check-kind-names self-test: ${total} cases passed`);
}

if (process.argv.includes('--self-test')) selfTest();
else check();
