//! The app's modules import downwards only: no module imports one that imports it back, however
//! long the way round (`account` → `session` → `words` → `language` → `account` was one such
//! circle; the board's frame and the pages it shows were another).
//!
//! The check reads the sources as text: every `use crate::…`, `use super::…` and `use child::…`
//! and every `crate::…` or `super::…` path written inline is an arrow from its file to the file
//! of the module it names. The crate root (`lib.rs`, which holds the catalogues' `i18n` module
//! and the `tr!` macros everyone uses) is left out, and a `use super::…` indented inside a
//! file (an inline `mod tests` or `mod browser`) names the file's own module, so it draws no
//! arrow.

use std::{
    collections::{BTreeMap, BTreeSet},
    path::{Path, PathBuf},
};

/// A module's path below the crate root (`["pages", "board"]`).
type ModulePath = Vec<String>;

/// Every `.rs` file under `dir` with its module path.
fn modules(dir: &Path, prefix: &[String], into: &mut BTreeMap<ModulePath, PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let mut module = prefix.to_vec();
        if path.is_dir() {
            module.push(name);
            modules(&path, &module, into);
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            if name != "mod" && name != "lib" {
                module.push(name);
            }
            into.insert(module, path);
        }
    }
}

/// The paths `tree` names, with use-groups expanded: `a::{b, c::{d, e}}` is `a::b`, `a::c::d`
/// and `a::c::e`.
fn expand(tree: &str) -> Vec<String> {
    let tree: String = tree.chars().filter(|c| !c.is_whitespace()).collect();
    let Some(open) = tree.find('{') else { return vec![tree] };
    let (prefix, group) = (&tree[..open], &tree[open + 1..tree.len() - 1]);
    let (mut items, mut depth, mut start) = (Vec::new(), 0, 0);
    for (at, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&group[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    items.push(&group[start..]);
    items.into_iter().filter(|item| !item.is_empty()).flat_map(|item| expand(&format!("{prefix}{item}"))).collect()
}

/// The paths one file names: from its `use` declarations and from `crate::`/`super::` inline.
fn named_paths(source: &str) -> Vec<(String, bool)> {
    let mut found = Vec::new();
    let code: Vec<&str> = source.lines().filter(|line| !line.trim_start().starts_with("//")).collect();
    let code = code.join("\n");
    let mut rest = code.as_str();
    while let Some(at) = rest.find("use ") {
        let before = &code[..code.len() - rest.len() + at];
        let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
        let head = &code[line_start..before.len()];
        let indented = head.starts_with(char::is_whitespace);
        let statement_start = head.trim().is_empty() || matches!(head.trim(), "pub" | "pub(crate)");
        let after = &rest[at + 4..];
        let Some(end) = after.find(';') else { break };
        if statement_start {
            for path in expand(&after[..end]) {
                found.push((path, indented));
            }
            rest = &after[end..];
        } else {
            rest = after;
        }
    }
    for anchor in ["crate::", "super::"] {
        let mut rest = code.as_str();
        while let Some(at) = rest.find(anchor) {
            let tail = &rest[at..];
            let end = tail.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':')).unwrap_or(tail.len());
            // `$crate::` inside a macro is the crate root too.
            found.push((tail[..end].trim_end_matches(':').to_owned(), false));
            rest = &tail[end..];
        }
    }
    found
}

/// Which module file a path in `from` lands in, if it is one of `known` other than `from`'s.
fn target(
    from: &ModulePath,
    is_mod_rs: bool,
    path: &str,
    indented: bool,
    known: &BTreeSet<ModulePath>,
) -> Option<ModulePath> {
    let segments: Vec<&str> = path.split("::").collect();
    // The module the path starts from, and the rest of the path.
    let (mut base, rest): (ModulePath, &[&str]) = match segments[0] {
        "crate" => (Vec::new(), &segments[1..]),
        "super" if indented => return None,
        "super" => {
            // A `mod.rs` file is its folder's module; its `super` is the folder's parent.
            let mut base = from.clone();
            base.pop();
            (base, &segments[1..])
        }
        "self" => (from.clone(), &segments[1..]),
        child => {
            let mut module = from.clone();
            module.push(child.to_owned());
            if !(is_mod_rs || from.is_empty()) || !known.contains(&module) {
                return None;
            }
            (from.clone(), &segments[..])
        }
    };
    // An item of the module itself (`super::with_account`) lands in its file.
    let mut landed = known.contains(&base).then(|| base.clone());
    for segment in rest {
        base.push((*segment).to_owned());
        if known.contains(&base) {
            landed = Some(base.clone());
        } else {
            break;
        }
    }
    landed.filter(|module| module != from && !module.is_empty())
}

/// The import arrows between the app's files (the crate root left out).
fn arrows() -> BTreeMap<ModulePath, BTreeSet<ModulePath>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = BTreeMap::new();
    modules(&root, &[], &mut files);
    let known: BTreeSet<ModulePath> = files.keys().cloned().collect();
    let mut arrows = BTreeMap::new();
    for (module, file) in files.iter().filter(|(module, _)| !module.is_empty()) {
        let is_mod_rs = file.file_name().is_some_and(|name| name == "mod.rs");
        let source = std::fs::read_to_string(file).unwrap();
        let targets: BTreeSet<ModulePath> = named_paths(&source)
            .into_iter()
            .filter_map(|(path, indented)| target(module, is_mod_rs, &path, indented, &known))
            .collect();
        arrows.insert(module.clone(), targets);
    }
    arrows
}

/// Every circle of `arrows`, each as the modules on it (from its smallest member, once each).
fn circles(arrows: &BTreeMap<ModulePath, BTreeSet<ModulePath>>) -> Vec<Vec<ModulePath>> {
    fn walk(
        arrows: &BTreeMap<ModulePath, BTreeSet<ModulePath>>,
        start: &ModulePath,
        way: &mut Vec<ModulePath>,
        found: &mut Vec<Vec<ModulePath>>,
    ) {
        let here = way.last().unwrap().clone();
        for next in arrows.get(&here).into_iter().flatten() {
            if next == start {
                found.push(way.clone());
            } else if next > start && !way.contains(next) {
                way.push(next.clone());
                walk(arrows, start, way, found);
                way.pop();
            }
        }
    }
    let mut found = Vec::new();
    for start in arrows.keys() {
        walk(arrows, start, &mut vec![start.clone()], &mut found);
    }
    found
}

fn name(module: &ModulePath) -> String {
    module.join("::")
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let arrows = arrows();
    let circles = circles(&arrows);
    let described: Vec<String> = circles
        .iter()
        .take(20)
        .map(|circle| circle.iter().chain(circle.first()).map(name).collect::<Vec<_>>().join(" → "))
        .collect();
    assert!(circles.is_empty(), "{} import circles in app/src, for example:\n{}", circles.len(), described.join("\n"));
}

#[test]
fn the_arrows_are_read_from_the_code() {
    // The reading itself, on the arrows this layout is made of (so the test above can fail).
    let arrows = arrows();
    let module = |path: &str| path.split("::").map(str::to_owned).collect::<ModulePath>();
    for (from, to) in [
        ("session", "set_aside"),
        ("account", "set_aside"),
        ("pages::board", "components::board_context"),
        ("pages::board", "components::time_travel"),
        ("pages::board", "pages::scenarios"),
        ("components::time_travel", "components::board_context"),
        ("pages::risks", "pages::project"),
        ("pages", "pages::board"),
        ("words", "language"),
    ] {
        assert!(arrows[&module(from)].contains(&module(to)), "{from} imports {to}");
    }
    assert!(!arrows[&module("language")].contains(&module("language")), "a file is no arrow to itself");
}

#[test]
fn circles_are_found() {
    let module = |name: &str| vec![name.to_owned()];
    let graph = |edges: &[(&str, &str)]| {
        let mut arrows: BTreeMap<ModulePath, BTreeSet<ModulePath>> = BTreeMap::new();
        for (from, to) in edges {
            arrows.entry(module(from)).or_default().insert(module(to));
            arrows.entry(module(to)).or_default();
        }
        arrows
    };
    let cases: [(&[(&str, &str)], usize); 4] = [
        (&[("a", "b"), ("b", "c")], 0),
        (&[("a", "b"), ("b", "a")], 1),
        (&[("a", "b"), ("b", "c"), ("c", "d"), ("d", "a")], 1),
        (&[("a", "b"), ("b", "a"), ("b", "c"), ("c", "b"), ("a", "c")], 3),
    ];
    for (edges, expected) in cases {
        assert_eq!(circles(&graph(edges)).len(), expected, "{edges:?}");
    }
    assert_eq!(expand("a::{b, c::{d, e}}"), ["a::b", "a::c::d", "a::c::e"]);
}
