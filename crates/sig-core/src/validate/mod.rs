//! File validation, shared by `sig validate` and the app's import.
//!
//! [`parse_documents`] recognises every JSON shape Azure prints (one resource, an array, a list
//! response, a REST example file, an ARM deployment template, the World export); [`validate_input`]
//! then runs every per-resource rule and every cross-resource rule over what is present. A parent or
//! source that is not in the input is simply not checked (absent ≠ error). Never panics on input.

use crate::api_version;
use crate::arm;
use crate::diagnostics::{Code, Diagnostic};
use crate::export::WorldExport;
use crate::ids::{
    resource_group_key, GalleryRef, GalleryResourceId, ImageRef, Key, Scope, VersionRef,
    GALLERY_TYPE, IMAGE_TYPE, VERSION_TYPE,
};
use crate::kinds::{HyperVGeneration, OsState, OsType};
use crate::limits::{
    MAX_GALLERIES_PER_SUBSCRIPTION_REGION, MAX_IMAGES_PER_SUBSCRIPTION_REGION,
    MAX_VERSIONS_PER_SUBSCRIPTION_REGION,
};
use crate::regions::RegionName;
use crate::rules::{self, ImageFacts, Lookup, RuleCtx, SourceFacts};
use crate::sources::Source;
use crate::template::{
    self, is_expression, TemplateScope, TEMPLATE_RESOURCE_GROUP, TEMPLATE_SUBSCRIPTION,
};
use crate::world::{ResourceGroup, Subscription, World};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use time::OffsetDateTime;

/// A gallery resource (or a VM that deploys from one) found in the input.
#[derive(Debug, Clone, PartialEq)]
pub enum AnyResource {
    /// `Microsoft.Compute/galleries`.
    Gallery(arm::Gallery),
    /// `Microsoft.Compute/galleries/images`.
    Image(arm::GalleryImage),
    /// `Microsoft.Compute/galleries/images/versions`.
    Version(arm::GalleryImageVersion),
    /// A VM / scale set from a template, only checked for the seed's api-version advice.
    VirtualMachine {
        /// ARM type.
        resource_type: String,
        /// Whether its image reference points into a gallery.
        uses_gallery_image: bool,
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
    /// Why a state file would not load: the refusal of [`World::from_export`], which admits
    /// everything through the commands' plans (access data, replication, nesting included), so
    /// `sig validate` says no where `sig access`, `cost`, `deploy` and the portal's import would.
    pub admission: Vec<Diagnostic>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Gallery,
    Image,
    Version,
}

fn kind_of_type(t: &str) -> Option<Kind> {
    if t.eq_ignore_ascii_case(GALLERY_TYPE) {
        Some(Kind::Gallery)
    } else if t.eq_ignore_ascii_case(IMAGE_TYPE) {
        Some(Kind::Image)
    } else if t.eq_ignore_ascii_case(VERSION_TYPE) {
        Some(Kind::Version)
    } else {
        None
    }
}

fn kind_of_id(id: &GalleryResourceId) -> Kind {
    match id {
        GalleryResourceId::Gallery(_) => Kind::Gallery,
        GalleryResourceId::Image(_) => Kind::Image,
        GalleryResourceId::Version(_) => Kind::Version,
    }
}

fn kind_of_shape(o: &Map<String, Value>) -> Option<Kind> {
    let p = o.get("properties")?.as_object()?;
    if p.contains_key("publishingProfile") || p.contains_key("storageProfile") {
        Some(Kind::Version)
    } else if p.contains_key("osType")
        || p.contains_key("osState")
        || p.get("identifier")
            .is_some_and(|i| i.get("publisher").is_some())
    {
        Some(Kind::Image)
    } else if p.contains_key("sharingProfile")
        || p.contains_key("softDeletePolicy")
        || p.contains_key("description")
        || p.get("identifier")
            .is_some_and(|i| i.get("uniqueName").is_some())
    {
        Some(Kind::Gallery)
    } else {
        None
    }
}

fn escape_pointer(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

/// Names from REST example parameters.
#[derive(Default, Clone)]
struct RestParams {
    subscription: Option<String>,
    resource_group: Option<String>,
    gallery: Option<String>,
    image: Option<String>,
    version: Option<String>,
    api_version: Option<String>,
}

impl RestParams {
    fn from(p: &Map<String, Value>) -> RestParams {
        let s = |k: &str| p.get(k).and_then(Value::as_str).map(str::to_string);
        RestParams {
            subscription: s("subscriptionId"),
            resource_group: s("resourceGroupName"),
            gallery: s("galleryName"),
            image: s("galleryImageName"),
            version: s("galleryImageVersionName"),
            api_version: s("api-version"),
        }
    }
    fn scope(&self) -> Scope {
        Scope {
            subscription: self.subscription.clone(),
            resource_group: self.resource_group.clone(),
        }
    }
    /// The id the parameters address for a resource of `kind`.
    fn id_for(&self, kind: Kind) -> Option<GalleryResourceId> {
        let g = GalleryRef {
            scope: self.scope(),
            gallery: self.gallery.clone()?,
        };
        match kind {
            Kind::Gallery => Some(GalleryResourceId::Gallery(g)),
            Kind::Image => Some(GalleryResourceId::Image(ImageRef {
                gallery: g,
                image: self.image.clone()?,
            })),
            Kind::Version => Some(GalleryResourceId::Version(VersionRef {
                image: ImageRef {
                    gallery: g,
                    image: self.image.clone()?,
                },
                version: self.version.clone()?,
            })),
        }
    }
    /// The deepest kind the parameters name.
    fn deepest(&self) -> Option<Kind> {
        if self.version.is_some() {
            Some(Kind::Version)
        } else if self.image.is_some() {
            Some(Kind::Image)
        } else if self.gallery.is_some() {
            Some(Kind::Gallery)
        } else {
            None
        }
    }
}

struct Reader {
    out: ParsedInput,
}

impl Reader {
    fn diag(&mut self, code: Code, origin: &str, path: &str, msg: impl Into<String>) {
        self.out
            .diagnostics
            .push(Diagnostic::new(code, format!("#{origin}"), path, msg));
    }

    fn document(&mut self, v: &Value, ptr: &str) {
        match v {
            Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    self.document(x, &format!("{ptr}/{i}"));
                }
            }
            Value::Object(o) => {
                if o.contains_key("formatVersion") {
                    self.export(v, ptr);
                } else if o.get("resources").is_some_and(Value::is_array)
                    && (o.contains_key("$schema") || o.contains_key("contentVersion"))
                {
                    self.template(o, ptr);
                } else if o.get("parameters").is_some_and(Value::is_object)
                    && o.get("responses").is_some_and(Value::is_object)
                {
                    self.rest_example(o, ptr);
                } else if let Some(Value::Array(items)) = o.get("value") {
                    for (i, x) in items.iter().enumerate() {
                        self.resource(x, &format!("{ptr}/value/{i}"), None, None);
                    }
                } else {
                    self.resource(v, ptr, None, None);
                }
            }
            _ => self.diag(
                Code::DocumentUnrecognized,
                ptr,
                "",
                "Expected a JSON object or array of ARM resources.",
            ),
        }
    }

    fn export(&mut self, v: &Value, ptr: &str) {
        // Deserialize from the borrowed value: no copy of the (possibly large) document.
        let e = match WorldExport::deserialize(v) {
            Ok(e) => e,
            Err(err) => {
                self.diag(
                    Code::ResourceShapeInvalid,
                    ptr,
                    "",
                    format!("The export file does not match its schema: {err}"),
                );
                return;
            }
        };
        if let Err(refused) = World::from_export(e.clone()) {
            self.out.admission.extend(
                refused
                    .diagnostics
                    .into_iter()
                    .filter(Diagnostic::is_error)
                    .map(|mut d| {
                        if d.resource_id.is_empty() {
                            d.resource_id = format!("#{ptr}");
                        }
                        d
                    }),
            );
        }
        self.out.sources.extend(e.sources);
        self.out.subscriptions.extend(e.subscriptions);
        self.out.resource_groups.extend(e.resource_groups);
        // Format 2 nests definitions and versions; their ids and locations follow from the parent.
        let mut nested_images = Vec::new();
        let mut nested_versions = Vec::new();
        for (n, node) in e.galleries.into_iter().enumerate() {
            let gptr = format!("{ptr}/galleries/{n}");
            for (m, mut image) in node.images.into_iter().enumerate() {
                crate::nesting::complete_image(&node.resource, &mut image.resource);
                let iptr = format!("{gptr}/images/{m}");
                for (k, mut version) in image.versions.into_iter().enumerate() {
                    crate::nesting::complete_version(&image.resource, &mut version);
                    nested_versions.push((version, format!("{iptr}/versions/{k}")));
                }
                nested_images.push((image.resource, iptr));
            }
            self.push(AnyResource::Gallery(node.resource), &gptr, None, None);
        }
        for (image, origin) in nested_images {
            self.push(AnyResource::Image(image), &origin, None, None);
        }
        for (version, origin) in nested_versions {
            self.push(AnyResource::Version(version), &origin, None, None);
        }
        for (i, g) in e.images.into_iter().enumerate() {
            self.push(
                AnyResource::Image(g),
                &format!("{ptr}/images/{i}"),
                None,
                None,
            );
        }
        for (i, g) in e.versions.into_iter().enumerate() {
            self.push(
                AnyResource::Version(g),
                &format!("{ptr}/versions/{i}"),
                None,
                None,
            );
        }
    }

    fn rest_example(&mut self, o: &Map<String, Value>, ptr: &str) {
        let Some(params) = o.get("parameters").and_then(Value::as_object) else {
            return;
        };
        let rp = RestParams::from(params);
        let mut found = false;
        for (key, kind) in [
            ("gallery", Kind::Gallery),
            ("galleryImage", Kind::Image),
            ("galleryImageVersion", Kind::Version),
        ] {
            if let Some(body) = params.get(key) {
                found = true;
                self.resource(
                    body,
                    &format!("{ptr}/parameters/{key}"),
                    Some(kind),
                    Some(&rp),
                );
            }
        }
        if params.contains_key("sharingUpdate") {
            found = true;
            self.diag(
                Code::NotAResource,
                &format!("{ptr}/parameters/sharingUpdate"),
                "",
                "A gallery sharing update (POST /share) is not a resource; skipped.",
            );
        }
        if let Some(responses) = o.get("responses").and_then(Value::as_object) {
            for (status, resp) in responses {
                let Some(body) = resp.get("body") else {
                    continue;
                };
                found = true;
                let bptr = format!("{ptr}/responses/{}/body", escape_pointer(status));
                if let Some(Value::Array(items)) = body.get("value") {
                    for (i, x) in items.iter().enumerate() {
                        self.resource(x, &format!("{bptr}/value/{i}"), None, Some(&rp));
                    }
                } else if body.get("operationType").is_some() {
                    self.diag(
                        Code::NotAResource,
                        &bptr,
                        "",
                        "A gallery sharing update (POST /share) is not a resource; skipped.",
                    );
                } else {
                    self.resource(body, &bptr, rp.deepest(), Some(&rp));
                }
            }
        }
        if !found {
            self.diag(Code::NotAResource, ptr, "", "This REST example has no request or response body (e.g. a DELETE); nothing to validate.");
        }
    }

    /// One ARM resource object; `hint` = kind implied by where it was found.
    fn resource(&mut self, v: &Value, ptr: &str, hint: Option<Kind>, rp: Option<&RestParams>) {
        let Some(o) = v.as_object() else {
            self.diag(
                Code::DocumentUnrecognized,
                ptr,
                "",
                "Expected an ARM resource object.",
            );
            return;
        };
        let type_field = o.get("type").and_then(Value::as_str);
        let id_field = o.get("id").and_then(Value::as_str);
        let parsed_id = id_field.and_then(GalleryResourceId::parse);
        let kind = match type_field {
            Some(t) => match kind_of_type(t) {
                Some(k) => Some(k),
                None => {
                    self.diag(
                        Code::NotAResource,
                        ptr,
                        "type",
                        format!("Resource type '{t}' is not a gallery resource; skipped."),
                    );
                    return;
                }
            },
            None => parsed_id
                .as_ref()
                .map(kind_of_id)
                .or(hint)
                .or_else(|| kind_of_shape(o)),
        };
        let Some(kind) = kind else {
            if o.contains_key("operationType") {
                self.diag(
                    Code::NotAResource,
                    ptr,
                    "",
                    "A gallery sharing update is not a resource; skipped.",
                );
            } else {
                self.diag(Code::DocumentUnrecognized, ptr, "", "Could not tell which gallery resource this is (no type, id or recognisable properties).");
            }
            return;
        };
        let id = parsed_id
            .filter(|i| kind_of_id(i) == kind)
            .or_else(|| rp.and_then(|r| r.id_for(kind)));
        let api = o
            .get("apiVersion")
            .and_then(Value::as_str)
            .map(str::to_string)
            .or_else(|| rp.and_then(|r| r.api_version.clone()));
        let res = match kind {
            Kind::Gallery => arm::Gallery::deserialize(v).map(AnyResource::Gallery),
            Kind::Image => arm::GalleryImage::deserialize(v).map(AnyResource::Image),
            Kind::Version => arm::GalleryImageVersion::deserialize(v).map(AnyResource::Version),
        };
        match res {
            Ok(r) => self.push(r, ptr, id, api),
            Err(e) => self.diag(
                Code::ResourceShapeInvalid,
                ptr,
                "",
                format!("The resource does not match its schema: {e}"),
            ),
        }
    }

    fn push(
        &mut self,
        resource: AnyResource,
        origin: &str,
        id: Option<GalleryResourceId>,
        api: Option<String>,
    ) {
        let id = id.or_else(|| {
            let raw = match &resource {
                AnyResource::Gallery(g) => g.id.as_deref(),
                AnyResource::Image(i) => i.id.as_deref(),
                AnyResource::Version(v) => v.id.as_deref(),
                AnyResource::VirtualMachine { .. } => None,
            };
            raw.and_then(GalleryResourceId::parse)
        });
        let api = api.or_else(|| match &resource {
            AnyResource::Gallery(g) => g.api_version.clone(),
            AnyResource::Image(i) => i.api_version.clone(),
            AnyResource::Version(v) => v.api_version.clone(),
            AnyResource::VirtualMachine { .. } => None,
        });
        let rid = id
            .as_ref()
            .map_or_else(|| format!("#{origin}"), |i| i.to_string());
        self.out.resources.push(ParsedResource {
            id,
            rid,
            origin: origin.to_string(),
            api_version: api,
            resource,
        });
    }

    fn template(&mut self, o: &Map<String, Value>, ptr: &str) {
        let empty = Map::new();
        let parameters = o
            .get("parameters")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let variables = o
            .get("variables")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let scope = TemplateScope {
            parameters,
            variables,
        };
        if let Some(Value::Array(rs)) = o.get("resources") {
            for (i, r) in rs.iter().enumerate() {
                self.template_resource(r, &format!("{ptr}/resources/{i}"), None, &scope, 0);
            }
        }
    }

    fn template_resource(
        &mut self,
        r: &Value,
        ptr: &str,
        parent: Option<(&str, &str)>,
        scope: &TemplateScope,
        depth: usize,
    ) {
        let Some(obj) = r.as_object() else {
            self.diag(
                Code::DocumentUnrecognized,
                ptr,
                "",
                "A template resource must be an object.",
            );
            return;
        };
        if depth > 8 {
            self.diag(
                Code::TemplateExpressionUnsupported,
                ptr,
                "resources",
                "Nested resources deeper than 8 levels are not expanded.",
            );
            return;
        }
        let mut body = obj.clone();
        let nested = body.remove("resources");
        let mut diags = Vec::new();
        let origin = format!("#{ptr}");
        let mut ty_v = body.get("type").cloned().unwrap_or(Value::Null);
        let mut name_v = body.get("name").cloned().unwrap_or(Value::Null);
        template::substitute(&mut ty_v, scope, "type", &origin, &mut diags);
        template::substitute(&mut name_v, scope, "name", &origin, &mut diags);
        let (Some(ty), Some(name)) = (ty_v.as_str(), name_v.as_str()) else {
            self.out.diagnostics.extend(diags);
            self.diag(
                Code::DocumentUnrecognized,
                ptr,
                "",
                "A template resource needs a string type and name.",
            );
            return;
        };
        let (full_type, full_name) = match parent {
            Some((pt, pn)) if !ty.contains('/') => (format!("{pt}/{ty}"), format!("{pn}/{name}")),
            Some((_, pn)) if !name.contains('/') => (ty.to_string(), format!("{pn}/{name}")),
            _ => (ty.to_string(), name.to_string()),
        };
        if body.contains_key("copy") {
            diags.push(Diagnostic::new(
                Code::TemplateExpressionUnsupported,
                &origin,
                "copy",
                "copy loops are not expanded by the simulator; the resource is checked once.",
            ));
        }
        // Build the id from type segments and name segments; the deployment scope is unknown.
        let mut tparts = full_type.split('/');
        let ns = tparts.next().unwrap_or_default().to_string();
        let types: Vec<&str> = tparts.collect();
        let names: Vec<&str> = full_name.split('/').collect();
        let id_text = (types.len() == names.len() && !is_expression(&full_name)).then(|| {
            let mut s = format!("/subscriptions/{TEMPLATE_SUBSCRIPTION}/resourceGroups/{TEMPLATE_RESOURCE_GROUP}/providers/{ns}");
            for (t, n) in types.iter().zip(&names) {
                s.push_str(&format!("/{t}/{n}"));
            }
            s
        });
        let id = id_text.as_deref().and_then(GalleryResourceId::parse);
        let rid = id.as_ref().map_or(origin.clone(), |i| i.to_string());
        let mut value = Value::Object(body);
        template::substitute(&mut value, scope, "", &rid, &mut diags);
        // Skip the re-reported type/name expressions: they were reported above.
        diags.retain(|d| {
            !(d.resource_id == rid && (d.path == "type" || d.path == "name") && rid != origin)
        });
        if let Some(o) = value.as_object_mut() {
            o.insert(
                "name".into(),
                Value::String(names.last().copied().unwrap_or_default().to_string()),
            );
            o.insert("type".into(), Value::String(full_type.clone()));
        }
        self.out.diagnostics.extend(diags);
        let api = value
            .get("apiVersion")
            .and_then(Value::as_str)
            .map(str::to_string);
        let lower = full_type.to_ascii_lowercase();
        if lower == "microsoft.compute/virtualmachines"
            || lower == "microsoft.compute/virtualmachinescalesets"
        {
            let refs = [
                value.pointer("/properties/storageProfile/imageReference/id"),
                value.pointer("/properties/virtualMachineProfile/storageProfile/imageReference/id"),
            ];
            let uses = refs
                .iter()
                .flatten()
                .filter_map(|v| v.as_str())
                .any(|s| s.to_ascii_lowercase().contains("/galleries/"));
            self.out.resources.push(ParsedResource {
                id: None,
                rid: id_text.clone().unwrap_or(origin.clone()),
                origin: ptr.to_string(),
                api_version: api,
                resource: AnyResource::VirtualMachine {
                    resource_type: full_type.clone(),
                    uses_gallery_image: uses,
                },
            });
        } else if kind_of_type(&full_type).is_some() {
            self.resource(&value, ptr, None, None);
            if let (Some(last), Some(id)) = (self.out.resources.last_mut(), id) {
                if last.origin == ptr {
                    last.rid = id.to_string();
                    last.id = Some(id);
                }
            }
        }
        if let Some(Value::Array(children)) = nested {
            for (i, c) in children.iter().enumerate() {
                self.template_resource(
                    c,
                    &format!("{ptr}/resources/{i}"),
                    Some((&full_type, &full_name)),
                    scope,
                    depth + 1,
                );
            }
        }
    }
}

/// Recognises the shapes in one JSON document and extracts the resources.
pub fn parse_documents(json: &Value) -> ParsedInput {
    let mut r = Reader {
        out: ParsedInput::default(),
    };
    r.document(json, "");
    r.finish()
}

impl Reader {
    fn finish(mut self) -> ParsedInput {
        if self.out.resources.is_empty() && self.out.diagnostics.is_empty() {
            self.out.diagnostics.push(Diagnostic::new(
                Code::NotAResource,
                "#",
                "",
                "The document contains no gallery resources.",
            ));
        }
        self.out
    }
}

/// Reads JSON text straight into [`ParsedInput`]: the same result as
/// `parse_documents(&serde_json::from_slice(bytes)?)`, with the same JSON errors.
///
/// The shapes that carry thousands of resources — a top-level array, or a list response
/// `{"value": [...]}` — are streamed: each element becomes a JSON tree only while it is read, so
/// a large file never exists as one tree. Any other document is read whole, as before.
pub fn parse_slice(bytes: &[u8]) -> Result<ParsedInput, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let streamed = serde::de::DeserializeSeed::deserialize(Streamed, &mut de)?;
    de.end()?;
    match streamed {
        Some(input) => Ok(input),
        None => Ok(parse_documents(&serde_json::from_slice(bytes)?)),
    }
}

/// Keys that make an object something other than a list response (see `Reader::document`).
const NOT_A_LIST: &[&str] = &[
    "formatVersion",
    "resources",
    "$schema",
    "contentVersion",
    "parameters",
    "responses",
];

/// Streams a top-level array or list response; `None` = not one of those (read it whole).
struct Streamed;

impl<'de> serde::de::DeserializeSeed<'de> for Streamed {
    type Value = Option<ParsedInput>;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Streamed {
    type Value = Option<ParsedInput>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON document")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut r = Reader {
            out: ParsedInput::default(),
        };
        let mut i = 0usize;
        while let Some(item) = seq.next_element::<Value>()? {
            r.document(&item, &format!("/{i}"));
            i += 1;
        }
        Ok(Some(r.finish()))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut r = Reader {
            out: ParsedInput::default(),
        };
        let mut list = false;
        let mut other = false;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if key == "value" && !list && !other {
                list = map.next_value_seed(ListItems { reader: &mut r })?;
                other |= !list;
            } else {
                other |= key == "value" || NOT_A_LIST.contains(&&*key);
                map.next_value::<serde::de::IgnoredAny>()?;
            }
        }
        Ok((list && !other).then(|| r.finish()))
    }

    // Scalars are not documents; the whole-document path reports them.
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

/// The elements of `"value"`, each read as a resource; `false` when `"value"` is not an array.
struct ListItems<'r> {
    reader: &'r mut Reader,
}

impl<'de> serde::de::DeserializeSeed<'de> for ListItems<'_> {
    type Value = bool;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for ListItems<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        let mut i = 0usize;
        while let Some(item) = seq.next_element::<Value>()? {
            self.reader
                .resource(&item, &format!("/value/{i}"), None, None);
            i += 1;
        }
        Ok(true)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        while map
            .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
            .is_some()
        {}
        Ok(false)
    }
    fn visit_bool<E>(self, _: bool) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_i64<E>(self, _: i64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_u64<E>(self, _: u64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_f64<E>(self, _: f64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_str<E>(self, _: &str) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_unit<E>(self) -> Result<bool, E> {
        Ok(false)
    }
}

/// What the input knows about itself, for the per-resource rules. Keys are borrowed from the
/// items; a version's facts as a source are only worked out when a rule asks for them.
#[derive(Default)]
struct InputLookup<'a> {
    galleries: BTreeMap<&'a Key, Option<RegionName>>,
    images: BTreeMap<&'a Key, ImageFacts>,
    sources: BTreeMap<Key, SourceFacts>,
    /// Versions present in the input can be sources of other versions.
    versions: BTreeMap<&'a Key, (&'a VersionRef, &'a arm::GalleryImageVersion)>,
    subscriptions: BTreeMap<Key, bool>,
    resource_groups: BTreeMap<Key, RegionName>,
}

impl InputLookup<'_> {
    fn version_facts(&self, vid: &VersionRef, v: &arm::GalleryImageVersion) -> SourceFacts {
        let location = v.location.as_deref().and_then(RegionName::new);
        rules::version_source_facts(v, location, self.images.get(&vid.image.key()))
    }
}

impl Lookup for InputLookup<'_> {
    fn source(&self, key: &Key) -> Option<SourceFacts> {
        if let Some(s) = self.sources.get(key) {
            return Some(s.clone());
        }
        self.versions
            .get(key)
            .map(|(vid, v)| self.version_facts(vid, v))
    }
    fn image(&self, key: &Key) -> Option<ImageFacts> {
        self.images.get(key).cloned()
    }
    fn gallery_location(&self, key: &Key) -> Option<RegionName> {
        self.galleries.get(key).copied().flatten()
    }
    fn subscription_allow_listed(&self, subscription: &str) -> Option<bool> {
        self.subscriptions.get(&Key::new(subscription)).copied()
    }
    fn resource_group_location(
        &self,
        subscription: &str,
        resource_group: &str,
    ) -> Option<RegionName> {
        self.resource_groups
            .get(&resource_group_key(subscription, resource_group))
            .copied()
    }
}

fn loc(s: Option<&str>) -> Option<RegionName> {
    s.and_then(RegionName::new)
}

fn build_lookup<'a>(input: &ParsedInput, items: &[Item<'a>]) -> InputLookup<'a> {
    let mut l = InputLookup::default();
    for s in &input.sources {
        l.sources
            .entry(rules::source_key(&s.id))
            .or_insert_with(|| crate::world::source_facts(s));
    }
    for s in &input.subscriptions {
        l.subscriptions
            .insert(Key::new(&s.id), s.allow_listed_regions);
    }
    for r in &input.resource_groups {
        l.resource_groups
            .insert(resource_group_key(&r.subscription_id, &r.name), r.location);
    }
    for r in items {
        let Some(key) = r.key else { continue };
        match (r.res, r.id) {
            (ResRef::Gallery(g), _) => {
                l.galleries.entry(key).or_insert(loc(g.location.as_deref()));
            }
            (ResRef::Image(i), _) => {
                let p = i.properties.as_ref();
                l.images.entry(key).or_insert_with(|| ImageFacts {
                    os_type: p.and_then(|p| p.os_type.as_deref()).and_then(OsType::parse),
                    os_state: p
                        .and_then(|p| p.os_state.as_deref())
                        .and_then(OsState::parse),
                    hyper_v_generation: p
                        .and_then(|p| p.hyper_v_generation.as_deref())
                        .and_then(HyperVGeneration::parse)
                        .unwrap_or(HyperVGeneration::V1),
                    location: loc(i.location.as_deref()),
                });
            }
            // A registered source with the same key wins (it is looked up first).
            (ResRef::Version(v), Some(IdRef::Version(vid))) => {
                l.versions.entry(key).or_insert((vid, v));
            }
            _ => {}
        }
    }
    l
}

/// Validates resources on their own (no sources / subscriptions known).
pub fn validate(resources: &[ParsedResource], now: OffsetDateTime) -> Vec<Diagnostic> {
    let input = ParsedInput::default();
    let keys = parsed_keys(resources);
    let items = parsed_items(resources, &keys);
    let lookup = build_lookup(&input, &items);
    run(&items, &lookup, now, Uniqueness::Check)
}

/// Validates a parsed document: reading diagnostics + every rule over what is present.
pub fn validate_input(input: &ParsedInput, now: OffsetDateTime) -> Vec<Diagnostic> {
    let mut out = input.diagnostics.clone();
    let keys = parsed_keys(&input.resources);
    let items = parsed_items(&input.resources, &keys);
    let lookup = build_lookup(input, &items);
    out.extend(run(&items, &lookup, now, Uniqueness::Check));
    // A state file's own refusal, unless the resource rules already said the same of the same
    // resource (the import stops at its first refusal; the rules report every finding).
    for d in &input.admission {
        let said = out
            .iter()
            .any(|o| o.code == d.code && o.resource_id.eq_ignore_ascii_case(&d.resource_id));
        if !said {
            out.push(d.clone());
        }
    }
    out
}

/// Validates a whole world (as the app would before exporting, or the full-limits benchmark).
///
/// Same rules and same diagnostics, in the same order, as
/// `validate_input(&world_input(world), now)`, but over borrowed resources: nothing is cloned, and
/// the world itself answers the lookups (its facts equal what [`world_input`] would rebuild).
pub fn validate_world(world: &World, now: OffsetDateTime) -> Vec<Diagnostic> {
    let mut items =
        Vec::with_capacity(world.galleries.len() + world.images.len() + world.versions.len());
    // Entries carry their canonical id in `resource.id` (stamped on insert): it is the `rid`.
    fn rid(id: &Option<String>) -> &str {
        id.as_deref().unwrap_or("")
    }
    for (k, g) in &world.galleries {
        items.push(Item {
            id: Some(IdRef::Gallery(&g.id)),
            key: Some(k),
            rid: rid(&g.resource.id),
            api: g.resource.api_version.as_deref(),
            res: ResRef::Gallery(&g.resource),
        });
    }
    for (k, i) in &world.images {
        items.push(Item {
            id: Some(IdRef::Image(&i.id)),
            key: Some(k),
            rid: rid(&i.resource.id),
            api: i.resource.api_version.as_deref(),
            res: ResRef::Image(&i.resource),
        });
    }
    for (k, v) in &world.versions {
        items.push(Item {
            id: Some(IdRef::Version(&v.id)),
            key: Some(k),
            rid: rid(&v.resource.id),
            api: v.resource.api_version.as_deref(),
            res: ResRef::Version(&v.resource),
        });
    }
    // Keys in a world are unique by construction (they are the maps' keys).
    run(&items, world, now, Uniqueness::Known)
}

/// The world as a parsed input (resources in id order, with its sources and subscriptions).
pub fn world_input(world: &World) -> ParsedInput {
    let mut input = ParsedInput {
        sources: world.sources().cloned().collect(),
        subscriptions: world.subscriptions().cloned().collect(),
        resource_groups: world.resource_groups().cloned().collect(),
        ..Default::default()
    };
    let mk = |id: GalleryResourceId, api: Option<String>, resource: AnyResource, origin: String| {
        ParsedResource {
            rid: id.to_string(),
            id: Some(id),
            origin,
            api_version: api,
            resource,
        }
    };
    for (i, g) in world.galleries().enumerate() {
        input.resources.push(mk(
            GalleryResourceId::Gallery(g.id.clone()),
            g.resource.api_version.clone(),
            AnyResource::Gallery(g.resource.clone()),
            format!("/galleries/{i}"),
        ));
    }
    for (i, g) in world.images().enumerate() {
        input.resources.push(mk(
            GalleryResourceId::Image(g.id.clone()),
            g.resource.api_version.clone(),
            AnyResource::Image(g.resource.clone()),
            format!("/images/{i}"),
        ));
    }
    for (i, g) in world.versions().enumerate() {
        input.resources.push(mk(
            GalleryResourceId::Version(g.id.clone()),
            g.resource.api_version.clone(),
            AnyResource::Version(g.resource.clone()),
            format!("/versions/{i}"),
        ));
    }
    input
}

/// A borrowed id of one of the three gallery resources.
#[derive(Clone, Copy)]
enum IdRef<'a> {
    Gallery(&'a GalleryRef),
    Image(&'a ImageRef),
    Version(&'a VersionRef),
}

impl<'a> IdRef<'a> {
    fn scope(self) -> &'a Scope {
        match self {
            IdRef::Gallery(g) => &g.scope,
            IdRef::Image(i) => &i.gallery.scope,
            IdRef::Version(v) => &v.image.gallery.scope,
        }
    }
}

impl<'a> From<&'a GalleryResourceId> for IdRef<'a> {
    fn from(id: &'a GalleryResourceId) -> Self {
        match id {
            GalleryResourceId::Gallery(g) => IdRef::Gallery(g),
            GalleryResourceId::Image(i) => IdRef::Image(i),
            GalleryResourceId::Version(v) => IdRef::Version(v),
        }
    }
}

/// A borrowed resource.
#[derive(Clone, Copy)]
enum ResRef<'a> {
    Gallery(&'a arm::Gallery),
    Image(&'a arm::GalleryImage),
    Version(&'a arm::GalleryImageVersion),
    VirtualMachine { uses_gallery_image: bool },
}

/// One resource to check, borrowed from a parsed input or from a world.
#[derive(Clone, Copy)]
struct Item<'a> {
    id: Option<IdRef<'a>>,
    /// The case-insensitive key of `id` (computed once).
    key: Option<&'a Key>,
    rid: &'a str,
    api: Option<&'a str>,
    res: ResRef<'a>,
}

fn parsed_keys(resources: &[ParsedResource]) -> Vec<Option<Key>> {
    resources
        .iter()
        .map(|r| r.id.as_ref().map(GalleryResourceId::key))
        .collect()
}

fn parsed_items<'a>(resources: &'a [ParsedResource], keys: &'a [Option<Key>]) -> Vec<Item<'a>> {
    resources
        .iter()
        .zip(keys)
        .map(|(r, key)| Item {
            id: r.id.as_ref().map(IdRef::from),
            key: key.as_ref(),
            rid: &r.rid,
            api: r.api_version.as_deref(),
            res: match &r.resource {
                AnyResource::Gallery(g) => ResRef::Gallery(g),
                AnyResource::Image(i) => ResRef::Image(i),
                AnyResource::Version(v) => ResRef::Version(v),
                AnyResource::VirtualMachine {
                    uses_gallery_image, ..
                } => ResRef::VirtualMachine {
                    uses_gallery_image: *uses_gallery_image,
                },
            },
        })
        .collect()
}

/// Whether the same id may appear twice (files) or never does (a world's maps).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Uniqueness {
    Check,
    Known,
}

fn run(
    items: &[Item],
    lookup: &dyn Lookup,
    now: OffsetDateTime,
    uniqueness: Uniqueness,
) -> Vec<Diagnostic> {
    let ctx = RuleCtx::validate(now, lookup);
    let mut out = Vec::new();
    for r in items {
        let api = r.api;
        match r.res {
            ResRef::Gallery(g) => {
                let gid = match r.id {
                    Some(IdRef::Gallery(g)) => Some(g),
                    _ => None,
                };
                out.extend(rules::gallery::check_gallery(g, gid, r.rid, &ctx));
                out.extend(api_version::check_gallery(g, api, r.rid));
            }
            ResRef::Image(i) => {
                let iid = match r.id {
                    Some(IdRef::Image(i)) => Some(i),
                    _ => None,
                };
                out.extend(rules::image::check_image(i, iid, r.rid, &ctx));
                out.extend(api_version::check_image(i, api, r.rid));
            }
            ResRef::Version(v) => {
                let vid = match r.id {
                    Some(IdRef::Version(v)) => Some(v),
                    _ => None,
                };
                out.extend(rules::version::check_version(v, vid, r.rid, &ctx));
                out.extend(api_version::check_version(v, api, r.rid));
            }
            ResRef::VirtualMachine { uses_gallery_image } => {
                if uses_gallery_image {
                    out.extend(api_version::check_vm_from_gallery(api, r.rid));
                }
            }
        }
    }
    out.extend(cross_checks(items, uniqueness));
    out
}

/// Uniqueness and limits over the distinct resources present (the same id seen twice — e.g. the
/// 200 and 201 responses of one PUT — is one resource).
fn cross_checks(items: &[Item], uniqueness: Uniqueness) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut seen: BTreeSet<&Key> = BTreeSet::new();
    let mut gallery_names: BTreeMap<(String, String), &str> = BTreeMap::new();
    let mut identifiers: BTreeMap<(Key, String, String, String), &str> = BTreeMap::new();
    let mut counts: BTreeMap<(Cow<str>, &'static str, u8), usize> = BTreeMap::new();
    for r in items {
        let (Some(id), Some(key)) = (r.id, r.key) else {
            continue;
        };
        if uniqueness == Uniqueness::Check && !seen.insert(key) {
            continue;
        }
        let sub = lower(id.scope().subscription.as_deref().unwrap_or(""));
        let (location, kind) = match r.res {
            ResRef::Gallery(g) => (loc(g.location.as_deref()), 0u8),
            ResRef::Image(i) => (loc(i.location.as_deref()), 1),
            ResRef::Version(v) => (loc(v.location.as_deref()), 2),
            ResRef::VirtualMachine { .. } => (None, 3),
        };
        if let Some(l) = location {
            let c = counts.entry((sub.clone(), l.as_str(), kind)).or_default();
            *c += 1;
            let (max, what) = match kind {
                0 => (MAX_GALLERIES_PER_SUBSCRIPTION_REGION, "galleries"),
                1 => (MAX_IMAGES_PER_SUBSCRIPTION_REGION, "image definitions"),
                _ => (MAX_VERSIONS_PER_SUBSCRIPTION_REGION, "image versions"),
            };
            if kind < 3 && *c == max + 1 {
                out.push(Diagnostic::new(Code::OperationNotAllowed, r.rid, "location",
                    format!("Operation could not be completed as it results in exceeding the limit of {max} {what} per subscription per region (region '{}').", l.display_name())));
            }
        }
        match (r.res, id) {
            (ResRef::Gallery(_), IdRef::Gallery(g)) => {
                let name = g.gallery.to_ascii_lowercase();
                let k = (sub.into_owned(), name);
                match gallery_names.get(&k) {
                    Some(other) => out.push(Diagnostic::new(Code::Conflict, r.rid, "name",
                        format!("A gallery named '{}' already exists in the same subscription ({other}). Gallery names must be unique within your subscription.", g.gallery))),
                    None => {
                        gallery_names.insert(k, r.rid);
                    }
                }
            }
            (ResRef::Image(img), IdRef::Image(i)) => {
                let Some(ident) = img.properties.as_ref().and_then(|p| p.identifier.as_ref())
                else {
                    continue;
                };
                let (Some(p), Some(o), Some(s)) = (
                    ident.publisher.as_deref(),
                    ident.offer.as_deref(),
                    ident.sku.as_deref(),
                ) else {
                    continue;
                };
                if [p, o, s].iter().any(|x| is_expression(x)) {
                    continue;
                }
                let k = (
                    i.gallery.key(),
                    p.to_ascii_lowercase(),
                    o.to_ascii_lowercase(),
                    s.to_ascii_lowercase(),
                );
                match identifiers.get(&k) {
                    Some(other) => out.push(Diagnostic::new(Code::DuplicateIdentifier, r.rid, "properties.identifier",
                        format!("Gallery image: {other} identified by (publisher:{p}, offer:{o}, sku:{s}) already exists. Choose a different publisher, offer, sku combination."))),
                    None => {
                        identifiers.insert(k, &i.image);
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// ASCII lower case, borrowing when the text already is.
fn lower(s: &str) -> Cow<'_, str> {
    if s.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(s.to_ascii_lowercase())
    } else {
        Cow::Borrowed(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use time::macros::datetime;

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
            Vec::<Code>::new(),
            "same id twice is one resource"
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
                {"type": "Microsoft.Compute/galleries", "apiVersion": "2019-12-01", "name": "[copyIndex()]", "location": "westus"},
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
}
