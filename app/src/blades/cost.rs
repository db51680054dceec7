//! The Cost blade: the core's storage and egress estimate per image version
//! and region (`cost::Estimating`, in slices between frames with a progress bar:
//! at ten times the limits the whole estimate held the page for most of a second),
//! a bar chart of the monthly storage cost by region, and the price table,
//! editable; it is part of the state (the core's `SetPriceTable`), so it is
//! saved, exported and shared across tabs with it.

use std::collections::BTreeMap;

use leptos::prelude::*;
use sig_core::cost::{tier_name, CostEstimate, CostLine, Estimating, PriceTable, TIER_SIZES_GB};
use sig_core::kinds::StorageAccountType;

use crate::components::{AlertList, EngineWaiting, TextField, VirtualList};
use crate::store::{refusal, Store};
use sig_core::Command;

/// Monthly storage cost by region (display name), for the chart.
pub fn by_region(lines: &[&CostLine]) -> Vec<(String, f64)> {
    // Summed by the region's own name first: a display name made per line was 100,000
    // allocations at ten times the limits.
    let mut own: BTreeMap<&str, f64> = BTreeMap::new();
    for line in lines {
        *own.entry(line.region.as_str()).or_default() += line.storage_monthly;
    }
    let mut sums: BTreeMap<String, f64> = BTreeMap::new();
    for (region, sum) in own {
        *sums
            .entry(super::options::region_display(region))
            .or_default() += sum;
    }
    sums.into_iter().collect()
}

/// The price table as editable text fields, one per storage type and tier.
struct PriceInputs {
    lrs: Vec<RwSignal<String>>,
    zrs: Vec<RwSignal<String>>,
    premium: Vec<RwSignal<String>>,
    egress: RwSignal<String>,
    currency: RwSignal<String>,
}

impl PriceInputs {
    fn new(p: &PriceTable) -> Self {
        let fields = |list: &[f64]| list.iter().map(|x| RwSignal::new(x.to_string())).collect();
        PriceInputs {
            lrs: fields(&p.standard_lrs_monthly),
            zrs: fields(&p.standard_zrs_monthly),
            premium: fields(&p.premium_lrs_monthly),
            egress: RwSignal::new(p.egress_per_gb.to_string()),
            currency: RwSignal::new(p.currency.clone()),
        }
    }
    fn set(&self, p: &PriceTable) {
        for (fields, list) in [
            (&self.lrs, &p.standard_lrs_monthly),
            (&self.zrs, &p.standard_zrs_monthly),
            (&self.premium, &p.premium_lrs_monthly),
        ] {
            for (f, x) in fields.iter().zip(list.iter()) {
                f.set(x.to_string());
            }
        }
        self.egress.set(p.egress_per_gb.to_string());
        self.currency.set(p.currency.clone());
    }
    /// The table typed, or the first field that is not a number.
    fn read(&self) -> Result<PriceTable, String> {
        let numbers = |fields: &[RwSignal<String>], what: &str| {
            fields
                .iter()
                .enumerate()
                .map(|(i, f)| {
                    let text = f.get_untracked();
                    text.trim()
                        .parse::<f64>()
                        .map_err(|_| format!("{what} price {} ('{text}') is not a number", i + 1))
                })
                .collect::<Result<Vec<f64>, String>>()
        };
        Ok(PriceTable {
            currency: self.currency.get_untracked().trim().to_string(),
            standard_lrs_monthly: numbers(&self.lrs, "Standard_LRS")?,
            standard_zrs_monthly: numbers(&self.zrs, "Standard_ZRS")?,
            premium_lrs_monthly: numbers(&self.premium, "Premium_LRS")?,
            egress_per_gb: self
                .egress
                .get_untracked()
                .trim()
                .parse::<f64>()
                .map_err(|_| "The egress price is not a number".to_string())?,
        })
    }
}

fn money(x: f64) -> String {
    format!("{x:.2}")
}

fn chart(bars: Vec<(String, f64)>, currency: String) -> impl IntoView {
    let max = bars.iter().map(|b| b.1).fold(0.0_f64, f64::max).max(0.01);
    let row = 24.0;
    let height = row * bars.len() as f64 + 8.0;
    let label_w = 150.0;
    let width = 600.0;
    let summary = format!("Monthly storage cost by region, in {currency}");
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {width} {height}") width="100%" role="img" aria-label=summary.clone()>
                {bars.into_iter().enumerate().map(|(i, (region, value))| {
                    let y = 4.0 + row * i as f64;
                    let w = (width - label_w - 90.0) * value / max;
                    view! {
                        <g>
                            <text x="0" y=y + 14.0 class="chart-label">{region}</text>
                            <rect x=label_w y=y width=w.max(1.0) height="16" class="bar-cost"/>
                            <text x=label_w + w + 6.0 y=y + 14.0 class="chart-label">{money(value)}</text>
                        </g>
                    }
                }).collect_view()}
            </svg>
            <figcaption class="field-help">{summary}</figcaption>
        </figure>
    }
}

/// One line of the estimate as a table row.
fn cost_row(aria_rowindex: usize, l: &CostLine) -> impl IntoView {
    view! {
        <tr aria-rowindex=aria_rowindex>
            <td>{format!(
                "{}{}",
                l.version_id.split("/galleries/").nth(1).unwrap_or(&l.version_id),
                if l.soft_deleted { " (soft-deleted: one replica kept)" } else { "" }
            )}</td>
            <td>{super::options::region_display(&l.region)}{if l.source_region { " (source)" } else { "" }}</td>
            <td>{l.replicas}</td>
            <td>{l.storage_account_type.as_str()}</td>
            <td>{l.disk_tiers.join(", ")}</td>
            <td>{l.billed_gb_per_replica}</td>
            <td>{money(l.storage_monthly)}</td>
            <td>{money(l.egress_one_time)}</td>
        </tr>
    }
}

/// How long one slice of the estimate may keep the page busy.
const ESTIMATE_SLICE_MS: f64 = 12.0;

/// The estimate of the world with `prices` (numbered: each new one is another), made again in
/// slices that yield to the browser whenever either changes, and how far the one under way is
/// once it takes more than a slice (versions done, of how many; `None` once it is shown). The
/// last complete estimate stays shown meanwhile. A world or price table that changes during an
/// estimate starts another, and the one under way checks before each slice that it is still
/// the latest, so its steps all read the world it started with.
fn estimate_in_slices(store: Store, prices: Memo<PriceTable>) -> SlicedEstimate {
    let result = RwSignal::new(None::<(u64, CostEstimate)>);
    let estimating = RwSignal::new(None);
    let generation = StoredValue::new(0_u64);
    Effect::new(move |_| {
        let table = prices.get();
        store.world.track();
        let Some(this) = generation.try_update_value(|g| {
            *g += 1;
            *g
        }) else {
            return;
        };
        let current = move || generation.try_get_value() == Some(this);
        // An estimate under way is dropped: its progress is not this one's.
        estimating.set(None);
        let Some(mut job) = store
            .world
            .try_with_untracked(|w| Estimating::new(w, table))
        else {
            return;
        };
        leptos::task::spawn_local(async move {
            loop {
                crate::tab_lock::yield_to_browser().await;
                // A newer estimate started (or the blade closed): this one is dropped.
                if !current() {
                    return;
                }
                let start = crate::persist::now_ms();
                let done = store.world.try_with_untracked(|w| {
                    job.step(w, &mut || {
                        crate::persist::now_ms() - start < ESTIMATE_SLICE_MS
                    })
                });
                match done {
                    None => return,
                    Some(true) => break,
                    Some(false) => {
                        let _ = estimating.try_set(Some(job.progress()));
                    }
                }
            }
            let estimate = job.finish();
            // Shown in a task of its own: the lines the principal may read are picked out and
            // the totals summed as it is shown.
            crate::tab_lock::yield_to_browser().await;
            if !current() {
                return;
            }
            let _ = result.try_set(Some((this, estimate)));
            let _ = estimating.try_set(None);
        });
    });
    SlicedEstimate { result, estimating }
}

/// What [`estimate_in_slices`] shows: the last complete estimate, and how far the one under way
/// is.
#[derive(Clone, Copy)]
struct SlicedEstimate {
    result: RwSignal<Option<(u64, CostEstimate)>>,
    estimating: RwSignal<Option<(usize, usize)>>,
}

/// The blade.
#[component]
pub fn Cost() -> impl IntoView {
    let store = expect_context::<Store>();
    let prices = Memo::new(move |_| {
        store
            .world
            .with(|w| w.price_table().cloned().unwrap_or_default())
    });
    let inputs = StoredValue::new(PriceInputs::new(&prices.get_untracked()));
    // Another tab's (or an import's) price table shows in the fields too.
    Effect::new(move |_| prices.with(|table| inputs.with_value(|i| i.set(table))));
    let problems = RwSignal::new(Vec::<String>::new());
    let SlicedEstimate { result, estimating } = estimate_in_slices(store, prices);
    // The lines the signed-in principal may read, by position. A soft-deleted version is no
    // longer a resource: its definition's readers see it. The set of what is visible is tracked
    // once, not once per line.
    let visible = Memo::new(move |_| {
        store.with_visible(|listed| {
            result.with(|r| {
                r.as_ref().map_or_else(Vec::new, |(_, r)| {
                    let readable = |l: &CostLine| {
                        listed(&l.version_id)
                            || (l.soft_deleted
                                && sig_core::visibility::soft_deleted_read_scope(&l.version_id)
                                    .is_some_and(|definition| listed(&definition)))
                    };
                    (0..r.lines.len())
                        .filter(|&i| readable(&r.lines[i]))
                        .collect::<Vec<usize>>()
                })
            })
        })
    });
    let save = move |_| match inputs.with_value(PriceInputs::read) {
        Err(why) => problems.set(vec![why]),
        Ok(table) => match store.dispatch(Command::SetPriceTable {
            prices: Some(table),
        }) {
            Ok(_) => problems.set(Vec::new()),
            Err(error) => problems.set(vec![refusal(&error)]),
        },
    };
    let reset = move |_| {
        if store
            .dispatch(Command::SetPriceTable { prices: None })
            .is_ok()
        {
            problems.set(Vec::new());
        }
    };
    let tiers = TIER_SIZES_GB.len();
    let price_rows = (0..tiers)
        .map(|i| {
            let (lrs, zrs, premium) = inputs.with_value(|p| (p.lrs[i], p.zrs[i], p.premium[i]));
            let s = tier_name(StorageAccountType::StandardLrs, i);
            let p = tier_name(StorageAccountType::PremiumLrs, i);
            view! {
                <tr>
                    <th scope="row">{format!("up to {} GiB", TIER_SIZES_GB[i])}</th>
                    <td><TextField label=format!("Standard_LRS {s}") value=lrs input_type="number"/></td>
                    <td><TextField label=format!("Standard_ZRS {s}") value=zrs input_type="number"/></td>
                    <td><TextField label=format!("Premium_LRS {p}") value=premium input_type="number"/></td>
                </tr>
            }
        })
        .collect_view();
    let (egress, currency) = inputs.with_value(|i| (i.egress, i.currency));
    view! {
        // Always in the page, so screen readers announce its text when it appears; it says it
        // once and the bar carries the count (a status rewritten at every slice would be read
        // out dozens of times a second).
        <p role="status" class="field-help">
            {move || estimating.get().is_some().then_some("Estimating the cost…")}
        </p>
        <Show when=move || estimating.get().is_some()>
            <progress class="list-progress" aria-label="Estimating the cost"
                max=move || estimating.get().map_or(1, |(_, of)| of.max(1))
                value=move || estimating.get().map_or(0, |(done, _)| done)></progress>
        </Show>
        {move || result.with(|r| r.as_ref().map(|(_, r)| {
            let currency = r.currency.clone();
            visible.with(|shown| {
                let lines: Vec<&CostLine> = shown.iter().map(|&i| &r.lines[i]).collect();
                let storage_total: f64 = lines.iter().map(|l| l.storage_monthly).sum();
                let egress_total: f64 = lines.iter().map(|l| l.egress_one_time).sum();
                view! {
                    <p role="status" class="cost-total">{format!("Storage {} {currency} per month; replication egress {} {currency} once ({} lines)", money(storage_total), money(egress_total), lines.len())}</p>
                    {chart(by_region(&lines), currency.clone())}
                }
            })
        }))}
        // At ten times the limits there are 100,000 lines: the rows in view are rendered, no more.
        <VirtualList
            label="Cost per version and region"
            class="grid cost-rows"
            viewport_class="cost-viewport"
            row_height=40.0
            viewport_height=480.0
            overscan=6
            columns=8
            focusable=true
            count=Signal::derive(move || visible.with(Vec::len))
            rows=move |range| visible.with(|shown| result.with(|r| r.as_ref().map_or_else(Vec::new, |r| {
                shown[range].iter().map(|&i| (r.0, i, r.1.lines[i].clone())).collect()
            })))
            // Keyed by the estimate too: a line at the same place in a new estimate (new prices,
            // a version gone) is another row, not the old one left in place.
            key=|row: &(u64, usize, CostLine)| (row.0, row.1)
            header=|| view! {
                <tr aria-rowindex="1">
                    <th scope="col">"Version"</th><th scope="col">"Region"</th><th scope="col">"Replicas"</th><th scope="col">"Storage type"</th>
                    <th scope="col">"Disk tiers"</th><th scope="col">"Billed GiB per replica"</th><th scope="col">"Storage per month"</th><th scope="col">"Egress (one time)"</th>
                </tr>
            }
            let:line
        >
            {cost_row(line.aria_rowindex, &line.item.2)}
        </VirtualList>
        {move || result.with(|r| r.as_ref().map(|(_, r)| view! {
            <ul class="assumptions" aria-label="Assumptions">
                {r.assumptions.iter().take(20).map(|d| view! { <li>{d.message.clone()}</li> }).collect_view()}
            </ul>
            {(!r.advice.is_empty()).then(|| view! {
                <ul class="assumptions" aria-label="Cost advice">
                    {r.advice.iter().map(|d| view! { <li>{d.message.clone()}</li> }).collect_view()}
                </ul>
            })}
        }))}
        <form class="price-table" aria-label="Price table" novalidate=true on:submit=move |ev| { ev.prevent_default(); save(()); }>
            <h3>"Price table (monthly price per disk)"</h3>
            <AlertList messages=problems/>
            <div class="field-row">
                <TextField label="Currency" value=currency/>
                <TextField label="Egress per GiB" value=egress input_type="number"/>
            </div>
            <crate::components::ScrollRegion label="Prices per GiB">
                <table class="grid">
                    <thead><tr><th scope="col">"Tier"</th><th scope="col">"Standard_LRS"</th><th scope="col">"Standard_ZRS"</th><th scope="col">"Premium_LRS"</th></tr></thead>
                    <tbody>{price_rows}</tbody>
                </table>
            </crate::components::ScrollRegion>
            <button type="submit" class="button primary" disabled=move || store.engine_waiting().is_some()>"Save prices"</button>
            <button type="button" class="button" disabled=move || store.engine_waiting().is_some() on:click=reset>"Reset to defaults"</button>
            <EngineWaiting/>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sig_core::testing::world_with;

    #[test]
    fn chart_sums_by_region() {
        let w = world_with(1, 1, 2);
        let e = sig_core::cost::estimate(&w, &PriceTable::default());
        let lines: Vec<&CostLine> = e.lines.iter().collect();
        let bars = by_region(&lines);
        assert_eq!(bars.len(), 1);
        let total: f64 = e.lines.iter().map(|l| l.storage_monthly).sum();
        assert!((bars[0].1 - total).abs() < 1e-9);
    }
}
