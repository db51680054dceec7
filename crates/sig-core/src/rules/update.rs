//! Update rules: the seed lists what may change after creation; anything else is refused naming the
//! property with Azure's text "Changing property '<prefix>.<path>' is not allowed.".
//!
//! Semantics (documented choice): the desired resource is merged over the current one like a PATCH —
//! a property the desired body omits keeps its current value; a property it gives must either be
//! mutable, read-only (ignored), or equal to the current value. String comparison ignores ASCII case
//! (ARM enums and names are case-insensitive).

use crate::diagnostics::{Code, Diagnostic};
use serde_json::{Map, Value};

/// Which properties of a resource kind are mutable or read-only.
pub struct UpdatePolicy {
    /// Azure's prefix in the message: `gallery`, `galleryImage`, `galleryImageVersion`.
    pub prefix: &'static str,
    /// Mutable paths (a path covers its subtree); `[]` matches any array index.
    pub mutable: &'static [&'static str],
    /// Read-only paths, ignored in the desired body.
    pub read_only: &'static [&'static str],
}

impl UpdatePolicy {
    /// May `path` (e.g. `properties.endOfLifeDate`, `properties.publishingProfile.targetRegions[0].regionalReplicaCount`)
    /// change after creation? The portal asks this to decide which fields its Edit form offers,
    /// so the answer comes from the same lists the update rules enforce.
    pub fn is_mutable(&self, path: &str) -> bool {
        listed(self.mutable, &normalize(path))
    }
}

/// Seed: gallery — description (+ tags).
pub const GALLERY_POLICY: UpdatePolicy = UpdatePolicy {
    prefix: "gallery",
    // Newer than the seed (which lets only the description change): the sharing method and
    // community information (their own rules in `command::sharing`) and soft delete
    // ("Customers can update an existing Gallery to have soft delete enabled").
    mutable: &[
        "tags",
        "properties.description",
        "properties.sharingProfile.permissions",
        "properties.sharingProfile.communityGalleryInfo.publisherUri",
        "properties.sharingProfile.communityGalleryInfo.publisherContact",
        "properties.sharingProfile.communityGalleryInfo.eula",
        "properties.sharingProfile.communityGalleryInfo.publicNamePrefix",
        "properties.softDeletePolicy",
    ],
    read_only: &[
        "properties.identifier",
        "properties.provisioningState",
        "properties.sharingStatus",
        "properties.sharingProfile.groups",
        "properties.sharingProfile.communityGalleryInfo.communityGalleryEnabled",
        "properties.sharingProfile.communityGalleryInfo.publicNames",
    ],
};

/// Seed: definition — recommended vCPUs/memory, description, end-of-life date (+ tags).
pub const IMAGE_POLICY: UpdatePolicy = UpdatePolicy {
    prefix: "galleryImage",
    mutable: &[
        "tags",
        "properties.description",
        "properties.recommended",
        "properties.endOfLifeDate",
    ],
    read_only: &["properties.provisioningState"],
};

/// Seed: version — regional replica count / target regions, replicaCount, exclude from latest, end-of-life date (+ tags).
pub const VERSION_POLICY: UpdatePolicy = UpdatePolicy {
    prefix: "galleryImageVersion",
    mutable: &[
        "tags",
        "properties.publishingProfile.targetRegions",
        "properties.publishingProfile.replicaCount",
        "properties.publishingProfile.excludeFromLatest",
        "properties.publishingProfile.endOfLifeDate",
    ],
    read_only: &[
        "properties.provisioningState",
        "properties.publishingProfile.publishedDate",
        "properties.replicationStatus",
        "properties.storageProfile.osDiskImage.sizeInGB",
        "properties.storageProfile.dataDiskImages[].sizeInGB",
        "properties.safetyProfile.reportedForPolicyViolation",
        "properties.safetyProfile.policyViolations",
        "properties.validationsProfile",
    ],
};

/// The mutable properties (as `policy` lists them) whose value differs between the current
/// resource and the result of an update (see [`merge`]): what a what-if says would change.
pub fn changed_mutable(policy: &UpdatePolicy, current: &Value, merged: &Value) -> Vec<String> {
    let at = |v: &Value, path: &str| path.split('.').try_fold(v, |v, key| v.get(key)).cloned();
    policy
        .mutable
        .iter()
        .filter(|path| at(current, path) != at(merged, path))
        .map(|path| path.to_string())
        .collect()
}

/// Top-level keys that come from the request URL, not the body.
const IGNORED_TOP: &[&str] = &["id", "name", "type", "apiVersion"];

fn normalize(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_index = true;
                out.push('[');
            }
            ']' => {
                in_index = false;
                out.push(']');
            }
            _ if in_index => {}
            _ => out.push(c),
        }
    }
    out
}

fn listed(patterns: &[&str], norm: &str) -> bool {
    patterns.iter().any(|p| {
        norm == *p
            || (norm.starts_with(p)
                && matches!(norm.as_bytes().get(p.len()), Some(b'.') | Some(b'[')))
    })
}

fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(x), Value::String(y)) => x.eq_ignore_ascii_case(y),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

fn walk(
    policy: &UpdatePolicy,
    path: &str,
    cur: Option<&Value>,
    des: &Value,
    out: &mut Vec<String>,
) {
    let norm = normalize(path);
    if listed(policy.mutable, &norm) || listed(policy.read_only, &norm) {
        return;
    }
    match (cur, des) {
        (Some(Value::Object(c)), Value::Object(d)) => {
            for (k, v) in d {
                walk(policy, &format!("{path}.{k}"), c.get(k), v, out);
            }
        }
        (None, Value::Object(d)) => {
            for (k, v) in d {
                walk(policy, &format!("{path}.{k}"), None, v, out);
            }
        }
        (Some(Value::Array(c)), Value::Array(d)) if c.len() == d.len() => {
            for (i, v) in d.iter().enumerate() {
                walk(policy, &format!("{path}[{i}]"), c.get(i), v, out);
            }
        }
        (None, Value::Null) => {}
        (Some(c), d) if same(c, d) => {}
        _ => out.push(path.to_string()),
    }
}

/// Lists the immutable properties the desired body changes, as diagnostics.
pub fn immutable_changes(
    policy: &UpdatePolicy,
    rid: &str,
    current: &Value,
    desired: &Value,
) -> Vec<Diagnostic> {
    let mut paths = Vec::new();
    if let (Some(c), Some(d)) = (current.as_object(), desired.as_object()) {
        for (k, v) in d {
            if IGNORED_TOP.contains(&k.as_str()) {
                continue;
            }
            if k == "location" {
                let norm = |x: Option<&Value>| {
                    x.and_then(Value::as_str)
                        .and_then(crate::regions::lookup)
                        .map(|r| r.name)
                };
                let (a, b) = (norm(c.get(k)), norm(Some(v)));
                if a != b || (a.is_none() && !c.get(k).is_some_and(|cv| same(cv, v))) {
                    paths.push("location".to_string());
                }
                continue;
            }
            walk(policy, k, c.get(k), v, &mut paths);
        }
    }
    paths
        .into_iter()
        .map(|p| {
            let norm = normalize(&p);
            let message = if norm == "properties.storageProfile.dataDiskImages" || norm == "properties.storageProfile.dataDiskImages[].lun" {
                "Adding new Data Disks or changing the LUN of a Data Disk in an existing Image is not allowed.".to_string()
            } else {
                format!("Changing property '{}.{p}' is not allowed.", policy.prefix)
            };
            Diagnostic::new(Code::PropertyChangeNotAllowed, rid, p, message)
        })
        .collect()
}

/// PATCH-style merge: objects merge recursively, anything else in `desired` replaces; read-only
/// paths keep their current value.
pub fn merge(policy: &UpdatePolicy, current: &Value, desired: &Value) -> Value {
    fn go(policy: &UpdatePolicy, path: &str, cur: &Value, des: &Value) -> Value {
        match (cur, des) {
            (Value::Object(c), Value::Object(d)) => {
                let mut out: Map<String, Value> = c.clone();
                for (k, v) in d {
                    let p = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    if listed(policy.read_only, &normalize(&p))
                        || (path.is_empty() && IGNORED_TOP.contains(&k.as_str()))
                    {
                        continue;
                    }
                    let merged = match c.get(k) {
                        Some(cv) => go(policy, &p, cv, v),
                        None => v.clone(),
                    };
                    out.insert(k.clone(), merged);
                }
                Value::Object(out)
            }
            _ => des.clone(),
        }
    }
    go(policy, "", current, desired)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutability_follows_the_seed_lists() {
        assert!(GALLERY_POLICY.is_mutable("properties.description"));
        assert!(!GALLERY_POLICY.is_mutable("location"));
        assert!(IMAGE_POLICY.is_mutable("properties.recommended.vCPUs.min"));
        assert!(!IMAGE_POLICY.is_mutable("properties.identifier.publisher"));
        assert!(!IMAGE_POLICY.is_mutable("properties.osType"));
        assert!(VERSION_POLICY
            .is_mutable("properties.publishingProfile.targetRegions[3].regionalReplicaCount"));
        assert!(!VERSION_POLICY.is_mutable("properties.storageProfile.source.id"));
    }
    use serde_json::json;

    fn paths(policy: &UpdatePolicy, c: Value, d: Value) -> Vec<String> {
        immutable_changes(policy, "r", &c, &d)
            .into_iter()
            .map(|d| d.path)
            .collect()
    }

    #[test]
    fn image_update_table() {
        let cur = json!({"location": "westus", "properties": {"osType": "Windows", "osState": "Generalized",
            "identifier": {"publisher": "p", "offer": "o", "sku": "s"}, "description": "a"}});
        let cases: Vec<(Value, Vec<&str>)> = vec![
            (json!({"properties": {"description": "b"}}), vec![]),
            (
                json!({"properties": {"recommended": {"vCPUs": {"min": 2}}}, "tags": {"x": "y"}}),
                vec![],
            ),
            (
                json!({"properties": {"endOfLifeDate": "2099-01-01"}}),
                vec![],
            ),
            (json!({"properties": {"osType": "windows"}}), vec![]),
            (
                json!({"properties": {"osType": "Linux"}}),
                vec!["properties.osType"],
            ),
            (
                json!({"properties": {"identifier": {"publisher": "q"}}}),
                vec!["properties.identifier.publisher"],
            ),
            (
                json!({"properties": {"hyperVGeneration": "V2"}}),
                vec!["properties.hyperVGeneration"],
            ),
            (
                json!({"properties": {"provisioningState": "Succeeded"}}),
                vec![],
            ),
            (json!({"location": "West US"}), vec![]),
            (json!({"location": "East US"}), vec!["location"]),
            (json!({"id": "/x", "name": "other"}), vec![]),
        ];
        for (d, want) in cases {
            assert_eq!(paths(&IMAGE_POLICY, cur.clone(), d.clone()), want, "{d}");
        }
        let d = immutable_changes(
            &IMAGE_POLICY,
            "r",
            &cur,
            &json!({"properties": {"osType": "Linux"}}),
        );
        assert_eq!(
            d[0].message,
            "Changing property 'galleryImage.properties.osType' is not allowed."
        );
    }

    #[test]
    fn version_update_table() {
        let cur = json!({"location": "eastus", "properties": {
            "publishingProfile": {"targetRegions": [{"name": "eastus"}], "replicationMode": "Full"},
            "storageProfile": {"source": {"id": "/a"}, "dataDiskImages": [{"lun": 1}]}}});
        let cases: Vec<(Value, Vec<&str>)> = vec![
            (
                json!({"properties": {"publishingProfile": {"targetRegions": [{"name": "eastus"}, {"name": "westus"}], "replicaCount": 2, "excludeFromLatest": true}}}),
                vec![],
            ),
            (
                json!({"properties": {"publishingProfile": {"replicationMode": "Shallow"}}}),
                vec!["properties.publishingProfile.replicationMode"],
            ),
            (
                json!({"properties": {"publishingProfile": {"storageAccountType": "Premium_LRS"}}}),
                vec!["properties.publishingProfile.storageAccountType"],
            ),
            (
                json!({"properties": {"storageProfile": {"source": {"id": "/b"}}}}),
                vec!["properties.storageProfile.source.id"],
            ),
            (
                json!({"properties": {"storageProfile": {"dataDiskImages": [{"lun": 2}]}}}),
                vec!["properties.storageProfile.dataDiskImages[0].lun"],
            ),
            (
                json!({"properties": {"storageProfile": {"dataDiskImages": [{"lun": 1}, {"lun": 2}]}}}),
                vec!["properties.storageProfile.dataDiskImages"],
            ),
            (
                json!({"properties": {"storageProfile": {"dataDiskImages": [{"lun": 1, "sizeInGB": 10}], "osDiskImage": {"sizeInGB": 3}}}}),
                vec![],
            ),
        ];
        for (d, want) in cases {
            assert_eq!(paths(&VERSION_POLICY, cur.clone(), d.clone()), want, "{d}");
        }
        let d = immutable_changes(
            &VERSION_POLICY,
            "r",
            &cur,
            &json!({"properties": {"storageProfile": {"dataDiskImages": [{"lun": 2}]}}}),
        );
        assert!(d[0].message.starts_with("Adding new Data Disks"));
    }

    #[test]
    fn gallery_update_and_merge() {
        let cur = json!({"location": "westus", "properties": {"description": "a", "identifier": {"uniqueName": "u"}}});
        assert!(paths(
            &GALLERY_POLICY,
            cur.clone(),
            json!({"properties": {"description": "b", "identifier": {"uniqueName": "z"}}})
        )
        .is_empty());
        assert!(paths(
            &GALLERY_POLICY,
            cur.clone(),
            json!({"properties": {"softDeletePolicy": {"isSoftDeleteEnabled": true}}})
        )
        .is_empty());
        assert_eq!(
            paths(
                &GALLERY_POLICY,
                cur.clone(),
                json!({"properties": {"sharingProfile": {"permissions": "Groups", "foo": 1}}})
            ),
            vec!["properties.sharingProfile.foo"]
        );
        let m = merge(
            &GALLERY_POLICY,
            &cur,
            &json!({"properties": {"description": "b", "identifier": {"uniqueName": "z"}}, "tags": {"a": "b"}}),
        );
        assert_eq!(
            m,
            json!({"location": "westus", "tags": {"a": "b"}, "properties": {"description": "b", "identifier": {"uniqueName": "u"}}})
        );
    }
}
