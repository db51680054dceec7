//! Deployment check: could a VM or a scale set be created (or a scale set switched) from this
//! image, in this region, at this time — and what should the user know?
//!
//! Why: the question users actually have ("will my deployment work, and which version will
//! `latest` give me?") combines several rules that live elsewhere; this module only *asks* them:
//! replication ([`crate::replication`]), `latest` ([`crate::latest`]), the replica guideline and
//! scale-set limits ([`crate::replicas`]) and the image's disks ([`crate::image_size`]).
//!
//! Outcomes, each a [`Diagnostic`] with a stable code and the JSON path in the VM / scale-set body:
//! * the version is not Completed in the region → `GalleryImageNotFound` with Azure's text;
//! * `latest` → which version and why (`LatestResolved`), or `GalleryImageNotFound`;
//! * specialized → `osProfile` not allowed, plus the seed's computer-name warning;
//!   generalized → `osProfile` required;
//! * a scale set holds ≤ 1,000 instances from a gallery image, ≤ 600 from a managed image;
//! * fewer replicas in the region than the guideline asks for → a throttling warning with the count;
//! * switching a scale set from a managed image to a gallery image needs the same OS type,
//!   Hyper-V generation and data-disk layout (LUNs); the OS state must match too (Azure's text).

use crate::access::authorize_action;
use crate::diagnostics::{has_errors, Code, Diagnostic};
use crate::ids::GalleryResourceId;
use crate::image_size::{layout_from_facts, version_layout};
use crate::kinds::{HyperVGeneration, OsState, OsType, SecurityType};
use crate::latest::{resolve_latest_at, LatestResolution};
use crate::regions::RegionName;
use crate::replicas::{check_scale_set_size, recommend, RegionDemand, ScaleSets};
use crate::replication::{region_status, RegionState};
use crate::rules::{source_key, Lookup};
use crate::sources::SourceKind;
use crate::world::World;
use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// What is being deployed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeploymentRequest {
    /// Deployment region (any accepted spelling).
    pub region: String,
    /// Image version id, image definition id (= `latest`), a managed image id, or a consumer's
    /// reference to a shared gallery image (`/SharedGalleries/…`, `/CommunityGalleries/…`).
    pub image: String,
    /// The subscription the VM is created in: a directly shared image must be shared with it
    /// (or its tenant). `None` when not known (then a direct shared image can't be checked).
    pub subscription: Option<String>,
    /// VMs created concurrently, or the scale set's capacity.
    pub instances: u32,
    /// A virtual machine scale set rather than individual VMs.
    pub scale_set: bool,
    /// Whether the body has an `osProfile`.
    pub os_profile: bool,
    /// For a scale-set update: the managed image id the scale set currently uses.
    pub current_managed_image: Option<String>,
    /// Who deploys: they need `Microsoft.Compute/galleries/images/versions/read` on the version
    /// (seed, Access: "Once a user has access to the Shared Image version, they can deploy a VM").
    /// `None` checks the image only, as the simulator itself.
    pub principal: Option<String>,
    /// The VM's `securityProfile.securityType` (`Standard`, `TrustedLaunch`, `ConfidentialVM`),
    /// checked against the definition's `SecurityType` feature; `None` checks nothing.
    pub security_type: Option<String>,
}

/// A VM's `securityProfile.securityType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VmSecurityType {
    /// No security features.
    Standard,
    /// Trusted launch (secure boot, vTPM).
    TrustedLaunch,
    /// Confidential VM.
    ConfidentialVm,
}

impl VmSecurityType {
    /// Reads Azure's spelling, case-insensitively.
    pub fn parse(text: &str) -> Option<Self> {
        [
            ("Standard", VmSecurityType::Standard),
            ("TrustedLaunch", VmSecurityType::TrustedLaunch),
            ("ConfidentialVM", VmSecurityType::ConfidentialVm),
        ]
        .into_iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(text))
        .map(|(_, t)| t)
    }
}

/// Whether a VM of `vm`'s security type can be created from a definition of `definition`'s
/// (Azure docs, "Image definitions", features: "TrustedLaunchSupported — trusted launch or
/// standard VMs", "TrustedLaunch — only trusted launch VMs", "ConfidentialVMSupported —
/// confidential or standard VMs", "ConfidentialVM — only confidential VMs",
/// "TrustedLaunchAndConfidentialVmSupported — any of the three"; without the feature, standard
/// VMs only).
pub fn vm_security_fits(definition: Option<SecurityType>, vm: VmSecurityType) -> bool {
    use SecurityType as D;
    use VmSecurityType as V;
    match definition.unwrap_or(D::Standard) {
        D::Standard => vm == V::Standard,
        D::TrustedLaunch => vm == V::TrustedLaunch,
        D::TrustedLaunchSupported => vm != V::ConfidentialVm,
        D::ConfidentialVm => vm == V::ConfidentialVm,
        D::ConfidentialVmSupported => vm != V::TrustedLaunch,
        D::TrustedLaunchAndConfidentialVmSupported => true,
    }
}

/// The RBAC action deploying a VM or scale set from an image version requires.
pub const DEPLOY_ACTION: &str = "Microsoft.Compute/galleries/images/versions/read";

/// The verdict, with everything the user should know.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentCheck {
    /// No error diagnostic.
    pub allowed: bool,
    /// The image version deployed (resolved for `latest`), when one was found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_version: Option<String>,
    /// Replicas the deployment region has of that version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region_replicas: Option<u32>,
    /// Replicas the seed's guideline recommends for this deployment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recommended_replicas: Option<u32>,
    /// Findings: errors refuse the deployment; warnings and info explain.
    pub diagnostics: Vec<Diagnostic>,
}

struct Paths {
    image: &'static str,
    os_profile: &'static str,
    count: &'static str,
}

const VM_PATHS: Paths = Paths {
    image: "properties.storageProfile.imageReference.id",
    os_profile: "properties.osProfile",
    count: "instances",
};
const VMSS_PATHS: Paths = Paths {
    image: "properties.virtualMachineProfile.storageProfile.imageReference.id",
    os_profile: "properties.virtualMachineProfile.osProfile",
    count: "sku.capacity",
};

/// The facts of the image deployed, whatever kind it is.
struct Facts {
    os_type: Option<OsType>,
    os_state: Option<OsState>,
    hyper_v_generation: HyperVGeneration,
    luns: Vec<u32>,
    /// The version is replicated with `replicationMode` Shallow.
    shallow: bool,
    /// The definition's `SecurityType` feature.
    security_type: Option<SecurityType>,
}

fn not_available(rid: &str, region: RegionName, path: &str) -> Diagnostic {
    Diagnostic::new(Code::GalleryImageNotFound, rid, path, format!(
        "The gallery image {rid} is not available in {} region. Please contact image owner to replicate to this region, or change your requested region.",
        region.as_str()))
}

/// Checks a deployment at time `at`.
pub fn check_deployment(
    world: &World,
    req: &DeploymentRequest,
    at: OffsetDateTime,
) -> DeploymentCheck {
    let p = if req.scale_set {
        &VMSS_PATHS
    } else {
        &VM_PATHS
    };
    let mut out = DeploymentCheck {
        allowed: false,
        image_version: None,
        region_replicas: None,
        recommended_replicas: None,
        diagnostics: Vec::new(),
    };
    let d = &mut out.diagnostics;
    let Some(region) = RegionName::new(&req.region) else {
        d.push(Diagnostic::new(
            Code::LocationNotAvailableForResourceType,
            &req.image,
            "location",
            format!("'{}' is not a known Azure region.", req.region),
        ));
        return out;
    };
    // A consumer's reference: the sharing, not RBAC, lets them use it; it names a gallery
    // resource of the publisher, checked from here on like any other.
    let (target, shared) = match shared_target(world, req, p, d) {
        Shared::Not => (req.image.clone(), false),
        Shared::To(id) => (id, true),
        Shared::Refused => return out,
    };
    let facts = match GalleryResourceId::parse(&target) {
        Some(GalleryResourceId::Version(_)) => match world.version(&target) {
            None => {
                d.push(Diagnostic::new(
                    Code::ResourceNotFound,
                    &req.image,
                    p.image,
                    format!("The image version '{}' was not found.", req.image),
                ));
                None
            }
            Some(v) => Some(v),
        },
        Some(GalleryResourceId::Image(_)) => {
            match resolve_latest_at(world, &target, Some(region.as_str()), Some(at)) {
                Ok(res) => {
                    d.push(latest_info(&res, region, p.image));
                    world.version(&res.chosen)
                }
                Err(e) => {
                    d.push(Diagnostic {
                        path: p.image.to_string(),
                        ..e
                    });
                    None
                }
            }
        }
        _ => {
            return managed_image(world, req, region, p, out);
        }
    }
    .map(|v| {
        let rid = v.id.to_string();
        out.image_version = Some(rid.clone());
        if let (Some(principal), false) = (&req.principal, shared) {
            let actor = crate::Actor::new(principal.clone());
            if let Err(denied) = authorize_action(world, &actor, DEPLOY_ACTION, &rid) {
                d.push(Diagnostic {
                    path: p.image.to_string(),
                    ..denied
                });
            }
        }
        let target = v.targets.iter().find(|t| t.region == region);
        out.region_replicas = target.map(|t| t.replicas);
        match region_status(world, v, region, at) {
            None => {
                d.push(not_available(&rid, region, p.image));
                d.push(Diagnostic::new(
                    Code::ReplicationStateInRegion,
                    &rid,
                    "properties.publishingProfile.targetRegions",
                    format!(
                        "{} is not one of the version's target regions.",
                        region.display_name()
                    ),
                ));
            }
            Some(s)
                if s.state != RegionState::Completed
                    && crate::replication::serves(world, v, region, at) =>
            {
                d.push(Diagnostic::new(
                    Code::ReplicationStateInRegion,
                    &rid,
                    "properties.replicationStatus.summary",
                    format!(
                        "Replicas added in {} are {} ({}%); the replicas the region already had serve this deployment.",
                        region.display_name(),
                        s.state.as_str(),
                        s.progress
                    ),
                ));
            }
            Some(s) if s.state != RegionState::Completed => {
                d.push(not_available(&rid, region, p.image));
                let eta = s
                    .completes_at
                    .and_then(|t| t.format(&Rfc3339).ok())
                    .map_or(String::new(), |t| format!("; expected to complete at {t}"));
                d.push(Diagnostic::new(
                    Code::ReplicationStateInRegion,
                    &rid,
                    "properties.replicationStatus.summary",
                    format!(
                        "Replication to {} is {} ({}%){eta}.",
                        region.display_name(),
                        s.state.as_str(),
                        s.progress
                    ),
                ));
            }
            Some(_) => d.push(Diagnostic::new(
                Code::ReplicationStateInRegion,
                &rid,
                "properties.replicationStatus.summary",
                format!("Replication to {} is Completed.", region.display_name()),
            )),
        }
        let image = world.images().find(|i| i.id.key() == v.id.image.key());
        Facts {
            os_type: image.map(|i| i.os_type),
            os_state: image.map(|i| i.os_state),
            hyper_v_generation: image.map_or(HyperVGeneration::V1, |i| i.hyper_v_generation),
            luns: version_layout(world, v).luns(),
            security_type: image.and_then(|i| {
                crate::rules::security_type(
                    i.resource
                        .properties
                        .as_ref()
                        .and_then(|p| p.features.as_ref()),
                )
            }),
            shallow: crate::rules::version::is_shallow(
                v.resource()
                    .properties
                    .as_ref()
                    .and_then(|p| p.publishing_profile.as_ref()),
            ),
        }
    });
    if let Some(f) = facts {
        let rid = out.image_version.clone().unwrap_or_default();
        os_profile_rules(f.os_state, req, &rid, p, &mut out.diagnostics);
        if req.scale_set {
            out.diagnostics
                .extend(check_scale_set_size(req.instances, true, &rid, p.count));
        }
        throttling(req, &rid, p, &mut out);
        if let Some(text) = &req.security_type {
            let path = "properties.securityProfile.securityType";
            match VmSecurityType::parse(text) {
                None => out.diagnostics.push(Diagnostic::new(
                    Code::PropertyValueInvalid,
                    &rid,
                    path,
                    format!("The value '{text}' of securityProfile.securityType is not one of Standard, TrustedLaunch, ConfidentialVM."),
                )),
                Some(vm) if !vm_security_fits(f.security_type, vm) => out.diagnostics.push(Diagnostic::new(
                    Code::VmSecurityTypeMismatch,
                    &rid,
                    path,
                    format!(
                        "A VM with securityType '{text}' can't be created from this image: its definition's SecurityType is '{}', which allows {}.",
                        f.security_type.map_or("Standard", |s| s.as_str()),
                        [("Standard", VmSecurityType::Standard), ("TrustedLaunch", VmSecurityType::TrustedLaunch), ("ConfidentialVM", VmSecurityType::ConfidentialVm)]
                            .into_iter()
                            .filter(|(_, t)| vm_security_fits(f.security_type, *t))
                            .map(|(n, _)| n)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )),
                Some(_) => {}
            }
        }
        if f.shallow && req.instances > crate::limits::SHALLOW_CONCURRENT_VMS {
            out.diagnostics.push(Diagnostic::new(
                Code::ShallowReplicationAdvice,
                &rid,
                p.count,
                format!(
                    "{} {} from a version replicated with replicationMode Shallow: Shallow replication skips copying the image, so you can't deploy a large number of VMs from it (Azure docs); the simulator warns above {} concurrent VMs. Use a version with Full replication for large deployments.",
                    req.instances,
                    if req.scale_set { "scale set instances" } else { "concurrent VMs" },
                    crate::limits::SHALLOW_CONCURRENT_VMS
                ),
            ));
        }
        if let (true, Some(cur)) = (req.scale_set, req.current_managed_image.as_deref()) {
            swap_rules(world, cur, &f, &rid, p, &mut out.diagnostics);
        }
    }
    out.allowed = !has_errors(&out.diagnostics);
    out
}

enum Shared {
    /// Not a consumer's reference.
    Not,
    /// The publisher's id it stands for (a version, or a definition for `latest`).
    To(String),
    /// Refused (the reason is in the diagnostics).
    Refused,
}

/// Reads a `/SharedGalleries/…` or `/CommunityGalleries/…` reference: the gallery must be shared
/// that way, a direct share with the deployment's subscription or its tenant.
fn shared_target(
    world: &World,
    req: &DeploymentRequest,
    p: &Paths,
    d: &mut Vec<Diagnostic>,
) -> Shared {
    use crate::sharing::{shared_with_subscription, SharedImageRef, SharedKind};
    let Some(r) = SharedImageRef::parse(&req.image) else {
        return Shared::Not;
    };
    let what = match r.kind {
        SharedKind::Direct => "shared gallery",
        SharedKind::Community => "community gallery",
    };
    let Some(gallery) = r.gallery(world) else {
        d.push(Diagnostic::new(
            Code::GalleryImageNotFound,
            &req.image,
            p.image,
            format!(
                "The {what} '{}' was not found: no gallery is {} under that name.",
                r.gallery,
                match r.kind {
                    SharedKind::Direct =>
                        "shared directly (sharingProfile.permissions Groups) with that unique name",
                    SharedKind::Community => "published to the community",
                }
            ),
        ));
        return Shared::Refused;
    };
    if r.kind == SharedKind::Direct {
        match req.subscription.as_deref() {
            None => {
                d.push(Diagnostic::new(
                    Code::RequiredPropertyMissing,
                    &req.image,
                    "subscription",
                    "A direct shared image is used from the subscriptions and tenants it is shared with: name the subscription the VM is created in.",
                ));
                return Shared::Refused;
            }
            Some(sub) if !shared_with_subscription(world, &gallery.resource, sub) => {
                d.push(Diagnostic::new(
                    Code::GalleryImageNotFound,
                    &req.image,
                    p.image,
                    format!(
                        "The shared gallery '{}' is not shared with subscription '{sub}' or its tenant: the publisher adds them with az sig share add.",
                        r.gallery
                    ),
                ));
                return Shared::Refused;
            }
            Some(_) => {}
        }
    }
    let image = crate::ids::ImageRef {
        gallery: gallery.id.clone(),
        image: r.image.clone(),
    };
    if world.image(&image.to_string()).is_none() {
        d.push(Diagnostic::new(
            Code::GalleryImageNotFound,
            &req.image,
            p.image,
            format!(
                "The {what} '{}' has no image definition '{}'.",
                r.gallery, r.image
            ),
        ));
        return Shared::Refused;
    }
    Shared::To(match &r.version {
        Some(v) => crate::ids::VersionRef {
            image: image.into(),
            version: v.clone(),
        }
        .to_string(),
        None => image.to_string(),
    })
}

fn latest_info(res: &LatestResolution, region: RegionName, path: &str) -> Diagnostic {
    let mut why: Vec<String> = Vec::new();
    for c in &res.candidates {
        let mark = if c.id == res.chosen {
            "chosen"
        } else if c.eligible {
            "lower"
        } else {
            "skipped"
        };
        why.push(format!("{} {mark}: {}", c.version.as_str(), c.reason));
    }
    let chosen = res
        .candidates
        .iter()
        .find(|c| c.id == res.chosen)
        .map_or("", |c| c.version.as_str());
    Diagnostic::new(Code::LatestResolved, &res.chosen, path, format!(
        "'latest' in {} resolves to version {chosen}, the highest Major.Minor.Patch replicated there and not excluded from latest ({}).",
        region.display_name(), why.join("; ")))
}

fn os_profile_rules(
    state: Option<OsState>,
    req: &DeploymentRequest,
    rid: &str,
    p: &Paths,
    d: &mut Vec<Diagnostic>,
) {
    os_profile_rule(state, req.os_profile, rid, p.os_profile, d);
}

/// `osProfile` against the image's OS state: a specialized image takes none (and keeps the
/// source VM's computer name), a generalized one needs one.
fn os_profile_rule(
    state: Option<OsState>,
    os_profile: bool,
    rid: &str,
    path: &str,
    d: &mut Vec<Diagnostic>,
) {
    match state {
        Some(OsState::Specialized) => {
            if os_profile {
                d.push(Diagnostic::new(
                    Code::OsProfileNotAllowed,
                    rid,
                    path,
                    "Parameter 'osProfile' is not allowed.",
                ));
            }
            d.push(Diagnostic::new(Code::SpecializedComputerName, rid, path,
                "VMs will have the Computer name of the VM the image was taken from. You should change the computer name to avoid collisions."));
            // The seed's other caveats of specialized images, said where a deployment shows them.
            d.push(Diagnostic::new(Code::SpecializedSecrets, rid, path,
                "The osProfile is how some sensitive information is passed to the VM, using secrets. Without one, KeyVault certificates, WinRM and other functionality that uses secrets in the osProfile may not work; in some cases, you can use managed service identities (MSI) to work around these limitations."));
            d.push(Diagnostic::new(Code::SpecializedAccounts, rid, path,
                "Accounts that could be used to log into the source VM can also be used on any VM created from this specialized image."));
        }
        Some(OsState::Generalized) if !os_profile => {
            d.push(Diagnostic::new(
                Code::OsProfileRequired,
                rid,
                path,
                "Required parameter 'osProfile' is missing (null).",
            ));
        }
        _ => {}
    }
}

/// A VM or scale set in a template, as far as the template itself says.
pub struct TemplateDeployment<'a> {
    /// Its image reference points into a gallery.
    pub from_gallery_image: bool,
    /// The image reference id, when it evaluates.
    pub image: Option<&'a str>,
    /// The body has an `osProfile`.
    pub has_os_profile: bool,
    /// A virtual machine scale set (else a VM).
    pub scale_set: bool,
    /// The scale set's `sku.capacity`, when it evaluates.
    pub capacity: Option<i64>,
    /// Where it deploys, when its `location` evaluates to a region.
    pub location: Option<crate::regions::RegionName>,
}

/// The deployment rules a template decides without a world: a scale set's size limit (1,000
/// instances from a gallery image, 600 from a managed image) and `osProfile` against the OS
/// state of the image definition, when the definition is in the same input.
pub fn check_template_deployment(
    t: &TemplateDeployment,
    lookup: &dyn crate::rules::Lookup,
    rid: &str,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let p = if t.scale_set { &VMSS_PATHS } else { &VM_PATHS };
    if let Some(n) = t.capacity.filter(|_| t.scale_set) {
        let n = u32::try_from(n.max(0)).unwrap_or(u32::MAX);
        // 600 applies to managed images only; gallery and marketplace images allow 1,000.
        let managed = t.image.is_some_and(|i| {
            i.to_ascii_lowercase()
                .contains("/providers/microsoft.compute/images/")
        });
        out.extend(check_scale_set_size(n, !managed, rid, p.count));
    }
    let definition = t
        .image
        .and_then(GalleryResourceId::parse)
        .and_then(|id| match id {
            GalleryResourceId::Image(i) => Some(i.key()),
            GalleryResourceId::Version(v) => Some(v.image.key()),
            GalleryResourceId::Gallery(_) => None,
        });
    if let Some(facts) = definition.and_then(|k| lookup.image(&k)) {
        os_profile_rule(
            facts.os_state,
            t.has_os_profile,
            rid,
            p.os_profile,
            &mut out,
        );
    }
    // The replica guideline against the instances, when the version and the region are known.
    let version = match t.image.and_then(GalleryResourceId::parse) {
        Some(GalleryResourceId::Version(v)) => Some(v.key()),
        _ => None,
    };
    let instances = if t.scale_set { t.capacity } else { Some(1) };
    if let (Some(v), Some(region), Some(n)) = (version, t.location, instances) {
        if let Some(have) = lookup.version_region_replicas(&v, region) {
            let n = u32::try_from(n.max(0)).unwrap_or(u32::MAX);
            let demand = RegionDemand {
                region: None,
                concurrent_vms: if t.scale_set { 0 } else { n },
                scale_sets: if t.scale_set {
                    vec![ScaleSets::one(n)]
                } else {
                    Vec::new()
                },
            };
            let rec = recommend(&demand);
            if have < rec.recommended_replicas {
                out.push(Diagnostic::new(Code::ReplicaThrottlingRisk, rid, p.count, format!(
                    "{n} concurrent {} from {have} replica(s) risk throttling: the guideline ({}) recommends at least {} replica(s) in {}.",
                    if t.scale_set { "scale set instances" } else { "VMs" },
                    rec.reasons.join("; "), rec.recommended_replicas, region.display_name())));
            }
        }
    }
    out
}

fn throttling(req: &DeploymentRequest, rid: &str, p: &Paths, out: &mut DeploymentCheck) {
    let demand = RegionDemand {
        region: None,
        concurrent_vms: if req.scale_set { 0 } else { req.instances },
        scale_sets: if req.scale_set {
            vec![ScaleSets::one(req.instances)]
        } else {
            Vec::new()
        },
    };
    let rec = recommend(&demand);
    out.recommended_replicas = Some(rec.recommended_replicas);
    if let Some(have) = out.region_replicas {
        if have < rec.recommended_replicas {
            out.diagnostics.push(Diagnostic::new(Code::ReplicaThrottlingRisk, rid, p.count, format!(
                "{} concurrent {} from {have} replica(s) risk throttling: the guideline ({}) recommends at least {} replica(s) in this region.",
                req.instances, if req.scale_set { "scale set instances" } else { "VMs" },
                rec.reasons.join("; "), rec.recommended_replicas)));
        }
    }
}

fn swap_rules(
    world: &World,
    current: &str,
    to: &Facts,
    rid: &str,
    p: &Paths,
    d: &mut Vec<Diagnostic>,
) {
    let Some(src) =
        Lookup::source(world, &source_key(current)).filter(|s| s.kind == SourceKind::ManagedImage)
    else {
        d.push(Diagnostic::new(
            Code::ResourceNotFound,
            current,
            "currentImage",
            format!("The managed image '{current}' the scale set uses was not found."),
        ));
        return;
    };
    let from_luns = layout_from_facts(&src, src.os_type).luns();
    let mut diffs = Vec::new();
    if src.os_type != to.os_type {
        diffs.push(format!(
            "OS type {} vs {}",
            show(src.os_type),
            show(to.os_type)
        ));
    }
    let gen = src.hyper_v_generation.unwrap_or(HyperVGeneration::V1);
    if gen != to.hyper_v_generation {
        diffs.push(format!(
            "Hyper-V generation {gen} vs {}",
            to.hyper_v_generation
        ));
    }
    if from_luns != to.luns {
        diffs.push(format!("data disk LUNs {from_luns:?} vs {:?}", to.luns));
    }
    if !diffs.is_empty() {
        d.push(Diagnostic::new(Code::ScaleSetImageSwapMismatch, rid, p.image, format!(
            "The scale set can switch from managed image {current} to this gallery image only when the OS type, Hyper-V generation and data disk layout match; they differ: {}.",
            diffs.join(", "))));
    }
    if let (Some(a), Some(b)) = (src.os_state, to.os_state) {
        if a != b {
            d.push(Diagnostic::new(Code::ScaleSetImageSwapMismatch, rid, p.image, format!(
                "Cannot update Virtual Machine Scale Set as the current OS state of the VM Scale Set is {a} which is different from the updated gallery image OS state which is {b}.")));
        }
    }
}

fn show<T: std::fmt::Display>(x: Option<T>) -> String {
    x.map_or("unknown".into(), |v| v.to_string())
}

fn managed_image(
    world: &World,
    req: &DeploymentRequest,
    region: RegionName,
    p: &Paths,
    mut out: DeploymentCheck,
) -> DeploymentCheck {
    let d = &mut out.diagnostics;
    match world.source(&req.image).filter(|s| s.kind == SourceKind::ManagedImage) {
        None => d.push(Diagnostic::new(Code::ResourceIdInvalid, &req.image, p.image, format!(
            "'{}' is neither an image version id, an image definition id (for latest) nor a known managed image.", req.image))),
        Some(s) => {
            if s.location != region {
                d.push(Diagnostic::new(Code::LocationNotAvailableForResourceType, &req.image, "location", format!(
                    "The managed image is in {}; a managed image can only be deployed in its own region ({} requested). Use a gallery image version replicated there.",
                    s.location.display_name(), region.display_name())));
            }
            os_profile_rules(s.os_state, req, &req.image, p, d);
            if req.scale_set {
                d.extend(check_scale_set_size(req.instances, false, &req.image, p.count));
            }
        }
    }
    out.allowed = !has_errors(&out.diagnostics);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vms_security_type_must_be_one_its_definition_allows() {
        use SecurityType as D;
        use VmSecurityType::{ConfidentialVm as C, Standard as S, TrustedLaunch as T};
        // (the definition's SecurityType, the VMs that may be created from it)
        let table = [
            (None, vec![S]),
            (Some(D::Standard), vec![S]),
            (Some(D::TrustedLaunch), vec![T]),
            (Some(D::TrustedLaunchSupported), vec![S, T]),
            (Some(D::ConfidentialVm), vec![C]),
            (Some(D::ConfidentialVmSupported), vec![S, C]),
            (
                Some(D::TrustedLaunchAndConfidentialVmSupported),
                vec![S, T, C],
            ),
        ];
        for (definition, allowed) in table {
            for vm in [S, T, C] {
                assert_eq!(
                    vm_security_fits(definition, vm),
                    allowed.contains(&vm),
                    "{definition:?} / {vm:?}"
                );
            }
        }
        assert_eq!(VmSecurityType::parse("trustedlaunch"), Some(T));
        assert_eq!(VmSecurityType::parse("Confidential"), None);
    }
}
