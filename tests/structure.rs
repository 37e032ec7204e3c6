//! No module of src/ imports one that imports it back (issue 24): the imports among src/'s files,
//! and among its top-level folders, form no cycle.
//!
//! Every .rs file under src/ (src/bin/ aside, the binary is not part of the library) is a module:
//! src/a/b.rs and src/a/b/mod.rs are `a::b`, src/lib.rs is the crate root. A file names another
//! when one of its `use` items (`pub use` re-exports included, grouped and multi-line forms too)
//! or a path in its code (`crate::a::b::f(…)`, `super::x::Y`) leads there; comments, doc comments
//! and strings are skipped, and `mod x;` declares, it does not import. A path goes to the longest
//! prefix of it that is a file; a name the target re-exports (`pub use`, or a `#[macro_export]`
//! macro at the root) is followed to the file that defines it, so `crate::Trainer` is the file of
//! `Trainer`, not lib.rs. The file graph has an edge A → B when A names something in B; the folder
//! graph joins the files under each top-level module (src/models/** is `models`).
//!
//! The unit tests below run the same scanner on small trees written to a temporary folder, so a
//! scanner that stopped seeing imports would fail them instead of passing the real tree silently.

#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fs;
use std::path::{Path, PathBuf};

#[test]
fn src_has_no_import_cycle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let krate = scan(&src).expect("read src/");
    // The scan has to see the tree it checks: a wrong folder or a parser that finds nothing
    // would otherwise pass.
    assert!(krate.modules.contains_key(&Vec::new()), "no src/lib.rs under {}", src.display());
    assert!(krate.modules.len() > 5, "only {} modules found under {}", krate.modules.len(), src.display());
    assert!(file_graph(&krate).values().map(BTreeMap::len).sum::<usize>() > 5, "almost no imports found in src/");
    if let Err(report) = check(&krate) {
        panic!("\n{report}");
    }
}

// ---------------------------------------------------------------------------------------------
// Modules and what they name

/// A module's path from the crate root; empty for the root itself.
type ModPath = Vec<String>;

struct Module {
    /// The file, relative to src/'s parent, for messages.
    file: String,
    /// Every path the file names, made absolute (from the crate root), with its line.
    refs: Vec<(Vec<String>, usize)>,
    /// Names re-exported by `pub use` (or `#[macro_export]` at the root): name → absolute target,
    /// `None` when the target is outside the crate.
    exports: BTreeMap<String, Option<Vec<String>>>,
}

struct Crate {
    modules: BTreeMap<ModPath, Module>,
}

/// Reads every module of the tree at `src`.
fn scan(src: &Path) -> std::io::Result<Crate> {
    let mut files = Vec::new();
    collect_rs(src, src, &mut files)?;
    let known: BTreeSet<ModPath> = files.iter().map(|(m, _)| m.clone()).collect();
    let shown_root = src.parent().unwrap_or(src);
    let mut modules = BTreeMap::new();
    let mut macro_exports = Vec::new();
    for (path, file) in files {
        let text = fs::read_to_string(&file)?;
        let parsed = parse(&text, &path, &known);
        for name in parsed.macro_exports {
            macro_exports.push((name, path.clone()));
        }
        let shown = file.strip_prefix(shown_root).unwrap_or(&file).display().to_string();
        modules.insert(path, Module { file: shown, refs: parsed.refs, exports: parsed.exports });
    }
    // `#[macro_export]` puts a macro at the crate root: `crate::m!` is the file that defines it.
    if let Some(root) = modules.get_mut(&Vec::new()) {
        for (name, path) in macro_exports {
            root.exports.entry(name).or_insert(Some(path));
        }
    }
    Ok(Crate { modules })
}

/// Every .rs file under `dir` with its module path; src/bin/ (and a src/main.rs) are binaries.
fn collect_rs(src: &Path, dir: &Path, out: &mut Vec<(ModPath, PathBuf)>) -> std::io::Result<()> {
    let mut entries: Vec<_> = fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        let path = entry.path();
        let rel = path.strip_prefix(src).expect("under src");
        if entry.file_type()?.is_dir() {
            if rel != Path::new("bin") {
                collect_rs(src, &path, out)?;
            }
            continue;
        }
        if path.extension().and_then(|e| e.to_str()) != Some("rs") || rel == Path::new("main.rs") {
            continue;
        }
        let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
        let last = parts.pop().expect("a file name");
        if rel == Path::new("lib.rs") {
            out.push((Vec::new(), path));
            continue;
        }
        if last != "mod.rs" {
            parts.push(last.trim_end_matches(".rs").to_string());
        }
        out.push((parts, path));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Parsing one file

/// The text with comments (doc comments included), string and char literals blanked out; line
/// breaks stay, so lines still count.
fn strip(text: &str) -> String {
    let c: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let blank = |out: &mut String, ch: char| out.push(if ch == '\n' { '\n' } else { ' ' });
    let ident = |ch: char| ch.is_alphanumeric() || ch == '_';
    let mut i = 0;
    while i < c.len() {
        let at = |k: usize| c.get(k).copied().unwrap_or('\0');
        if at(i) == '/' && at(i + 1) == '/' {
            while i < c.len() && c[i] != '\n' {
                blank(&mut out, c[i]);
                i += 1;
            }
        } else if at(i) == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < c.len() {
                if at(i) == '/' && at(i + 1) == '*' {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if at(i) == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    blank(&mut out, c[i]);
                    i += 1;
                }
            }
        } else if (at(i) == 'r' || (at(i) == 'b' && at(i + 1) == 'r'))
            && (i == 0 || !ident(c[i - 1]))
            && {
                let mut k = i + if at(i) == 'b' { 2 } else { 1 };
                while at(k) == '#' {
                    k += 1;
                }
                at(k) == '"'
            }
        {
            // A raw string r#"…"#: ends at a quote followed by as many #s.
            let start = i + if at(i) == 'b' { 2 } else { 1 };
            let mut k = start;
            while at(k) == '#' {
                k += 1;
            }
            let hashes = k - start;
            for &ch in &c[i..=k] {
                blank(&mut out, ch);
            }
            i = k + 1;
            while i < c.len() {
                if c[i] == '"' && (1..=hashes).all(|h| at(i + h) == '#') {
                    for &ch in &c[i..=i + hashes] {
                        blank(&mut out, ch);
                    }
                    i += hashes + 1;
                    break;
                }
                blank(&mut out, c[i]);
                i += 1;
            }
        } else if at(i) == '"' {
            blank(&mut out, c[i]);
            i += 1;
            while i < c.len() && c[i] != '"' {
                if c[i] == '\\' {
                    blank(&mut out, c[i]);
                    i += 1;
                }
                if i < c.len() {
                    blank(&mut out, c[i]);
                    i += 1;
                }
            }
            if i < c.len() {
                blank(&mut out, c[i]);
                i += 1;
            }
        } else if at(i) == '\'' && (at(i + 1) == '\\' || (at(i + 1) != '\'' && at(i + 2) == '\'')) {
            // A char literal ('x', '\n', '\u{1F600}'); a lifetime ('a) has no closing quote.
            blank(&mut out, c[i]);
            i += 1;
            if at(i) == '\\' {
                blank(&mut out, c[i]);
                i += 1;
            }
            while i < c.len() && c[i] != '\'' && c[i] != '\n' {
                blank(&mut out, c[i]);
                i += 1;
            }
            if at(i) == '\'' {
                blank(&mut out, c[i]);
                i += 1;
            }
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    /// An identifier or keyword (`$crate` included).
    Word(String),
    /// `::`
    Path,
    /// Any other character (numbers are words; they never start a path).
    Punct(char),
}

fn tokens(code: &str) -> Vec<(Tok, usize)> {
    let c: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line) = (0, 1);
    while i < c.len() {
        let ch = c[i];
        if ch == '\n' {
            line += 1;
            i += 1;
        } else if ch.is_whitespace() {
            i += 1;
        } else if ch.is_alphanumeric() || ch == '_' || (ch == '$' && c.get(i + 1).is_some_and(|n| n.is_alphabetic())) {
            let start = i;
            i += 1;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            let word: String = c[start..i].iter().collect();
            out.push((Tok::Word(word), line));
        } else if ch == ':' && c.get(i + 1) == Some(&':') {
            out.push((Tok::Path, line));
            i += 2;
        } else {
            out.push((Tok::Punct(ch), line));
            i += 1;
        }
    }
    out
}

struct Parsed {
    refs: Vec<(Vec<String>, usize)>,
    exports: BTreeMap<String, Option<Vec<String>>>,
    macro_exports: Vec<String>,
}

/// A leaf of a use tree: `a::b::C as D`, or `a::b::*`.
struct Leaf {
    segs: Vec<String>,
    alias: Option<String>,
    glob: bool,
}

/// Parses the use tree starting at `toks[*i]`, with `prefix` from the enclosing groups.
fn use_tree(toks: &[(Tok, usize)], i: &mut usize, prefix: Vec<String>, out: &mut Vec<Leaf>) {
    let word = |k: usize| match toks.get(k) {
        Some((Tok::Word(w), _)) => Some(w.clone()),
        _ => None,
    };
    let is = |k: usize, t: Tok| toks.get(k).map(|(x, _)| x) == Some(&t);
    let mut segs = prefix;
    if is(*i, Tok::Path) {
        // `use ::std::x`: an extern crate.
        *i += 1;
        if segs.is_empty() {
            segs.push("::".into());
        }
    }
    loop {
        if let Some(w) = word(*i) {
            segs.push(w);
            *i += 1;
            if is(*i, Tok::Path) {
                *i += 1;
                continue;
            }
            let mut alias = None;
            if word(*i).as_deref() == Some("as") {
                alias = word(*i + 1);
                *i += 2;
            }
            if segs.last().map(String::as_str) == Some("self") {
                segs.pop();
            }
            out.push(Leaf { segs, alias, glob: false });
            return;
        } else if is(*i, Tok::Punct('*')) {
            *i += 1;
            out.push(Leaf { segs, alias: None, glob: true });
            return;
        } else if is(*i, Tok::Punct('{')) {
            *i += 1;
            while *i < toks.len() && !is(*i, Tok::Punct('}')) && !is(*i, Tok::Punct(';')) {
                let before = *i;
                use_tree(toks, i, segs.clone(), out);
                if is(*i, Tok::Punct(',')) {
                    *i += 1;
                } else if *i == before {
                    *i += 1; // not a use tree: step over it
                }
            }
            if is(*i, Tok::Punct('}')) {
                *i += 1;
            }
            return;
        } else {
            return;
        }
    }
}

/// The absolute path (from the crate root) of `segs` written in module `here`, or `None` when it
/// leads outside the crate (std, another crate, a local name).
fn absolute(segs: &[String], here: &[String], known: &BTreeSet<ModPath>) -> Option<Vec<String>> {
    let first = segs.first()?;
    match first.as_str() {
        "crate" | "$crate" => Some(segs[1..].to_vec()),
        "self" => Some(here.iter().chain(&segs[1..]).cloned().collect()),
        "super" => {
            let mut base = here.to_vec();
            let mut k = 0;
            while segs.get(k).map(String::as_str) == Some("super") {
                base.pop()?;
                k += 1;
            }
            Some(base.into_iter().chain(segs[k..].iter().cloned()).collect())
        }
        _ => {
            // 2018 paths: a name of a child module of this one.
            let mut child = here.to_vec();
            child.push(first.clone());
            known.contains(&child).then(|| here.iter().chain(segs).cloned().collect())
        }
    }
}

/// What `text`, the file of module `module`, names. `known` holds every module of the crate.
fn parse(text: &str, module: &[String], known: &BTreeSet<ModPath>) -> Parsed {
    let toks = tokens(&strip(text));
    let word = |k: usize| match toks.get(k) {
        Some((Tok::Word(w), _)) => Some(w.as_str()),
        _ => None,
    };
    let is = |k: usize, t: Tok| toks.get(k).map(|(x, _)| x) == Some(&t);
    let mut parsed = Parsed { refs: Vec::new(), exports: BTreeMap::new(), macro_exports: Vec::new() };
    // Inline modules (`mod tests { … }`) change what self and super mean: (name, brace depth).
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut macro_export = false;
    let mut i = 0;
    while i < toks.len() {
        let here: Vec<String> = module.iter().cloned().chain(inline.iter().map(|(n, _)| n.clone())).collect();
        match &toks[i].0 {
            Tok::Punct('{') => depth += 1,
            Tok::Punct('}') => {
                depth = depth.saturating_sub(1);
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
            }
            Tok::Word(w) if w == "mod" => {
                if let (Some(name), true) = (word(i + 1), is(i + 2, Tok::Punct('{'))) {
                    inline.push((name.to_string(), depth));
                    depth += 1;
                    i += 3;
                    continue;
                }
            }
            Tok::Word(w) if w == "macro_export" => macro_export = true,
            Tok::Word(w) if w == "macro_rules" && is(i + 1, Tok::Punct('!')) => {
                if let (true, Some(name)) = (macro_export, word(i + 2)) {
                    parsed.macro_exports.push(name.to_string());
                }
                macro_export = false;
            }
            Tok::Word(w) if w == "use" && !is(i.wrapping_sub(1), Tok::Path) => {
                // `pub use` / `pub(crate) use`: a re-export.
                let public = word(i.wrapping_sub(1)) == Some("pub")
                    || (is(i.wrapping_sub(1), Tok::Punct(')'))
                        && (2..8).any(|back| is(i.wrapping_sub(back), Tok::Punct('(')) && word(i.wrapping_sub(back + 1)) == Some("pub")));
                let line = toks[i].1;
                let mut j = i + 1;
                let mut leaves = Vec::new();
                use_tree(&toks, &mut j, Vec::new(), &mut leaves);
                for leaf in leaves {
                    let target = absolute(&leaf.segs, &here, known);
                    if public && inline.is_empty() && !leaf.glob {
                        if let Some(name) = leaf.alias.clone().or_else(|| leaf.segs.last().cloned()) {
                            if name != "_" {
                                parsed.exports.insert(name, target.clone());
                            }
                        }
                    }
                    if let Some(path) = target {
                        parsed.refs.push((path, line));
                    }
                }
                while j < toks.len() && !is(j, Tok::Punct(';')) {
                    j += 1;
                }
                i = j + 1;
                continue;
            }
            Tok::Word(first) if is(i + 1, Tok::Path) && !is(i.wrapping_sub(1), Tok::Path) => {
                // A path in code: first::seg::seg…
                let line = toks[i].1;
                let mut segs = vec![first.clone()];
                let mut j = i + 1;
                while is(j, Tok::Path) {
                    match word(j + 1) {
                        Some(w) => {
                            segs.push(w.to_string());
                            j += 2;
                        }
                        None => break, // a turbofish ::<T> or a group
                    }
                }
                if let Some(path) = absolute(&segs, &here, known) {
                    parsed.refs.push((path, line));
                }
                i = j;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    parsed
}

// ---------------------------------------------------------------------------------------------
// Graphs and cycles

/// The module a path leads to: its longest prefix that is a module, then through re-exports.
fn resolve(krate: &Crate, path: &[String], hops: usize) -> ModPath {
    let mut k = path.len();
    while k > 0 && !krate.modules.contains_key(&path[..k]) {
        k -= 1;
    }
    let module = path[..k].to_vec();
    if let (Some(name), Some(m)) = (path.get(k), krate.modules.get(&module)) {
        if let Some(Some(target)) = m.exports.get(name) {
            if hops < 16 {
                let mut rest = target.clone();
                rest.extend(path[k + 1..].iter().cloned());
                return resolve(krate, &rest, hops + 1);
            }
        }
    }
    module
}

/// Where an edge comes from: "src/train.rs:100 names crate::sampler::Fitted".
type Graph = BTreeMap<String, BTreeMap<String, String>>;

fn name(path: &[String]) -> String {
    if path.is_empty() {
        "crate".into()
    } else {
        path.join("::")
    }
}

fn edges(krate: &Crate) -> Vec<(ModPath, ModPath, String)> {
    let mut out = Vec::new();
    for (from, m) in &krate.modules {
        for (path, line) in &m.refs {
            let to = resolve(krate, path, 0);
            if &to != from {
                out.push((from.clone(), to, format!("{}:{} names crate::{}", m.file, line, path.join("::"))));
            }
        }
    }
    out
}

fn file_graph(krate: &Crate) -> Graph {
    let mut g = Graph::new();
    for from in krate.modules.keys() {
        g.entry(name(from)).or_default();
    }
    for (from, to, why) in edges(krate) {
        g.entry(name(&from)).or_default().entry(name(&to)).or_insert(why);
    }
    g
}

fn folder_graph(krate: &Crate) -> Graph {
    let top = |p: &ModPath| name(&p[..p.len().min(1)]);
    let mut g = Graph::new();
    for from in krate.modules.keys() {
        g.entry(top(from)).or_default();
    }
    for (from, to, why) in edges(krate) {
        if top(&from) != top(&to) {
            g.entry(top(&from)).or_default().entry(top(&to)).or_insert(why);
        }
    }
    g
}

/// The cycles of `g`: for every node on one, the shortest cycle through it, each cycle once,
/// spelled `a → b → a`, with the line behind each edge.
fn cycles(g: &Graph) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for start in g.keys() {
        // Breadth-first from start's successors back to start.
        let mut prev: BTreeMap<&String, &String> = BTreeMap::new();
        let mut queue: VecDeque<&String> = VecDeque::new();
        for next in g[start].keys() {
            if !prev.contains_key(next) {
                prev.insert(next, start);
                queue.push_back(next);
            }
        }
        let mut found = false;
        while let Some(n) = queue.pop_front() {
            if n == start {
                found = true;
                break;
            }
            for next in g.get(n).into_iter().flat_map(|e| e.keys()) {
                if !prev.contains_key(next) {
                    prev.insert(next, n);
                    queue.push_back(next);
                }
            }
        }
        if !found {
            continue;
        }
        // Walk back from start to itself: start → … → the node before start.
        let mut back = Vec::new();
        let mut n = prev[start];
        while n != start {
            back.push(n.clone());
            n = prev[n];
        }
        let cycle: Vec<String> = std::iter::once(start.clone()).chain(back.into_iter().rev()).collect();
        let mut key = cycle.clone();
        let min = (0..key.len()).min_by_key(|&k| &cycle[k]).unwrap_or(0);
        key.rotate_left(min);
        if !seen.insert(key) {
            continue;
        }
        let mut text = cycle.iter().chain(std::iter::once(start)).cloned().collect::<Vec<_>>().join(" → ");
        for (k, from) in cycle.iter().enumerate() {
            let to = cycle.get(k + 1).unwrap_or(start);
            text.push_str(&format!("\n      {}", g[from][to]));
        }
        out.push(text);
    }
    out
}

/// `Err` with every cycle spelled out, files first, then folders.
fn check(krate: &Crate) -> Result<(), String> {
    let files = cycles(&file_graph(krate));
    // In a flat tree the folders are the files: say each cycle once.
    let folders: Vec<String> = cycles(&folder_graph(krate)).into_iter().filter(|c| !files.contains(c)).collect();
    if files.is_empty() && folders.is_empty() {
        return Ok(());
    }
    let mut report = String::new();
    for (what, found) in [("files", &files), ("top-level folders (modules)", &folders)] {
        if !found.is_empty() {
            report.push_str(&format!("import cycles among src/'s {what} ({}):\n", found.len()));
            for c in found {
                report.push_str(&format!("  {c}\n"));
            }
        }
    }
    Err(report)
}

// ---------------------------------------------------------------------------------------------
// The scanner on small trees

/// A throwaway src/ tree of `files` (path, text) in the temporary folder.
struct Tree(PathBuf);

impl Tree {
    fn new(tag: &str, files: &[(&str, &str)]) -> Tree {
        let root = std::env::temp_dir().join(format!("vae-lab-structure-{}-{tag}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        for (path, text) in files {
            let file = root.join("src").join(path);
            fs::create_dir_all(file.parent().unwrap()).unwrap();
            fs::write(file, text).unwrap();
        }
        Tree(root)
    }

    fn check(&self) -> Result<(), String> {
        check(&scan(&self.0.join("src")).unwrap())
    }

    fn files(&self) -> Graph {
        file_graph(&scan(&self.0.join("src")).unwrap())
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// The modules `module` (in the file graph) has edges to.
fn targets(g: &Graph, module: &str) -> Vec<String> {
    g.get(module).map(|e| e.keys().cloned().collect()).unwrap_or_default()
}

#[test]
fn a_cycle_is_found_and_spelled_out() {
    let tree = Tree::new("cycle", &[
        ("lib.rs", "pub mod a;\npub mod b;\n"),
        ("a.rs", "use crate::b::B;\npub struct A;\n"),
        ("b.rs", "pub struct B;\nfn f() -> crate::a::A { crate::a::A }\n"),
    ]);
    let report = tree.check().unwrap_err();
    assert!(report.contains("a → b → a"), "{report}");
    assert!(report.contains("src/a.rs:1 names crate::b::B"), "{report}");
    assert!(report.contains("src/b.rs:2 names crate::a::A"), "{report}");
}

#[test]
fn a_longer_cycle_is_found() {
    let tree = Tree::new("long", &[
        ("lib.rs", "mod a; mod b; mod c; mod d;\n"),
        ("a.rs", "use crate::b::X;\n"),
        ("b.rs", "use crate::c::X;\nuse crate::d::Y;\n"),
        ("c.rs", "fn f() { crate::a::g(); }\n"),
        ("d.rs", ""),
    ]);
    let report = tree.check().unwrap_err();
    assert!(report.contains("a → b → c → a"), "{report}");
}

#[test]
fn a_dag_passes() {
    let tree = Tree::new("dag", &[
        ("lib.rs", "pub mod a;\npub mod b;\npub mod c;\npub use a::A;\n"),
        ("a.rs", "use crate::b::B;\nuse crate::c::{self, C};\npub struct A;\n"),
        ("b.rs", "use crate::c::C;\npub struct B;\n"),
        ("c.rs", "pub struct C;\n#[cfg(test)]\nmod tests {\n    use super::*;\n}\n"),
    ]);
    assert_eq!(tree.check(), Ok(()));
    let g = tree.files();
    assert_eq!(targets(&g, "a"), ["b", "c"]);
    assert_eq!(targets(&g, "b"), ["c"]);
    assert_eq!(targets(&g, "crate"), ["a"], "pub use is an edge; mod declarations are not");
}

#[test]
fn grouped_and_multi_line_uses_parse() {
    let known: BTreeSet<ModPath> = [vec![], vec!["a".to_string()], vec!["b".to_string()], vec!["c".to_string()]].into();
    let text = "use crate::{\n    a::X,\n    b::{Y,\n        Z as W},\n    c,\n};\nuse std::{fmt, io::{self, Read}};\n";
    let parsed = parse(text, &["m".to_string()], &known);
    let refs: Vec<(String, usize)> = parsed.refs.iter().map(|(p, l)| (p.join("::"), *l)).collect();
    let want = [("a::X", 1), ("b::Y", 1), ("b::Z", 1), ("c", 1)];
    assert_eq!(refs, want.map(|(p, l)| (p.to_string(), l)));
}

#[test]
fn comments_strings_and_doc_comments_are_not_imports() {
    let known: BTreeSet<ModPath> = [vec![], vec!["a".to_string()], vec!["b".to_string()]].into();
    let text = r##"//! See crate::a::X in the crate docs.
// use crate::a::X;
/// Calls crate::a::f() (not really).
/* use crate::a::Y;
   /* nested crate::a::Z */ still crate::a::W */
fn f<'a>(s: &'a str) -> char {
    let _ = "crate::a::g()";
    let _ = r#"use crate::a::X;"#;
    let _ = '"';
    crate::b::h();
    'x'
}
"##;
    let parsed = parse(text, &["m".to_string()], &known);
    let refs: Vec<(String, usize)> = parsed.refs.iter().map(|(p, l)| (p.join("::"), *l)).collect();
    assert_eq!(refs, [("b::h".to_string(), 10)]);
}

#[test]
fn paths_go_to_the_longest_module_prefix_and_through_re_exports() {
    let tree = Tree::new("resolve", &[
        ("lib.rs", "pub mod models;\npub mod train;\npub mod data;\npub use train::Trainer;\n"),
        ("models/mod.rs", "pub mod vae;\npub use vae::Vae;\n"),
        ("models/vae.rs", "pub struct Vae;\n"),
        ("train.rs", "pub struct Trainer(crate::models::Vae);\nfn f() { crate::models::vae::Vae::new(); }\n"),
        ("data.rs", "use crate::Trainer;\nuse super::models;\n"),
    ]);
    assert_eq!(tree.check(), Ok(()));
    let g = tree.files();
    assert_eq!(targets(&g, "train"), ["models::vae"]);
    assert_eq!(targets(&g, "data"), ["models", "train"]);
    assert_eq!(targets(&g, "models"), ["models::vae"]);
}

#[test]
fn a_re_export_is_an_edge_that_can_close_a_cycle() {
    let tree = Tree::new("reexport", &[
        ("lib.rs", "mod a;\nmod b;\n"),
        ("a.rs", "pub use crate::b::B;\npub struct A;\n"),
        ("b.rs", "pub struct B(crate::a::A);\n"),
    ]);
    let report = tree.check().unwrap_err();
    assert!(report.contains("a → b → a"), "{report}");
}

#[test]
fn a_folder_cycle_without_a_file_cycle_is_found() {
    // models::vae → data::idx and data → models::pca: no file imports one that imports it back,
    // but the folders models and data lean on each other.
    let tree = Tree::new("folders", &[
        ("lib.rs", "pub mod models;\npub mod data;\n"),
        ("models/mod.rs", "pub mod vae;\npub mod pca;\n"),
        ("models/vae.rs", "use crate::data::idx::read;\n"),
        ("models/pca.rs", "pub fn fit() {}\n"),
        ("data/mod.rs", "pub mod idx;\npub fn split() { crate::models::pca::fit(); }\n"),
        ("data/idx.rs", "pub fn read() {}\n"),
    ]);
    let report = tree.check().unwrap_err();
    assert!(!report.contains("import cycles among src/'s files"), "{report}");
    assert!(report.contains("data → models → data"), "{report}");
}

#[test]
fn binaries_and_inline_test_modules_add_no_edges() {
    let tree = Tree::new("bin", &[
        ("lib.rs", "pub mod a;\n"),
        ("a.rs", "pub fn f() {}\n#[cfg(test)]\nmod tests {\n    use super::*;\n    use crate::a::f;\n}\n"),
        ("bin/tool.rs", "use vae_lab::a::f;\nfn main() { crate::a::f() }\n"),
    ]);
    assert_eq!(tree.check(), Ok(()));
    assert_eq!(targets(&tree.files(), "a"), Vec::<String>::new());
    assert!(!tree.files().contains_key("bin::tool"));
}
