//! The top bar's control of the simulation clock.

use leptos::prelude::*;

use super::unique_id;
use crate::clock;
use crate::sim_clock::{SimClock, SPEEDS, STEP_SECS};

/// The top bar's clock control: time, Play, Pause, Speed and Step.
#[component]
pub fn ClockControl(
    /// The clock it shows and drives (the store's).
    sim: SimClock,
) -> impl IntoView {
    let speed_id = unique_id("speed");
    view! {
        <div class="clock-control" role="group" aria-label="Simulation clock">
            // Date over time, to keep the bar compact; read as one stamp.
            <time class="clock-time" aria-label="Simulation time">
                {move || {
                    let stamp = clock::stamp(sim.now());
                    let (date, time) = stamp.split_once(' ').unwrap_or((&stamp, ""));
                    view! {
                        <span class="clock-date">{date.to_string()}</span>
                        " "
                        <span class="clock-hms">{time.to_string()}</span>
                    }
                }}
            </time>
            <button
                type="button"
                class="button"
                aria-pressed=move || if sim.playing.get() { "true" } else { "false" }
                on:click=move |_| sim.playing.set(true)
            >
                "Play"
            </button>
            <button
                type="button"
                class="button"
                aria-pressed=move || if sim.playing.get() { "false" } else { "true" }
                on:click=move |_| sim.playing.set(false)
            >
                "Pause"
            </button>
            <label for=speed_id.clone()>"Speed"</label>
            <select
                id=speed_id
                prop:value=move || sim.speed.get().to_string()
                on:change=move |ev| {
                    if let Ok(speed) = event_target_value(&ev).parse::<u32>() {
                        sim.speed.set(speed);
                    }
                }
            >
                {SPEEDS
                    .iter()
                    .map(|s| view! { <option value=s.to_string()>{format!("{s}×")}</option> })
                    .collect_view()}
            </select>
            <button
                type="button"
                class="button"
                title="Move the simulation clock forward by 5 minutes"
                on:click=move |_| sim.advance(STEP_SECS)
            >
                "Step 5 min"
            </button>
        </div>
    }
}
