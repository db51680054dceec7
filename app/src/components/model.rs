//! A two-way binding a field can take from several kinds of state.

use leptos::prelude::*;

/// What a field reads and writes: an `RwSignal` most of the time, but also a
/// [`Choice`](super::Choice) or a mapped view of another signal (a checkbox
/// over a `"true"`/`"false"` text), so a field never needs a second signal
/// kept in step by an effect.
pub struct Model<T: Send + Sync + 'static> {
    read: Signal<T>,
    write: SignalSetter<T>,
}

impl<T: Send + Sync + 'static> Clone for Model<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Model<T> {}

impl<T: Clone + Send + Sync + 'static> Model<T> {
    /// A model reading `read` and writing through `write`.
    pub fn new(read: Signal<T>, write: SignalSetter<T>) -> Self {
        Model { read, write }
    }

    /// The value, tracked.
    pub fn get(&self) -> T {
        self.read.get()
    }

    /// The value, untracked.
    pub fn get_untracked(&self) -> T {
        self.read.get_untracked()
    }

    /// Writes a new value.
    pub fn set(&self, value: T) {
        self.write.set(value);
    }
}

impl<T: Clone + Send + Sync + 'static> From<RwSignal<T>> for Model<T> {
    fn from(signal: RwSignal<T>) -> Self {
        Model::new(signal.into(), signal.into())
    }
}
