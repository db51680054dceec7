//! Names this build of the engine (`sig_core::ENGINE`): the crate's version and a checksum of
//! every source file. A stored state sealed with another name was written under other rules, so
//! the portal reads it through the plans again instead of trusting it.

use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn main() {
    println!("cargo:rerun-if-changed=src");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    files(&root.join("src"), &mut paths);
    paths.sort();
    // FNV-1a, 64 bits: enough to tell builds apart; not a defence against anyone.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for b in bytes {
            hash ^= u64::from(*b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for path in &paths {
        let relative = path.strip_prefix(root).unwrap_or(path);
        feed(relative.to_string_lossy().replace('\\', "/").as_bytes());
        feed(&std::fs::read(path).unwrap_or_default());
    }
    println!(
        "cargo:rustc-env=SIG_CORE_ENGINE={}+{hash:016x}",
        env!("CARGO_PKG_VERSION")
    );
}
