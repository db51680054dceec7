//! File validation, shared by `sig validate` and the app's import.
//!
//! [`parse_documents`] (in `read.rs`) recognises every JSON shape Azure prints (one resource, an array, a list
//! response, a REST example file, an ARM deployment template, the World export); [`validate_input`]
//! (in `check.rs`) then runs every per-resource rule and every cross-resource rule over what is present. A parent or
//! source that is not in the input is simply not checked (absent ≠ error). Never panics on input.

mod check;
mod read;

pub use check::{validate, validate_input, validate_world, world_input};
pub use read::{parse_documents, parse_slice};

use crate::arm;
use crate::diagnostics::Diagnostic;
use crate::ids::GalleryResourceId;
use crate::sources::Source;
use crate::world::{ResourceGroup, Subscription};

/// A gallery resource (or a VM that deploys from one) found in the input.
#[derive(Debug, Clone, PartialEq)]
pub enum AnyResource {
    /// `Microsoft.Compute/galleries`.
    Gallery(arm::Gallery),
    /// `Microsoft.Compute/galleries/images`.
    Image(arm::GalleryImage),
    /// `Microsoft.Compute/galleries/images/versions`.
    Version(arm::GalleryImageVersion),
    /// A VM / scale set from a template: the seed's api-version advice, and the deployment rules
    /// the template decides on its own (scale-set capacity, `osProfile` against the definition's
    /// OS state when the definition is in the input).
    VirtualMachine {
        /// ARM type.
        resource_type: String,
        /// Whether its image reference points into a gallery.
        uses_gallery_image: bool,
        /// Its image reference id, when it evaluates.
        image: Option<String>,
        /// Whether the body has an `osProfile`.
        has_os_profile: bool,
        /// A scale set's `sku.capacity`, when it evaluates (`None` for a VM).
        scale_set_capacity: Option<i64>,
        /// Its `location`, when it evaluates.
        location: Option<String>,
    },
}

/// One resource with where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedResource {
    /// Parsed id (from the body, the REST example parameters, or the template), when known.
    pub id: Option<GalleryResourceId>,
    /// Text used as `resourceId` in diagnostics (canonical id, or the origin when there is no id).
    pub rid: String,
    /// JSON pointer of the body inside the input document (e.g. `/responses/200/body`).
    pub origin: String,
    /// The api-version it came with (template `apiVersion` or REST example `api-version`).
    pub api_version: Option<String>,
    /// The resource.
    pub resource: AnyResource,
}

/// Everything recognised in one input document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParsedInput {
    /// Resources, in document order.
    pub resources: Vec<ParsedResource>,
    /// Problems found while reading (unrecognised shapes, template expressions...).
    pub diagnostics: Vec<Diagnostic>,
    /// Sources (from an export file).
    pub sources: Vec<Source>,
    /// Subscriptions (from an export file).
    pub subscriptions: Vec<Subscription>,
    /// Resource groups (from an export file).
    pub resource_groups: Vec<ResourceGroup>,
    /// What loading a state file says: the refusal of [`World::from_export`], which admits
    /// everything through the commands' plans (access data, replication, nesting included), so
    /// `sig validate` says no where `sig access`, `cost`, `deploy` and the portal's import would
    /// — or, when it loads, the warnings those plans raise (sharing an individual version...).
    pub admission: Vec<Diagnostic>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Code;
    use serde_json::json;
    use serde_json::Value;
    use time::macros::datetime;
    use time::OffsetDateTime;

    const NOW: OffsetDateTime = datetime!(2024-06-01 0:00 UTC);

    fn codes(v: Value) -> Vec<Code> {
        let input = parse_documents(&v);
        validate_input(&input, NOW)
            .into_iter()
            .map(|d| d.code)
            .collect()
    }

    /// `validate_world` borrows the world and asks it for lookups; it must report exactly what
    /// validating the world's resources as a parsed input reports (same diagnostics, same order).
    #[test]
    fn validate_world_equals_validating_its_export() {
        use crate::command::{apply, gallery_id, image_id, version_id, Actor, Command};
        use crate::testing::{self, FIXTURE_NOW, RESOURCE_GROUP as RG, SUBSCRIPTION as SUB};
        let mut w = testing::hundred_version_world();
        let a = Actor::system();
        let mut gallery = testing::gallery_body();
        gallery.location = Some("eastus".into());
        let cmds = [
            Command::CreateGallery {
                id: gallery_id(SUB, RG, "gEast"),
                resource: gallery,
            },
            Command::CreateImage {
                id: image_id(SUB, RG, "gEast", "img"),
                resource: testing::image_body(7, 7),
            },
            Command::CreateVersion {
                id: version_id(SUB, RG, "gEast", "img", "2.0.0"),
                resource: testing::version_body(),
            },
        ];
        for c in cmds {
            apply(&mut w, &a, c, FIXTURE_NOW).expect("valid command");
        }
        let fast = validate_world(&w, FIXTURE_NOW);
        let slow = validate_input(&world_input(&w), FIXTURE_NOW);
        assert!(
            fast.iter().any(|d| d.code == Code::LocationDiffers),
            "the world has warnings to compare: {fast:#?}"
        );
        assert_eq!(fast, slow);
    }

    #[test]
    fn shapes() {
        let g = json!({"id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Compute/galleries/g1", "name": "g1", "location": "westus"});
        assert_eq!(parse_documents(&g).resources.len(), 1);
        assert_eq!(parse_documents(&json!([g, g])).resources.len(), 2);
        assert_eq!(parse_documents(&json!({"value": [g]})).resources.len(), 1);
        assert_eq!(
            codes(json!([g, g])),
            vec![Code::DuplicateResource],
            "the same id twice in one input is refused, as ARM refuses a template that does"
        );
        assert_eq!(codes(json!(42)), vec![Code::DocumentUnrecognized]);
        assert_eq!(codes(json!({"foo": 1})), vec![Code::DocumentUnrecognized]);
        assert_eq!(
            codes(json!({"type": "Microsoft.Network/virtualNetworks", "name": "v"})),
            vec![Code::NotAResource]
        );
        assert_eq!(
            codes(
                json!({"type": "Microsoft.Compute/galleries", "name": "g", "location": "westus", "properties": 5})
            ),
            vec![Code::ResourceShapeInvalid]
        );
    }

    #[test]
    fn cross_resource_rules() {
        let gal = |rg: &str, name: &str| json!({"id": format!("/subscriptions/s/resourceGroups/{rg}/providers/Microsoft.Compute/galleries/{name}"), "location": "westus"});
        assert_eq!(
            codes(json!([gal("a", "g1"), gal("b", "G1")])),
            vec![Code::Conflict]
        );
        let img = |name: &str, sku: &str| {
            json!({"id": format!("/subscriptions/s/resourceGroups/a/providers/Microsoft.Compute/galleries/g1/images/{name}"), "location": "westus",
            "properties": {"osType": "Linux", "osState": "Generalized", "identifier": {"publisher": "P", "offer": "O", "sku": sku}}})
        };
        assert_eq!(
            codes(json!([img("i1", "s"), img("i2", "S")])),
            vec![Code::DuplicateIdentifier]
        );
        assert_eq!(
            codes(json!([img("i1", "s"), img("i2", "t")])),
            Vec::<Code>::new()
        );
        // Version against a parent present in the input.
        let ver = json!({"id": "/subscriptions/s/resourceGroups/a/providers/Microsoft.Compute/galleries/g1/images/i1/versions/1.0.0", "location": "westus",
            "properties": {"storageProfile": {"source": {"id": "/subscriptions/s/resourceGroups/a/providers/Microsoft.Compute/galleries/g1/images/i2/versions/1.0.0"}}}});
        let ver2 = json!({"id": "/subscriptions/s/resourceGroups/a/providers/Microsoft.Compute/galleries/g1/images/i2/versions/1.0.0", "location": "eastus",
            "properties": {"storageProfile": {"source": {"id": "/subscriptions/s/resourceGroups/a/providers/Microsoft.Compute/images/x"}}}});
        let mut i2 = img("i2", "t");
        i2["properties"]["osType"] = json!("Windows");
        assert_eq!(
            codes(json!([img("i1", "s"), i2, ver, ver2])),
            vec![
                Code::SourceRegionMismatch,
                Code::OsTypeMismatch,
                Code::LocationDiffers
            ]
        );
    }

    #[test]
    fn template_with_parameters_and_children() {
        let t = json!({
            "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
            "contentVersion": "1.0.0.0",
            "parameters": {"galleryName": {"type": "string", "defaultValue": "myGallery"}, "loc": {"type": "string", "defaultValue": "[resourceGroup().location]"}},
            "variables": {"imageName": "img1"},
            "resources": [
                {"type": "Microsoft.Compute/galleries", "apiVersion": "2019-12-01", "name": "[parameters('galleryName')]", "location": "westus",
                 "resources": [
                    {"type": "images", "apiVersion": "2019-12-01", "name": "[variables('imageName')]", "location": "[parameters('loc')]",
                     "dependsOn": ["[resourceId('Microsoft.Compute/galleries', parameters('galleryName'))]"],
                     "properties": {"osType": "Linux", "osState": "Generalized", "identifier": {"publisher": "p", "offer": "o", "sku": "s"}}}
                 ]},
                {"type": "Microsoft.Compute/galleries/images/versions", "apiVersion": "2018-06-01", "name": "[concat(parameters('galleryName'), '/img1/1.0.0')]", "location": "eastus",
                 "properties": {"publishingProfile": {"targetRegions": [{"name": "eastus", "storageAccountType": "Standard_ZRS"}]},
                    "storageProfile": {"source": {"id": "[resourceId('Microsoft.Compute/images', 'src')]"}}}},
                {"type": "Microsoft.Compute/galleries", "apiVersion": "2019-12-01", "name": "[take('galleries', 3)]", "location": "westus"},
                {"type": "Microsoft.Compute/virtualMachines", "apiVersion": "2017-12-01", "name": "vm", "properties": {"storageProfile": {"imageReference": {"id": "[resourceId('Microsoft.Compute/galleries/images', parameters('galleryName'), 'img1')]"}}}}
            ]
        });
        let input = parse_documents(&t);
        let ids: Vec<String> = input.resources.iter().map(|r| r.rid.clone()).collect();
        assert_eq!(ids[0], "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Compute/galleries/myGallery");
        assert_eq!(ids[1], "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Compute/galleries/myGallery/images/img1");
        assert!(ids[2].ends_with("/galleries/myGallery/images/img1/versions/1.0.0"));
        let diags = validate_input(&input, NOW);
        let codes: Vec<Code> = diags.iter().map(|d| d.code).collect();
        assert!(codes.contains(&Code::TemplateValueUnknown), "{diags:#?}");
        assert!(codes.contains(&Code::TemplateExpressionUnsupported));
        assert!(
            codes.contains(&Code::FeatureRequiresNewerApiVersion),
            "ZRS + storageProfile with 2018-06-01"
        );
        assert!(
            codes.contains(&Code::ApiVersionBelowRecommended),
            "VM from gallery with 2017-12-01"
        );
        assert!(!codes.contains(&Code::GalleryNameInvalid), "{diags:#?}");
    }

    #[test]
    fn rest_example_builds_ids_from_parameters() {
        let ex = json!({"parameters": {"subscriptionId": "sub", "resourceGroupName": "rg", "api-version": "2018-06-01", "galleryName": "g", "galleryImageName": "i",
            "galleryImage": {"location": "West US", "properties": {"osType": "Windows", "osState": "Generalized", "identifier": {"publisher": "p", "offer": "o", "sku": "s"}}}},
            "responses": {"200": {"body": {"location": "West US", "name": "i", "properties": {"osType": "Windows", "osState": "Generalized", "identifier": {"publisher": "p", "offer": "o", "sku": "s"}}}}}});
        let input = parse_documents(&ex);
        assert_eq!(input.resources.len(), 2);
        assert!(input.resources.iter().all(|r| r.rid == "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Compute/galleries/g/images/i"));
        assert_eq!(
            input.resources[0].api_version.as_deref(),
            Some("2018-06-01")
        );
        assert_eq!(validate_input(&input, NOW), vec![]);
    }

    /// A past end of life is an error on a resource being created (a template, a request body)
    /// and a warning on one that exists (`az` output: it has a provisioningState).
    #[test]
    fn end_of_life_past_is_an_error_to_create_and_a_warning_when_existing() {
        let version = |state: Option<&str>| {
            let mut v = json!({
                "id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Compute/galleries/g/images/i/versions/1.0.0",
                "name": "1.0.0",
                "type": "Microsoft.Compute/galleries/images/versions",
                "location": "westus",
                "properties": {"publishingProfile": {"endOfLifeDate": "2020-01-01"}}
            });
            if let Some(s) = state {
                v["properties"]["provisioningState"] = json!(s);
            }
            v
        };
        let new = codes(version(None));
        assert!(new.contains(&Code::EndOfLifeDateInPast), "{new:?}");
        let existing = codes(version(Some("Succeeded")));
        assert!(existing.contains(&Code::EndOfLifePassed), "{existing:?}");
        assert!(
            !existing.contains(&Code::EndOfLifeDateInPast),
            "{existing:?}"
        );
    }

    /// A template that defines one resource twice is refused; a REST example's request and its
    /// responses are one resource.
    #[test]
    fn a_resource_defined_twice_in_a_template_is_refused() {
        let gallery = json!({"type": "Microsoft.Compute/galleries", "apiVersion": "2022-03-03",
            "name": "gal", "location": "westus", "properties": {}});
        let template = json!({
            "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
            "contentVersion": "1.0.0.0",
            "resources": [gallery.clone(), gallery]
        });
        let found = codes(template);
        assert_eq!(
            found
                .iter()
                .filter(|c| **c == Code::DuplicateResource)
                .count(),
            1,
            "{found:?}"
        );
    }

    /// Quickstart-style templates: a name built from parameters without defaults is unknown —
    /// one info says so and no fragment of the expression is checked as a name; with defaults
    /// the same names evaluate and are checked.
    #[test]
    fn parameterised_names_are_unknown_not_invalid() {
        let template = |defaults: bool| {
            let param = |d: &str| {
                if defaults {
                    json!({"type": "string", "defaultValue": d})
                } else {
                    json!({"type": "string"})
                }
            };
            json!({
                "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
                "contentVersion": "1.0.0.0",
                "parameters": {"galleryName": param("gal"), "imageName": param("img"), "version": param("1.0.0")},
                "resources": [
                    {"type": "Microsoft.Compute/galleries/images", "apiVersion": "2022-03-03",
                     "name": "[concat(parameters('galleryName'), '/', parameters('imageName'))]",
                     "location": "westus",
                     "properties": {"osType": "Linux", "osState": "Generalized",
                        "identifier": {"publisher": "p", "offer": "o", "sku": "s"}}},
                    {"type": "Microsoft.Compute/galleries/images/versions", "apiVersion": "2022-03-03",
                     "name": "[concat(parameters('galleryName'), '/', parameters('imageName'), '/', parameters('version'))]",
                     "location": "westus",
                     "properties": {"publishingProfile": {"targetRegions": [{"name": "westus"}]},
                        "storageProfile": {"source": {"id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Compute/images/base"}}}}
                ]
            })
        };
        for defaults in [false, true] {
            let found = codes(template(defaults));
            let names = [
                Code::ImageDefinitionNameInvalid,
                Code::ImageVersionNameInvalid,
                Code::GalleryNameInvalid,
            ];
            assert!(
                !found.iter().any(|c| names.contains(c)),
                "defaults {defaults}: {found:?}"
            );
            assert!(
                !found.iter().any(|c| c.severity() == crate::Severity::Error),
                "defaults {defaults}: {found:?}"
            );
            if !defaults {
                assert!(found.contains(&Code::TemplateValueUnknown), "{found:?}");
            }
        }
    }

    /// A copy loop with a known count becomes that many resources, named with copyIndex(); an
    /// unknown count is checked once, with an info saying why.
    #[test]
    fn copy_loops_are_expanded_when_their_count_is_known() {
        let template = |count: Value| {
            json!({
                "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
                "contentVersion": "1.0.0.0",
                "parameters": {"n": {"type": "int"}},
                "resources": [{"type": "Microsoft.Compute/galleries", "apiVersion": "2022-03-03",
                    "name": "[concat('gal', copyIndex(1))]", "location": "westus",
                    "copy": {"name": "galleries", "count": count}}]
            })
        };
        let input = parse_documents(&template(json!(3)));
        let names: Vec<String> = input
            .resources
            .iter()
            .map(|r| r.rid.rsplit('/').next().unwrap_or_default().to_string())
            .collect();
        assert_eq!(names, ["gal1", "gal2", "gal3"]);
        assert!(validate_input(&input, NOW).iter().all(|d| !d.is_error()));
        let unknown = codes(template(json!("[parameters('n')]")));
        assert!(unknown.contains(&Code::TemplateValueUnknown), "{unknown:?}");
        assert!(
            !unknown
                .iter()
                .any(|c| c.severity() == crate::Severity::Error),
            "{unknown:?}"
        );
        for invalid in [json!(801), json!(-1), json!(2.5), json!("three")] {
            let found = validate_input(&parse_documents(&template(invalid.clone())), NOW);
            let on_count: Vec<Code> = found
                .iter()
                .filter(|d| d.path == "copy.count")
                .map(|d| d.code)
                .collect();
            assert_eq!(
                on_count,
                [Code::InvalidParameter],
                "an invalid count is reported once, not also as unknown ({invalid})"
            );
        }
    }

    /// VMs and scale sets in a template get the deployment rules the template decides: a scale
    /// set of 1,001 from a gallery image is too large, and a VM with an osProfile from a
    /// Specialized definition in the same template is refused.
    #[test]
    fn deployment_rules_apply_to_vms_in_templates() {
        let def = json!({"type": "Microsoft.Compute/galleries/images", "apiVersion": "2022-03-03",
            "name": "gal/special", "location": "westus",
            "properties": {"osType": "Linux", "osState": "Specialized",
                "identifier": {"publisher": "p", "offer": "o", "sku": "s"}}});
        let image = "[resourceId('Microsoft.Compute/galleries/images', 'gal', 'special')]";
        let vm = json!({"type": "Microsoft.Compute/virtualMachines", "apiVersion": "2022-03-01", "name": "vm",
            "location": "westus",
            "properties": {"osProfile": {"computerName": "vm"},
                "storageProfile": {"imageReference": {"id": image}}}});
        let vmss = |capacity: i64| {
            json!({"type": "Microsoft.Compute/virtualMachineScaleSets", "apiVersion": "2022-03-01",
            "name": "ss", "location": "westus", "sku": {"name": "Standard_D2s_v3", "capacity": capacity},
            "properties": {"virtualMachineProfile": {"storageProfile": {"imageReference": {"id": image}}}}})
        };
        let template = |resources: Value| {
            json!({
                "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
                "contentVersion": "1.0.0.0",
                "resources": resources
            })
        };
        let found = codes(template(json!([def, vm])));
        assert!(found.contains(&Code::OsProfileNotAllowed), "{found:?}");
        let found = codes(template(json!([def, vmss(1001)])));
        assert!(found.contains(&Code::ScaleSetTooLarge), "{found:?}");
        let found = codes(template(json!([def, vmss(1000)])));
        assert!(!found.contains(&Code::ScaleSetTooLarge), "{found:?}");
    }

    /// A scale set of 120 from a version with one replica in its region gets the replica
    /// guideline as a warning; with enough replicas, nothing.
    #[test]
    fn replica_advice_for_scale_sets_in_templates() {
        let version = |replicas: i64| {
            json!({"type": "Microsoft.Compute/galleries/images/versions", "apiVersion": "2022-03-03",
            "name": "gal/img/1.0.0", "location": "westus",
            "properties": {"publishingProfile": {"targetRegions": [{"name": "westus", "regionalReplicaCount": replicas}]},
                "storageProfile": {"source": {"id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Compute/images/base"}}}})
        };
        let vmss = json!({"type": "Microsoft.Compute/virtualMachineScaleSets", "apiVersion": "2022-03-01",
            "name": "ss", "location": "westus", "sku": {"name": "Standard_D2s_v3", "capacity": 1000},
            "properties": {"virtualMachineProfile": {"osProfile": {"computerNamePrefix": "ss"}, "storageProfile": {"imageReference": {
                "id": "[resourceId('Microsoft.Compute/galleries/images/versions', 'gal', 'img', '1.0.0')]"}}}}});
        let template = |replicas: i64| {
            json!({
                "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
                "contentVersion": "1.0.0.0",
                "resources": [version(replicas), vmss.clone()]
            })
        };
        assert!(codes(template(1)).contains(&Code::ReplicaThrottlingRisk));
        assert!(!codes(template(2)).contains(&Code::ReplicaThrottlingRisk));
    }

    /// A copy loop on a child resource is refused and checked once: loops never multiply
    /// through the nesting.
    #[test]
    fn a_copy_loop_on_a_child_is_refused_not_multiplied() {
        let t = json!({
            "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
            "contentVersion": "1.0.0.0",
            "resources": [{"type": "Microsoft.Compute/galleries", "apiVersion": "2022-03-03",
                "name": "[concat('gal', copyIndex())]", "location": "westus",
                "copy": {"name": "g", "count": 3},
                "resources": [{"type": "images", "apiVersion": "2022-03-03",
                    "name": "[concat('img', copyIndex())]", "location": "westus",
                    "copy": {"name": "i", "count": 800},
                    "properties": {"osType": "Linux", "osState": "Generalized",
                        "identifier": {"publisher": "p", "offer": "o", "sku": "s"}}}]}]
        });
        let input = parse_documents(&t);
        assert!(input.resources.len() <= 6, "{}", input.resources.len());
        assert!(input
            .diagnostics
            .iter()
            .any(|d| d.code == Code::InvalidParameter && d.path == "copy"));
    }
}
