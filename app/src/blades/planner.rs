//! The Deploy planner: would a VM or scale-set deployment from this image, in
//! this region, with this many instances work at the simulation time — and
//! if not, why; which version "latest" resolves to and why; how many
//! replicas the seed's guideline recommends, with its arithmetic; and
//! "Apply recommendation", which sets that replica count (adding the region
//! when the version does not target it yet).
//!
//! Every verdict is the core's: `deploy::check_deployment`,
//! `latest::resolve_latest_at`, `replicas::recommend`.

use leptos::prelude::*;
use sig_core::deploy::{check_deployment, DeploymentRequest};
use sig_core::diagnostics::Severity;
use sig_core::latest::resolve_latest_at;
use sig_core::replicas::{recommend, RegionDemand, ScaleSets};
use sig_core::target_regions::format_targets;
use sig_core::{Command, Diagnostic, World};

use super::options;
use super::replication::update_targets;
use crate::components::{
    run_command_keeping, AlertList, CheckField, GuardedButton, SelectField, TextField,
};
use crate::store::Store;

/// The images a deployment can use, as `(id, label)`: every definition (its
/// "latest") and every version the signed-in principal may read.
pub fn image_choices(world: &World, can_see: impl Fn(&str) -> bool) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for image in world.images() {
        let id = image.id.to_string();
        if can_see(&id) {
            out.push((
                id,
                format!("{}/{} (latest)", image.id.gallery.gallery, image.name),
            ));
        }
        for v in world.versions_of(&image.id) {
            let vid = v.id.to_string();
            if can_see(&vid) {
                out.push((
                    vid,
                    format!("{}/{}/{}", image.id.gallery.gallery, image.name, v.name),
                ));
            }
        }
    }
    out
}

/// The images shared with `subscription` (directly or through its tenant) and the community's,
/// as `(reference, label)`: the core's `sharing::shared_images`.
pub fn shared_choices(world: &World, subscription: &str) -> Vec<(String, String)> {
    sig_core::sharing::shared_images(world, subscription)
        .into_iter()
        .map(|i| {
            let how = match i.kind {
                sig_core::sharing::SharedKind::Direct => "shared with you",
                sig_core::sharing::SharedKind::Community => "community",
            };
            let label = match &i.version {
                Some(v) => format!("{}/{}/{v} ({how})", i.gallery, i.image),
                None => format!("{}/{} (latest, {how})", i.gallery, i.image),
            };
            (i.reference, label)
        })
        .collect()
}

/// The `UpdateVersion` that gives `version` `replicas` replicas in `region`,
/// adding the region (with the version's default storage type) if missing.
pub fn apply_replicas(
    world: &World,
    version: &str,
    region: &str,
    replicas: u32,
) -> Result<Command, String> {
    let v = world
        .version(version)
        .ok_or_else(|| format!("The image version '{version}' was not found."))?;
    let wanted = sig_core::regions::RegionName::new(region)
        .ok_or_else(|| format!("'{region}' is not a known Azure region."))?;
    let mut found = false;
    let mut entries: Vec<String> = format_targets(v)
        .into_iter()
        .map(|entry| {
            let mut parts = entry.splitn(3, '=');
            let name = parts.next().unwrap_or_default().to_string();
            let _count = parts.next();
            let kind = parts.next().unwrap_or_default().to_string();
            if sig_core::regions::RegionName::new(&name) == Some(wanted) {
                found = true;
                format!("{name}={replicas}={kind}")
            } else {
                entry
            }
        })
        .collect();
    if !found {
        entries.push(format!("{}={replicas}", wanted.as_str()));
    }
    update_targets(world, version, &entries.join(" "))
}

/// The blade.
#[component]
pub fn DeployPlanner(image: String) -> impl IntoView {
    let store = expect_context::<Store>();
    let choices = Memo::new(move |_| {
        store.visible.track();
        store
            .world
            .with(|w| image_choices(w, |id| store.in_visible_untracked(id)))
    });
    // A direct shared image is used from the subscription it is shared with: the one the VM
    // is created in.
    let subscriptions = options::subscription_choices(store);
    let subscription = crate::components::first_of(subscriptions);
    // Opened with a shared reference ("Shared with me"): the subscription it is shared with.
    if sig_core::sharing::SharedImageRef::parse(&image).is_some() {
        let shared_to = subscriptions.get_untracked().into_iter().find(|(sub, _)| {
            store
                .world
                .with_untracked(|w| shared_choices(w, sub).iter().any(|(r, _)| *r == image))
        });
        if let Some((sub, _)) = shared_to {
            subscription.set(sub);
        }
    }
    let shared = Memo::new(move |_| {
        let sub = subscription.get();
        store.world.with(|w| shared_choices(w, &sub))
    });
    let image = RwSignal::new(if image.is_empty() {
        choices
            .get_untracked()
            .first()
            .map(|c| c.0.clone())
            .unwrap_or_default()
    } else {
        image
    });
    let region = RwSignal::new(crate::store::defaults::REGION.to_string());
    let kind = RwSignal::new("vm".to_string());
    let instances = RwSignal::new("1".to_string());
    let os_profile = RwSignal::new(true);
    // Not checked until chosen: a trusted launch image is not "refused" before the user says how the VM is made.
    let security = RwSignal::new(String::new());
    let regions = Signal::derive(options::all_regions);
    let kinds = Signal::derive(|| {
        options::fixed(&[
            ("vm", "Virtual machines"),
            ("vmss", "Virtual machine scale set"),
        ])
    });
    let image_options = Signal::derive(move || {
        let mut all = choices.get();
        all.extend(shared.get());
        all
    });
    let count = move || instances.get().trim().parse::<u32>().unwrap_or(0);
    let request = move || DeploymentRequest {
        region: region.get(),
        image: image.get(),
        instances: count(),
        scale_set: kind.get() == "vmss",
        os_profile: os_profile.get(),
        current_managed_image: None,
        principal: Some(store.actor.get().principal),
        security_type: Some(security.get()).filter(|s| !s.is_empty()),
        subscription: Some(subscription.get()).filter(|s| !s.is_empty()),
    };
    let check = Memo::new(move |_| {
        let now = store.sim.now();
        let req = request();
        store.world.with(|w| check_deployment(w, &req, now))
    });
    let latest = move || {
        let id = image.get();
        let now = store.sim.now();
        let r = region.get();
        store.world.with(|w| {
            w.image(&id)?;
            Some(resolve_latest_at(w, &id, Some(&r), Some(now)))
        })
    };
    let recommendation = Memo::new(move |_| {
        let n = count();
        let scale_set = kind.get() == "vmss";
        recommend(&RegionDemand {
            region: Some(region.get()),
            concurrent_vms: if scale_set { 0 } else { n },
            scale_sets: if scale_set {
                vec![ScaleSets::one(n)]
            } else {
                Vec::new()
            },
        })
    });
    let apply_command = move || {
        let version = check.with(|c| c.image_version.clone())?;
        let wanted = recommendation.with(|r| r.recommended_replicas);
        Some(
            store
                .world
                .with(|w| apply_replicas(w, &version, &region.get(), wanted)),
        )
    };
    let apply_denied = Signal::derive(move || match apply_command() {
        None => Some("No image version to change: choose an image with a version.".to_string()),
        Some(Err(why)) => Some(why),
        Some(Ok(command)) => store.denied(&command),
    });
    let problems = RwSignal::new(Vec::<String>::new());
    let apply = Callback::new(move |()| match apply_command() {
        Some(Ok(command)) => {
            run_command_keeping(store, problems, command, Diagnostic::is_error);
        }
        Some(Err(why)) => problems.set(vec![why]),
        None => {}
    });

    view! {
        <p class="field-help">"Checks a deployment at the simulation time, as Azure would answer it."</p>
        <div class="field-row">
            <SelectField label="Subscription" value=subscription options=subscriptions/>
            <SelectField label="Image" value=image options=image_options/>
            <SelectField label="Deployment region" value=region options=regions/>
        </div>
        <div class="field-row">
            <SelectField label="Deploy as" value=kind options=kinds/>
            <TextField label="Instance count" value=instances input_type="number"/>
        </div>
        <CheckField label="The request has an osProfile (admin account, computer name)" checked=os_profile/>
        <SelectField label="Security type" value=security
            options=Signal::derive(|| options::fixed(&[("", "Not checked"), ("Standard", "Standard"), ("TrustedLaunch", "Trusted launch virtual machines"), ("ConfidentialVM", "Confidential virtual machines")]))/>
        {move || check.with(|c| {
            let verdict = if c.allowed { "Allowed" } else { "Refused" };
            let class = if c.allowed { "banner success" } else { "banner error" };
            view! {
                <div class=class role="status" aria-label="Deployment verdict">
                    <p><strong>{verdict}</strong></p>
                    {c.image_version.clone().map(|v| view! { <p>{format!("Image version deployed: {v}")}</p> })}
                    {c.region_replicas.map(|n| view! { <p>{format!("Replicas of that version in the region: {n}")}</p> })}
                </div>
                <ul class="diagnostics" aria-label="Reasons">
                    {c.diagnostics.iter().map(|d| {
                        let severity = match d.severity { Severity::Error => "Error", Severity::Warning => "Warning", _ => "Info" };
                        view! { <li><strong>{format!("{severity} {}: ", d.code.as_str())}</strong>{d.message.clone()}</li> }
                    }).collect_view()}
                </ul>
            }
        })}
        {move || latest().map(|res| view! {
            <section aria-label="Latest resolution">
                <h3>"Which version \"latest\" gives"</h3>
                {match res {
                    Ok(r) => view! {
                        <p>{format!("latest resolves to {}", r.chosen.rsplit('/').next().unwrap_or_default())}</p>
                        <ul>{r.candidates.into_iter().map(|c| view! { <li>{format!("{}: {}", c.version, c.reason)}</li> }).collect_view()}</ul>
                    }.into_any(),
                    Err(d) => view! { <p>{d.message}</p> }.into_any(),
                }}
            </section>
        })}
        <section aria-label="Replica recommendation">
            <h3>"Replica recommendation"</h3>
            {move || recommendation.with(|r| view! {
                <p><strong>{format!("Recommended replicas: {}", r.recommended_replicas)}</strong></p>
                <ol>{r.reasons.iter().map(|line| view! { <li>{line.clone()}</li> }).collect_view()}</ol>
                <ul>{r.diagnostics.iter().map(|d| view! { <li>{d.message.clone()}</li> }).collect_view()}</ul>
            })}
            <GuardedButton denied=apply_denied class="button primary" on_click=apply>
                "Apply recommendation"
            </GuardedButton>
            <AlertList messages=problems/>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sig_core::testing::world_with;

    #[test]
    fn choices_offer_latest_and_versions_the_principal_can_see() {
        let w = world_with(1, 1, 2);
        let all = image_choices(&w, |_| true);
        assert_eq!(all.len(), 3);
        assert!(all[0].1.ends_with("(latest)"));
        assert!(image_choices(&w, |_| false).is_empty());
    }

    #[test]
    fn applying_replicas_changes_or_adds_the_region() {
        let w = world_with(1, 1, 1);
        let id = w.versions().next().expect("a version").id.to_string();
        let targets = |c: Command| match c {
            Command::UpdateVersion { resource, .. } => resource
                .properties
                .and_then(|p| p.publishing_profile)
                .and_then(|p| p.target_regions)
                .expect("targets"),
            other => panic!("unexpected {other:?}"),
        };
        let changed = targets(apply_replicas(&w, &id, "westus", 6).expect("built"));
        assert_eq!(changed.len(), 1);
        assert_eq!(changed[0].regional_replica_count, Some(6));
        let added = targets(apply_replicas(&w, &id, "East US 2", 3).expect("built"));
        assert_eq!(added.len(), 2);
        assert_eq!(added[1].name.as_deref(), Some("eastus2"));
        assert_eq!(added[1].regional_replica_count, Some(3));
        assert!(apply_replicas(&w, &id, "atlantis", 1).is_err());
    }
}
