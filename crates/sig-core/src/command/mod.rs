//! The one entry point for change: [`apply`]. Every handler is a read-only *plan* that checks
//! everything and returns the one [`Change`] it would make; [`apply`] commits it, [`check`]
//! previews it, and [`Restore`] admits a state file's contents through the very same plans. So a
//! rule that refuses a command refuses the same situation when it is loaded from a file, with the
//! same code and message.
//!
//! By resource family: [`setup`] (tenants, subscriptions, resource groups, sources),
//! [`gallery`], [`image`], [`version`]; directory and RBAC plans live in
//! [`crate::access::plans`], replication faults and retries in [`crate::replication`].

mod gallery;
mod image;
mod setup;
mod sharing;
mod support;
mod version;

use crate::diagnostics::Diagnostic;
use crate::ids::Key;
use crate::sources::Source;
use crate::world::{
    GalleryEntry, ImageEntry, ResourceGroup, Subscription, Tenant, VersionEntry, World,
};
use crate::{replication, template};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

pub use crate::ids::{gallery_id, image_id, version_id};
pub use crate::protocol::{Actor, Command, CommandError, Event, EventKind};

type Res = Result<Vec<Event>, CommandError>;

/// Applies one command. On `Err` the world is unchanged; on `Ok` the events say what changed.
pub fn apply(state: &mut World, actor: &Actor, command: Command, now: OffsetDateTime) -> Res {
    apply_with::<true>(state, actor, command, now)
}

/// [`apply`] for the commands that set up where galleries live — tenants, subscriptions,
/// resource groups and every access command (the directory, roles, role and deny
/// assignments, management groups) — through the very same authorization, plans, rules and
/// commits; any other command the actor may run is refused (`InvalidParameter`). It exists so
/// that a program can build its starting world without linking the rules of galleries,
/// definitions, versions and replication: the portal starts a first visit with it, and its
/// first download leaves those rules to a file of their own.
pub fn apply_setup(state: &mut World, actor: &Actor, command: Command, now: OffsetDateTime) -> Res {
    apply_with::<false>(state, actor, command, now)
}

/// [`apply`] (`ALL`) or [`apply_setup`]: one body, so both run the same steps in the same
/// order; as a constant, `ALL` leaves what only `apply` reaches out of `apply_setup`'s code.
fn apply_with<const ALL: bool>(
    state: &mut World,
    actor: &Actor,
    command: Command,
    now: OffsetDateTime,
) -> Res {
    let cx = Cx::command(actor, now);
    if ALL && malformed_target(&command) {
        // Refused for its id, as ARM rejects a malformed request URL before RBAC is asked.
        plan(state, &cx, command.clone())?;
    }
    crate::access::authorize(state, actor, &command)?;
    let follow_up = crate::access::plans::creator_follow_up(state, actor, &command, now);
    let events = match &command {
        Command::InjectReplicationFault { version_id, region } if ALL => {
            replication::inject_fault(state, &actor.principal, version_id, region, now)
        }
        Command::RetryReplication { version_id, region } if ALL => {
            replication::retry(state, &actor.principal, version_id, region, now)
        }
        _ => match crate::access::plans::plan(state, actor, &command, now) {
            Some(planned) => planned.map(|p| crate::access::plans::commit(state, p)),
            None if ALL => plan(state, &cx, command).map(|p| commit(state, p)),
            None => plan_setup(state, &cx, command).map(|p| commit_setup(state, p)),
        },
    }?;
    if let Some(change) = follow_up {
        crate::access::plans::commit_follow_up(state, change);
    }
    // The platform purges soft-deleted versions once their retention has passed.
    state.soft_deleted.retain(|_, s| s.recoverable_at(now));
    state.clock = Some(now);
    Ok(events)
}

/// Checks a gallery, image definition or image version command exactly as [`apply`] would,
/// without changing the world, so the portal can show the core's verdict while the user types.
/// Returns the warnings the command would raise, or the errors that would refuse it.
/// Access commands (directory, roles, assignments) and moves are previewed too, and every
/// preview is authorized like [`apply`]. Setup commands (tenants, subscriptions, resource groups, sources)
/// and replication faults are not previewed: they return `None`.
pub fn check(
    state: &World,
    actor: &Actor,
    command: &Command,
    now: OffsetDateTime,
) -> Option<Result<Vec<Diagnostic>, CommandError>> {
    fn warnings<C>((_, events): (C, Vec<Event>)) -> Vec<Diagnostic> {
        events.into_iter().flat_map(|e| e.warnings).collect()
    }
    if let Some(planned) = crate::access::plans::plan(state, actor, command, now) {
        let verdict = crate::access::authorize(state, actor, command).and(planned);
        return Some(verdict.map(warnings));
    }
    if !on_gallery_resource(command) && !matches!(command, Command::MoveResources { .. }) {
        return None;
    }
    let planned = plan(state, &Cx::command(actor, now), command.clone());
    if malformed_target(command) && planned.is_err() {
        return Some(planned.map(warnings));
    }
    if let Err(refused) = crate::access::authorize(state, actor, command) {
        return Some(Err(refused));
    }
    Some(planned.map(warnings))
}

/// A gallery, image definition or image version command: the ones `check` previews.
fn on_gallery_resource(command: &Command) -> bool {
    matches!(
        command,
        Command::CreateGallery { .. }
            | Command::UpdateGallery { .. }
            | Command::ShareGallery { .. }
            | Command::DeleteGallery { .. }
            | Command::CreateImage { .. }
            | Command::UpdateImage { .. }
            | Command::DeleteImage { .. }
            | Command::CreateVersion { .. }
            | Command::UpdateVersion { .. }
            | Command::DeleteVersion { .. }
            | Command::RestoreVersion { .. }
            | Command::PurgeSoftDeletedVersion { .. }
    )
}

/// A gallery, definition or version command whose id is not one (an empty
/// name): its refusal names the field, not an authorization failure over a
/// scope that does not exist.
fn malformed_target(command: &Command) -> bool {
    on_gallery_resource(command)
        && crate::ids::GalleryResourceId::parse(&crate::visibility::command_target(command))
            .is_none()
}

/// [`plan`] for [`apply_setup`]: tenants, subscriptions and resource groups, by the same
/// handlers; anything else is refused.
fn plan_setup(w: &World, cx: &Cx, command: Command) -> Planned {
    match command {
        Command::CreateTenant { id, display_name } => {
            setup::plan_tenant(w, cx, Tenant { id, display_name })
        }
        Command::CreateSubscription {
            id,
            tenant_id,
            display_name,
            allow_listed_regions,
        } => setup::plan_subscription(
            w,
            cx,
            Subscription {
                id,
                tenant_id,
                display_name,
                allow_listed_regions,
            },
        ),
        Command::CreateResourceGroup {
            subscription_id,
            name,
            location,
        } => setup::plan_resource_group(w, cx, subscription_id, name, &location),
        _ => Err(CommandError::one(
            crate::diagnostics::Code::InvalidParameter,
            "",
            "command",
            "Only tenants, subscriptions, resource groups, the directory and role assignments are set up this way; apply the command instead.",
        )),
    }
}

/// Plans every command that is neither an access command nor a replication fault/retry.
fn plan(w: &World, cx: &Cx, command: Command) -> Planned {
    match command {
        setup @ (Command::CreateTenant { .. }
        | Command::CreateSubscription { .. }
        | Command::CreateResourceGroup { .. }) => plan_setup(w, cx, setup),
        Command::CreateSource(s) => setup::plan_source(w, cx, s),
        Command::DeleteSource { id } => setup::plan_delete_source(w, cx, &id),
        Command::CreateGallery { id, resource } => gallery::plan_create(w, cx, &id, resource),
        Command::UpdateGallery { id, resource } => gallery::plan_update(w, cx, &id, resource),
        Command::ShareGallery { id, update } => sharing::plan_share(w, cx, &id, update),
        Command::DeleteGallery { id } => gallery::plan_delete(w, cx, &id),
        Command::CreateImage { id, resource } => image::plan_create(w, cx, &id, resource),
        Command::UpdateImage { id, resource } => image::plan_update(w, cx, &id, resource),
        Command::DeleteImage { id } => image::plan_delete(w, cx, &id),
        Command::CreateVersion { id, resource } => version::plan_create(w, cx, &id, resource),
        Command::UpdateVersion { id, resource } => version::plan_update(w, cx, &id, resource),
        Command::DeleteVersion { id } => version::plan_delete(w, cx, &id),
        Command::RestoreVersion { id } => version::plan_restore(w, cx, &id),
        Command::PurgeSoftDeletedVersion { id } => version::plan_purge(w, cx, &id),
        Command::SetPriceTable { prices } => setup::plan_price_table(cx, prices),
        Command::MoveResources {
            source_group,
            resources,
            target_resource_group,
        } => setup::plan_move(w, &source_group, &resources, &target_resource_group),
        // Not `{other:?}`: formatting the command would link its whole Debug impl into wasm.
        _ => Err(CommandError::one(
            crate::diagnostics::Code::InvalidParameter,
            "",
            "command",
            "This command is planned by its own module (access or replication).",
        )),
    }
}

/// The one mutation a planned command makes; planning only reads the world, so [`check`],
/// [`apply`] and [`Restore`] share every check and differ only in whether and how this is
/// committed.
enum Change {
    InsertTenant(Tenant),
    InsertSubscription(Subscription),
    InsertResourceGroup(ResourceGroup),
    InsertSource(Source),
    RemoveSource(Key),
    InsertGallery(GalleryEntry),
    ReplaceGallery(Key, GalleryEntry),
    RemoveGallery(Key),
    InsertImage(ImageEntry),
    ReplaceImage(Key, ImageEntry),
    RemoveImage(Key),
    InsertVersion(VersionEntry),
    ReplaceVersion(Key, VersionEntry),
    RemoveVersion(Key),
    /// Deleted with soft delete on: kept, recoverable, from this time.
    SoftDeleteVersion(Key, OffsetDateTime),
    RestoreVersion(Key),
    PurgeVersion(Key),
    SetPrices(Option<crate::prices::PriceTable>),
}

type Planned = Result<(Change, Vec<Event>), CommandError>;

/// Writes a planned change. Replication follows a version's targets from the time of the event
/// (new regions start then); a restored version has no event, and its records come from the file.
fn commit(w: &mut World, (change, events): (Change, Vec<Event>)) -> Vec<Event> {
    let at = events.first().map(|ev| ev.at);
    match change {
        setup @ (Change::InsertTenant(_)
        | Change::InsertSubscription(_)
        | Change::InsertResourceGroup(_)) => return commit_setup(w, (setup, events)),
        Change::InsertSource(s) => {
            w.sources.insert(crate::rules::source_key(&s.id), s);
        }
        Change::RemoveSource(k) => {
            w.sources.remove(&k);
        }
        Change::InsertGallery(e) => w.insert_gallery(e),
        Change::ReplaceGallery(k, e) => {
            // Soft delete turned off: what it kept is deleted for good (Azure's FAQ: "disable
            // soft delete on the gallery to delete the image definition").
            if !crate::soft_delete::enabled(&e.resource) {
                w.soft_deleted
                    .retain(|_, s| s.entry.id.image.gallery.key() != k);
            }
            if let Some(slot) = w.galleries.get_mut(&k) {
                w.touched.galleries.insert(k);
                *slot = e;
            }
        }
        Change::RemoveGallery(k) => {
            w.remove_gallery(&k);
        }
        Change::InsertImage(e) => w.insert_image(e),
        Change::ReplaceImage(k, e) => {
            if let Some(slot) = w.images.get_mut(&k) {
                w.touched.galleries.insert(e.id.gallery.key());
                *slot = e;
            }
        }
        Change::RemoveImage(k) => {
            w.remove_image(&k);
        }
        Change::InsertVersion(e) => {
            let k = e.id.key();
            w.insert_version(e);
            if let Some(now) = at {
                replication::sync_targets(w, &k, &[], now);
            }
        }
        Change::ReplaceVersion(k, e) => {
            let mut before = Vec::new();
            if let Some(slot) = w.versions.get_mut(&k) {
                w.touched.galleries.insert(e.id.image.gallery.key());
                before = slot.targets.clone();
                **slot = e;
            }
            if let Some(now) = at {
                replication::sync_targets(w, &k, &before, now);
            }
        }
        Change::RemoveVersion(k) => {
            w.remove_version(&k);
        }
        Change::SoftDeleteVersion(k, deleted_at) => {
            if let Some(entry) = w.remove_version(&k) {
                w.soft_deleted
                    .insert(k, crate::world::SoftDeletedVersion { entry, deleted_at });
            }
        }
        Change::RestoreVersion(k) => {
            if let Some(s) = w.soft_deleted.remove(&k) {
                w.insert_version(s.entry);
                // One replica per region was kept: the regions replicate again from here.
                if let Some(now) = at {
                    replication::sync_targets(w, &k, &[], now);
                }
            }
        }
        Change::PurgeVersion(k) => {
            w.soft_deleted.remove(&k);
        }
        Change::SetPrices(prices) => w.prices = prices,
    }
    events
}

/// [`commit`] of what [`plan_setup`] plans (a function of its own so that [`apply_setup`]
/// does not link the commits of gallery resources and their replication).
fn commit_setup(w: &mut World, (change, events): (Change, Vec<Event>)) -> Vec<Event> {
    match change {
        Change::InsertTenant(t) => {
            w.tenants.insert(Key::new(&t.id), t);
        }
        Change::InsertSubscription(s) => {
            w.subscriptions.insert(Key::new(&s.id), s);
        }
        Change::InsertResourceGroup(r) => {
            let key = crate::ids::resource_group_key(&r.subscription_id, &r.name);
            w.resource_groups.insert(key, r);
        }
        _ => unreachable!("plan_setup plans only tenants, subscriptions and resource groups"),
    }
    events
}

/// How something enters the world. The plans are the same; what differs is what a command adds
/// and a restore must keep as the file says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Admission {
    /// A command issued at `now`: the service stamps provisioning state, `publishedDate` and the
    /// gallery's unique name, and create-time rules hold ("end of life in the future", "the
    /// source exists").
    Command,
    /// A state file restored ([`Restore`]): what the file says is kept, and rules that only hold
    /// at the moment of creation are not re-run (an end of life that has passed since, a source
    /// deleted — or registered anew elsewhere — after the version was made from it: all allowed
    /// by Azure).
    Restore,
}

/// The context every plan gets: who, when, and how the change is admitted.
struct Cx<'a> {
    actor: &'a Actor,
    now: OffsetDateTime,
    admission: Admission,
}

impl<'a> Cx<'a> {
    fn command(actor: &'a Actor, now: OffsetDateTime) -> Self {
        Cx {
            actor,
            now,
            admission: Admission::Command,
        }
    }
    fn is_restore(&self) -> bool {
        self.admission == Admission::Restore
    }
    fn event(
        &self,
        kind: EventKind,
        ty: &str,
        id: impl Into<String>,
        warnings: Vec<Diagnostic>,
    ) -> Vec<Event> {
        vec![Event {
            kind,
            resource_type: ty.to_string(),
            id: id.into(),
            actor: self.actor.principal.clone(),
            at: self.now,
            warnings,
        }]
    }
    fn stamp(&self) -> String {
        self.now.format(&Rfc3339).unwrap_or_default()
    }
    /// The rule context for a new resource: a command's, or a restore's (see [`Admission`]).
    fn rules<'w>(&self, lookup: &'w dyn crate::rules::Lookup) -> crate::rules::RuleCtx<'w> {
        match self.admission {
            Admission::Command => crate::rules::RuleCtx::create(self.now, lookup),
            Admission::Restore => crate::rules::RuleCtx::restore(self.now, lookup),
        }
    }
}

/// Admits the contents of a state file into a world through the same plans as the commands
/// that create them (authorization aside: a file is not an actor's request). Each call is one
/// resource; the caller ([`crate::export`]) decides the order, parents first.
pub struct Restore<'w> {
    world: &'w mut World,
    system: Actor,
    now: OffsetDateTime,
    /// The warnings the plans raised (a command would carry them on its events).
    pub warnings: Vec<Diagnostic>,
}

impl<'w> Restore<'w> {
    /// Restores into `world`; `now` is the file's clock (it only names the time of refusals).
    pub fn new(world: &'w mut World, now: OffsetDateTime) -> Self {
        Restore {
            world,
            system: Actor::system(),
            now,
            warnings: Vec::new(),
        }
    }
    fn admit(&mut self, command: Command) -> Result<(), CommandError> {
        let cx = Cx {
            actor: &self.system,
            now: self.now,
            admission: Admission::Restore,
        };
        let (change, events) = plan(self.world, &cx, command)?;
        self.warnings
            .extend(events.into_iter().flat_map(|e| e.warnings));
        commit(self.world, (change, Vec::new()));
        Ok(())
    }
    /// A tenant, as `CreateTenant`.
    pub fn tenant(&mut self, t: Tenant) -> Result<(), CommandError> {
        self.admit(Command::CreateTenant {
            id: t.id,
            display_name: t.display_name,
        })
    }
    /// A subscription, as `CreateSubscription`.
    pub fn subscription(&mut self, s: Subscription) -> Result<(), CommandError> {
        self.admit(Command::CreateSubscription {
            id: s.id,
            tenant_id: s.tenant_id,
            display_name: s.display_name,
            allow_listed_regions: s.allow_listed_regions,
        })
    }
    /// A resource group, as `CreateResourceGroup`.
    pub fn resource_group(&mut self, r: ResourceGroup) -> Result<(), CommandError> {
        self.admit(Command::CreateResourceGroup {
            subscription_id: r.subscription_id,
            name: r.name,
            location: r.location.as_str().to_string(),
        })
    }
    /// The state's price table, as `SetPriceTable`.
    pub fn price_table(&mut self, prices: crate::prices::PriceTable) -> Result<(), CommandError> {
        self.admit(Command::SetPriceTable {
            prices: Some(prices),
        })
    }
    /// An image source, as `CreateSource`.
    pub fn source(&mut self, s: Source) -> Result<(), CommandError> {
        self.admit(Command::CreateSource(s))
    }
    /// A gallery (its `id` names it), as `CreateGallery`.
    pub fn gallery(&mut self, resource: crate::arm::Gallery) -> Result<(), CommandError> {
        let id = resource.id.clone().unwrap_or_default();
        self.admit(Command::CreateGallery { id, resource })
    }
    /// An image definition (its `id` names it), as `CreateImage`.
    pub fn image(&mut self, resource: crate::arm::GalleryImage) -> Result<(), CommandError> {
        let id = resource.id.clone().unwrap_or_default();
        self.admit(Command::CreateImage { id, resource })
    }
    /// An image version (its `id` names it), as `CreateVersion`.
    pub fn version(
        &mut self,
        resource: crate::arm::GalleryImageVersion,
    ) -> Result<(), CommandError> {
        let id = resource.id.clone().unwrap_or_default();
        self.admit(Command::CreateVersion { id, resource })
    }
}

/// Is a string an unevaluated template expression? (Re-exported for callers building commands.)
pub fn is_template_expression(s: &str) -> bool {
    template::is_expression(s)
}
