//! What-if: what deploying resources read from files would do to a world — create them, change
//! them (which properties), or leave them as they are — and what the service would refuse. Each
//! resource is previewed with [`crate::check`] as the create or update command it amounts to, so
//! an update may change only what the seed lets change ("Changing property '…' is not allowed.").

use crate::arm;
use crate::diagnostics::Diagnostic;
use crate::ids::GalleryResourceId;
use crate::protocol::{Actor, Command};
use crate::rules::update::{self, UpdatePolicy};
use crate::validate::{AnyResource, ParsedResource};
use crate::world::World;
use serde::Serialize;
use serde_json::Value;
use time::OffsetDateTime;

/// What deploying one resource would do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "change")]
pub enum Outcome {
    /// It does not exist yet: it would be created.
    Create,
    /// It exists and these properties would change.
    Modify {
        /// The changed properties' paths (e.g. `properties.publishingProfile.targetRegions`).
        properties: Vec<String>,
    },
    /// It exists and nothing would change.
    NoChange,
}

/// One resource of the input, previewed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WhatIf {
    /// The resource's id.
    pub id: String,
    /// Create, modify or no change.
    #[serde(flatten)]
    pub outcome: Outcome,
    /// What the service would say: errors refuse the deployment of this resource.
    pub diagnostics: Vec<Diagnostic>,
}

/// Previews every gallery resource of `resources` (those with an id in a known subscription)
/// against `world` at `now`, as one deployment: parents first, each previewed on the world as
/// the ones before it left it (a new gallery's definitions find it; limits add up).
/// Resources of a template whose subscription and resource group are only known at deployment
/// (the `{subscriptionId}` placeholders) cannot be placed in the state and are not previewed.
pub fn what_if(world: &World, resources: &[ParsedResource], now: OffsetDateTime) -> Vec<WhatIf> {
    let mut scratch = world.clone();
    let depth = |r: &ParsedResource| match r.id {
        Some(GalleryResourceId::Gallery(_)) => 0,
        Some(GalleryResourceId::Image(_)) => 1,
        _ => 2,
    };
    let mut ordered: Vec<&ParsedResource> = resources
        .iter()
        .filter(|r| !r.rid.contains(crate::template::TEMPLATE_SUBSCRIPTION))
        .collect();
    ordered.sort_by_key(|r| depth(r));
    let mut out = Vec::new();
    for r in ordered {
        if let Some(w) = preview(&scratch, r, now) {
            if !w.diagnostics.iter().any(Diagnostic::is_error) {
                if let Some(command) =
                    command_for(&r.resource, w.id.clone(), w.outcome != Outcome::Create)
                {
                    let _ = crate::apply(&mut scratch, &Actor::system(), command, now);
                }
            }
            out.push(w);
        }
    }
    out
}

fn preview(world: &World, r: &ParsedResource, now: OffsetDateTime) -> Option<WhatIf> {
    let id = r.id.as_ref()?.to_string();
    let (exists, current, policy): (bool, Option<Value>, &UpdatePolicy) =
        match (&r.resource, r.id.as_ref()?) {
            (AnyResource::Gallery(_), GalleryResourceId::Gallery(_)) => {
                let cur = world.gallery(&id).map(|e| arm::to_value(&e.resource));
                (cur.is_some(), cur, &update::GALLERY_POLICY)
            }
            (AnyResource::Image(_), GalleryResourceId::Image(_)) => {
                let cur = world.image(&id).map(|e| arm::to_value(&e.resource));
                (cur.is_some(), cur, &update::IMAGE_POLICY)
            }
            (AnyResource::Version(_), GalleryResourceId::Version(_)) => {
                let cur = world.version(&id).map(|e| arm::to_value(e.resource()));
                (cur.is_some(), cur, &update::VERSION_POLICY)
            }
            _ => return None,
        };
    let command = command_for(&r.resource, id.clone(), exists)?;
    let diagnostics = match crate::check(world, &Actor::system(), &command, now) {
        Some(Ok(warnings)) => warnings,
        Some(Err(refused)) => refused.diagnostics,
        None => Vec::new(),
    };
    let outcome = match current {
        None => Outcome::Create,
        Some(cur) => {
            let desired = desired_value(&r.resource);
            let merged = update::merge(policy, &cur, &desired);
            let properties = update::changed_mutable(policy, &cur, &merged);
            if properties.is_empty() {
                Outcome::NoChange
            } else {
                Outcome::Modify { properties }
            }
        }
    };
    Some(WhatIf {
        id,
        outcome,
        diagnostics,
    })
}

fn desired_value(r: &AnyResource) -> Value {
    match r {
        AnyResource::Gallery(g) => arm::to_value(g),
        AnyResource::Image(i) => arm::to_value(i),
        AnyResource::Version(v) => arm::to_value(v),
        AnyResource::VirtualMachine { .. } => Value::Null,
    }
}

fn command_for(r: &AnyResource, id: String, exists: bool) -> Option<Command> {
    Some(match (r.clone(), exists) {
        (AnyResource::Gallery(resource), false) => Command::CreateGallery { id, resource },
        (AnyResource::Gallery(resource), true) => Command::UpdateGallery { id, resource },
        (AnyResource::Image(resource), false) => Command::CreateImage { id, resource },
        (AnyResource::Image(resource), true) => Command::UpdateImage { id, resource },
        (AnyResource::Version(resource), false) => Command::CreateVersion { id, resource },
        (AnyResource::Version(resource), true) => Command::UpdateVersion { id, resource },
        (AnyResource::VirtualMachine { .. }, _) => return None,
    })
}
