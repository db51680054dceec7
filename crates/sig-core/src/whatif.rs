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

/// Previews every gallery resource of `resources` (those with an id) against `world` at `now`.
pub fn what_if(world: &World, resources: &[ParsedResource], now: OffsetDateTime) -> Vec<WhatIf> {
    resources
        .iter()
        .filter_map(|r| preview(world, r, now))
        .collect()
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
                let cur = world.version(&id).map(|e| arm::to_value(&e.resource));
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
