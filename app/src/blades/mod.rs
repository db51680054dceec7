//! What each blade shows. One file per blade; the shell frames them.

mod browse;
mod home;

use leptos::prelude::*;

use crate::route::Blade;

/// Renders the body of `blade`; `open` opens another blade to its right.
#[component]
pub fn BladeContent(blade: Blade, open: Callback<Blade>) -> impl IntoView {
    match blade {
        Blade::Home => view! { <home::Home open/> }.into_any(),
        Blade::AllResources => view! { <browse::AllResources/> }.into_any(),
        Blade::Galleries => view! { <browse::Galleries/> }.into_any(),
    }
}
