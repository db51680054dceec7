//! Prints the full-limits world (100 galleries, 1,000 image definitions,
//! 10,000 image versions in one subscription and region) as a SIG Portal
//! state file, for the portal's scale benchmarks and for trying `sig` on a
//! realistic large input:
//!
//! `cargo run -q -p sig-core --example full_limits_state > full-limits.json`

use std::io::Write;

fn main() {
    let world = sig_core::testing::full_limits_world();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let written = serde_json::to_writer(&mut out, &world)
        .map_err(std::io::Error::from)
        .and_then(|()| writeln!(out));
    if let Err(e) = written {
        eprintln!("full_limits_state: cannot write the state: {e}");
        std::process::exit(1);
    }
}
