//! SIG Portal: Azure-portal-like blades over `sig-core`, entirely in the browser.

pub mod blades;
pub mod browse_rows;
pub mod clock;
pub mod components;
pub mod engine;
pub mod global_search;
pub mod heap;
pub mod identity;
pub mod journal;
pub mod offline;
pub mod persist;
pub mod route;
pub mod shell;
pub mod sim_clock;
pub mod storage;
pub mod store;
pub mod tab_lock;
pub mod text;

pub use shell::App;
