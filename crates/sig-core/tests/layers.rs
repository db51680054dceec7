//! The top-level modules of `sig-core` and of the app each form a DAG: shared vocabulary and
//! state at the bottom, rules above them, the dispatcher and import on top. A module that starts
//! reaching back up (say, `world` calling into `export`) makes this test fail with the cycle, so
//! the layering in ARCHITECTURE.md stays true.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Source files of one top-level module: `name.rs`, or every file under `name/`.
fn files_of(src: &Path, module: &str) -> Vec<PathBuf> {
    let dir = src.join(module);
    if dir.is_dir() {
        let mut out = Vec::new();
        let mut stack = vec![dir];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    out.push(p);
                }
            }
        }
        out
    } else {
        vec![src.join(format!("{module}.rs"))]
    }
}

/// Code as the compiler sees it outside tests: comments and `#[cfg(test)]` modules removed
/// (doc links name modules without depending on them; tests may reach anywhere).
fn shipped_code(text: &str) -> String {
    let cut = text.find("#[cfg(test)]").unwrap_or(text.len());
    text[..cut]
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `crate::x` references, including those inside `use crate::{a, b::c}` groups.
fn referenced(code: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let body = &group[..group.find('}').unwrap_or(group.len())];
            for part in body.split(',') {
                out.insert(ident(part.trim()));
            }
        } else {
            out.insert(ident(rest));
        }
    }
    out.retain(|m| modules.contains(m));
    out
}

fn graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let modules: BTreeSet<String> = std::fs::read_dir(src)
        .unwrap()
        .flatten()
        .filter_map(|e| {
            let p = e.path();
            let name = p.file_stem()?.to_str()?.to_string();
            let is_module = p.is_dir() || p.extension().is_some_and(|x| x == "rs");
            (is_module && name != "lib" && name != "main").then_some(name)
        })
        .collect();
    modules
        .iter()
        .map(|m| {
            let mut deps = BTreeSet::new();
            for f in files_of(src, m) {
                let text = std::fs::read_to_string(&f).unwrap();
                deps.extend(referenced(&shipped_code(&text), &modules));
            }
            deps.remove(m);
            (m.clone(), deps)
        })
        .collect()
}

/// A cycle, if any, as the list of modules around it.
fn find_cycle(g: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        g: &BTreeMap<String, BTreeSet<String>>,
        m: &str,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| p == m) {
            let mut cycle = path[at..].to_vec();
            cycle.push(m.to_string());
            return Some(cycle);
        }
        if done.contains(m) {
            return None;
        }
        path.push(m.to_string());
        for d in g.get(m).into_iter().flatten() {
            if let Some(c) = visit(g, d, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(m.to_string());
        None
    }
    let mut done = BTreeSet::new();
    g.keys()
        .find_map(|m| visit(g, m, &mut Vec::new(), &mut done))
}

fn assert_acyclic(crate_src: &str) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join(crate_src);
    let g = graph(&src);
    assert!(g.len() > 5, "read the modules of {}", src.display());
    if let Some(cycle) = find_cycle(&g) {
        panic!(
            "the top-level modules of {} form a cycle: {}",
            src.display(),
            cycle.join(" → ")
        );
    }
}

#[test]
fn core_modules_form_a_dag() {
    assert_acyclic("src");
}

#[test]
fn app_modules_form_a_dag() {
    assert_acyclic("../../app/src");
}

#[test]
fn the_checker_sees_a_cycle() {
    let g: BTreeMap<String, BTreeSet<String>> = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec![]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.into_iter().map(String::from).collect()))
    .collect();
    assert_eq!(
        find_cycle(&g).unwrap(),
        ["a", "b", "c", "a"].map(String::from).to_vec()
    );
    let code = "use crate::{world::World, rules};\nlet x = crate::export::f();\n// crate::testing";
    let modules = ["world", "rules", "export", "testing"]
        .map(String::from)
        .into_iter()
        .collect();
    assert_eq!(
        referenced(&shipped_code(code), &modules),
        ["export", "rules", "world"]
            .map(String::from)
            .into_iter()
            .collect()
    );
}
