//! The blade stack and its URL.
//!
//! The portal opens blades side by side; the URL fragment names every open
//! blade so that a reload, a bookmark or a shared link reopens the same
//! journey. We route on the fragment (`#/home/galleries`) rather than the
//! path because the app must work from any static host and any sub-path
//! (`/sig/`) without server rewrites: see ARCHITECTURE.md, "Routing".

/// One blade the portal can open. Each variant has a stable URL segment.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Blade {
    /// The landing blade: what the portal is and where to start.
    Home,
    /// Every resource the signed-in principal can see, across subscriptions.
    AllResources,
    /// The browse list of galleries ("Azure compute galleries").
    Galleries,
}

impl Blade {
    /// The segment this blade takes in the URL fragment.
    pub fn segment(&self) -> String {
        match self {
            Blade::Home => "home".into(),
            Blade::AllResources => "resources".into(),
            Blade::Galleries => "galleries".into(),
        }
    }

    /// Reads one URL segment back; `None` for a segment no blade owns.
    pub fn from_segment(segment: &str) -> Option<Blade> {
        match segment {
            "home" => Some(Blade::Home),
            "resources" => Some(Blade::AllResources),
            "galleries" => Some(Blade::Galleries),
            _ => None,
        }
    }

    /// The title shown in the blade header, the breadcrumb and the landmark name.
    pub fn title(&self) -> String {
        match self {
            Blade::Home => "Home".into(),
            Blade::AllResources => "All resources".into(),
            Blade::Galleries => "Azure compute galleries".into(),
        }
    }
}

/// The blades open from left to right; the rightmost one is active.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BladeStack {
    blades: Vec<Blade>,
}

impl BladeStack {
    /// The stack a first visit (an empty fragment) shows.
    pub fn home() -> Self {
        BladeStack {
            blades: vec![Blade::Home],
        }
    }

    /// Parses a location fragment such as `#/home/galleries`.
    ///
    /// Unknown segments are dropped rather than failing the whole URL, so an
    /// old bookmark still opens what it can. No fragment at all (a first
    /// visit) means Home; `#/` is the stack with every blade closed.
    pub fn from_hash(hash: &str) -> Self {
        let fragment = hash.trim_start_matches('#');
        if fragment.is_empty() {
            return Self::home();
        }
        let path = fragment.trim_start_matches('/');
        if path.is_empty() {
            return BladeStack::default();
        }
        let blades = path
            .split('/')
            .filter_map(|segment| Blade::from_segment(&percent_decode(segment)))
            .collect();
        BladeStack { blades }
    }

    /// The fragment that reopens exactly this stack.
    pub fn to_hash(&self) -> String {
        let segments: Vec<String> = self
            .blades
            .iter()
            .map(|b| percent_encode(&b.segment()))
            .collect();
        format!("#/{}", segments.join("/"))
    }

    /// The open blades, left to right.
    pub fn blades(&self) -> &[Blade] {
        &self.blades
    }

    /// Opens `blade` as a fresh journey, as the left navigation does.
    pub fn navigate(&mut self, blade: Blade) {
        self.blades = vec![blade];
    }

    /// Opens `blade` to the right of the blade at `from`, closing anything
    /// that was further right, as a link inside a blade does.
    pub fn open_from(&mut self, from: usize, blade: Blade) {
        self.blades.truncate(from.saturating_add(1));
        self.blades.push(blade);
    }

    /// Closes the blade at `index` and every blade to its right.
    pub fn close(&mut self, index: usize) {
        self.blades.truncate(index);
    }

    /// Closes the active (rightmost) blade; what Escape does.
    pub fn close_active(&mut self) {
        self.blades.pop();
    }
}

fn percent_encode(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b':' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

fn percent_decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
            if let Ok(value) = u8::from_str_radix(hex, 16) {
                out.push(value);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_fragment_opens_home() {
        assert_eq!(BladeStack::from_hash(""), BladeStack::home());
        assert_eq!(BladeStack::from_hash("#"), BladeStack::home());
        assert!(BladeStack::from_hash("#/").blades().is_empty());
    }

    #[test]
    fn fragment_round_trips() {
        let mut stack = BladeStack::home();
        stack.open_from(0, Blade::Galleries);
        assert_eq!(stack.to_hash(), "#/home/galleries");
        assert_eq!(BladeStack::from_hash(&stack.to_hash()), stack);
    }

    #[test]
    fn unknown_segments_are_dropped_not_fatal() {
        let stack = BladeStack::from_hash("#/home/nonsense/galleries");
        assert_eq!(stack.blades(), &[Blade::Home, Blade::Galleries]);
    }

    #[test]
    fn opening_from_a_blade_replaces_those_to_its_right() {
        let mut stack = BladeStack::home();
        stack.open_from(0, Blade::Galleries);
        stack.open_from(1, Blade::AllResources);
        stack.open_from(0, Blade::AllResources);
        assert_eq!(stack.blades(), &[Blade::Home, Blade::AllResources]);
    }

    #[test]
    fn closing_a_blade_closes_those_to_its_right() {
        let mut stack = BladeStack::from_hash("#/home/galleries/resources");
        stack.close(1);
        assert_eq!(stack.blades(), &[Blade::Home]);
        stack.close_active();
        assert!(stack.blades().is_empty());
        assert_eq!(stack.to_hash(), "#/");
        assert_eq!(BladeStack::from_hash(&stack.to_hash()), stack);
    }

    #[test]
    fn percent_encoding_round_trips_resource_ids() {
        let id = "/subscriptions/x/resourceGroups/rg 1";
        assert_eq!(percent_decode(&percent_encode(id)), id);
        assert_eq!(percent_decode("%zz"), "%zz");
        assert_eq!(percent_decode("abc%2"), "abc%2");
    }
}
