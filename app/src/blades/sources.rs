//! Simulated image sources: managed images, snapshots, managed disks, VMs and
//! VHDs, so image versions have something to be made from. Part of the
//! simulation, labelled as such.

use leptos::prelude::*;
use sig_core::kinds::{HyperVGeneration, OsState, OsType};
use sig_core::regions::RegionName;
use sig_core::sources::{Source, SourceDisk, SourceKind};
use sig_core::Command;

use super::options;
use crate::components::{run_command, AlertList, GuardedButton, SelectField, TextField};
use crate::store::Store;

const KINDS: &[(&str, &str)] = &[
    ("ManagedImage", "Managed image"),
    ("Snapshot", "Snapshot"),
    ("ManagedDisk", "Managed disk"),
    ("VirtualMachine", "Virtual machine"),
    ("VhdBlob", "VHD in a storage account"),
];

fn kind_of(value: &str) -> SourceKind {
    match value {
        "Snapshot" => SourceKind::Snapshot,
        "ManagedDisk" => SourceKind::ManagedDisk,
        "VirtualMachine" => SourceKind::VirtualMachine,
        "VhdBlob" => SourceKind::VhdBlob,
        _ => SourceKind::ManagedImage,
    }
}

/// Parses `0:128, 1:256` into data disks; `None` names the bad entry.
fn data_disks(text: &str) -> Result<Vec<SourceDisk>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|entry| {
            let (lun, size) = entry
                .split_once(':')
                .ok_or_else(|| format!("'{entry}' is not LUN:size (for example 0:128)"))?;
            Ok(SourceDisk {
                lun: lun
                    .trim()
                    .parse()
                    .map_err(|_| format!("'{lun}' is not a LUN number"))?,
                size_gb: size
                    .trim()
                    .parse()
                    .map_err(|_| format!("'{size}' is not a size in GiB"))?,
            })
        })
        .collect()
}

/// The sources blade: list plus a create form.
#[component]
pub fn Sources() -> impl IntoView {
    let store = expect_context::<Store>();
    let kind = RwSignal::new("ManagedImage".to_string());
    let name = RwSignal::new(String::new());
    // Only what the signed-in principal may see is offered.
    let (subscriptions, subscription, groups, group) = options::scope_pickers(store);
    let region = RwSignal::new("eastus".to_string());
    let os_type = RwSignal::new("Linux".to_string());
    let os_state = RwSignal::new("Generalized".to_string());
    let generation = RwSignal::new("V2".to_string());
    let os_size = RwSignal::new("30".to_string());
    let disks = RwSignal::new(String::new());
    let problem = RwSignal::new(Vec::<String>::new());

    let create = move |_| {
        let k = kind_of(&kind.get_untracked());
        let n = name.get_untracked().trim().to_string();
        let sub = subscription.get_untracked();
        let rg = group.get_untracked();
        let id = match k {
            SourceKind::VhdBlob => format!(
                "https://{}.blob.core.windows.net/vhds/{n}.vhd",
                rg.replace(['-', '_'], "")
            ),
            other => {
                let ty = other.arm_type().unwrap_or("Microsoft.Compute/images");
                let ty = ty.trim_start_matches("Microsoft.Compute/");
                format!(
                    "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Compute/{ty}/{n}"
                )
            }
        };
        let Some(location) = RegionName::new(&region.get_untracked()) else {
            problem.set(vec!["Choose a region.".into()]);
            return;
        };
        let data = match data_disks(&disks.get_untracked()) {
            Ok(d) => d,
            Err(e) => {
                problem.set(vec![e]);
                return;
            }
        };
        let Ok(size) = os_size.get_untracked().trim().parse::<u32>() else {
            problem.set(vec![
                "The OS disk size must be a whole number of GiB.".into()
            ]);
            return;
        };
        let source = Source {
            id,
            kind: k,
            location,
            os_type: OsType::parse(&os_type.get_untracked()),
            os_state: OsState::parse(&os_state.get_untracked()),
            hyper_v_generation: HyperVGeneration::parse(&generation.get_untracked()),
            os_disk_size_gb: Some(size),
            data_disks: data,
            storage_account_id: (k == SourceKind::VhdBlob).then(|| {
                format!("/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Storage/storageAccounts/{}", rg.replace(['-', '_'], ""))
            }),
        };
        if run_command(store, problem, Command::CreateSource(source)) {
            name.set(String::new());
        }
    };

    // Only the sources the signed-in principal may read (the core's RBAC decision).
    let list = move || {
        let viewer = store.viewer();
        store.world.with(|w| {
            w.sources()
                .filter(|s| viewer.sees_source(w, s))
                .map(|s| {
                    let name = s.id.rsplit('/').next().unwrap_or(&s.id).to_string();
                    let kind = KINDS
                        .iter()
                        .find(|(v, _)| *v == format!("{:?}", s.kind))
                        .map_or("Image version", |(_, t)| t);
                    let os = [
                        s.os_type.map(|t| t.as_str().to_string()),
                        s.os_state.map(|t| t.as_str().to_string()),
                        s.hyper_v_generation.map(|t| t.as_str().to_string()),
                    ]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" · ");
                    let size = s.os_disk_size_gb.map(|g| format!("{g} GiB")).unwrap_or_default();
                    view! {
                        <tr>
                            <td>{name}</td><td>{kind}</td><td>{s.location.display_name()}</td><td>{os}</td><td>{size}</td>
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <p class="banner info">"Sources are part of the simulation: they stand for the Azure resources an image version is made from."</p>
        <crate::components::ScrollRegion label="Image sources">
            <table class="grid">
                <thead><tr><th scope="col">"Name"</th><th scope="col">"Kind"</th><th scope="col">"Location"</th><th scope="col">"OS"</th><th scope="col">"OS disk"</th></tr></thead>
                <tbody>{list}</tbody>
            </table>
        </crate::components::ScrollRegion>
        <h3>"Add a source"</h3>
        <form aria-label="Add a source" on:submit=move |ev| { ev.prevent_default(); create(()) }>
            <AlertList messages=problem/>
            <SelectField label="Kind" value=kind options=Signal::derive(|| options::fixed(KINDS))/>
            <TextField label="Source name" value=name required=true/>
            <SelectField label="Subscription" value=subscription options=subscriptions/>
            <SelectField label="Resource group" value=group options=groups/>
            <SelectField label="Region" value=region options=Signal::derive(options::all_regions)/>
            <SelectField label="OS type" value=os_type options=Signal::derive(|| options::fixed(&[("Linux", "Linux"), ("Windows", "Windows"), ("", "None (data disk)")]))/>
            <SelectField label="OS state" value=os_state options=Signal::derive(|| options::fixed(&[("Generalized", "Generalized"), ("Specialized", "Specialized")]))/>
            <SelectField label="Hyper-V generation" value=generation options=Signal::derive(|| options::fixed(&[("V1", "V1"), ("V2", "V2")]))/>
            <TextField label="OS disk size (GiB)" value=os_size input_type="number"/>
            <TextField label="Data disks (LUN:GiB, comma separated)" value=disks help="For example 0:128, 1:256"/>
            <GuardedButton denied=store.engine_denied() kind="submit" class="button primary">"Add source"</GuardedButton>
        </form>
    }
}
