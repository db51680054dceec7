//! Reading: every JSON shape Azure prints (one resource, an array, a list response, a REST
//! example, an ARM template, the state file) into a [`ParsedInput`], streaming the large ones.

use super::*;

use crate::arm;
use crate::diagnostics::{Code, Diagnostic};
use crate::export::WorldExport;
use crate::ids::{
    GalleryRef, GalleryResourceId, ImageRef, Scope, VersionRef, GALLERY_TYPE, IMAGE_TYPE,
    VERSION_TYPE,
};
use crate::template::{self, TemplateScope, TEMPLATE_RESOURCE_GROUP, TEMPLATE_SUBSCRIPTION};
use crate::world::World;
use serde::Deserialize;
use serde_json::{Map, Value};

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
                image: std::sync::Arc::new(ImageRef {
                    gallery: g,
                    image: self.image.clone()?,
                }),
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
        let found = match World::from_export_with_warnings(e.clone()) {
            Ok((_, warnings)) => warnings,
            Err(refused) => refused.diagnostics,
        };
        self.out.admission.extend(found.into_iter().map(|mut d| {
            if d.resource_id.is_empty() {
                d.resource_id = format!("#{ptr}");
            }
            d
        }));
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
        if let Some(update) = params.get("sharingUpdate") {
            found = true;
            self.sharing_update(update, &format!("{ptr}/parameters/sharingUpdate"));
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
                    self.sharing_update(body, &bptr);
                } else {
                    self.resource(body, &bptr, rp.deepest(), Some(&rp));
                }
            }
        }
        if !found {
            self.diag(Code::NotAResource, ptr, "", "This REST example has no request or response body (e.g. a DELETE); nothing to validate.");
        }
    }

    /// A share action's body (POST /share): checked by the core's rules, then skipped, as it is
    /// an action on a gallery, not a resource to import.
    fn sharing_update(&mut self, v: &Value, ptr: &str) {
        match arm::SharingUpdate::deserialize(v) {
            Ok(update) => {
                for d in crate::sharing::check_sharing_update(&update, ptr) {
                    self.diag(d.code, ptr, &d.path, d.message);
                }
            }
            Err(e) => self.diag(
                Code::ResourceShapeInvalid,
                ptr,
                "",
                format!("A gallery sharing update (POST /share) does not match its schema: {e}"),
            ),
        }
        self.diag(
            Code::NotAResource,
            ptr,
            "",
            "A gallery sharing update (POST /share) is an action on a gallery, not a resource: checked, not imported.",
        );
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
            copy_index: None,
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
        // ARM allows `copy` on top-level resources only: a child's loop is checked once, so
        // expansion never multiplies through the nesting.
        if depth > 0 && obj.contains_key("copy") {
            self.diag(
                Code::InvalidParameter,
                ptr,
                "copy",
                "A copy loop is only allowed on a top-level template resource, not on a child resource.",
            );
        }
        // A copy loop whose count is known is expanded, each copy with its copyIndex().
        let count = if depth == 0 {
            self.copies(obj, ptr, scope)
        } else {
            CopyCount::NoLoop
        };
        if let CopyCount::Known(copies) = count {
            for index in 0..copies {
                let mut one = obj.clone();
                one.remove("copy");
                let copy_scope = TemplateScope {
                    parameters: scope.parameters,
                    variables: scope.variables,
                    copy_index: Some(index),
                };
                self.template_resource(&Value::Object(one), ptr, parent, &copy_scope, depth);
            }
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
        // An invalid count was reported as such: it is not also "unknown".
        if count == CopyCount::Unknown {
            diags.push(Diagnostic::new(
                Code::TemplateValueUnknown,
                &origin,
                "copy.count",
                "The copy loop's count is only known at deployment time; the resource is checked once and what depends on copyIndex() is skipped.",
            ));
        }
        // Build the id from type segments and name segments; the deployment scope is unknown.
        let mut tparts = full_type.split('/');
        let ns = tparts.next().unwrap_or_default().to_string();
        let types: Vec<&str> = tparts.collect();
        let names: Vec<&str> = full_name.split('/').collect();
        // A name (or a parent's) that stays an expression is unknown until deployment: no id is
        // built from it and no fragment of it is checked as a name (names never contain '[').
        let unknown_name = full_name.contains('[');
        let id_text = (types.len() == names.len() && !unknown_name).then(|| {
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
            let own = if unknown_name {
                name
            } else {
                names.last().copied().unwrap_or_default()
            };
            o.insert("name".into(), Value::String(own.to_string()));
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
            let image = refs
                .iter()
                .flatten()
                .filter_map(|v| v.as_str())
                .find(|s| !template::is_expression(s))
                .map(str::to_string);
            let uses = refs
                .iter()
                .flatten()
                .filter_map(|v| v.as_str())
                .any(|s| s.to_ascii_lowercase().contains("/galleries/"));
            let scale_set = lower == "microsoft.compute/virtualmachinescalesets";
            let os_profile = if scale_set {
                value.pointer("/properties/virtualMachineProfile/osProfile")
            } else {
                value.pointer("/properties/osProfile")
            };
            self.out.resources.push(ParsedResource {
                id: None,
                rid: id_text.clone().unwrap_or(origin.clone()),
                origin: ptr.to_string(),
                api_version: api,
                resource: AnyResource::VirtualMachine {
                    resource_type: full_type.clone(),
                    uses_gallery_image: uses,
                    image,
                    has_os_profile: os_profile.is_some_and(|o| !o.is_null()),
                    scale_set_capacity: scale_set
                        .then(|| value.pointer("/sku/capacity").and_then(Value::as_i64))
                        .flatten(),
                    location: value
                        .get("location")
                        .and_then(Value::as_str)
                        .map(str::to_string),
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

impl Reader {
    /// The number of copies of a resource with a `copy` loop (ARM allows 0 to 800). An unknown
    /// or invalid count leaves the resource checked once; an invalid one is reported here.
    fn copies(&mut self, obj: &Map<String, Value>, ptr: &str, scope: &TemplateScope) -> CopyCount {
        let Some(copy) = obj.get("copy") else {
            return CopyCount::NoLoop;
        };
        let count = match copy.get("count") {
            Some(Value::String(s)) if template::is_expression(s) => {
                match template::evaluate(s, scope) {
                    Ok(value) => value,
                    Err(_) => return CopyCount::Unknown,
                }
            }
            Some(other) => other.clone(),
            None => return CopyCount::Unknown,
        };
        match count.as_i64() {
            Some(n) if (0..=MAX_COPIES).contains(&n) => CopyCount::Known(n),
            _ => {
                self.diag(
                    Code::InvalidParameter,
                    ptr,
                    "copy.count",
                    format!("A copy loop's count is a whole number between 0 and {MAX_COPIES}; this one is {count}."),
                );
                CopyCount::Invalid
            }
        }
    }
}

/// What a resource's `copy` loop count comes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CopyCount {
    /// No loop (or a child resource, whose loop is refused on its own).
    NoLoop,
    /// Known: that many copies.
    Known(i64),
    /// Only known at deployment time.
    Unknown,
    /// Not a whole number from 0 to 800 (reported).
    Invalid,
}

/// ARM's limit on a copy loop's count.
const MAX_COPIES: i64 = 800;

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
        None => {
            let mut input = parse_documents(&serde_json::from_slice(bytes)?);
            input.diagnostics.extend(duplicate_keys(bytes));
            Ok(input)
        }
    }
}

/// A key given twice in one object: JSON readers keep one of the values (ARM and `az` the
/// last), so what was written is not what is deployed. Found in documents read whole
/// (templates, single resources, REST examples, state files); the streamed lists are
/// Azure's own output, which never repeats a key.
pub fn duplicate_keys(bytes: &[u8]) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let scan = KeyScan {
        path: String::new(),
        found: &mut found,
    };
    if serde::de::DeserializeSeed::deserialize(scan, &mut de).is_err() {
        return Vec::new();
    }
    found
        .into_iter()
        .map(|(path, key)| {
            Diagnostic::new(
                Code::DuplicateJsonKey,
                format!("#{path}"),
                key.clone(),
                format!("The key '{key}' appears more than once in one object; only one of its values is used (ARM and az keep the last)."),
            )
        })
        .collect()
}

/// Walks a JSON document without building it, noting (object path, key) for repeated keys.
struct KeyScan<'f> {
    path: String,
    found: &'f mut Vec<(String, String)>,
}

impl<'de> serde::de::DeserializeSeed<'de> for KeyScan<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for KeyScan<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("JSON")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = std::collections::HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            let child = format!("{}/{}", self.path, escape_pointer(&key));
            if !seen.insert(key.clone()) {
                self.found.push((self.path.clone(), key));
            }
            map.next_value_seed(KeyScan {
                path: child,
                found: &mut *self.found,
            })?;
        }
        Ok(())
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut n = 0usize;
        while seq
            .next_element_seed(KeyScan {
                path: format!("{}/{n}", self.path),
                found: &mut *self.found,
            })?
            .is_some()
        {
            n += 1;
        }
        Ok(())
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
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
