//! ARM resource ids: tolerant, case-insensitive parsing; canonical printing; case-insensitive keys.
//!
//! Azure's own examples print sloppy ids (`/Images/`, `/Versions/`, `//providers`,
//! `providers/Microsoft.Compute/locations/westus/Galleries/...`, ids starting at `/providers`), so
//! the parser accepts all of them; everything the core prints is canonical.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

/// An index key: ARM names are case-insensitive, so keys are the lower-cased canonical id.
///
/// The text is shared: the indexes hold the same key in several maps (a version's key sits in
/// the versions map and in its definition's and gallery's lists, a role assignment's scope in two
/// indexes), and cloning a key only counts one more holder. Opening a state at ten times the
/// limits spent a third of its time in the allocator, much of it copying keys (profiled).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key(Arc<str>);

/// The text's order, but a key held twice (a version's key in the versions' and the records'
/// maps, a scope or principal shared through the readers' memos) is equal at once, without walking a long common prefix
/// (equality already does this: std's `Arc` compares pointers first when its content is `Eq`).
impl Ord for Key {
    fn cmp(&self, other: &Key) -> std::cmp::Ordering {
        if Arc::ptr_eq(&self.0, &other.0) {
            std::cmp::Ordering::Equal
        } else {
            self.0.cmp(&other.0)
        }
    }
}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Key) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Key {
    /// Lower-cases the given canonical text.
    pub fn new(s: &str) -> Key {
        let mut text: Arc<str> = Arc::from(s);
        // Made just now, so held once: lower-cased in place, no second copy.
        if let Some(text) = Arc::get_mut(&mut text) {
            // SAFETY: only bytes whose high bit is clear (ASCII) are changed, and only by
            // setting 0x20, so they stay ASCII and the text stays UTF-8.
            ascii_lowercase(unsafe { text.as_bytes_mut() });
        }
        Key(text)
    }
    /// Lower-cases the given canonical text (for callers that built it as a `String`).
    pub fn from_string(s: String) -> Key {
        Key::new(&s)
    }
    /// The key text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Lower-cases the ASCII letters of `bytes` in place, as `make_ascii_lowercase` does, eight
/// bytes a turn. Why: in the browser the standard library's loop goes a byte at a time (it comes
/// compiled without wasm SIMD, and this crate's own loops are built for size, which LLVM does
/// not vectorize), and a key is made for each of the 200,000 ids of ten times the limits as they
/// are read, 150-200 characters each.
fn ascii_lowercase(bytes: &mut [u8]) {
    const LOW: u64 = u64::from_le_bytes([1; 8]);
    const HIGH: u64 = LOW * 0x80;
    let (words, rest) = bytes.as_chunks_mut::<8>();
    for word in words {
        let x = u64::from_le_bytes(*word);
        // Each byte's low seven bits, plus a constant that sets the byte's high bit when they
        // are past 'Z' (or from 'A' on): at most 0x7f + 0x7f, so nothing carries into the next.
        let seven = x & !HIGH;
        let past_z = seven + LOW * u64::from(0x7f - b'Z');
        let from_a = seven + LOW * u64::from(0x80 - b'A');
        // High bit set for 'A'..='Z' only (an ASCII byte's own high bit is clear).
        let upper = from_a & !past_z & !x & HIGH;
        *word = (x | (upper >> 2)).to_le_bytes();
    }
    rest.make_ascii_lowercase();
}

/// A key is its text (its order, equality and hash are the text's), so a map of keys can be
/// searched with lower-cased text held in a reused buffer: no key is made just to look one up.
impl std::borrow::Borrow<str> for Key {
    fn borrow(&self) -> &str {
        &self.0
    }
}

/// As its text, like the `String` it was before the text was shared.
impl Serialize for Key {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// Its text as written (not lower-cased again), like the `String` it was.
impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Key, D::Error> {
        String::deserialize(deserializer).map(|s| Key(Arc::from(s)))
    }
}

/// A parsed generic ARM id: optional scope, provider namespace and `(type, name)` pairs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArmId {
    /// Subscription id, when the id has a `/subscriptions/{id}` prefix.
    pub subscription: Option<String>,
    /// Resource group, when present.
    pub resource_group: Option<String>,
    /// Provider namespace, e.g. `Microsoft.Compute`.
    pub namespace: String,
    /// `(type, name)` pairs after the namespace, type segments in canonical casing when known.
    pub segments: Vec<(String, String)>,
}

fn canonical_type(seg: &str) -> String {
    const KNOWN: &[&str] = &[
        "galleries",
        "images",
        "versions",
        "virtualMachines",
        "virtualMachineScaleSets",
        "snapshots",
        "disks",
        "storageAccounts",
        "diskEncryptionSets",
        "locations",
    ];
    KNOWN
        .iter()
        .find(|k| k.eq_ignore_ascii_case(seg))
        .map_or_else(|| seg.to_string(), |k| k.to_string())
}

fn canonical_namespace(ns: &str) -> String {
    for known in ["Microsoft.Compute", "Microsoft.Storage"] {
        if known.eq_ignore_ascii_case(ns) {
            return known.to_string();
        }
    }
    ns.to_string()
}

impl ArmId {
    /// Parses an id; `None` when it is not a fully qualified ARM id (must start with `/`).
    pub fn parse(s: &str) -> Option<ArmId> {
        if !s.starts_with('/') {
            return None;
        }
        // Ids have a handful of segments: split onto the stack (this runs for every source
        // reference checked); longer inputs fall back to a vector.
        let mut stack: [&str; 24] = [""; 24];
        let mut heap: Vec<&str> = Vec::new();
        let mut n = 0;
        for p in s.split('/').filter(|p| !p.is_empty()) {
            if n < stack.len() {
                stack[n] = p;
            } else {
                if heap.is_empty() {
                    heap.extend_from_slice(&stack);
                }
                heap.push(p);
            }
            n += 1;
        }
        let parts: &[&str] = if heap.is_empty() { &stack[..n] } else { &heap };
        let mut i = 0;
        let mut subscription = None;
        let mut resource_group = None;
        if parts.get(i)?.eq_ignore_ascii_case("subscriptions") {
            subscription = Some(parts.get(i + 1)?.to_string());
            i += 2;
            if parts
                .get(i)
                .is_some_and(|p| p.eq_ignore_ascii_case("resourceGroups"))
            {
                resource_group = Some(parts.get(i + 1)?.to_string());
                i += 2;
            }
        }
        if !parts.get(i)?.eq_ignore_ascii_case("providers") {
            return None;
        }
        let namespace = canonical_namespace(parts.get(i + 1)?);
        i += 2;
        let rest = &parts[i..];
        if rest.is_empty() || !rest.len().is_multiple_of(2) {
            return None;
        }
        let mut segments: Vec<(String, String)> = rest
            .chunks(2)
            .map(|c| (canonical_type(c[0]), c[1].to_string()))
            .collect();
        // Azure examples put galleries under `locations/{loc}`; that segment is noise for identity.
        if segments.len() > 1 && segments[0].0 == "locations" && segments[1].0 == "galleries" {
            segments.remove(0);
        }
        Some(ArmId {
            subscription,
            resource_group,
            namespace,
            segments,
        })
    }

    /// `Namespace/type1/type2`, e.g. `Microsoft.Compute/galleries/images`.
    pub fn resource_type(&self) -> String {
        let mut t = self.namespace.clone();
        for (ty, _) in &self.segments {
            t.push('/');
            t.push_str(ty);
        }
        t
    }

    /// True when the type path equals `ty` ignoring case (allocation-free: it runs per source check).
    pub fn is_type(&self, ty: &str) -> bool {
        let mut parts = ty.split('/');
        if !parts
            .next()
            .is_some_and(|ns| ns.eq_ignore_ascii_case(&self.namespace))
        {
            return false;
        }
        let mut segs = self.segments.iter();
        loop {
            match (parts.next(), segs.next()) {
                (None, None) => return true,
                (Some(p), Some((t, _))) if p.eq_ignore_ascii_case(t) => {}
                _ => return false,
            }
        }
    }

    /// The last name segment.
    pub fn name(&self) -> &str {
        self.segments.last().map_or("", |(_, n)| n.as_str())
    }
}

impl fmt::Display for ArmId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(s) = &self.subscription {
            write!(f, "/subscriptions/{s}")?;
            if let Some(rg) = &self.resource_group {
                write!(f, "/resourceGroups/{rg}")?;
            }
        }
        write!(f, "/providers/{}", self.namespace)?;
        for (t, n) in &self.segments {
            write!(f, "/{t}/{n}")?;
        }
        Ok(())
    }
}

/// ARM type of a gallery.
pub const GALLERY_TYPE: &str = "Microsoft.Compute/galleries";
/// ARM type of an image definition.
pub const IMAGE_TYPE: &str = "Microsoft.Compute/galleries/images";
/// ARM type of an image version.
pub const VERSION_TYPE: &str = "Microsoft.Compute/galleries/images/versions";

/// The scope part of a gallery id. Both parts are optional because Azure's examples sometimes omit them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Scope {
    /// Subscription id.
    pub subscription: Option<String>,
    /// Resource group name.
    pub resource_group: Option<String>,
}

impl Scope {
    /// A full scope.
    pub fn new(subscription: &str, resource_group: &str) -> Scope {
        Scope {
            subscription: Some(subscription.to_string()),
            resource_group: Some(resource_group.to_string()),
        }
    }
    /// Subscription as a case-insensitive key ("" when unknown).
    pub fn subscription_key(&self) -> String {
        self.subscription
            .as_deref()
            .unwrap_or("")
            .to_ascii_lowercase()
    }
}

/// Id of a gallery.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GalleryRef {
    /// Subscription / resource group.
    pub scope: Scope,
    /// Gallery name (as given; not validated here).
    pub gallery: String,
}

/// Id of an image definition.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ImageRef {
    /// The parent gallery.
    pub gallery: GalleryRef,
    /// Definition name.
    pub image: String,
}

/// Id of an image version.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct VersionRef {
    /// The parent definition. The streamed reading shares one per definition among its versions:
    /// a copy of its four names per version was four of the ~27 allocations that putting a
    /// version back cost (DHAT).
    pub image: Arc<ImageRef>,
    /// Version name.
    pub version: String,
}

/// Any of the three gallery resource ids.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum GalleryResourceId {
    /// `.../galleries/{g}`
    Gallery(GalleryRef),
    /// `.../galleries/{g}/images/{i}`
    Image(ImageRef),
    /// `.../galleries/{g}/images/{i}/versions/{v}`
    Version(VersionRef),
}

impl GalleryResourceId {
    /// Parses any gallery resource id, tolerating Azure's sloppy variants: what
    /// [`ArmId::parse`] reads, in the `Microsoft.Compute` namespace, of one of the three
    /// shapes. Read here without the generic id's text per segment: it runs for every
    /// resource a command or a state names (twice per version admitted).
    pub fn parse(s: &str) -> Option<GalleryResourceId> {
        if !s.starts_with('/') {
            return None;
        }
        // At most 14 segments make a gallery resource id; more cannot be one.
        let mut parts: [&str; 16] = [""; 16];
        let mut n = 0;
        for p in s.split('/').filter(|p| !p.is_empty()) {
            *parts.get_mut(n)? = p;
            n += 1;
        }
        let parts = &parts[..n];
        let mut i = 0;
        let (mut subscription, mut resource_group) = (None, None);
        if parts.first()?.eq_ignore_ascii_case("subscriptions") {
            subscription = Some(*parts.get(1)?);
            i = 2;
            if parts
                .get(i)
                .is_some_and(|p| p.eq_ignore_ascii_case("resourceGroups"))
            {
                resource_group = Some(*parts.get(i + 1)?);
                i += 2;
            }
        }
        if !parts.get(i)?.eq_ignore_ascii_case("providers")
            || !parts.get(i + 1)?.eq_ignore_ascii_case("Microsoft.Compute")
        {
            return None;
        }
        let mut rest = &parts[i + 2..];
        if rest.is_empty() || !rest.len().is_multiple_of(2) {
            return None;
        }
        // Azure examples put galleries under `locations/{loc}`; that segment is noise for identity.
        if rest.len() > 2
            && rest[0].eq_ignore_ascii_case("locations")
            && rest[2].eq_ignore_ascii_case("galleries")
        {
            rest = &rest[2..];
        }
        let is = |at: usize, ty: &str| rest.get(at).is_some_and(|t| t.eq_ignore_ascii_case(ty));
        let depth = match rest.len() {
            2 if is(0, "galleries") => 1,
            4 if is(0, "galleries") && is(2, "images") => 2,
            6 if is(0, "galleries") && is(2, "images") && is(4, "versions") => 3,
            _ => return None,
        };
        let gallery = GalleryRef {
            scope: Scope {
                subscription: subscription.map(str::to_string),
                resource_group: resource_group.map(str::to_string),
            },
            gallery: rest[1].to_string(),
        };
        if depth == 1 {
            return Some(GalleryResourceId::Gallery(gallery));
        }
        let image = ImageRef {
            gallery,
            image: rest[3].to_string(),
        };
        if depth == 2 {
            return Some(GalleryResourceId::Image(image));
        }
        Some(GalleryResourceId::Version(VersionRef {
            image: image.into(),
            version: rest[5].to_string(),
        }))
    }

    /// The case-insensitive key.
    pub fn key(&self) -> Key {
        match self {
            GalleryResourceId::Gallery(g) => g.key(),
            GalleryResourceId::Image(i) => i.key(),
            GalleryResourceId::Version(v) => v.key(),
        }
    }

    /// The ARM type string.
    pub fn resource_type(&self) -> &'static str {
        match self {
            GalleryResourceId::Gallery(_) => GALLERY_TYPE,
            GalleryResourceId::Image(_) => IMAGE_TYPE,
            GalleryResourceId::Version(_) => VERSION_TYPE,
        }
    }

    /// The last name segment.
    pub fn name(&self) -> &str {
        match self {
            GalleryResourceId::Gallery(g) => &g.gallery,
            GalleryResourceId::Image(i) => &i.image,
            GalleryResourceId::Version(v) => &v.version,
        }
    }

    /// The scope (subscription / resource group).
    pub fn scope(&self) -> &Scope {
        match self {
            GalleryResourceId::Gallery(g) => &g.scope,
            GalleryResourceId::Image(i) => &i.gallery.scope,
            GalleryResourceId::Version(v) => &v.image.gallery.scope,
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(s) = &self.subscription {
            write!(f, "/subscriptions/{s}")?;
            if let Some(rg) = &self.resource_group {
                write!(f, "/resourceGroups/{rg}")?;
            }
        }
        Ok(())
    }
}

// The ids are written whole, then handed over: nested `write!`s through the formatting
// machinery, into a string grown a few bytes at a time, were a tenth of admitting a state.
impl fmt::Display for GalleryRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.canonical())
    }
}
impl fmt::Display for ImageRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.canonical())
    }
}
impl fmt::Display for VersionRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.canonical())
    }
}
impl fmt::Display for GalleryResourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GalleryResourceId::Gallery(g) => g.fmt(f),
            GalleryResourceId::Image(i) => i.fmt(f),
            GalleryResourceId::Version(v) => v.fmt(f),
        }
    }
}

// Keys are built by appending the parts (the same text as `Display`, lower-cased): lookups
// build one per rule that consults a parent, so this runs thousands of times per validation.
impl Scope {
    fn push_canonical(&self, out: &mut String) {
        if let Some(s) = &self.subscription {
            out.push_str("/subscriptions/");
            out.push_str(s);
            if let Some(rg) = &self.resource_group {
                out.push_str("/resourceGroups/");
                out.push_str(rg);
            }
        }
    }
}
impl GalleryRef {
    fn push_canonical(&self, out: &mut String) {
        self.scope.push_canonical(out);
        out.push_str("/providers/Microsoft.Compute/galleries/");
        out.push_str(&self.gallery);
    }
    /// Case-insensitive key.
    pub fn key(&self) -> Key {
        Key::from_string(self.canonical())
    }
    /// The canonical id (what `to_string` gives, in one allocation).
    pub fn canonical(&self) -> String {
        let mut s = String::with_capacity(128);
        self.push_canonical(&mut s);
        s
    }
}
impl ImageRef {
    fn push_canonical(&self, out: &mut String) {
        self.gallery.push_canonical(out);
        out.push_str("/images/");
        out.push_str(&self.image);
    }
    /// Case-insensitive key.
    pub fn key(&self) -> Key {
        Key::from_string(self.canonical())
    }
    /// The canonical id (what `to_string` gives, in one allocation).
    pub fn canonical(&self) -> String {
        let mut s = String::with_capacity(144);
        self.push_canonical(&mut s);
        s
    }
}
impl VersionRef {
    /// Case-insensitive key.
    pub fn key(&self) -> Key {
        Key::from_string(self.canonical())
    }
    /// The canonical id (what `to_string` gives, in one allocation).
    pub fn canonical(&self) -> String {
        let mut s = String::with_capacity(160);
        self.image.push_canonical(&mut s);
        s.push_str("/versions/");
        s.push_str(&self.version);
        s
    }
}

/// The key of a resource group: `/subscriptions/{sub}/resourcegroups/{rg}` lower-cased.
pub fn resource_group_key(subscription: &str, resource_group: &str) -> Key {
    Key::new(&format!(
        "/subscriptions/{subscription}/resourceGroups/{resource_group}"
    ))
}

/// Convenience: the gallery id for a subscription / resource group / name.
pub fn gallery_id(subscription: &str, resource_group: &str, gallery: &str) -> String {
    GalleryRef {
        scope: Scope::new(subscription, resource_group),
        gallery: gallery.to_string(),
    }
    .to_string()
}

/// Convenience: an image definition id.
pub fn image_id(subscription: &str, resource_group: &str, gallery: &str, image: &str) -> String {
    ImageRef {
        gallery: GalleryRef {
            scope: Scope::new(subscription, resource_group),
            gallery: gallery.to_string(),
        },
        image: image.to_string(),
    }
    .to_string()
}

/// Convenience: an image version id.
pub fn version_id(
    subscription: &str,
    resource_group: &str,
    gallery: &str,
    image: &str,
    version: &str,
) -> String {
    VersionRef {
        image: Arc::new(ImageRef {
            gallery: GalleryRef {
                scope: Scope::new(subscription, resource_group),
                gallery: gallery.to_string(),
            },
            image: image.to_string(),
        }),
        version: version.to_string(),
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    /// A key's text is std's ASCII lower-casing of its id, for every byte in every place of an
    /// eight-byte word (and in the bytes after the last word), and for text with letters
    /// outside ASCII, which stay as they are. (`tests/wasm.rs` runs a case on wasm.)
    #[test]
    fn keys_lower_case_ascii_as_std_does() {
        let every: Vec<u8> = (0..=255u8).collect();
        for start in 0..40 {
            let mut mine = every.clone();
            mine.rotate_left(start);
            let mut theirs = mine.clone();
            super::ascii_lowercase(&mut mine[start % 7..]);
            theirs[start % 7..].make_ascii_lowercase();
            assert_eq!(mine, theirs, "from {start}");
        }
        let id = "/subscriptions/ABC/resourceGroups/Ärger-RG/providers/Microsoft.Compute/galleries/ẞig_Gallery.Z@[`{";
        assert_eq!(Key::new(id).as_str(), id.to_ascii_lowercase());
        assert_eq!(Key::new("").as_str(), "");
    }

    /// What `GalleryResourceId::parse` read before it had its own reader: the generic id,
    /// then the shape. The two must agree on every input.
    fn parse_via_arm_id(s: &str) -> Option<GalleryResourceId> {
        let id = ArmId::parse(s)?;
        if id.namespace != "Microsoft.Compute" {
            return None;
        }
        let ty = |i: usize, t: &str| id.segments.get(i).is_some_and(|(x, _)| x == t);
        let shape = match id.segments.len() {
            1 if ty(0, "galleries") => 1,
            2 if ty(0, "galleries") && ty(1, "images") => 2,
            3 if ty(0, "galleries") && ty(1, "images") && ty(2, "versions") => 3,
            _ => return None,
        };
        let names: Vec<String> = id.segments.into_iter().map(|(_, n)| n).collect();
        let gallery = GalleryRef {
            scope: Scope {
                subscription: id.subscription,
                resource_group: id.resource_group,
            },
            gallery: names[0].clone(),
        };
        let image = || ImageRef {
            gallery: gallery.clone(),
            image: names[1].clone(),
        };
        Some(match shape {
            1 => GalleryResourceId::Gallery(gallery.clone()),
            2 => GalleryResourceId::Image(image()),
            _ => GalleryResourceId::Version(VersionRef {
                image: image().into(),
                version: names[2].clone(),
            }),
        })
    }

    #[test]
    fn the_gallery_reader_agrees_with_the_generic_one() {
        let cases = [
            CANON,
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/galleries/g",
            "/subscriptions/s/resourcegroups/rg/providers/microsoft.compute/Galleries/g/IMAGES/i",
            "/subscriptions/s/providers/Microsoft.Compute/galleries/g/images/i/versions/1.0.0",
            "/providers/Microsoft.Compute/galleries/g",
            "//subscriptions//s/resourceGroups/rg/providers/Microsoft.Compute/galleries/g/",
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/locations/westus/galleries/g/images/i",
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/locations/westus",
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/locations/westus/galleries",
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/galleries/g",
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/images/i",
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/galleries/g/images",
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/galleries/g/versions/v",
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/galleries/g/images/i/versions/v/x/y",
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/galleries/g/images/i/versions/v/a/b/c/d/e/f/g/h/i/j/k/l",
            "/subscriptions/s/resourceGroups",
            "/subscriptions",
            "subscriptions/s/providers/Microsoft.Compute/galleries/g",
            "/resourceGroups/rg/providers/Microsoft.Compute/galleries/g",
            "/subscriptions/s/resourceGroups/rg/providers",
            "/",
            "",
        ];
        for case in cases {
            assert_eq!(
                GalleryResourceId::parse(case),
                parse_via_arm_id(case),
                "{case:?}"
            );
        }
        assert!(GalleryResourceId::parse(CANON).is_some());
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #[test]
        fn the_gallery_reader_agrees_on_any_id(
            lead in proptest::bool::ANY,
            segments in proptest::collection::vec(proptest::sample::select(vec![
                "subscriptions", "resourceGroups", "resourcegroups", "providers",
                "Microsoft.Compute", "microsoft.compute", "Microsoft.Storage", "galleries",
                "Galleries", "images", "versions", "locations", "s", "rg", "g", "i", "1.0.0", "",
            ]), 0..20),
        ) {
            let id = format!("{}{}", if lead { "/" } else { "" }, segments.join("/"));
            proptest::prop_assert_eq!(GalleryResourceId::parse(&id), parse_via_arm_id(&id), "{}", id);
        }
    }

    use super::*;

    const CANON: &str = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/galleries/g/images/i/versions/1.0.0";

    #[test]
    fn tolerant_parsing_and_canonical_printing() {
        let variants = [
            CANON,
            "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/galleries/g/Images/i/Versions/1.0.0",
            "/SUBSCRIPTIONS/s1/RESOURCEGROUPS/rg/PROVIDERS/microsoft.compute/Galleries/g/images/i/versions/1.0.0",
            "/subscriptions/s1/resourceGroups/rg//providers/Microsoft.Compute/locations/westus/Galleries/g/Images/i/Versions/1.0.0",
            "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/galleries/g/images/i/versions/1.0.0/",
        ];
        for v in variants {
            let id = GalleryResourceId::parse(v).unwrap_or_else(|| panic!("{v}"));
            assert_eq!(id.to_string(), CANON, "{v}");
            assert!(matches!(id, GalleryResourceId::Version(_)));
        }
        let a = GalleryResourceId::parse(CANON).unwrap();
        let b = GalleryResourceId::parse(&CANON.to_uppercase()).unwrap();
        assert_eq!(a.key(), b.key());
    }

    #[test]
    fn partial_scope_from_examples() {
        let id = GalleryResourceId::parse(
            "/providers/Microsoft.Compute/galleries/myGallery/Images/myGalleryImageName",
        )
        .unwrap();
        assert_eq!(
            id.to_string(),
            "/providers/Microsoft.Compute/galleries/myGallery/images/myGalleryImageName"
        );
        assert_eq!(id.scope().subscription, None);
    }

    #[test]
    fn rejects_non_gallery_and_malformed() {
        for bad in [
            "",
            "subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/galleries/g",
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/images/x",
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/galleries",
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/galleries/g",
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/galleries/g/versions/1.0.0",
            "/subscriptions",
        ] {
            assert!(GalleryResourceId::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn keys_are_the_lower_cased_canonical_text() {
        for id in [
            CANON,
            "/providers/Microsoft.Compute/galleries/myGallery/Images/My",
            "/subscriptions/S1/providers/Microsoft.Compute/galleries/G",
        ] {
            let parsed = GalleryResourceId::parse(id).unwrap();
            assert_eq!(parsed.key(), Key::new(&parsed.to_string()), "{id}");
            let direct = match &parsed {
                GalleryResourceId::Gallery(g) => g.key(),
                GalleryResourceId::Image(i) => i.key(),
                GalleryResourceId::Version(v) => v.key(),
            };
            assert_eq!(direct, Key::new(&parsed.to_string()), "{id}");
        }
    }

    #[test]
    fn long_ids_parse_past_the_stack_buffer() {
        let mut id = String::from("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute");
        for n in 0..20 {
            id.push_str(&format!("/t{n}/n{n}"));
        }
        let parsed = ArmId::parse(&id).expect("long id");
        assert_eq!(parsed.segments.len(), 20);
        assert_eq!(parsed.to_string(), id);
        assert_eq!(parsed.name(), "n19");
    }

    #[test]
    fn generic_ids() {
        let id = ArmId::parse(
            "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Compute/images/{imageName}",
        )
        .unwrap();
        assert!(id.is_type("microsoft.compute/images"));
        assert_eq!(id.name(), "{imageName}");
    }
}
