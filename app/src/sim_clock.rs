//! The simulation clock: the one time the app gives the core.
//!
//! Replication, `latest` and deployment checks are pure functions of (world,
//! time) in the core; the app owns the time. It starts at the browser's clock
//! (or at the world's last command, if that is later, so time never runs
//! backwards for a saved world), runs at a chosen speed while playing, stands
//! still while paused, and can be stepped. Commands are applied at this time
//! too, so what the user sees and what the core records agree.

use leptos::prelude::*;
use time::OffsetDateTime;

use crate::clock;
use crate::storage;

/// Where builds before the clock moved into the saved envelope kept it; read
/// once when the envelope has no clock, removed after the next save.
pub const LEGACY_CLOCK_KEY: &str = "sig-portal/sim-clock";

/// The clock as saved: its time, whether it was playing and how fast, and the
/// browser time it was saved at (so a playing clock resumes where it would be).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SavedClock {
    /// Simulation time, Unix milliseconds.
    pub millis: i64,
    /// Playing when saved.
    pub playing: bool,
    /// Speed when saved.
    pub speed: u32,
    /// Browser time when saved, Unix milliseconds.
    pub saved_at: i64,
}

impl SavedClock {
    /// Where the clock stands at browser time `real_now`: a paused clock where
    /// it was left, a playing one moved on by the elapsed time at its speed.
    pub fn resumed_at(&self, real_now: i64) -> i64 {
        if self.playing {
            let elapsed = real_now.saturating_sub(self.saved_at).max(0);
            self.millis
                .saturating_add(elapsed.saturating_mul(i64::from(self.speed)))
        } else {
            self.millis
        }
    }
}

/// How far one press of "Step" moves the clock, in seconds.
pub const STEP_SECS: i64 = 300;
/// How often the clock advances while playing, in milliseconds.
const TICK_MS: u64 = 250;
/// The speeds offered, as multiples of real time.
pub const SPEEDS: [u32; 5] = [1, 10, 60, 600, 3600];

/// The simulation clock's state; `Copy` so every blade can hold it.
#[derive(Clone, Copy)]
pub struct SimClock {
    /// Simulation time in Unix milliseconds.
    pub millis: RwSignal<i64>,
    /// Advancing on its own?
    pub playing: RwSignal<bool>,
    /// Multiple of real time while playing.
    pub speed: RwSignal<u32>,
}

fn to_millis(t: OffsetDateTime) -> i64 {
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).unwrap_or(0)
}

fn from_millis(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

impl SimClock {
    /// The clock as the user left it (`saved`, from the stored envelope, or
    /// from where older builds kept it), else at the browser's time playing
    /// at 1×; never before `not_before` (the world's last command), so time
    /// does not run backwards for a saved world.
    pub fn new(saved: Option<SavedClock>, not_before: Option<OffsetDateTime>) -> SimClock {
        let real_now = to_millis(clock::now());
        let saved = saved.or_else(|| storage::load::<SavedClock>(LEGACY_CLOCK_KEY).ok());
        let (start, playing, speed) = match saved {
            Some(s) => (s.resumed_at(real_now), s.playing, s.speed.max(1)),
            None => (real_now, true, 1),
        };
        SimClock {
            millis: RwSignal::new(start.max(not_before.map_or(0, to_millis))),
            playing: RwSignal::new(playing),
            speed: RwSignal::new(speed),
        }
    }

    /// The clock's state to save with the world.
    pub fn snapshot(&self) -> SavedClock {
        SavedClock {
            millis: self.millis.get_untracked(),
            playing: self.playing.get_untracked(),
            speed: self.speed.get_untracked(),
            saved_at: to_millis(clock::now()),
        }
    }

    /// Follows a clock another tab saved: its play state and speed, and its
    /// position — but never before `not_before` (the world's last command).
    pub fn adopt(&self, saved: &SavedClock, not_before: Option<OffsetDateTime>) {
        let at = saved
            .resumed_at(to_millis(clock::now()))
            .max(not_before.map_or(0, to_millis));
        // Set only what differs, so following a tab does not look like a
        // change of ours (which would be saved back to it).
        let speed = saved.speed.max(1);
        self.playing
            .maybe_update(|p| std::mem::replace(p, saved.playing) != saved.playing);
        self.speed
            .maybe_update(|s| std::mem::replace(s, speed) != speed);
        self.millis.maybe_update(|m| std::mem::replace(m, at) != at);
    }

    /// [`SimClock::setting`], untracked.
    pub fn setting_untracked(&self) -> (bool, u32, Option<i64>) {
        let playing = self.playing.get_untracked();
        (
            playing,
            self.speed.get_untracked(),
            (!playing).then(|| self.millis.get_untracked()),
        )
    }

    /// What a save of the clock must record (tracked): play state, speed,
    /// and the position while paused (a playing clock's position follows from
    /// its save time, so its ticks are not changes).
    pub fn setting(&self) -> (bool, u32, Option<i64>) {
        let playing = self.playing.get();
        (
            playing,
            self.speed.get(),
            (!playing).then(|| self.millis.get()),
        )
    }

    /// The simulation time, tracked (views that show it re-render as it moves).
    pub fn now(&self) -> OffsetDateTime {
        from_millis(self.millis.get())
    }

    /// The simulation time, untracked (for commands and one-off checks).
    pub fn now_untracked(&self) -> OffsetDateTime {
        from_millis(self.millis.get_untracked())
    }

    /// Moves the clock forward by `secs` (never backwards).
    pub fn advance(&self, secs: i64) {
        let delta = secs.max(0).saturating_mul(1000);
        self.millis.update(|m| *m = m.saturating_add(delta));
    }

    /// Makes sure the clock is not before `t` (after an import of a later world).
    pub fn catch_up(&self, t: Option<OffsetDateTime>) {
        if let Some(t) = t {
            let target = to_millis(t);
            self.millis.maybe_update(|m| {
                let behind = *m < target;
                if behind {
                    *m = target;
                }
                behind
            });
        }
    }

    /// Starts the timer that advances the clock while playing; stopped when
    /// the owner (the app) is cleaned up. Saving is the store's
    /// ([`crate::store::Store::watch_clock`]): the clock is saved with the world.
    pub fn run(&self) {
        let clock = *self;
        let last_real = StoredValue::new(js_sys::Date::now());
        let handle = set_interval_with_handle(
            move || {
                let real = js_sys::Date::now();
                let elapsed = (real - last_real.get_value()).max(0.0);
                last_real.set_value(real);
                if clock.playing.get_untracked() {
                    let speed = f64::from(clock.speed.get_untracked());
                    let delta = (elapsed * speed).round() as i64;
                    clock.millis.update(|m| *m = m.saturating_add(delta));
                }
            },
            std::time::Duration::from_millis(TICK_MS),
        );
        if let Ok(handle) = handle {
            on_cleanup(move || handle.clear());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_paused_clock_resumes_where_it_was_and_a_playing_one_moves_on() {
        let paused = SavedClock {
            millis: 1_000,
            playing: false,
            speed: 60,
            saved_at: 5_000,
        };
        assert_eq!(paused.resumed_at(65_000), 1_000);
        let playing = SavedClock {
            playing: true,
            ..paused
        };
        assert_eq!(playing.resumed_at(65_000), 1_000 + 60_000 * 60);
        assert_eq!(
            playing.resumed_at(4_000),
            1_000,
            "a clock set back never runs backwards"
        );
    }
}
