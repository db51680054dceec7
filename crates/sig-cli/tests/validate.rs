//! `sig validate` as a CI pipeline runs it: exit codes, both output formats,
//! cross-file rules, and every official Azure example.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{json, Value};

const AT: &str = "2026-11-26T00:00:00Z";

fn sig(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sig"))
        .args(args)
        .output()
        .expect("sig runs")
}

fn write(dir: &Path, name: &str, value: &Value) -> String {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_vec_pretty(value).unwrap()).unwrap();
    path.display().to_string()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

const RG: &str = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg";

fn gallery(name: &str) -> Value {
    json!({
        "id": format!("{RG}/providers/Microsoft.Compute/galleries/{name}"),
        "name": name,
        "type": "Microsoft.Compute/galleries",
        "location": "eastus",
        "properties": { "description": "Images for the web tier" }
    })
}

fn definition(name: &str, publisher: &str, offer: &str, sku: &str) -> Value {
    json!({
        "id": format!("{RG}/providers/Microsoft.Compute/galleries/gal/images/{name}"),
        "name": name,
        "type": "Microsoft.Compute/galleries/images",
        "location": "eastus",
        "properties": {
            "osType": "Linux",
            "osState": "Generalized",
            "hyperVGeneration": "V2",
            "identifier": { "publisher": publisher, "offer": offer, "sku": sku }
        }
    })
}

#[test]
fn a_valid_file_exits_0_with_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "ok.json",
        &json!([
            gallery("gal"),
            definition("web", "Contoso", "Finance", "Backend")
        ]),
    );
    let out = sig(&["validate", "--at", AT, &file]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("2 resource(s) in 1 file(s): 0 error(s)"));
}

#[test]
fn a_broken_rule_exits_1_and_names_code_path_and_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "bad.json", &gallery("my-gallery"));
    let out = sig(&["validate", "--at", AT, &file]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("bad.json: error"), "{text}");
    assert!(text.contains("my-gallery"), "{text}");
    assert!(
        text.contains("dashes"),
        "the message states the rule: {text}"
    );
}

#[test]
fn json_format_is_an_array_of_findings() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "bad.json", &gallery("g-1"));
    let out = sig(&["validate", "--format", "json", "--at", AT, &file]);
    assert_eq!(out.status.code(), Some(1));
    let findings: Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    let first = &findings.as_array().expect("an array")[0];
    for key in ["code", "severity", "resourceId", "path", "message"] {
        assert!(first.get(key).is_some(), "missing {key} in {first}");
    }
    assert_eq!(first["severity"], "error");
    assert_eq!(first["path"], "name");
}

#[test]
fn publisher_offer_sku_must_be_unique_across_files() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(
        dir.path(),
        "a.json",
        &definition("web", "Contoso", "Finance", "Backend"),
    );
    let b = write(
        dir.path(),
        "b.json",
        &definition("api", "contoso", "finance", "backend"),
    );
    let out = sig(&["validate", "--format", "json", "--at", AT, &a, &b]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let findings: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        findings.as_array().unwrap().iter().any(|f| f["message"]
            .as_str()
            .unwrap_or("")
            .contains("already exists")),
        "{findings}"
    );
    // Sharing two of the three values is fine.
    let c = write(
        dir.path(),
        "c.json",
        &definition("api", "Contoso", "Finance", "Frontend"),
    );
    let out = sig(&["validate", "--at", AT, &a, &c]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn unreadable_input_exits_2_naming_file_and_position() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.json");
    std::fs::write(&path, "{\n  \"name\": \"gal\",\n  oops\n}").unwrap();
    let out = sig(&["validate", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("broken.json") && err.contains("line 3"),
        "{err}"
    );
    assert!(
        out.stdout.is_empty(),
        "nothing is reported for a run that could not read its input"
    );

    let out = sig(&["validate", "/nonexistent/file.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/file.json"));
}

#[test]
fn a_bad_time_is_a_usage_error() {
    let out = sig(&["validate", "--at", "yesterday", "x.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("RFC 3339"));
}

fn examples() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../sig-core/tests/fixtures");
    let mut files = Vec::new();
    for dir in [root.clone(), root.join("2018-06-01")] {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "json") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn every_azure_example_is_read_never_exit_2() {
    let files = examples();
    assert!(files.len() >= 26, "the fixtures are all there");
    for file in files {
        let out = sig(&["validate", "--at", AT, file.to_str().unwrap()]);
        assert!(
            matches!(out.status.code(), Some(0) | Some(1)),
            "{} exited {:?}: {}",
            file.display(),
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// Windows PowerShell's `Out-File -Encoding utf8` starts the file with a byte-order mark; the
/// file is still JSON and reads as the same resources.
#[test]
fn a_file_with_a_byte_order_mark_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bom.json");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(serde_json::to_vec(&json!([gallery("gal")])).unwrap());
    std::fs::write(&path, bytes).unwrap();
    let out = sig(&["validate", "--at", AT, path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("1 resource(s) in 1 file(s): 0 error(s)"));
}

/// A key written twice in one object is a warning naming the key and where: only one of the
/// values would be deployed.
#[test]
fn a_repeated_json_key_is_a_warning_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dup.json");
    let text = r#"{"id": "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Compute/galleries/gal",
        "name": "gal", "type": "Microsoft.Compute/galleries", "location": "eastus", "location": "westus"}"#;
    std::fs::write(&path, text).unwrap();
    let out = sig(&["validate", "--at", AT, path.to_str().unwrap()]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("warning DuplicateJsonKey") && text.contains("'location'"),
        "{text}"
    );
}
