//! A bucket of role assignments as the portal stores it: compact rows instead of ARM objects.
//!
//! At ten times the limits the role assignments were 66 MB of the 103 MB the portal parsed at
//! every visit, most of it the same few scopes and role definition ids written out again in
//! every assignment's `id`, `scope` and `roleDefinitionId`, and the same keys. A bucket is
//! written as its scopes and role definitions once each and one row per assignment:
//!
//! ```json
//! {"scopes": ["/subscriptions/…"], "roles": ["/subscriptions/…/roleDefinitions/…"],
//!  "rows": [["{name}", "{principalId}", 0, 0, "User"]]}
//! ```
//!
//! A row is `[name, principalId, scope, role, principalType, createdOn, createdBy, id, type,
//! extra]`, the scope and role as indexes into the lists, ending at its last field present (an
//! absent field before it is `null`). `id` is written only when it is not the one a plan makes
//! from the scope and the name (`{scope}/providers/Microsoft.Authorization/roleAssignments/{name}`),
//! `type` only when it is not `Microsoft.Authorization/roleAssignments`, `extra` (what Azure
//! printed that the engine does not model) only when there is some, so the assignment read back
//! is the one written, field for field. The export file and what `sig` reads stay ARM-shaped;
//! a bucket an earlier build stored (a JSON array of ARM role assignments) still reads.

use crate::iam::assignments::{
    assignment_id, RoleAssignment, RoleAssignmentProperties, ROLE_ASSIGNMENT_TYPE,
};
use rustc_hash::FxHashMap;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::fmt;

/// A bucket of role assignments to store, written in the compact form (see the module).
pub struct BucketRef<'a>(pub &'a [&'a RoleAssignment]);

/// A bucket of role assignments read back, from the compact form or from an earlier build's
/// array of ARM role assignments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bucket(pub Vec<RoleAssignment>);

/// Texts in order of first use, each once, and the index of each.
#[derive(Default)]
struct Interned<'a> {
    list: Vec<&'a str>,
    index: FxHashMap<&'a str, usize>,
}

impl<'a> Interned<'a> {
    fn index(&mut self, text: &'a str) -> usize {
        *self.index.entry(text).or_insert_with(|| {
            self.list.push(text);
            self.list.len() - 1
        })
    }
}

impl Serialize for BucketRef<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (mut scopes, mut roles) = (Interned::default(), Interned::default());
        let rows: Vec<Row<'_>> = self
            .0
            .iter()
            .map(|a| Row {
                scope: scopes.index(&a.properties.scope),
                role: roles.index(&a.properties.role_definition_id),
                assignment: a,
            })
            .collect();
        let mut map = serializer.serialize_map(Some(3))?;
        map.serialize_entry("scopes", &scopes.list)?;
        map.serialize_entry("roles", &roles.list)?;
        map.serialize_entry("rows", &rows)?;
        map.end()
    }
}

/// One assignment's row, its scope and role definition as indexes.
struct Row<'a> {
    assignment: &'a RoleAssignment,
    scope: usize,
    role: usize,
}

impl Serialize for Row<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let a = self.assignment;
        let p = &a.properties;
        let optional = [
            Optional::Text(p.principal_type.as_ref()),
            Optional::Text(p.created_on.as_ref()),
            Optional::Text(p.created_by.as_ref()),
            Optional::Text((a.id != assignment_id(&p.scope, &a.name)).then_some(&a.id)),
            Optional::Text((a.resource_type != ROLE_ASSIGNMENT_TYPE).then_some(&a.resource_type)),
            Optional::Extra((!p.extra.is_empty()).then_some(&p.extra)),
        ];
        let present = optional
            .iter()
            .rposition(Optional::is_some)
            .map_or(0, |n| n + 1);
        let mut row = serializer.serialize_seq(Some(4 + present))?;
        row.serialize_element(&a.name)?;
        row.serialize_element(&p.principal_id)?;
        row.serialize_element(&self.scope)?;
        row.serialize_element(&self.role)?;
        for field in &optional[..present] {
            row.serialize_element(field)?;
        }
        row.end()
    }
}

/// An optional field of a row: `null` when absent.
enum Optional<'a> {
    Text(Option<&'a String>),
    Extra(Option<&'a Map<String, Value>>),
}

impl Optional<'_> {
    fn is_some(&self) -> bool {
        match self {
            Optional::Text(t) => t.is_some(),
            Optional::Extra(e) => e.is_some(),
        }
    }
}

impl Serialize for Optional<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Optional::Text(t) => t.serialize(serializer),
            Optional::Extra(e) => e.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Bucket {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Bucket, D::Error> {
        deserializer.deserialize_any(BucketVisitor)
    }
}

struct BucketVisitor;

impl<'de> Visitor<'de> for BucketVisitor {
    type Value = Bucket;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a bucket of role assignments")
    }

    /// An earlier build's bucket: ARM role assignments.
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Bucket, A::Error> {
        let mut all = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(a) = seq.next_element()? {
            all.push(a);
        }
        Ok(Bucket(all))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Bucket, A::Error> {
        let (mut scopes, mut roles) = (None::<Vec<String>>, None::<Vec<String>>);
        let mut all = None;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match &*key {
                "scopes" => scopes = Some(map.next_value()?),
                "roles" => roles = Some(map.next_value()?),
                "rows" => {
                    let (Some(scopes), Some(roles)) = (&scopes, &roles) else {
                        return Err(de::Error::custom(
                            "a bucket's scopes and roles must come before its rows",
                        ));
                    };
                    all = Some(map.next_value_seed(Rows { scopes, roles })?);
                }
                other => {
                    return Err(de::Error::unknown_field(
                        other,
                        &["scopes", "roles", "rows"],
                    ))
                }
            }
        }
        all.map(Bucket)
            .ok_or_else(|| de::Error::missing_field("rows"))
    }
}

/// The rows of a bucket, read with its scopes and roles.
struct Rows<'a> {
    scopes: &'a [String],
    roles: &'a [String],
}

impl<'de> DeserializeSeed<'de> for Rows<'_> {
    type Value = Vec<RoleAssignment>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Rows<'_> {
    type Value = Vec<RoleAssignment>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("the rows of a bucket of role assignments")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut all = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(a) = seq.next_element_seed(OneRow {
            scopes: self.scopes,
            roles: self.roles,
        })? {
            all.push(a);
        }
        Ok(all)
    }
}

/// [`assignment_id`] in one allocation of the right size (a row is read 100,000 times at ten
/// times the limits; formatting grew the text several times).
fn planned_id(scope: &str, name: &str) -> String {
    const MIDDLE: &str = "/providers/Microsoft.Authorization/roleAssignments/";
    let mut id = String::with_capacity(scope.len() + MIDDLE.len() + name.len());
    id.push_str(scope);
    id.push_str(MIDDLE);
    id.push_str(name);
    id
}

/// One row, read back into the role assignment it was written from.
struct OneRow<'a> {
    scopes: &'a [String],
    roles: &'a [String],
}

impl<'de> DeserializeSeed<'de> for OneRow<'_> {
    type Value = RoleAssignment;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for OneRow<'_> {
    type Value = RoleAssignment;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a role assignment's row")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let missing = |n: usize| de::Error::invalid_length(n, &"at least 4 fields");
        let name: String = seq.next_element()?.ok_or_else(|| missing(0))?;
        let principal_id: String = seq.next_element()?.ok_or_else(|| missing(1))?;
        let scope: usize = seq.next_element()?.ok_or_else(|| missing(2))?;
        let role: usize = seq.next_element()?.ok_or_else(|| missing(3))?;
        let scope = self
            .scopes
            .get(scope)
            .ok_or_else(|| de::Error::custom(format!("no scope {scope} in the bucket")))?;
        let role = self
            .roles
            .get(role)
            .ok_or_else(|| de::Error::custom(format!("no role definition {role} in the bucket")))?;
        let principal_type: Option<String> = seq.next_element()?.flatten();
        let created_on: Option<String> = seq.next_element()?.flatten();
        let created_by: Option<String> = seq.next_element()?.flatten();
        let id: Option<String> = seq.next_element()?.flatten();
        let kind: Option<String> = seq.next_element()?.flatten();
        let extra: Option<Map<String, Value>> = seq.next_element()?.flatten();
        if seq.next_element::<de::IgnoredAny>()?.is_some() {
            return Err(de::Error::invalid_length(11, &"at most 10 fields"));
        }
        Ok(RoleAssignment {
            id: id.unwrap_or_else(|| planned_id(scope, &name)),
            name,
            resource_type: kind.unwrap_or_else(|| ROLE_ASSIGNMENT_TYPE.to_string()),
            properties: RoleAssignmentProperties {
                role_definition_id: role.clone(),
                principal_id,
                principal_type,
                scope: scope.clone(),
                created_on,
                created_by,
                extra: extra.unwrap_or_default(),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assignments() -> Vec<RoleAssignment> {
        let w = crate::testing::example::contoso_fabrikam();
        w.assignment_parts()
            .into_values()
            .flatten()
            .cloned()
            .collect()
    }

    fn round_trip(all: &[RoleAssignment]) -> (String, Vec<RoleAssignment>) {
        let refs: Vec<&RoleAssignment> = all.iter().collect();
        let text = serde_json::to_string(&BucketRef(&refs)).unwrap();
        let back: Bucket = serde_json::from_str(&text).unwrap();
        (text, back.0)
    }

    #[test]
    fn a_bucket_reads_back_field_for_field() {
        let all = assignments();
        assert!(all.len() > 3, "the example has assignments");
        let (text, back) = round_trip(&all);
        assert_eq!(back, all);
        let arm = serde_json::to_string(&all).unwrap();
        assert!(
            text.len() * 2 < arm.len(),
            "compact: {} bytes against {} as ARM objects",
            text.len(),
            arm.len()
        );
    }

    /// What a plan would not make (an id in another spelling, another type, fields Azure printed
    /// that the engine does not model) is written out, and read back as it was.
    #[test]
    fn what_a_plan_would_not_make_is_kept() {
        let mut all = assignments();
        let a = &mut all[0];
        a.id = a.id.to_uppercase();
        a.resource_type = "microsoft.authorization/roleassignments".into();
        a.properties.extra.insert(
            "condition".into(),
            Value::String("@Resource[x] == 'y'".into()),
        );
        all[1].properties.principal_type = None;
        all[1].properties.created_on = Some("2024-01-02T03:04:05Z".into());
        let (_, back) = round_trip(&all);
        assert_eq!(back, all);
    }

    #[test]
    fn the_planned_id_is_the_plans() {
        let scope = "/subscriptions/s/resourceGroups/rg";
        assert_eq!(planned_id(scope, "n"), assignment_id(scope, "n"));
    }

    #[test]
    fn an_earlier_builds_bucket_of_arm_objects_still_reads() {
        let all = assignments();
        let text = serde_json::to_string(&all).unwrap();
        let back: Bucket = serde_json::from_str(&text).unwrap();
        assert_eq!(back.0, all);
    }

    /// A damaged bucket is refused with what is wrong, never read as other assignments.
    #[test]
    fn a_damaged_bucket_is_refused() {
        let damaged = [
            (
                r#"{"scopes":["/subscriptions/s"],"roles":["r"],"rows":[["n","p",1,0]]}"#,
                "no scope 1",
            ),
            (
                r#"{"scopes":["/subscriptions/s"],"roles":["r"],"rows":[["n","p",0,2]]}"#,
                "no role definition 2",
            ),
            (
                r#"{"rows":[["n","p",0,0]],"scopes":["/subscriptions/s"],"roles":["r"]}"#,
                "must come before its rows",
            ),
            (
                r#"{"scopes":["/subscriptions/s"],"roles":["r"],"rows":[["n","p",0]]}"#,
                "at least 4 fields",
            ),
            (
                r#"{"scopes":["/subscriptions/s"],"roles":["r"],"rows":[["n","p",0,0,null,null,null,null,null,null,1]]}"#,
                "at most 10 fields",
            ),
            (
                r#"{"scopes":["/subscriptions/s"],"roles":["r"]}"#,
                "missing field `rows`",
            ),
            (
                r#"{"scopes":[],"roles":[],"rows":[],"more":1}"#,
                "unknown field `more`",
            ),
        ];
        for (text, why) in damaged {
            let e = serde_json::from_str::<Bucket>(text)
                .unwrap_err()
                .to_string();
            assert!(e.contains(why), "{text}: {e}");
        }
    }
}
