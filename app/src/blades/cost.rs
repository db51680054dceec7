//! The Cost blade: the core's storage and egress estimate per image version
//! and region (`cost::estimate`), a bar chart of the monthly storage cost by
//! region, and the price table, editable; it is part of the state (the core's
//! `SetPriceTable`), so it is saved, exported and shared across tabs with it.

use std::collections::BTreeMap;

use leptos::prelude::*;
use sig_core::cost::{estimate, tier_name, CostLine, PriceTable, TIER_SIZES_GB};
use sig_core::kinds::StorageAccountType;

use crate::components::{AlertList, EngineWaiting, TextField};
use crate::store::{refusal, Store};
use sig_core::Command;

/// Monthly storage cost by region (display name), for the chart.
pub fn by_region(lines: &[&CostLine]) -> Vec<(String, f64)> {
    let mut sums: BTreeMap<String, f64> = BTreeMap::new();
    for line in lines {
        *sums
            .entry(super::options::region_display(&line.region))
            .or_default() += line.storage_monthly;
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
    let result = Memo::new(move |_| prices.with(|p| store.world.with(|w| estimate(w, p))));
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
        {move || result.with(|r| {
            // A soft-deleted version is no longer a resource: its definition's readers see it.
            let readable = |l: &CostLine| {
                store.in_visible(&l.version_id)
                    || (l.soft_deleted
                        && sig_core::visibility::soft_deleted_read_scope(&l.version_id)
                            .is_some_and(|definition| store.in_visible(&definition)))
            };
            let visible: Vec<&CostLine> = r.lines.iter().filter(|l| readable(l)).collect();
            let storage_total: f64 = visible.iter().map(|l| l.storage_monthly).sum();
            let egress_total: f64 = visible.iter().map(|l| l.egress_one_time).sum();
            let currency = r.currency.clone();
            let bars = by_region(&visible);
            let rows = visible.iter().take(500).map(|l| view! {
                <tr>
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
            }).collect_view();
            view! {
                <p role="status" class="cost-total">{format!("Storage {} {currency} per month; replication egress {} {currency} once ({} lines)", money(storage_total), money(egress_total), visible.len())}</p>
                {chart(bars, currency.clone())}
                <crate::components::ScrollRegion label="Cost per version and region">
                    <table class="grid" aria-label="Cost per version and region">
                        <thead><tr>
                            <th scope="col">"Version"</th><th scope="col">"Region"</th><th scope="col">"Replicas"</th><th scope="col">"Storage type"</th>
                            <th scope="col">"Disk tiers"</th><th scope="col">"Billed GiB per replica"</th><th scope="col">"Storage per month"</th><th scope="col">"Egress (one time)"</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </crate::components::ScrollRegion>
                <ul class="assumptions" aria-label="Assumptions">
                    {r.assumptions.iter().take(20).map(|d| view! { <li>{d.message.clone()}</li> }).collect_view()}
                </ul>
                {(!r.advice.is_empty()).then(|| view! {
                    <ul class="assumptions" aria-label="Cost advice">
                        {r.advice.iter().map(|d| view! { <li>{d.message.clone()}</li> }).collect_view()}
                    </ul>
                })}
            }
        })}
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
        let e = estimate(&w, &PriceTable::default());
        let lines: Vec<&CostLine> = e.lines.iter().collect();
        let bars = by_region(&lines);
        assert_eq!(bars.len(), 1);
        let total: f64 = e.lines.iter().map(|l| l.storage_monthly).sum();
        assert!((bars[0].1 - total).abs() < 1e-9);
    }
}
