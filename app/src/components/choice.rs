//! A select's value that can only be one of the options it shows.

use leptos::prelude::*;

use super::Model;

/// A select's value that stays one of `options`: the first at start, and the
/// first again when the list changes under it (after a switch of identity or
/// of the subscription a list depends on); empty when nothing is offered, so a
/// form never sends a choice it no longer shows.
///
/// Derived rather than corrected by an effect: the memo remembers what it
/// answered last, so once reset to the first option it stays there even if
/// the old pick comes back, until the user picks again.
#[derive(Clone, Copy)]
pub struct Choice {
    /// The user's last pick, numbered so a new pick is told from an old one.
    picked: RwSignal<(u64, String)>,
    /// The pick number the answer follows, and the answer.
    value: Memo<(u64, String)>,
}

/// A [`Choice`] over `options`.
pub fn first_of(options: Memo<Vec<(String, String)>>) -> Choice {
    let first = move || {
        options
            .with(|o| o.first().map(|(v, _)| v.clone()))
            .unwrap_or_default()
    };
    let start = options
        .with_untracked(|o| o.first().map(|(v, _)| v.clone()))
        .unwrap_or_default();
    let picked = RwSignal::new((0u64, start));
    let value = Memo::new(move |previous: Option<&(u64, String)>| {
        let (pick, wanted) = picked.get();
        let listed = |v: &str| options.with(|o| o.iter().any(|(id, _)| id == v));
        let kept = match previous {
            Some((seen, kept)) if *seen == pick => kept.clone(),
            _ => wanted,
        };
        let answer = if listed(&kept) { kept } else { first() };
        (pick, answer)
    });
    Choice { picked, value }
}

impl Choice {
    /// The chosen value, tracked.
    pub fn get(&self) -> String {
        self.value.with(|v| v.1.clone())
    }

    /// The chosen value, untracked.
    pub fn get_untracked(&self) -> String {
        self.value.with_untracked(|v| v.1.clone())
    }

    /// The user picks `value`.
    pub fn set(&self, value: String) {
        self.picked.update(|p| *p = (p.0 + 1, value));
    }
}

impl From<Choice> for Signal<String> {
    fn from(choice: Choice) -> Self {
        Signal::derive(move || choice.get())
    }
}

impl From<Choice> for Model<String> {
    fn from(choice: Choice) -> Self {
        Model::new(choice.into(), SignalSetter::map(move |v| choice.set(v)))
    }
}
