//! ARCHITECTURE.md's import rules, checked by reading the `use` lines and
//! paths of every file under `src/`:
//!
//! - the core never imports `app`, `tui`, `repl`, `present` or `cli`, nor a
//!   terminal or command-line crate;
//! - only `cli` knows clap; `app` knows no terminal (no ratatui, crossterm,
//!   rustyline); `tui` knows nothing of `repl`, `present` or `cli`; `repl`
//!   and `present` know nothing of each other or of `cli`;
//! - pest stays inside `core::syntax`;
//! - no import cycle between the top-level modules, nor between the core's
//!   modules;
//! - every module file starts with a `//!` doc.
//!
//! The check is textual (comments and strings are skipped), which is enough
//! because the code refers to its own modules by `crate::…`, `super::…` and
//! `use` trees only.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const TOP: [&str; 6] = ["core", "app", "tui", "repl", "present", "cli"];
const CRATES: [&str; 6] = [
    "ratatui",
    "crossterm",
    "rustyline",
    "clap",
    "pest",
    "pest_derive",
];

/// What a top-level module may not import: other modules, external crates.
fn forbidden(top: &str) -> (&'static [&'static str], &'static [&'static str]) {
    match top {
        "core" => (
            &["app", "tui", "repl", "present", "cli"],
            &["ratatui", "crossterm", "rustyline", "clap"],
        ),
        "app" => (
            &["tui", "repl", "present", "cli"],
            &["ratatui", "crossterm", "rustyline", "clap", "pest"],
        ),
        "tui" => (&["repl", "present", "cli"], &["rustyline", "clap", "pest"]),
        "repl" => (&["present", "cli"], &["clap", "pest"]),
        "present" => (&["repl", "cli"], &["rustyline", "clap", "pest"]),
        "cli" => (&[], &["pest"]),
        _ => (&[], &[]),
    }
}

/// A source file: its module path and its code without comments/strings.
struct File {
    path: PathBuf,
    module: Vec<String>,
    code: String,
    has_doc: bool,
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn module_of(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .iter()
        .map(|s| s.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().unwrap_or_default();
    let stem = last.trim_end_matches(".rs");
    if !matches!(stem, "mod" | "lib" | "main") {
        parts.push(stem.to_string());
    }
    parts
}

/// The code with comments, string and char literals blanked.
fn strip(src: &str) -> String {
    let b: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < b.len() && b[i] != '\n' {
                i += 1;
            }
            continue;
        }
        if c == '/' && next == Some('*') {
            i += 2;
            while i + 1 < b.len() && !(b[i] == '*' && b[i + 1] == '/') {
                i += 1;
            }
            i += 2;
            continue;
        }
        if c == 'r' && (next == Some('"') || next == Some('#')) {
            // raw string r"…" / r#"…"#
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) == Some(&'"') {
                j += 1;
                'raw: while j < b.len() {
                    if b[j] == '"' && (0..hashes).all(|h| b.get(j + 1 + h) == Some(&'#')) {
                        j += 1 + hashes;
                        break 'raw;
                    }
                    j += 1;
                }
                out.push_str("\"\"");
                i = j;
                continue;
            }
        }
        if c == '"' {
            i += 1;
            while i < b.len() && b[i] != '"' {
                if b[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
            continue;
        }
        if c == '\'' {
            // a char literal ('x', '\n', '\u{304}'), not a lifetime
            let close = if next == Some('\\') {
                (i + 2..b.len().min(i + 12)).find(|&j| b[j] == '\'')
            } else if b.get(i + 2) == Some(&'\'') {
                Some(i + 2)
            } else {
                None
            };
            if let Some(j) = close {
                out.push_str("' '");
                i = j + 1;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

fn load() -> Vec<File> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut paths = Vec::new();
    files(&root, &mut paths);
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let src = std::fs::read_to_string(&p).unwrap();
            let rel = p.strip_prefix(&root).unwrap().to_path_buf();
            File {
                module: module_of(&rel),
                code: strip(&src),
                has_doc: src.trim_start().starts_with("//!"),
                path: rel,
            }
        })
        .collect()
}

fn ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Every module path the code names (`crate::a::b`, `super::x`, `self::y`,
/// and the branches of `use` trees), resolved to absolute paths.
fn references(f: &File) -> Vec<Vec<String>> {
    let code = &f.code;
    let chars: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let at_word = i == 0 || !ident(chars[i - 1]) && chars[i - 1] != ':';
        if at_word {
            for (kw, base) in [
                ("crate::", Vec::new()),
                (
                    "super::",
                    f.module[..f.module.len().saturating_sub(1)].to_vec(),
                ),
                ("self::", f.module.clone()),
            ] {
                let k: Vec<char> = kw.chars().collect();
                if chars[i..].starts_with(&k) {
                    let (paths, end) = tree(&chars, i + k.len(), base);
                    out.extend(paths);
                    i = end;
                    break;
                }
            }
        }
        i += 1;
    }
    out
}

/// Parse a path or use tree from `i`: `a::b`, `a::{b, c::d}`, `super::x`.
fn tree(chars: &[char], mut i: usize, mut prefix: Vec<String>) -> (Vec<Vec<String>>, usize) {
    loop {
        if chars.get(i) == Some(&'{') {
            return group(chars, i + 1, prefix);
        }
        let start = i;
        while i < chars.len() && ident(chars[i]) {
            i += 1;
        }
        let seg: String = chars[start..i].iter().collect();
        if seg == "super" {
            prefix.pop();
        } else if !seg.is_empty() && seg != "self" {
            prefix.push(seg);
        }
        if chars[i..].starts_with(&[':', ':']) {
            i += 2;
            continue;
        }
        return (vec![prefix], i);
    }
}

/// The branches of `{…}` from `i` (just after the brace).
fn group(chars: &[char], mut i: usize, prefix: Vec<String>) -> (Vec<Vec<String>>, usize) {
    let mut all = Vec::new();
    loop {
        while chars.get(i).is_some_and(|c| c.is_whitespace() || *c == ',') {
            i += 1;
        }
        if i >= chars.len() || chars[i] == '}' {
            if all.is_empty() {
                all.push(prefix);
            }
            return (all, i + 1);
        }
        let (sub, end) = tree(chars, i, prefix.clone());
        all.extend(sub);
        i = end;
        // skip `as name`
        while chars.get(i).is_some_and(|c| !matches!(c, ',' | '}')) {
            i += 1;
        }
    }
}

/// External crates the code names.
fn crates_used(f: &File) -> BTreeSet<&'static str> {
    let mut used = BTreeSet::new();
    for krate in CRATES {
        let pat = format!("{krate}::");
        let mut from = 0;
        while let Some(at) = f.code[from..].find(&pat) {
            let at = from + at;
            let before = f.code[..at].chars().next_back();
            if !before.is_some_and(|c| ident(c) || c == ':') {
                used.insert(krate);
            }
            from = at + pat.len();
        }
    }
    used
}

/// The edges between modules at `depth` (1: top-level, 2: their children),
/// restricted to files under `within`.
fn graph(files: &[File], depth: usize, within: &[&str]) -> BTreeMap<String, BTreeSet<String>> {
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in files {
        if f.module.len() < depth || f.module[..within.len()] != *within {
            continue;
        }
        let from = f.module[..depth].join("::");
        g.entry(from.clone()).or_default();
        for r in references(f) {
            if r.len() >= depth && r[..within.len()] == *within {
                let to = r[..depth].join("::");
                if to != from {
                    g.entry(from.clone()).or_default().insert(to);
                }
            }
        }
    }
    g
}

/// A cycle in a graph, if there is one.
fn cycle(g: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        g: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(n.to_string(), 1);
        stack.push(n.to_string());
        for m in g.get(n).into_iter().flatten() {
            match state.get(m.as_str()).copied().unwrap_or(0) {
                1 => {
                    let at = stack.iter().position(|s| s == m).unwrap_or(0);
                    let mut c = stack[at..].to_vec();
                    c.push(m.clone());
                    return Some(c);
                }
                0 => {
                    if let Some(c) = visit(m, g, state, stack) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(n.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in g.keys() {
        if state.get(n.as_str()).copied().unwrap_or(0) == 0 {
            let mut stack = Vec::new();
            if let Some(c) = visit(n, g, &mut state, &mut stack) {
                return Some(c);
            }
        }
    }
    None
}

/// Every broken rule, as a readable line.
fn violations(files: &[File]) -> Vec<String> {
    let mut bad = Vec::new();
    for f in files {
        let top = f.module.first().map_or("", String::as_str);
        let where_ = f.path.display();
        if !f.has_doc {
            bad.push(format!("{where_}: no //! module doc at the top"));
        }
        if !TOP.contains(&top) {
            continue;
        }
        let (modules, crates) = forbidden(top);
        for r in references(f) {
            if let Some(first) = r.first()
                && modules.contains(&first.as_str())
            {
                bad.push(format!(
                    "{where_}: `{top}` must not import `{first}` (crate::{})",
                    r.join("::")
                ));
            }
        }
        for krate in crates_used(f) {
            let pest_ok = f
                .module
                .starts_with(&["core".to_string(), "syntax".to_string()]);
            if crates.contains(&krate) && !(krate.starts_with("pest") && pest_ok) {
                bad.push(format!(
                    "{where_}: `{top}` must not use the crate `{krate}`"
                ));
            }
            if krate.starts_with("pest") && !pest_ok {
                bad.push(format!("{where_}: pest stays inside core::syntax"));
            }
        }
    }
    bad.sort();
    bad.dedup();
    for (depth, within) in [(1, &[][..]), (2, &["core"][..])] {
        let within: Vec<&str> = within.to_vec();
        if let Some(c) = cycle(&graph(files, depth, &within)) {
            bad.push(format!("import cycle: {}", c.join(" → ")));
        }
    }
    bad
}

#[test]
fn the_import_rules_hold() {
    let files = load();
    assert!(files.len() > 40, "found only {} files", files.len());
    let bad = violations(&files);
    assert!(
        bad.is_empty(),
        "ARCHITECTURE.md's rules are broken:\n{}",
        bad.join("\n")
    );
}

/// The checker itself catches what it is for.
#[test]
fn the_checker_sees_bad_imports() {
    let file = |path: &str, src: &str| {
        let rel = PathBuf::from(path);
        File {
            module: module_of(&rel),
            code: strip(src),
            has_doc: src.starts_with("//!"),
            path: rel,
        }
    };
    let bad = violations(&[
        file(
            "core/explain.rs",
            "//! x\nuse crate::tui::model::Model;\n// crate::cli in a comment\nlet s = \"crate::repl\";",
        ),
        file(
            "app/session.rs",
            "//! x\nuse crate::{core::trace, tui::Theme};\n",
        ),
        file(
            "tui/view.rs",
            "//! x\n#[derive(clap::ValueEnum)]\nstruct T;",
        ),
        file("repl/mod.rs", "use pest::Parser;"),
        file("core/a.rs", "//! a\nuse super::b::X;"),
        file("core/b.rs", "//! b\nuse crate::core::a::Y;"),
    ]);
    let text = bad.join("\n");
    for want in [
        "core/explain.rs: `core` must not import `tui`",
        "app/session.rs: `app` must not import `tui`",
        "tui/view.rs: `tui` must not use the crate `clap`",
        "repl/mod.rs: no //! module doc",
        "repl/mod.rs: pest stays inside core::syntax",
        "import cycle: core::a → core::b → core::a",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
    assert!(
        !text.contains("cli"),
        "a comment or a string counted:\n{text}"
    );
    let (paths, _) = tree(
        &"{a::b, c::{d, e as f}}".chars().collect::<Vec<_>>(),
        0,
        vec![],
    );
    assert_eq!(paths.len(), 3);
}
