//! What a resource's page shows instead of it: it is gone, or the signed-in
//! principal may not read it. One wording for every page.

use leptos::prelude::*;

/// Why a page cannot show its resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unavailable {
    /// Not in the world (deleted, or a stale link): the id it looked for.
    NotFound(String),
    /// Hidden from `principal`; `what` names the resource ("this resource group").
    NoAccess {
        /// Who is signed in.
        principal: String,
        /// The resource, as the sentence names it.
        what: &'static str,
    },
}

/// The page's message, announced as a status.
#[component]
pub fn UnavailableNotice(reason: Unavailable) -> impl IntoView {
    let (title, detail) = match reason {
        Unavailable::NotFound(id) => (
            "Resource not found",
            format!("It may have been deleted. {id}"),
        ),
        Unavailable::NoAccess { principal, what } => (
            "You don't have access",
            format!("{principal} may not read {what}."),
        ),
    };
    view! {
        <div class="empty-state" role="status">
            <p class="empty-title">{title}</p>
            <p>{detail}</p>
        </div>
    }
}
