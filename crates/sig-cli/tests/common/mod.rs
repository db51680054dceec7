//! What the `sig` tests over the shipped example state share: the state, its gallery, and
//! running `sig` for its exit code, stdout and stderr.
// Each test crate includes this module and uses a part of it.
#![allow(dead_code)]

use std::process::Command;

/// The shipped example state.
pub const STATE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../examples/state/contoso-fabrikam.json"
);

/// Its Contoso gallery.
pub const GALLERY: &str = "/subscriptions/2b7e1c4d-9a3f-4b8e-8c2d-5f6a7b8c9d0e/resourceGroups/rg-images/providers/Microsoft.Compute/galleries/ContosoImages";

/// Runs `sig` with `args`: (exit code, stdout, stderr).
pub fn sig(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_sig"))
        .args(args)
        .output()
        .expect("sig runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
