//! `sig-core`: the pure domain core of SIG Portal, an offline simulator of Azure Shared Image
//! Gallery (Azure Compute Gallery).
//!
//! * Every rule lives here once ([`rules`]); the app and the CLI only call the core.
//! * Every change goes through [`command::apply`]; queries are plain functions ([`world`], [`latest`]).
//! * Files are checked with [`validate::parse_documents`] + [`validate::validate_input`].
//! * Resources keep Azure's ARM JSON shapes ([`arm`]) and round-trip without loss.
//! * Time is an input: nothing here reads a clock, uses randomness, or touches storage.

pub mod access;
pub mod activity;
pub mod api_version;
pub mod arm;
pub mod command;
pub mod cost;
pub mod deploy;
pub mod diagnostics;
pub mod export;
pub mod export_template;
pub mod iam;
pub mod ids;
pub mod image_size;
pub mod kinds;
pub mod latest;
pub mod limits;
pub mod names;
pub mod nesting;
pub mod parts;
pub mod prices;
pub mod protocol;
pub mod regions;
pub mod replicas;
pub mod replication;
pub mod replication_state;
pub mod replication_timeline;
pub mod rules;
pub mod sharing;
pub mod soft_delete;
pub mod sources;
pub mod target_regions;
pub mod template;
pub mod testing;
pub mod validate;
pub mod visibility;
pub mod whatif;
pub mod world;

pub use command::{apply, apply_setup, check};
pub use diagnostics::{catalogue, Code, CodeInfo, Diagnostic, Severity};
pub use protocol::{Actor, Command, CommandError, Event, EventKind};
pub use world::World;

/// Which build of the engine this is: the crate's version and a checksum of its sources (see
/// `build.rs`). The portal seals what it stores with it; a state sealed by this same build is
/// read back without running every create's rules again ([`export::Reading::own`]), anything
/// else goes through the plans.
pub const ENGINE: &str = env!("SIG_CORE_ENGINE");
