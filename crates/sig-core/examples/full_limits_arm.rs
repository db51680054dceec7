//! Prints the full-limits world (100 galleries, 1,000 image definitions, 10,000 image versions in
//! one subscription and region) as an ARM list response, `{"value": [...]}` — the shape
//! `az sig ... list -o json` / the REST list APIs print, each resource with its real `id`, `name`,
//! `type`, `location` and `properties`. Input for `scripts/bench-validate.sh`:
//!
//! ```sh
//! cargo run --release -p sig-core --example full_limits_arm > full-limits.json
//! ```

use serde::Serialize;
use sig_core::arm;
use std::io::{BufWriter, Write};

/// One resource of the list, in document order: galleries, then definitions, then versions.
#[derive(Serialize)]
#[serde(untagged)]
enum Resource<'a> {
    Gallery(&'a arm::Gallery),
    Image(&'a arm::GalleryImage),
    Version(&'a arm::GalleryImageVersion),
}

#[derive(Serialize)]
struct List<'a> {
    value: Vec<Resource<'a>>,
}

fn main() -> std::io::Result<()> {
    let world = sig_core::testing::full_limits_world();
    let value: Vec<Resource> = world
        .galleries()
        .map(|g| Resource::Gallery(&g.resource))
        .chain(world.images().map(|i| Resource::Image(&i.resource)))
        .chain(world.versions().map(|v| Resource::Version(v.resource())))
        .collect();
    let mut out = BufWriter::new(std::io::stdout().lock());
    serde_json::to_writer(&mut out, &List { value })?;
    writeln!(out)?;
    out.flush()
}
