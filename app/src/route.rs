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
    /// Images other publishers share with the signed-in principal's subscriptions.
    SharedWithMe,
    /// The "Create Azure compute gallery" wizard.
    CreateGallery,
    /// The "Create VM image definition" wizard, in the gallery with this id.
    CreateImage(String),
    /// The "Create VM image version" wizard, under the definition with this id.
    CreateVersion(String),
    /// The overview of one gallery, image definition or image version, by id.
    Resource(String),
    /// A resource group's page, by id (`/subscriptions/{s}/resourceGroups/{name}`).
    ResourceGroup(String),
    /// The simulated image sources (managed images, snapshots, VMs, VHDs).
    Sources,
    /// Tenants, subscriptions and resource groups.
    Subscriptions,
    /// Export the whole state to a file, or import one.
    ExportImport,
    /// "Access control (IAM)" of a scope (subscription, resource group, gallery resource).
    AccessControl(String),
    /// The "Add role assignment" wizard at a scope.
    AddRoleAssignment(String),
    /// The simulated directory: tenants, users, guests, groups, applications.
    Directory,
    /// Replication of one image version, by id.
    Replication(String),
    /// The deploy planner, optionally for an image version or definition id (empty: none chosen).
    DeployPlanner(String),
    /// Storage cost per version and region, with the editable price table.
    Cost,
    /// ARM template and `az` script export, and ARM JSON import.
    Templates,
    /// Every command run this session, with actor, time and result.
    ActivityLog,
}

impl Blade {
    /// The segment this blade takes in the URL fragment.
    pub fn segment(&self) -> String {
        match self {
            Blade::Home => "home".into(),
            Blade::AllResources => "resources".into(),
            Blade::Galleries => "galleries".into(),
            Blade::SharedWithMe => "shared-with-me".into(),
            Blade::CreateGallery => "create-gallery".into(),
            Blade::CreateImage(gallery) => format!("create-image:{gallery}"),
            Blade::CreateVersion(image) => format!("create-version:{image}"),
            Blade::Resource(id) => format!("resource:{id}"),
            Blade::ResourceGroup(id) => format!("group:{id}"),
            Blade::Sources => "sources".into(),
            Blade::Subscriptions => "subscriptions".into(),
            Blade::ExportImport => "export-import".into(),
            Blade::AccessControl(scope) => format!("iam:{scope}"),
            Blade::AddRoleAssignment(scope) => format!("add-role-assignment:{scope}"),
            Blade::Directory => "directory".into(),
            Blade::Replication(id) => format!("replication:{id}"),
            Blade::DeployPlanner(id) if id.is_empty() => "deploy".into(),
            Blade::DeployPlanner(id) => format!("deploy:{id}"),
            Blade::Cost => "cost".into(),
            Blade::Templates => "templates".into(),
            Blade::ActivityLog => "activity".into(),
        }
    }

    /// Reads one URL segment back; `None` for a segment no blade owns.
    pub fn from_segment(segment: &str) -> Option<Blade> {
        let (head, arg) = match segment.split_once(':') {
            Some((head, arg)) => (head, Some(arg)),
            None => (segment, None),
        };
        let with_arg =
            |make: fn(String) -> Blade| arg.filter(|a| !a.is_empty()).map(|a| make(a.to_string()));
        match (head, arg) {
            ("home", None) => Some(Blade::Home),
            ("resources", None) => Some(Blade::AllResources),
            ("galleries", None) => Some(Blade::Galleries),
            ("shared-with-me", None) => Some(Blade::SharedWithMe),
            ("create-gallery", None) => Some(Blade::CreateGallery),
            ("sources", None) => Some(Blade::Sources),
            ("subscriptions", None) => Some(Blade::Subscriptions),
            ("export-import", None) => Some(Blade::ExportImport),
            ("directory", None) => Some(Blade::Directory),
            ("cost", None) => Some(Blade::Cost),
            ("templates", None) => Some(Blade::Templates),
            ("activity", None) => Some(Blade::ActivityLog),
            ("deploy", None) => Some(Blade::DeployPlanner(String::new())),
            ("deploy", _) => with_arg(Blade::DeployPlanner),
            ("iam", _) => with_arg(Blade::AccessControl),
            ("add-role-assignment", _) => with_arg(Blade::AddRoleAssignment),
            ("replication", _) => with_arg(Blade::Replication),
            ("create-image", _) => with_arg(Blade::CreateImage),
            ("create-version", _) => with_arg(Blade::CreateVersion),
            ("resource", _) => with_arg(Blade::Resource),
            ("group", _) => with_arg(Blade::ResourceGroup),
            _ => None,
        }
    }

    /// The title shown in the blade header, the breadcrumb and the landmark name.
    pub fn title(&self) -> String {
        match self {
            Blade::Home => "Home".into(),
            Blade::AllResources => "All resources".into(),
            Blade::Galleries => "Azure compute galleries".into(),
            Blade::SharedWithMe => "Shared with me".into(),
            Blade::CreateGallery => "Create Azure compute gallery".into(),
            Blade::CreateImage(_) => "Create a VM image definition".into(),
            Blade::CreateVersion(_) => "Create a VM image version".into(),
            Blade::Resource(id) | Blade::ResourceGroup(id) => {
                id.rsplit('/').next().unwrap_or(id).to_string()
            }
            Blade::Sources => "Image sources (simulated)".into(),
            Blade::Subscriptions => "Subscriptions and resource groups".into(),
            Blade::ExportImport => "Export and import".into(),
            Blade::AccessControl(_) => "Access control (IAM)".into(),
            Blade::AddRoleAssignment(_) => "Add role assignment".into(),
            Blade::Directory => "Directory (simulated)".into(),
            Blade::Replication(_) => "Replication".into(),
            Blade::DeployPlanner(_) => "Deploy planner".into(),
            Blade::Cost => "Cost".into(),
            Blade::Templates => "Export template".into(),
            Blade::ActivityLog => "Activity log".into(),
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

    /// Which of the portal menu's `items` the user is in: the rightmost open blade of one of
    /// their kinds, so Home → Azure compute galleries → g1 marks "Azure compute galleries",
    /// not Home. `None` when no open blade is a menu item.
    pub fn menu_item(&self, items: &[Blade]) -> Option<usize> {
        self.blades.iter().rev().find_map(|open| {
            let kind = std::mem::discriminant(open);
            items
                .iter()
                .position(|item| std::mem::discriminant(item) == kind)
        })
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

    /// Puts `blade` where the blade at `index` was, closing those to its
    /// right; what a wizard does once it has created its resource.
    pub fn replace(&mut self, index: usize, blade: Blade) {
        self.blades.truncate(index);
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
    fn the_menu_marks_the_service_the_user_went_to() {
        let items = [
            Blade::Home,
            Blade::Galleries,
            Blade::DeployPlanner(String::new()),
        ];
        let at = |hash: &str| BladeStack::from_hash(hash).menu_item(&items);
        assert_eq!(at(""), Some(0));
        assert_eq!(at("#/home/galleries"), Some(1));
        assert_eq!(
            at("#/home/galleries/resource:%2Fsubscriptions%2Fs%2FresourceGroups%2Frg%2Fproviders%2FMicrosoft.Compute%2Fgalleries%2Fg1"),
            Some(1)
        );
        assert_eq!(at("#/galleries/deploy:x"), Some(2));
        assert_eq!(at("#/"), None);
    }

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
    fn blades_with_resource_ids_round_trip_through_the_url() {
        let id =
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/galleries/g/images/web";
        let mut stack = BladeStack::home();
        stack.open_from(0, Blade::Resource(id.into()));
        stack.open_from(1, Blade::CreateVersion(id.into()));
        let hash = stack.to_hash();
        assert!(
            !hash[2..].contains("/subscriptions"),
            "ids are encoded: {hash}"
        );
        assert_eq!(BladeStack::from_hash(&hash), stack);
        assert_eq!(Blade::from_segment("resource:"), None);
        assert_eq!(Blade::from_segment("home:extra"), None);
    }

    #[test]
    fn insight_blades_round_trip_through_the_url() {
        let scope = "/subscriptions/s/resourceGroups/rg";
        let blades = [
            Blade::AccessControl(scope.into()),
            Blade::AddRoleAssignment(scope.into()),
            Blade::Directory,
            Blade::Replication(format!(
                "{scope}/providers/Microsoft.Compute/galleries/g/images/i/versions/1.0.0"
            )),
            Blade::DeployPlanner(String::new()),
            Blade::DeployPlanner(scope.into()),
            Blade::Cost,
            Blade::Templates,
            Blade::ActivityLog,
        ];
        let mut stack = BladeStack::home();
        for (i, blade) in blades.iter().enumerate() {
            stack.open_from(i, blade.clone());
        }
        assert_eq!(BladeStack::from_hash(&stack.to_hash()), stack);
        assert_eq!(Blade::from_segment("iam:"), None);
    }

    #[test]
    fn percent_encoding_round_trips_resource_ids() {
        let id = "/subscriptions/x/resourceGroups/rg 1";
        assert_eq!(percent_decode(&percent_encode(id)), id);
        assert_eq!(percent_decode("%zz"), "%zz");
        assert_eq!(percent_decode("abc%2"), "abc%2");
    }
}
