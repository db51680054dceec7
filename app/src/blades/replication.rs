//! The Replication blade of an image version: per target region its replica
//! count, storage type, state, progress, start and finish on the simulation
//! clock, a timeline chart, and the editor for target regions as the
//! portal's grid (region, replica count, storage type per row; Remove asks to
//! confirm), with the equivalent az command shown read-only.
//!
//! States and progress are the core's pure function of (world, time); the
//! syntax is the core's parser; the change is one `UpdateVersion` command.

use leptos::prelude::*;
use sig_core::replication::aggregate;
use sig_core::replication_timeline::{version_timeline, RegionTimeline};
use sig_core::target_regions::{format_targets, parse_entries};
use sig_core::{arm, Command, Diagnostic, World};
use time::OffsetDateTime;

use super::options;
use crate::clock;
use crate::components::{run_command_keeping, AlertList, GuardedButton, SelectField, TextField};
use crate::store::Store;

/// Splits a `--target-regions` value into entries the way a shell splits
/// arguments: on whitespace, keeping quoted text (`"East US 2=2"`) together.
pub fn split_arguments(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quote: Option<char> = None;
    let mut started = false;
    for c in text.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => current.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                started = true;
            }
            (None, c) if c.is_whitespace() => {
                if started {
                    out.push(std::mem::take(&mut current));
                    started = false;
                }
            }
            (None, c) => {
                current.push(c);
                started = true;
            }
        }
    }
    if started {
        out.push(current);
    }
    out
}

/// Quotes an entry for the command line when it contains a space.
fn quoted(entry: &str) -> String {
    if entry.contains(char::is_whitespace) {
        format!("\"{entry}\"")
    } else {
        entry.to_string()
    }
}

/// The version's current targets as a `--target-regions` value.
pub fn targets_argument(world: &World, id: &str) -> String {
    world
        .version(id)
        .map(|v| {
            format_targets(v)
                .iter()
                .map(|e| quoted(e))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default()
}

/// One row of the target-regions grid, as the user edits it (the replica
/// count as typed: the core's parser and rules judge it on save).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetRow {
    /// Region name (`eastus2`).
    pub region: String,
    /// Replica count as typed.
    pub replicas: String,
    /// Storage type in the az CLI's spelling (`standard_zrs`).
    pub storage: String,
    /// The OS disk's disk encryption set in this region (its id; empty: platform keys).
    pub os_encryption: String,
    /// Each data disk's (LUN, disk encryption set id) in this region, one per LUN the version
    /// has (empty id: platform keys).
    pub data_encryption: Vec<(u32, String)>,
}

/// The version's target regions as grid rows.
pub fn target_rows(world: &World, id: &str) -> Vec<TargetRow> {
    world
        .version(id)
        .map(|v| {
            let encrypted = targets_of(v.resource());
            let luns = sig_core::image_size::version_layout(world, v).luns();
            format_targets(v)
                .iter()
                .map(|entry| {
                    let mut parts = entry.splitn(3, '=');
                    let region = parts.next().unwrap_or_default().to_string();
                    let target = encrypted.iter().find(|t| same_region(t, &region));
                    let os_encryption = target.and_then(os_disk_encryption_set).unwrap_or_default();
                    let data_encryption = luns
                        .iter()
                        .map(|&lun| {
                            (
                                lun,
                                target
                                    .and_then(|t| data_disk_encryption_set(t, lun))
                                    .unwrap_or_default(),
                            )
                        })
                        .collect();
                    TargetRow {
                        region,
                        replicas: parts.next().unwrap_or_default().to_string(),
                        storage: parts.next().unwrap_or_default().to_string(),
                        os_encryption,
                        data_encryption,
                    }
                })
                .collect()
        })
        .unwrap_or_default()
}

fn targets_of(resource: &arm::GalleryImageVersion) -> Vec<arm::TargetRegion> {
    resource
        .properties
        .as_ref()
        .and_then(|p| p.publishing_profile.as_ref())
        .and_then(|p| p.target_regions.clone())
        .unwrap_or_default()
}

fn same_region(t: &arm::TargetRegion, region: &str) -> bool {
    let a = t
        .name
        .as_deref()
        .and_then(sig_core::regions::RegionName::new);
    a.is_some() && a == sig_core::regions::RegionName::new(region)
}

/// A target region's OS disk encryption set id, when it has one.
fn os_disk_encryption_set(t: &arm::TargetRegion) -> Option<String> {
    t.encryption
        .as_ref()?
        .os_disk_image
        .as_ref()?
        .get("diskEncryptionSetId")?
        .as_str()
        .map(str::to_string)
}

/// A target region's disk encryption set for the data disk at `lun`.
fn data_disk_encryption_set(t: &arm::TargetRegion, lun: u32) -> Option<String> {
    t.encryption
        .as_ref()?
        .data_disk_images
        .as_ref()?
        .iter()
        .find(|d| d.lun == Some(i64::from(lun)))?
        .disk_encryption_set_id
        .clone()
}

/// `command` (an `UpdateVersion`) with each region's disk encryption sets as the rows say, for
/// the OS disk and each data disk: set, changed, or removed when emptied; confidential VM
/// settings are kept.
pub fn with_encryption(command: Command, rows: &[TargetRow]) -> Command {
    let Command::UpdateVersion { id, mut resource } = command else {
        return command;
    };
    let targets = resource
        .properties
        .as_mut()
        .and_then(|p| p.publishing_profile.as_mut())
        .and_then(|p| p.target_regions.as_mut());
    for t in targets.into_iter().flatten() {
        let Some(row) = rows.iter().find(|r| same_region(t, &r.region)) else {
            continue;
        };
        let wanted = row.os_encryption.trim();
        let encryption = t.encryption.get_or_insert_with(Default::default);
        let data = encryption.data_disk_images.get_or_insert_with(Vec::new);
        for (lun, des) in &row.data_encryption {
            let lun = i64::from(*lun);
            data.retain(|d| d.lun != Some(lun));
            if !des.trim().is_empty() {
                data.push(arm::DataDiskImageEncryption {
                    lun: Some(lun),
                    disk_encryption_set_id: Some(des.trim().to_string()),
                    extra: Default::default(),
                });
            }
        }
        data.sort_by_key(|d| d.lun);
        let os = encryption
            .os_disk_image
            .get_or_insert_with(|| serde_json::json!({}));
        if let Some(os) = os.as_object_mut() {
            if wanted.is_empty() {
                os.remove("diskEncryptionSetId");
            } else {
                os.insert("diskEncryptionSetId".into(), wanted.into());
            }
        }
        let os_empty = encryption
            .os_disk_image
            .as_ref()
            .and_then(|v| v.as_object())
            .is_some_and(|o| o.is_empty());
        if os_empty {
            encryption.os_disk_image = None;
        }
        if encryption
            .data_disk_images
            .as_ref()
            .is_some_and(Vec::is_empty)
        {
            encryption.data_disk_images = None;
        }
        let nothing = encryption.os_disk_image.is_none()
            && encryption
                .data_disk_images
                .as_ref()
                .is_none_or(Vec::is_empty)
            && encryption.extra.is_empty();
        if nothing {
            t.encryption = None;
        }
    }
    Command::UpdateVersion { id, resource }
}

/// The `--target-regions` value the rows stand for (what Save sends through
/// the core's parser, and what the read-only az command shows).
pub fn rows_argument(rows: &[TargetRow]) -> String {
    rows.iter()
        .map(|r| quoted(&format!("{}={}={}", r.region, r.replicas.trim(), r.storage)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The `UpdateVersion` that sets the version's target regions to `argument`
/// (parsed by the core's `--target-regions` parser). Regions kept keep their
/// other settings (encryption, exclude from latest).
pub fn update_targets(world: &World, id: &str, argument: &str) -> Result<Command, String> {
    let entries = split_arguments(argument);
    let specs = parse_entries(&entries).map_err(|d| d.message)?;
    let v = world
        .version(id)
        .ok_or_else(|| format!("The image version '{id}' was not found."))?;
    let mut resource = v.resource().clone();
    let previous = resource
        .properties
        .as_ref()
        .and_then(|p| p.publishing_profile.as_ref())
        .and_then(|p| p.target_regions.clone())
        .unwrap_or_default();
    let targets: Vec<arm::TargetRegion> = specs
        .iter()
        .map(|spec| {
            let wanted = spec.to_arm();
            let same = |t: &&arm::TargetRegion| {
                let a = t
                    .name
                    .as_deref()
                    .and_then(sig_core::regions::RegionName::new);
                let b = sig_core::regions::RegionName::new(&spec.name);
                a.is_some() && a == b
            };
            match previous.iter().find(same) {
                Some(old) => arm::TargetRegion {
                    name: wanted.name,
                    regional_replica_count: wanted.regional_replica_count,
                    storage_account_type: wanted.storage_account_type,
                    ..old.clone()
                },
                None => wanted,
            }
        })
        .collect();
    resource
        .properties
        .get_or_insert_with(Default::default)
        .publishing_profile
        .get_or_insert_with(Default::default)
        .target_regions = Some(targets);
    Ok(Command::UpdateVersion {
        id: id.to_string(),
        resource,
    })
}

/// The storage types a target region can use, as the az CLI spells them and
/// as the portal shows them.
const STORAGE_TYPES: [(&str, &str); 3] = [
    ("standard_lrs", "Standard_LRS"),
    ("standard_zrs", "Standard_ZRS"),
    ("premium_lrs", "Premium_LRS"),
];

fn stamp(t: Option<OffsetDateTime>) -> String {
    t.map_or_else(|| "--".to_string(), clock::stamp)
}

/// The timeline chart: one bar per region from start to finish, the part
/// done filled, and a line at the simulation time.
fn timeline_chart(lines: &[RegionTimeline], now: OffsetDateTime) -> impl IntoView {
    let starts: Vec<i64> = lines
        .iter()
        .filter_map(|l| l.started)
        .map(|t| t.unix_timestamp())
        .collect();
    let ends: Vec<i64> = lines
        .iter()
        .filter_map(|l| l.finishes)
        .map(|t| t.unix_timestamp())
        .collect();
    let (Some(&from), Some(&to)) = (starts.iter().min(), ends.iter().max()) else {
        return view! { <p class="field-help">"This version predates the simulation: replicated everywhere."</p> }.into_any();
    };
    let to = to.max(from + 1);
    let width = 600.0;
    let row = 26.0;
    let label_w = 140.0;
    let x = |t: i64| label_w + (t - from) as f64 / (to - from) as f64 * (width - label_w - 10.0);
    let height = row * lines.len() as f64 + 24.0;
    let now_x = x(now.unix_timestamp().clamp(from, to));
    let bars = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let y = 4.0 + row * i as f64;
            let name = l.status.region.display_name().to_string();
            let (s, e) = (
                l.started.map_or(from, |t| t.unix_timestamp()),
                l.finishes.map_or(to, |t| t.unix_timestamp()),
            );
            let total = (x(e) - x(s)).max(1.0);
            let done = total * f64::from(l.status.progress) / 100.0;
            let class = format!("bar-{}", l.status.state.as_str().to_lowercase());
            view! {
                <g>
                    <text x="0" y=y + 15.0 class="chart-label">{name}</text>
                    <rect x=x(s) y=y width=total height="16" class="bar-track"/>
                    <rect x=x(s) y=y width=done height="16" class=class/>
                </g>
            }
        })
        .collect_view();
    let summary = format!(
        "Timeline from {} to {}",
        clock::stamp(OffsetDateTime::from_unix_timestamp(from).unwrap_or(now)),
        clock::stamp(OffsetDateTime::from_unix_timestamp(to).unwrap_or(now))
    );
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {width} {height}") role="img" aria-label=summary.clone() width="100%">
                {bars}
                <line x1=now_x x2=now_x y1="0" y2=height - 20.0 class="now-line"/>
                <text x=now_x y=height - 6.0 class="chart-label" text-anchor="middle">"now"</text>
            </svg>
            <figcaption class="field-help">{summary}</figcaption>
        </figure>
    }
    .into_any()
}

/// The blade.
#[component]
pub fn Replication(id: String) -> impl IntoView {
    let store = expect_context::<Store>();
    let id = StoredValue::new(id);
    let exists = Memo::new(move |_| store.world.with(|w| w.version(&id.get_value()).is_some()));
    // The grid shows the world's targets, or the user's edits over them; a
    // change to the world (here or in another tab) shows the new targets again.
    let current = Memo::new(move |_| store.world.with(|w| target_rows(w, &id.get_value())));
    let draft = RwSignal::new(None::<(Vec<TargetRow>, Vec<TargetRow>)>);
    let rows = Memo::new(move |_| {
        current.with(|c| {
            draft.with(|d| match d {
                Some((base, edited)) if base == c => edited.clone(),
                _ => c.clone(),
            })
        })
    });
    let edit = move |change: &dyn Fn(&mut Vec<TargetRow>)| {
        let mut edited = rows.get_untracked();
        change(&mut edited);
        draft.set(Some((current.get_untracked(), edited)));
    };
    let argument = Memo::new(move |_| rows.with(|r| rows_argument(r)));
    // The version's data disk LUNs (the same in every region).
    let luns = Memo::new(move |_| {
        current.with(|c| {
            c.first()
                .map(|r| r.data_encryption.iter().map(|d| d.0).collect::<Vec<_>>())
                .unwrap_or_default()
        })
    });
    let problems = RwSignal::new(Vec::<String>::new());
    let write_denied = Signal::derive(move || {
        store
            .world
            .with(|w| update_targets(w, &id.get_value(), &current.with(|c| rows_argument(c))))
            .ok()
            .and_then(|c| store.denied(&c))
    });
    let apply = move || {
        let command = store
            .world
            .with_untracked(|w| update_targets(w, &id.get_value(), &argument.get_untracked()))
            .map(|c| rows.with_untracked(|r| with_encryption(c, r)));
        match command {
            Err(why) => problems.set(vec![why]),
            Ok(command) => {
                run_command_keeping(store, problems, command, Diagnostic::is_error);
            }
        }
    };
    // The region whose removal waits for the user's confirmation.
    let confirming = RwSignal::new(None::<String>);
    let new_region = RwSignal::new("eastus2".to_string());
    let new_count = RwSignal::new("1".to_string());
    let new_type = RwSignal::new("standard_lrs".to_string());
    let types = Signal::derive(|| options::fixed(&STORAGE_TYPES));
    let regions = Signal::derive(options::all_regions);

    let status = move || {
        let now = store.sim.now();
        store.world.with(|w| {
            w.version(&id.get_value())
                .map(|v| (version_timeline(w, v, now), v.targets.clone(), now))
        })
    };

    // A memo, so the blade's body (the editor with its region lists) is rebuilt
    // only when the answer changes, not after every change to the world.
    let visible = Memo::new(move |_| store.can_see(&id.get_value()));

    move || {
        if !exists.get() {
            return view! { <div class="empty-state" role="status"><p class="empty-title">"Resource not found"</p></div> }.into_any();
        }
        if !visible.get() {
            return view! { <div class="empty-state" role="status"><p class="empty-title">"You don't have access"</p><p>"The signed-in principal may not read this image version."</p></div> }.into_any();
        }
        view! {
            {move || status().map(|(lines, targets, now)| {
                let state = aggregate(lines.iter().map(|l| l.status.state));
                let chart = timeline_chart(&lines, now);
                let rows = lines.iter().zip(targets.iter()).map(|(l, t)| {
                    let region = l.status.region.display_name().to_string();
                    let name = l.status.region.as_str().to_string();
                    let progress_label = format!("Replication progress in {region}");
                    let progress = l.status.progress;
                    let failed = l.status.state == sig_core::replication::RegionState::Failed;
                    let fault = Command::InjectReplicationFault { version_id: id.get_value(), region: name.clone() };
                    let retry = Command::RetryReplication { version_id: id.get_value(), region: name.clone() };
                    view! {
                        <tr>
                            <th scope="row">{region.clone()}</th>
                            <td>{t.replicas}</td>
                            <td>{t.storage_account_type.as_str()}</td>
                            <td>{l.status.state.as_str()}</td>
                            <td>
                                <progress max="100" value=progress aria-label=progress_label>{format!("{progress}%")}</progress>
                                " "{format!("{progress}%")}
                            </td>
                            <td>{stamp(l.started)}</td>
                            <td>{stamp(if failed { l.failed_at } else { l.finishes })}</td>
                            <td>
                                {
                                    let (label, command) = if failed { ("Retry", retry) } else { ("Simulate failure", fault) };
                                    let denied = store.denied(&command);
                                    let run = Callback::new(move |()| { let _ = store.dispatch(command.clone()); });
                                    view! { <GuardedButton denied show_reason=false on_click=run>{label}</GuardedButton> }
                                }
                            </td>
                        </tr>
                    }
                }).collect_view();
                view! {
                    <p role="status" class="replication-state">{format!("Replication state: {}", state.as_str())}</p>
                    <crate::components::ScrollRegion label="Target regions">
                        <table class="grid" aria-label="Target regions">
                            <thead><tr>
                                <th scope="col">"Region"</th><th scope="col">"Replicas"</th><th scope="col">"Storage type"</th>
                                <th scope="col">"State"</th><th scope="col">"Progress"</th><th scope="col">"Started"</th>
                                <th scope="col">"Finished"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th>
                            </tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </crate::components::ScrollRegion>
                    {chart}
                }
            })}
            <form class="target-editor" aria-label="Edit target regions" novalidate=true on:submit=move |ev| { ev.prevent_default(); apply(); }>
                <h3>"Target regions"</h3>
                <crate::components::ScrollRegion label="Target regions to replicate to">
                    <table class="grid" aria-label="Target regions to replicate to">
                        <thead><tr>
                            <th scope="col">"Region"</th><th scope="col">"Replica count"</th>
                            <th scope="col">"Storage account type"</th><th scope="col">"OS disk encryption set"</th>
                            {move || luns.get().into_iter().map(|lun| view! {
                                <th scope="col">{format!("Data disk LUN {lun} encryption set")}</th>
                            }).collect_view()}
                            <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                        </tr></thead>
                        <tbody>
                            // Keyed rows: typing in a row re-renders nothing, so the
                            // field keeps focus; each value follows the draft.
                            <For
                                each=move || rows.with(|r| r.iter().enumerate().map(|(i, row)| (i, row.region.clone())).collect::<Vec<_>>())
                                key=|entry| entry.clone()
                                children=move |(index, region)| {
                                    let shown = options::region_display(&region);
                                    let value_of = move |pick: fn(&TargetRow) -> String| {
                                        rows.with(|r| r.get(index).map(pick).unwrap_or_default())
                                    };
                                    view! {
                                        <tr>
                                            <th scope="row">{shown.clone()}</th>
                                            <td>
                                                <input type="number" min="1" max="10" class="count-input"
                                                    aria-label=format!("Replica count in {shown}")
                                                    prop:value=move || value_of(|row| row.replicas.clone())
                                                    on:input=move |ev| {
                                                        let value = event_target_value(&ev);
                                                        edit(&|r| if let Some(row) = r.get_mut(index) { row.replicas = value.clone(); });
                                                    }/>
                                            </td>
                                            <td>
                                                <select aria-label=format!("Storage type in {shown}")
                                                    prop:value=move || value_of(|row| row.storage.clone())
                                                    on:change=move |ev| {
                                                        let value = event_target_value(&ev);
                                                        edit(&|r| if let Some(row) = r.get_mut(index) { row.storage = value.clone(); });
                                                    }>
                                                    {STORAGE_TYPES.iter().map(|(value, label)| view! {
                                                        <option value=*value>{*label}</option>
                                                    }).collect_view()}
                                                </select>
                                            </td>
                                            <td>
                                                <input type="text" class="des-input" placeholder="Platform-managed key"
                                                    aria-label=format!("OS disk encryption set in {shown}")
                                                    prop:value=move || value_of(|row| row.os_encryption.clone())
                                                    on:input=move |ev| {
                                                        let value = event_target_value(&ev);
                                                        edit(&|r| if let Some(row) = r.get_mut(index) { row.os_encryption = value.clone(); });
                                                    }/>
                                            </td>
                                            {let for_luns = shown.clone(); move || luns.get().into_iter().enumerate().map(|(n, lun)| {
                                                let shown = for_luns.clone();
                                                view! {
                                                    <td>
                                                        <input type="text" class="des-input" placeholder="Platform-managed key"
                                                            aria-label=format!("Data disk LUN {lun} encryption set in {shown}")
                                                            prop:value=move || rows.with(|r| r.get(index).and_then(|row| row.data_encryption.get(n)).map(|d| d.1.clone()).unwrap_or_default())
                                                            on:input=move |ev| {
                                                                let value = event_target_value(&ev);
                                                                edit(&|r| if let Some(d) = r.get_mut(index).and_then(|row| row.data_encryption.get_mut(n)) { d.1 = value.clone(); });
                                                            }/>
                                                    </td>
                                                }
                                            }).collect_view()}
                                            <td>
                                                <button type="button" class="button" aria-label=format!("Remove {shown}")
                                                    disabled=move || write_denied.get().is_some()
                                                    on:click=move |_| confirming.set(Some(region.clone()))>"Remove"</button>
                                            </td>
                                        </tr>
                                    }
                                }
                            />
                        </tbody>
                    </table>
                </crate::components::ScrollRegion>
                {move || confirming.get().map(|region| {
                    let shown = options::region_display(&region);
                    view! {
                        <div class="banner warning" role="alertdialog" aria-label="Confirm remove" aria-describedby="confirm-remove-text">
                            <p id="confirm-remove-text">{format!("Remove {shown} from the target regions? Its replicas there are deleted.")}</p>
                            <button type="button" class="button primary" on:click=move |_| {
                                confirming.set(None);
                                edit(&|r| r.retain(|row| row.region != region));
                                apply();
                            }>"Yes, remove"</button>
                            <button type="button" class="button" on:click=move |_| confirming.set(None)>"No"</button>
                        </div>
                    }
                })}
                <div class="field-row">
                    <SelectField label="Region to add" value=new_region options=regions/>
                    <TextField label="Replica count to add" value=new_count input_type="number"/>
                    <SelectField label="Storage type to add" value=new_type options=types/>
                </div>
                <button type="button" class="button" on:click=move |_| {
                    let row = TargetRow {
                        region: new_region.get_untracked(),
                        replicas: new_count.get_untracked().trim().to_string(),
                        storage: new_type.get_untracked(),
                        os_encryption: String::new(),
                        data_encryption: luns.get_untracked().into_iter().map(|lun| (lun, String::new())).collect(),
                    };
                    edit(&|r| r.push(row.clone()));
                }>"+ Add region"</button>
                <figure class="az-command">
                    <figcaption class="field-help">"Equivalent Azure CLI command"</figcaption>
                    <code>{move || format!("az sig image-version update --ids {} --target-regions {}", id.get_value(), argument.get())}</code>
                </figure>
                <AlertList messages=problems/>
                <GuardedButton denied=write_denied kind="submit" class="button primary">"Save target regions"</GuardedButton>
            </form>
        }.into_any()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sig_core::testing::world_with;

    #[test]
    fn each_data_disk_has_its_encryption_set_per_region() {
        use sig_core::testing::{self, FIXTURE_NOW, RESOURCE_GROUP as RG, SUBSCRIPTION as SUB};
        let mut w = testing::base_world();
        let source_id = format!(
            "/subscriptions/{SUB}/resourceGroups/{RG}/providers/Microsoft.Compute/images/with-data"
        );
        let mut source = testing::linux_image_source(source_id.clone());
        source.data_disks = vec![sig_core::sources::SourceDisk {
            lun: 0,
            size_gb: 64,
        }];
        let run = |w: &mut World, c: Command| {
            sig_core::apply(w, &sig_core::Actor::system(), c, FIXTURE_NOW).expect("applied")
        };
        run(&mut w, Command::CreateSource(source));
        run(
            &mut w,
            Command::CreateGallery {
                id: sig_core::command::gallery_id(SUB, RG, "g"),
                resource: testing::gallery_body(),
            },
        );
        run(
            &mut w,
            Command::CreateImage {
                id: sig_core::command::image_id(SUB, RG, "g", "i"),
                resource: testing::image_body(0, 0),
            },
        );
        let mut body = testing::version_body();
        if let Some(src) = body
            .properties
            .as_mut()
            .and_then(|p| p.storage_profile.as_mut())
            .and_then(|s| s.source.as_mut())
        {
            src.id = Some(source_id);
        }
        let id = sig_core::command::version_id(SUB, RG, "g", "i", "1.0.0");
        run(
            &mut w,
            Command::CreateVersion {
                id: id.clone(),
                resource: body,
            },
        );
        let mut rows = target_rows(&w, &id);
        assert_eq!(rows[0].data_encryption, vec![(0, String::new())]);
        let des = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/diskEncryptionSets/data-westus";
        rows[0].data_encryption[0].1 = des.to_string();
        let command = with_encryption(
            update_targets(&w, &id, &rows_argument(&rows)).unwrap(),
            &rows,
        );
        let Command::UpdateVersion { resource, .. } = command else {
            panic!("an update")
        };
        let encryption = serde_json::to_value(
            &resource
                .properties
                .unwrap()
                .publishing_profile
                .unwrap()
                .target_regions
                .unwrap()[0]
                .encryption,
        )
        .unwrap();
        assert_eq!(
            encryption,
            serde_json::json!({"dataDiskImages": [{"lun": 0, "diskEncryptionSetId": des}]})
        );
    }

    #[test]
    fn the_os_disk_encryption_set_of_a_row_is_set_changed_and_removed() {
        let w = world_with(1, 1, 1);
        let id = w.versions().next().expect("a version").id.to_string();
        let des = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/diskEncryptionSets/des-westus";
        let mut rows = target_rows(&w, &id);
        assert_eq!(rows[0].os_encryption, "");
        rows[0].os_encryption = des.to_string();
        let os_des = |c: &Command| match c {
            Command::UpdateVersion { resource, .. } => resource
                .properties
                .as_ref()
                .and_then(|p| p.publishing_profile.as_ref())
                .and_then(|p| p.target_regions.as_ref())
                .and_then(|t| t[0].encryption.as_ref())
                .map(|e| serde_json::to_value(e).unwrap_or_default()),
            other => panic!("unexpected {other:?}"),
        };
        let set = with_encryption(
            update_targets(&w, &id, &rows_argument(&rows)).unwrap(),
            &rows,
        );
        assert_eq!(
            os_des(&set),
            Some(serde_json::json!({"osDiskImage": {"diskEncryptionSetId": des}}))
        );
        rows[0].os_encryption = "  ".into();
        let cleared = with_encryption(set, &rows);
        assert_eq!(
            os_des(&cleared),
            None,
            "an emptied field removes the encryption"
        );
    }

    #[test]
    fn arguments_split_like_a_shell() {
        assert_eq!(
            split_arguments("eastus=2  westus"),
            vec!["eastus=2", "westus"]
        );
        assert_eq!(
            split_arguments("\"East US 2=3=standard_zrs\" 'West US'"),
            vec!["East US 2=3=standard_zrs", "West US"]
        );
        assert!(split_arguments("   ").is_empty());
    }

    #[test]
    fn the_update_sets_the_parsed_targets_and_refuses_bad_syntax() {
        let w = world_with(1, 1, 1);
        let id = w.versions().next().expect("a version").id.to_string();
        let now = targets_argument(&w, &id);
        assert_eq!(now, "westus=1=standard_lrs");
        let Ok(Command::UpdateVersion { resource, .. }) =
            update_targets(&w, &id, "westus=1 eastus2=2=standard_zrs")
        else {
            panic!("the update is built");
        };
        let targets = resource
            .properties
            .and_then(|p| p.publishing_profile)
            .and_then(|p| p.target_regions)
            .expect("targets");
        assert_eq!(targets.len(), 2);
        assert_eq!(targets[1].regional_replica_count, Some(2));
        assert_eq!(
            targets[1].storage_account_type.as_deref(),
            Some("Standard_ZRS")
        );
        let refused = update_targets(&w, &id, "eastus=two").expect_err("bad syntax");
        assert!(
            refused.contains("invalid target region argument"),
            "{refused}"
        );
    }
}
