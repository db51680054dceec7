//! The portal's building blocks, one component (or helper) per file, in the
//! style of thaw: every input has a visible `<label>`, errors sit under their
//! field and are announced, actions are real buttons, and every prop says
//! what it is for.
//!
//! Components may read the store and the clock; they never reach up into the
//! blades, the identity switcher or the shell.

mod alert_list;
mod blade_subtitle;
mod check_field;
mod choice;
mod clock_control;
mod combobox;
mod command_bar;
mod command_form;
mod create_draft;
mod diagnostics;
mod engine_waiting;
mod field_errors;
mod guarded_button;
mod id;
mod in_next_task;
mod model;
mod resource_menu;
mod review;
mod scroll_region;
mod select_field;
mod sort_header;
mod tab_list;
mod tags_editor;
mod text_area;
mod text_field;
mod unavailable;
mod user_text;
mod virtual_list;
mod wizard;

pub use alert_list::*;
pub use blade_subtitle::*;
pub use check_field::*;
pub use choice::*;
pub use clock_control::*;
pub use combobox::*;
pub use command_bar::*;
pub use command_form::*;
pub use create_draft::*;
pub use diagnostics::*;
pub use engine_waiting::*;
pub use field_errors::*;
pub use guarded_button::*;
pub use id::*;
pub use in_next_task::*;
pub use model::*;
pub use resource_menu::*;
pub use review::*;
pub use scroll_region::*;
pub use select_field::*;
pub use sort_header::*;
pub use tab_list::*;
pub use tags_editor::*;
pub use text_area::*;
pub use text_field::*;
pub use unavailable::*;
pub use user_text::*;
pub use virtual_list::*;
pub use wizard::*;
