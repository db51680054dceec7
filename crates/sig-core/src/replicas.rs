//! Replica recommendation: the seed's Scaling guideline as arithmetic.
//!
//! Why: replica counts confuse users; the seed gives rules of thumb that are easy to compute and
//! easy to get wrong by hand. The seed (2020) says:
//! * non-scale-set deployments: one replica per 20 VMs created concurrently (120 VMs → 6);
//! * scale sets: at least one replica per scale set deployment of up to 600 instances
//!   (5 scale sets of 600 → 5);
//! * "We always recommend you to overprovision the number of replicas".
//!
//! Documented choices: VMs and scale sets deployed concurrently in the same region add up; a scale
//! set of more than 600 instances (up to the 1,000 a gallery image allows) counts as
//! ⌈instances / 600⌉ replicas; the result is at least 1 and at most the replica limit
//! ([`MAX_REPLICAS_PER_REGION`]), with a warning when the demand exceeds it.

use crate::diagnostics::{Code, Diagnostic};
use crate::limits::MAX_REPLICAS_PER_REGION;
use serde::Serialize;

/// Concurrent VMs per recommended replica (seed, Scaling).
pub const VMS_PER_REPLICA: u32 = 20;
/// Scale-set instances one replica serves (seed, Scaling).
pub const SCALE_SET_INSTANCES_PER_REPLICA: u32 = 600;
/// Instances a scale set may hold from a gallery image (seed, Scaling).
pub const MAX_SCALE_SET_INSTANCES_GALLERY: u32 = 1_000;
/// Instances a scale set may hold from a managed image (seed, Scaling).
pub const MAX_SCALE_SET_INSTANCES_MANAGED_IMAGE: u32 = 600;

/// What will be deployed concurrently from one image in one region.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RegionDemand {
    /// Region (free text; only echoed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// VMs created concurrently outside scale sets.
    pub concurrent_vms: u32,
    /// Scale sets deployed concurrently, as groups of identical ones (so "10,000 scale sets of 50"
    /// is one entry, not ten thousand: the work never grows with a number in the input).
    pub scale_sets: Vec<ScaleSets>,
}

/// `count` scale sets of `instances` instances each.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScaleSets {
    /// How many such scale sets.
    pub count: u32,
    /// Instances in each.
    pub instances: u32,
}

impl ScaleSets {
    /// One scale set of `instances`.
    pub fn one(instances: u32) -> ScaleSets {
        ScaleSets {
            count: 1,
            instances,
        }
    }
}

/// The recommendation for one region, with the arithmetic spelled out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplicaRecommendation {
    /// Region, echoed from the demand.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// What to set `regionalReplicaCount` to (capped at the limit).
    pub recommended_replicas: u32,
    /// Replicas the VMs call for: ⌈VMs / 20⌉.
    pub from_vms: u32,
    /// Replicas the scale sets call for: Σ ⌈instances / 600⌉.
    pub from_scale_sets: u32,
    /// The uncapped demand (at least 1).
    pub demand: u32,
    /// True when the demand exceeded the replica limit.
    pub capped: bool,
    /// The arithmetic, one line per step.
    pub reasons: Vec<String>,
    /// Warnings (cap, oversized scale sets) and the over-provisioning advice.
    pub diagnostics: Vec<Diagnostic>,
}

/// The scale-set size rule (seed, Scaling): ≤ 1,000 instances from a gallery image, ≤ 600 from a
/// managed image. `path` is the JSON path of the instance count.
pub fn check_scale_set_size(
    instances: u32,
    from_gallery_image: bool,
    rid: &str,
    path: &str,
) -> Option<Diagnostic> {
    let (max, what) = if from_gallery_image {
        (MAX_SCALE_SET_INSTANCES_GALLERY, "a gallery image")
    } else {
        (MAX_SCALE_SET_INSTANCES_MANAGED_IMAGE, "a managed image")
    };
    (instances > max).then(|| {
        Diagnostic::new(
            Code::ScaleSetTooLarge,
            rid,
            path,
            format!("A virtual machine scale set created from {what} holds at most {max} VM instances; {instances} were requested."),
        )
    })
}

/// Recommends replicas for one region's concurrent demand.
pub fn recommend(d: &RegionDemand) -> ReplicaRecommendation {
    let rid = d.region.clone().unwrap_or_default();
    let mut reasons = Vec::new();
    let mut diagnostics = Vec::new();
    let from_vms = d.concurrent_vms.div_ceil(VMS_PER_REPLICA);
    if d.concurrent_vms > 0 {
        reasons.push(format!(
            "{} concurrent VMs / {VMS_PER_REPLICA} per replica, rounded up = {from_vms}",
            d.concurrent_vms
        ));
    }
    let mut from_scale_sets = 0u32;
    let mut small = 0u32;
    for (n, group) in d.scale_sets.iter().enumerate() {
        let m = group.instances;
        let each = m.max(1).div_ceil(SCALE_SET_INSTANCES_PER_REPLICA);
        let r = each.saturating_mul(group.count);
        from_scale_sets = from_scale_sets.saturating_add(r);
        if group.count > 0 {
            diagnostics.extend(check_scale_set_size(
                m,
                true,
                &rid,
                &format!("scaleSets[{n}]"),
            ));
        }
        if m <= SCALE_SET_INSTANCES_PER_REPLICA {
            small = small.saturating_add(group.count);
        } else if group.count == 1 {
            reasons.push(format!("scale set {} of {m} instances: {m} / {SCALE_SET_INSTANCES_PER_REPLICA}, rounded up = {r}", n + 1));
        } else if group.count > 1 {
            reasons.push(format!("{} scale sets of {m} instances: {m} / {SCALE_SET_INSTANCES_PER_REPLICA}, rounded up = {each} each, {r} in all", group.count));
        }
    }
    if !d.scale_sets.is_empty() {
        if small > 0 {
            reasons.push(format!(
                "{small} concurrent scale set(s) of up to {SCALE_SET_INSTANCES_PER_REPLICA} instances x 1 replica each = {small}"
            ));
        }
        reasons.push(format!(
            "scale sets need {from_scale_sets} replica(s) in total"
        ));
    }
    let demand = from_vms.saturating_add(from_scale_sets).max(1);
    if from_vms > 0 && from_scale_sets > 0 {
        reasons.push(format!(
            "VMs and scale sets deploy concurrently: {from_vms} + {from_scale_sets} = {demand}"
        ));
    }
    if from_vms == 0 && from_scale_sets == 0 {
        reasons.push("no concurrent deployments given: keep the minimum of 1 replica".to_string());
    }
    let max = u32::try_from(MAX_REPLICAS_PER_REGION).unwrap_or(10);
    let capped = demand > max;
    let recommended = demand.min(max);
    if capped {
        reasons.push(format!("capped at the limit of {max} replicas per region"));
        diagnostics.push(Diagnostic::new(
            Code::ReplicaDemandExceedsLimit,
            &rid,
            "regionalReplicaCount",
            format!("The concurrent deployments call for {demand} replicas but a region holds at most {max} image version replicas; {max} recommended. Spread the deployments over time or regions."),
        ));
    }
    diagnostics.push(Diagnostic::new(
        Code::OverProvisionReplicas,
        &rid,
        "regionalReplicaCount",
        "We always recommend you to overprovision the number of replicas due to factors like image size, content and OS type.",
    ));
    ReplicaRecommendation {
        region: d.region.clone(),
        recommended_replicas: recommended,
        from_vms,
        from_scale_sets,
        demand,
        capped,
        reasons,
        diagnostics,
    }
}

/// Recommends replicas for several regions at once (one entry per demand, same order).
pub fn recommend_all(demands: &[RegionDemand]) -> Vec<ReplicaRecommendation> {
    demands.iter().map(recommend).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demand(vms: u32, sets: &[u32]) -> RegionDemand {
        RegionDemand {
            region: Some("eastus".into()),
            concurrent_vms: vms,
            scale_sets: sets.iter().map(|&m| ScaleSets::one(m)).collect(),
        }
    }

    #[test]
    fn arithmetic_table() {
        // (vms, scale sets, from_vms, from_sets, recommended, capped)
        type Case = (u32, &'static [u32], u32, u32, u32, bool);
        let cases: &[Case] = &[
            (120, &[], 6, 0, 6, false),                      // seed
            (0, &[600, 600, 600, 600, 600], 0, 5, 5, false), // seed
            (0, &[], 0, 0, 1, false),
            (1, &[], 1, 0, 1, false),
            (20, &[], 1, 0, 1, false),
            (21, &[], 2, 0, 2, false),
            (200, &[], 10, 0, 10, false),
            (201, &[], 11, 0, 10, true),
            (0, &[601], 0, 2, 2, false),
            (0, &[1000, 1], 0, 3, 3, false),
            (40, &[300, 300], 2, 2, 4, false),
            (120, &[600; 5], 6, 5, 10, true),
        ];
        for &(vms, sets, fv, fs, rec, capped) in cases {
            let r = recommend(&demand(vms, sets));
            assert_eq!(
                (
                    r.from_vms,
                    r.from_scale_sets,
                    r.recommended_replicas,
                    r.capped
                ),
                (fv, fs, rec, capped),
                "{vms} VMs, {sets:?}"
            );
            assert_eq!(
                r.diagnostics
                    .iter()
                    .any(|d| d.code == Code::ReplicaDemandExceedsLimit),
                capped
            );
            assert!(r
                .diagnostics
                .iter()
                .any(|d| d.code == Code::OverProvisionReplicas));
        }
        let r = recommend(&demand(120, &[]));
        assert!(
            r.reasons[0].contains("120 concurrent VMs / 20 per replica, rounded up = 6"),
            "{:?}",
            r.reasons
        );
    }

    /// Groups of identical scale sets cost the same as listing them, and a huge count is
    /// arithmetic, not a list: u32::MAX scale sets saturate instead of allocating or wrapping.
    #[test]
    fn grouped_and_huge_scale_set_counts() {
        let listed = recommend(&demand(0, &[601; 3]));
        let grouped = recommend(&RegionDemand {
            region: Some("eastus".into()),
            concurrent_vms: 0,
            scale_sets: vec![ScaleSets {
                count: 3,
                instances: 601,
            }],
        });
        assert_eq!(
            (grouped.from_scale_sets, grouped.recommended_replicas),
            (6, 6)
        );
        assert_eq!(grouped.from_scale_sets, listed.from_scale_sets);
        assert!(grouped
            .reasons
            .iter()
            .any(|r| r.contains("3 scale sets of 601 instances")));
        let huge = recommend(&RegionDemand {
            region: None,
            concurrent_vms: u32::MAX,
            scale_sets: vec![ScaleSets {
                count: u32::MAX,
                instances: u32::MAX,
            }],
        });
        assert_eq!(huge.from_scale_sets, u32::MAX);
        assert_eq!(huge.demand, u32::MAX);
        assert!(huge.capped && huge.recommended_replicas == 10);
        assert!(huge
            .diagnostics
            .iter()
            .any(|d| d.code == Code::ScaleSetTooLarge));
    }

    #[test]
    fn scale_set_size_limits() {
        assert!(check_scale_set_size(1000, true, "r", "p").is_none());
        assert_eq!(
            check_scale_set_size(1001, true, "r", "p").map(|d| d.code),
            Some(Code::ScaleSetTooLarge)
        );
        assert!(check_scale_set_size(600, false, "r", "p").is_none());
        assert!(check_scale_set_size(601, false, "r", "p").is_some());
        let r = recommend(&demand(0, &[1500]));
        assert!(r
            .diagnostics
            .iter()
            .any(|d| d.code == Code::ScaleSetTooLarge));
    }
}
