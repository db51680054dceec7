//! Export a selection of gallery resources as an ARM deployment template and as the equivalent
//! `az` script, ready to deploy to real Azure — and the way back: turn a parsed template (or any
//! ARM JSON [`crate::validate::parse_documents`] reads) into the commands that create it in a
//! chosen subscription and resource group.
//!
//! Why here: which properties a deployment may carry (read-only ones such as `provisioningState`,
//! `publishedDate`, `replicationStatus` and the gallery's `uniqueName` are left out), how resources
//! depend on each other, and which `az` flags express them are domain knowledge; the app only shows
//! the text. Choices:
//! * a selected gallery brings its definitions and versions, a definition its versions (the
//!   template deploys what the selection covers); a parent that is not selected is expected to
//!   exist, so it is not in `dependsOn`;
//! * a template is resource-group scoped, so a selection must lie in one resource group;
//! * role assignments at the selected resources are included on request (extension resources with
//!   `scope`), with deterministic `guid()` names; the principals must exist in the target tenant;
//! * an optional VM from one version, with its network interface and credentials as parameters.

use crate::access::assignments::ScopePath;
use crate::access::roles::role_guid;
use crate::arm;
use crate::diagnostics::{Code, Diagnostic};
use crate::ids::{GalleryResourceId, Key};
use crate::kinds::OsState;
use crate::protocol::Command;
use crate::validate::{AnyResource, ParsedInput};
use crate::world::World;
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;

/// The api-version the template's gallery resources use (supports every property the simulator models).
pub const GALLERY_API_VERSION: &str = "2022-03-03";
/// The api-version of role assignments in the template.
pub const ROLE_ASSIGNMENT_API_VERSION: &str = "2022-04-01";
/// The api-version of the VM in the template.
pub const VM_API_VERSION: &str = "2023-03-01";
/// The deployment template schema.
pub const TEMPLATE_SCHEMA: &str =
    "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#";

/// What to export.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TemplateRequest {
    /// Gallery, definition or version ids (each brings its children).
    pub ids: Vec<String>,
    /// Include the role assignments made at the exported resources.
    pub role_assignments: bool,
    /// Add a VM deployed from this version id.
    pub vm_from: Option<String>,
}

/// The exported template and script.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportedTemplate {
    /// The ARM deployment template.
    pub template: Value,
    /// The equivalent `az` commands (bash).
    pub script: String,
    /// The resources exported, in deployment order.
    pub resource_ids: Vec<String>,
}

fn refuse(rid: &str, msg: impl Into<String>) -> Diagnostic {
    Diagnostic::new(Code::InvalidParameter, rid, "ids", msg)
}

/// Strips the read-only properties Azure reports but a deployment must not send.
fn deployable(mut v: Value) -> Value {
    if let Some(o) = v.as_object_mut() {
        for key in ["id", "name", "type", "apiVersion", "etag"] {
            o.remove(key);
        }
        if let Some(p) = o.get_mut("properties").and_then(Value::as_object_mut) {
            p.remove("provisioningState");
            p.remove("replicationStatus");
            if let Some(pp) = p
                .get_mut("publishingProfile")
                .and_then(Value::as_object_mut)
            {
                pp.remove("publishedDate");
            }
            if let Some(ident) = p.get_mut("identifier").and_then(Value::as_object_mut) {
                ident.remove("uniqueName");
                if ident.is_empty() {
                    p.remove("identifier");
                }
            }
        }
    }
    v
}

fn quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@,".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// Every id the selection covers, in deployment order (galleries, definitions, versions).
fn expand(world: &World, ids: &[String]) -> Result<Vec<GalleryResourceId>, Diagnostic> {
    let mut out: BTreeSet<GalleryResourceId> = BTreeSet::new();
    for id in ids {
        match GalleryResourceId::parse(id) {
            Some(GalleryResourceId::Gallery(g)) if world.gallery(id).is_some() => {
                out.insert(GalleryResourceId::Gallery(g.clone()));
                for i in world.images_of(&g) {
                    out.insert(GalleryResourceId::Image(i.id.clone()));
                    for v in world.versions_of(&i.id) {
                        out.insert(GalleryResourceId::Version(v.id.clone()));
                    }
                }
            }
            Some(GalleryResourceId::Image(i)) if world.image(id).is_some() => {
                out.insert(GalleryResourceId::Image(i.clone()));
                for v in world.versions_of(&i) {
                    out.insert(GalleryResourceId::Version(v.id.clone()));
                }
            }
            Some(GalleryResourceId::Version(v)) if world.version(id).is_some() => {
                out.insert(GalleryResourceId::Version(v));
            }
            _ => {
                return Err(refuse(
                    id,
                    format!(
                        "'{id}' is not a gallery, image definition or image version in this state."
                    ),
                ))
            }
        }
    }
    let depth = |r: &GalleryResourceId| match r {
        GalleryResourceId::Gallery(_) => 0,
        GalleryResourceId::Image(_) => 1,
        GalleryResourceId::Version(_) => 2,
    };
    let mut list: Vec<GalleryResourceId> = out.into_iter().collect();
    list.sort_by_key(|r| (depth(r), r.to_string().to_ascii_lowercase()));
    Ok(list)
}

fn scope_of(r: &GalleryResourceId) -> (String, String) {
    let s = match r {
        GalleryResourceId::Gallery(g) => &g.scope,
        GalleryResourceId::Image(i) => &i.gallery.scope,
        GalleryResourceId::Version(v) => &v.image.gallery.scope,
    };
    (
        s.subscription.clone().unwrap_or_default(),
        s.resource_group.clone().unwrap_or_default(),
    )
}

fn text(v: &Value, pointer: &str) -> Option<String> {
    match v.pointer(pointer)? {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// Builds the template and the script for `req`.
pub fn export_template(
    world: &World,
    req: &TemplateRequest,
) -> Result<ExportedTemplate, Diagnostic> {
    if req.ids.is_empty() {
        return Err(refuse(
            "",
            "Select at least one gallery, image definition or image version.",
        ));
    }
    let list = expand(world, &req.ids)?;
    let (sub, rg) = scope_of(&list[0]);
    if let Some(other) = list.iter().find(|r| {
        let (s, g) = scope_of(r);
        !s.eq_ignore_ascii_case(&sub) || !g.eq_ignore_ascii_case(&rg)
    }) {
        return Err(refuse(&other.to_string(), format!(
            "A deployment template targets one resource group; '{other}' is not in resource group '{rg}' of subscription '{sub}'. Export each resource group separately.")));
    }
    let present: BTreeSet<Key> = list.iter().map(|r| Key::new(&r.to_string())).collect();
    let mut resources = Vec::new();
    let mut script = vec![
        "#!/usr/bin/env bash".to_string(),
        "# Deploys the exported gallery resources with the Azure CLI.".to_string(),
        "set -euo pipefail".to_string(),
        format!("RG={}", quote(&rg)),
    ];
    for r in &list {
        match r {
            GalleryResourceId::Gallery(g) => {
                let Some(e) = world.gallery(&r.to_string()) else {
                    continue;
                };
                let body = deployable(arm::to_value(&e.resource));
                let mut res = json!({"type": "Microsoft.Compute/galleries", "apiVersion": GALLERY_API_VERSION, "name": g.gallery});
                merge(&mut res, body);
                resources.push(res);
                let mut cmd = format!(
                    "az sig create --resource-group \"$RG\" --gallery-name {} --location {}",
                    quote(&g.gallery),
                    e.location.as_str()
                );
                if let Some(d) = text(&arm::to_value(&e.resource), "/properties/description") {
                    cmd.push_str(&format!(" --description {}", quote(&d)));
                }
                script.push(cmd);
            }
            GalleryResourceId::Image(i) => {
                let Some(e) = world.image(&r.to_string()) else {
                    continue;
                };
                let body = deployable(arm::to_value(&e.resource));
                let mut res = json!({"type": "Microsoft.Compute/galleries/images", "apiVersion": GALLERY_API_VERSION,
                    "name": format!("{}/{}", i.gallery.gallery, i.image)});
                let parent = i.gallery.to_string();
                if present.contains(&Key::new(&parent)) {
                    res["dependsOn"] = json!([format!(
                        "[resourceId('Microsoft.Compute/galleries', '{}')]",
                        i.gallery.gallery
                    )]);
                }
                merge(&mut res, body);
                resources.push(res);
                let mut cmd = format!(
                    "az sig image-definition create --resource-group \"$RG\" --gallery-name {} --gallery-image-definition {} --publisher {} --offer {} --sku {} --os-type {} --os-state {} --hyper-v-generation {} --location {}",
                    quote(&i.gallery.gallery), quote(&i.image),
                    quote(e.identifier.publisher.as_str()), quote(e.identifier.offer.as_str()), quote(e.identifier.sku.as_str()),
                    e.os_type.as_str(), e.os_state.as_str(), e.hyper_v_generation.as_str(), e.location.as_str());
                let v = arm::to_value(&e.resource);
                if let Some(d) = text(&v, "/properties/description") {
                    cmd.push_str(&format!(" --description {}", quote(&d)));
                }
                if let Some(d) = text(&v, "/properties/endOfLifeDate") {
                    cmd.push_str(&format!(" --end-of-life-date {}", quote(&d)));
                }
                script.push(cmd);
            }
            GalleryResourceId::Version(vr) => {
                let Some(e) = world.version(&r.to_string()) else {
                    continue;
                };
                let value = arm::to_value(e.resource());
                let body = deployable(value.clone());
                let mut res = json!({"type": "Microsoft.Compute/galleries/images/versions", "apiVersion": GALLERY_API_VERSION,
                    "name": format!("{}/{}/{}", vr.image.gallery.gallery, vr.image.image, vr.version)});
                let parent = vr.image.to_string();
                if present.contains(&Key::new(&parent)) {
                    res["dependsOn"] = json!([format!(
                        "[resourceId('Microsoft.Compute/galleries/images', '{}', '{}')]",
                        vr.image.gallery.gallery, vr.image.image
                    )]);
                }
                merge(&mut res, body);
                resources.push(res);
                let mut cmd = format!(
                    "az sig image-version create --resource-group \"$RG\" --gallery-name {} --gallery-image-definition {} --gallery-image-version {} --location {}",
                    quote(&vr.image.gallery.gallery), quote(&vr.image.image), quote(&vr.version), e.location.as_str());
                let source = [
                    ("/properties/storageProfile/source/id", "--managed-image"),
                    (
                        "/properties/storageProfile/source/virtualMachineId",
                        "--virtual-machine",
                    ),
                    (
                        "/properties/storageProfile/osDiskImage/source/id",
                        "--os-snapshot",
                    ),
                    (
                        "/properties/publishingProfile/source/managedImage/id",
                        "--managed-image",
                    ),
                ]
                .iter()
                .find_map(|(p, flag)| text(&value, p).map(|s| (*flag, s)));
                if let Some((flag, id)) = source {
                    let flag = if flag == "--managed-image"
                        && id.to_ascii_lowercase().contains("/virtualmachines/")
                    {
                        "--virtual-machine"
                    } else if flag == "--managed-image"
                        && id.to_ascii_lowercase().contains("/snapshots/")
                    {
                        "--os-snapshot"
                    } else {
                        flag
                    };
                    cmd.push_str(&format!(" {flag} {}", quote(&id)));
                }
                let targets = crate::target_regions::format_targets(e);
                if !targets.is_empty() {
                    cmd.push_str(" --target-regions");
                    for t in targets {
                        cmd.push(' ');
                        cmd.push_str(&quote(&t));
                    }
                }
                if let Some(n) = text(&value, "/properties/publishingProfile/replicaCount") {
                    cmd.push_str(&format!(" --replica-count {n}"));
                }
                if e.exclude_from_latest {
                    cmd.push_str(" --exclude-from-latest true");
                }
                if let Some(d) = text(&value, "/properties/publishingProfile/endOfLifeDate") {
                    cmd.push_str(&format!(" --end-of-life-date {}", quote(&d)));
                }
                script.push(cmd);
            }
        }
    }
    if req.role_assignments {
        for r in &list {
            let scope = r.to_string();
            let Some(path) = ScopePath::parse(&scope) else {
                continue;
            };
            let scope_key = Key::new(path.id());
            let mut here: Vec<_> = world
                .access()
                .assignments()
                .filter(|a| {
                    ScopePath::parse(&a.properties.scope)
                        .is_some_and(|p| Key::new(p.id()) == scope_key)
                })
                .collect();
            here.sort_by(|a, b| a.id.cmp(&b.id));
            for a in here {
                let role = role_guid(&a.properties.role_definition_id).to_string();
                let role_name = world
                    .access()
                    .role(&role)
                    .map_or_else(|| role.clone(), |d| d.properties.role_name.clone());
                let (ty, args) = match r {
                    GalleryResourceId::Gallery(g) => {
                        ("Microsoft.Compute/galleries", format!("'{}'", g.gallery))
                    }
                    GalleryResourceId::Image(i) => (
                        "Microsoft.Compute/galleries/images",
                        format!("'{}', '{}'", i.gallery.gallery, i.image),
                    ),
                    GalleryResourceId::Version(v) => (
                        "Microsoft.Compute/galleries/images/versions",
                        format!(
                            "'{}', '{}', '{}'",
                            v.image.gallery.gallery, v.image.image, v.version
                        ),
                    ),
                };
                let target = format!("resourceId('{ty}', {args})");
                let mut res = json!({
                    "type": "Microsoft.Authorization/roleAssignments",
                    "apiVersion": ROLE_ASSIGNMENT_API_VERSION,
                    "name": format!("[guid({target}, '{}', '{role}')]", a.properties.principal_id),
                    "scope": format!("[{target}]"),
                    "dependsOn": [format!("[{target}]")],
                    "properties": {
                        "roleDefinitionId": format!("[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '{role}')]"),
                        "principalId": a.properties.principal_id,
                    }
                });
                if let Some(t) = &a.properties.principal_type {
                    res["properties"]["principalType"] = json!(t);
                }
                resources.push(res);
                let mut cmd = format!(
                    "az role assignment create --assignee-object-id {} --role {} --scope {}",
                    quote(&a.properties.principal_id),
                    quote(&role_name),
                    quote(&scope)
                );
                if let Some(t) = &a.properties.principal_type {
                    cmd.push_str(&format!(" --assignee-principal-type {t}"));
                }
                script.push(cmd);
            }
        }
    }
    let mut parameters = Map::new();
    if let Some(vid) = &req.vm_from {
        let Some(v) = world.version(vid) else {
            return Err(refuse(
                vid,
                format!("'{vid}' is not an image version in this state."),
            ));
        };
        let specialized = world
            .image(&v.id.image.to_string())
            .is_some_and(|i| i.os_state == OsState::Specialized);
        let image_ref = if present.contains(&v.id.key()) {
            format!(
                "[resourceId('Microsoft.Compute/galleries/images/versions', '{}', '{}', '{}')]",
                v.id.image.gallery.gallery, v.id.image.image, v.name
            )
        } else {
            v.id.to_string()
        };
        parameters.insert(
            "vmName".into(),
            json!({"type": "string", "defaultValue": "vm1"}),
        );
        parameters.insert(
            "vmSize".into(),
            json!({"type": "string", "defaultValue": "Standard_D2s_v5"}),
        );
        parameters.insert("networkInterfaceId".into(), json!({"type": "string", "metadata": {"description": "Id of an existing network interface in the VM's region."}}));
        let mut props = json!({
            "hardwareProfile": {"vmSize": "[parameters('vmSize')]"},
            "storageProfile": {"imageReference": {"id": image_ref}},
            "networkProfile": {"networkInterfaces": [{"id": "[parameters('networkInterfaceId')]"}]},
        });
        if !specialized {
            parameters.insert("adminUsername".into(), json!({"type": "string"}));
            parameters.insert("adminPassword".into(), json!({"type": "securestring"}));
            props["osProfile"] = json!({"computerName": "[parameters('vmName')]", "adminUsername": "[parameters('adminUsername')]", "adminPassword": "[parameters('adminPassword')]"});
        }
        let mut vm = json!({
            "type": "Microsoft.Compute/virtualMachines",
            "apiVersion": VM_API_VERSION,
            "name": "[parameters('vmName')]",
            "location": v.location.as_str(),
            "properties": props,
        });
        if present.contains(&v.id.key()) {
            vm["dependsOn"] = json!([image_ref]);
        }
        resources.push(vm);
        let mut cmd = format!(
            "az vm create --resource-group \"$RG\" --name vm1 --image {} --size Standard_D2s_v5 --location {}",
            quote(&v.id.to_string()),
            v.location.as_str()
        );
        cmd.push_str(if specialized {
            " --specialized"
        } else {
            " --admin-username azureuser --generate-ssh-keys"
        });
        script.push(cmd);
    }
    let template = json!({
        "$schema": TEMPLATE_SCHEMA,
        "contentVersion": "1.0.0.0",
        "parameters": parameters,
        "resources": resources,
    });
    Ok(ExportedTemplate {
        template,
        script: script.join("\n") + "\n",
        resource_ids: list.iter().map(ToString::to_string).collect(),
    })
}

fn merge(into: &mut Value, body: Value) {
    if let (Some(target), Value::Object(body)) = (into.as_object_mut(), body) {
        for (k, v) in body {
            target.entry(k).or_insert(v);
        }
    }
}

/// One command an import would run, for the resource it creates.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedImport {
    /// The id the resource gets in the target.
    pub id: String,
    /// The origin of the resource in the input (JSON pointer), to match the validator's findings.
    pub origin: String,
    /// The create command.
    pub command: Command,
}

fn retarget(id: &GalleryResourceId, subscription: &str, resource_group: &str) -> GalleryResourceId {
    let fix = |s: &mut crate::ids::Scope| {
        // A template's own placeholder, or a REST example's (`{subscription-id}`,
        // `{resourceGroupName}`): the resource goes where the user imports it.
        let placeholder = |x: &Option<String>, p: &str| {
            x.as_deref()
                .is_none_or(|v| v == p || (v.starts_with('{') && v.ends_with('}')))
        };
        // A placeholder subscription takes its resource group with it: the example's group
        // (`myResourceGroup`) is in no subscription of this world.
        let example = s
            .subscription
            .as_deref()
            .is_some_and(|v| v.starts_with('{') && v.ends_with('}'));
        if example || placeholder(&s.subscription, crate::template::TEMPLATE_SUBSCRIPTION) {
            s.subscription = Some(subscription.to_string());
        }
        if example || placeholder(&s.resource_group, crate::template::TEMPLATE_RESOURCE_GROUP) {
            s.resource_group = Some(resource_group.to_string());
        }
    };
    let mut id = id.clone();
    match &mut id {
        GalleryResourceId::Gallery(g) => fix(&mut g.scope),
        GalleryResourceId::Image(i) => fix(&mut i.gallery.scope),
        GalleryResourceId::Version(v) => {
            fix(&mut std::sync::Arc::make_mut(&mut v.image).gallery.scope)
        }
    }
    id
}

/// The create commands for the gallery resources of `input`, in dependency order (galleries,
/// definitions, versions). A template's resources (which have no subscription or resource group
/// until deployed), and a REST example's (whose ids hold placeholders such as
/// `{subscription-id}`), go to `subscription` / `resource_group`; resources with full ids keep
/// them.
/// Resources without an id (an expression the simulator cannot evaluate) are not planned: the
/// validator reports them.
pub fn import_plan(
    input: &ParsedInput,
    subscription: &str,
    resource_group: &str,
) -> Vec<PlannedImport> {
    let mut plan: Vec<(u8, PlannedImport)> = input
        .resources
        .iter()
        .filter_map(|r| {
            let id = retarget(r.id.as_ref()?, subscription, resource_group);
            let text = id.to_string();
            let (depth, command) = match (&r.resource, &id) {
                (AnyResource::Gallery(b), GalleryResourceId::Gallery(_)) => (
                    0,
                    Command::CreateGallery {
                        id: text.clone(),
                        resource: b.clone(),
                    },
                ),
                (AnyResource::Image(b), GalleryResourceId::Image(_)) => (
                    1,
                    Command::CreateImage {
                        id: text.clone(),
                        resource: b.clone(),
                    },
                ),
                (AnyResource::Version(b), GalleryResourceId::Version(_)) => (
                    2,
                    Command::CreateVersion {
                        id: text.clone(),
                        resource: b.clone(),
                    },
                ),
                _ => return None,
            };
            Some((
                depth,
                PlannedImport {
                    id: text,
                    origin: r.origin.clone(),
                    command,
                },
            ))
        })
        .collect();
    plan.sort_by_key(|(d, _)| *d);
    plan.into_iter().map(|(_, p)| p).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::{apply, Actor};
    use crate::testing::{base_world, world_with, FIXTURE_NOW, RESOURCE_GROUP, SUBSCRIPTION};
    use crate::validate::parse_documents;

    fn gallery(w: &World) -> String {
        w.galleries().next().expect("a gallery").id.to_string()
    }

    #[test]
    fn a_gallery_exports_with_its_children_in_order_without_read_only_properties() {
        let w = world_with(1, 2, 2);
        let out = export_template(
            &w,
            &TemplateRequest {
                ids: vec![gallery(&w)],
                ..Default::default()
            },
        )
        .expect("exported");
        let resources = out.template["resources"].as_array().expect("resources");
        assert_eq!(resources.len(), 1 + 2 + 4);
        let types: Vec<&str> = resources
            .iter()
            .filter_map(|r| r["type"].as_str())
            .collect();
        assert_eq!(types[0], "Microsoft.Compute/galleries");
        assert!(types[1..3]
            .iter()
            .all(|t| *t == "Microsoft.Compute/galleries/images"));
        assert!(types[3..]
            .iter()
            .all(|t| *t == "Microsoft.Compute/galleries/images/versions"));
        let text = out.template.to_string();
        for read_only in [
            "provisioningState",
            "publishedDate",
            "replicationStatus",
            "uniqueName",
        ] {
            assert!(
                !text.contains(read_only),
                "{read_only} must not be deployed"
            );
        }
        assert!(resources[3]["dependsOn"][0]
            .as_str()
            .expect("dependsOn")
            .starts_with("[resourceId('Microsoft.Compute/galleries/images'"));
        assert_eq!(out.script.matches("az sig image-version create").count(), 4);
        assert!(out
            .script
            .contains("--target-regions westus=1=standard_lrs"));
        assert!(out.script.contains("--managed-image /subscriptions/"));
    }

    #[test]
    fn the_template_reimports_into_an_empty_state_identically() {
        let w = world_with(1, 1, 2);
        let req = TemplateRequest {
            ids: vec![gallery(&w)],
            ..Default::default()
        };
        let out = export_template(&w, &req).expect("exported");
        let input = parse_documents(&out.template);
        assert!(
            input.diagnostics.iter().all(|d| !d.is_error()),
            "{:?}",
            input.diagnostics
        );
        let plan = import_plan(&input, SUBSCRIPTION, RESOURCE_GROUP);
        assert_eq!(plan.len(), 4);
        let mut fresh = base_world();
        for p in plan {
            apply(&mut fresh, &Actor::system(), p.command, FIXTURE_NOW)
                .unwrap_or_else(|e| panic!("{}: {e}", p.id));
        }
        let again = export_template(&fresh, &req).expect("exported again");
        assert_eq!(again.template, out.template);
        assert_eq!(again.script, out.script);
    }

    #[test]
    fn selections_across_resource_groups_and_unknown_ids_are_refused() {
        let w = world_with(1, 1, 1);
        assert!(export_template(&w, &TemplateRequest::default()).is_err());
        let unknown = TemplateRequest {
            ids: vec![
                "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/galleries/nope"
                    .into(),
            ],
            ..Default::default()
        };
        assert!(export_template(&w, &unknown)
            .expect_err("unknown")
            .message
            .contains("nope"));
    }

    #[test]
    fn role_assignments_and_a_vm_are_added_on_request() {
        let w = crate::testing::example::contoso_fabrikam();
        let g = w
            .galleries()
            .find(|g| {
                w.access()
                    .assignments()
                    .any(|a| a.properties.scope.eq_ignore_ascii_case(&g.id.to_string()))
            })
            .expect("the example shares a gallery")
            .id
            .to_string();
        let v = w
            .versions()
            .find(|v| v.id.to_string().starts_with(&g))
            .map(|v| v.id.to_string())
            .expect("the shared gallery has a version");
        let out = export_template(
            &w,
            &TemplateRequest {
                ids: vec![g.clone()],
                role_assignments: true,
                vm_from: Some(v),
            },
        )
        .expect("exported");
        let resources = out.template["resources"].as_array().expect("resources");
        assert!(resources
            .iter()
            .any(|r| r["type"] == "Microsoft.Authorization/roleAssignments"));
        assert!(out.script.contains("az role assignment create"));
        assert!(resources
            .iter()
            .any(|r| r["type"] == "Microsoft.Compute/virtualMachines"));
        assert!(out.script.contains("az vm create"));
    }
}
