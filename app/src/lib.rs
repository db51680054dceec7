//! SIG Portal: Azure-portal-like blades over `sig-core`, entirely in the browser.

pub mod blades;
pub mod route;
pub mod shell;
pub mod storage;

pub use shell::App;
