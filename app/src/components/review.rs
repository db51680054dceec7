//! The "Review + create" tab every create wizard ends with: the core's
//! verdict, a summary, and the ARM JSON that will be created.

use leptos::prelude::*;
use sig_core::{Diagnostic, Severity};

/// Review tab body.
#[component]
pub fn Review(
    /// `(label, value)` rows.
    #[prop(into)]
    summary: Signal<Vec<(&'static str, String)>>,
    /// The ARM resource JSON that will be created.
    #[prop(into)]
    json: Signal<String>,
    /// The core's findings for the whole create.
    #[prop(into)]
    diagnostics: Signal<Vec<Diagnostic>>,
) -> impl IntoView {
    let errors = move || {
        diagnostics
            .get()
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .collect::<Vec<_>>()
    };
    let warnings = move || {
        diagnostics
            .get()
            .into_iter()
            .filter(|d| d.severity != Severity::Error)
            .collect::<Vec<_>>()
    };
    view! {
        <div class="review">
            {move || {
                let errors = errors();
                if let Some(waiting) = errors.iter().find(|d| crate::engine::is_unavailable(d)) {
                    // Not a finding: the rules are not here yet (or could not be downloaded).
                    let message = waiting.message.clone();
                    return view! { <p class="banner info" role="status">{message}</p> }.into_any();
                }
                if errors.is_empty() {
                    view! { <p class="banner success" role="status">"Validation passed"</p> }.into_any()
                } else {
                    view! {
                        <div class="banner error" role="alert">
                            <p>"Validation failed. Required information is missing or not valid."</p>
                            <ul>
                                {errors
                                    .into_iter()
                                    .map(|d| view! { <li><code>{d.code.as_str()}</code>" "{d.message}</li> })
                                    .collect_view()}
                            </ul>
                        </div>
                    }
                    .into_any()
                }
            }}
            {move || {
                let warnings = warnings();
                (!warnings.is_empty()).then(|| view! {
                    <div class="banner warning">
                        <ul>
                            {warnings
                                .into_iter()
                                .map(|d| view! { <li><code>{d.code.as_str()}</code>" "{d.message}</li> })
                                .collect_view()}
                        </ul>
                    </div>
                })
            }}
            <dl class="summary">
                {move || {
                    summary
                        .get()
                        .into_iter()
                        .map(|(label, value)| view! { <dt>{label}</dt><dd>{value}</dd> })
                        .collect_view()
                }}
            </dl>
            <details>
                <summary>"View ARM JSON"</summary>
                <pre class="json" tabindex="0" role="region" aria-label="ARM JSON to be created">{move || json.get()}</pre>
            </details>
        </div>
    }
}
