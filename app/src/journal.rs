//! What this tab changed since it last loaded or saved the stored state, kept
//! so that a change is never lost to another tab's newer save: when storage
//! holds a newer revision, the tab takes it and replays its own commands on
//! top, through the core's one entry point, as if they had been issued there.
//! A command the newer state refuses (the other tab deleted its gallery, took
//! its name) is reported with the core's reason instead of being saved over
//! the other tab's work.

use sig_core::activity::ActivityRecord;
use sig_core::{Actor, Command, CommandError, World};
use time::OffsetDateTime;

/// One change not yet saved.
#[derive(Debug, Clone)]
pub enum Pending {
    /// A command the core accepted in this tab.
    Command {
        /// Who issued it.
        actor: Actor,
        /// What it was (boxed: a version's ARM body is large).
        command: Box<Command>,
        /// On the simulation clock.
        at: OffsetDateTime,
    },
    /// The whole world was replaced (an import): whatever is stored, the
    /// user asked for this state instead.
    Replaced,
    /// A line this tab added to the Activity log (after its command, or for
    /// a refusal, which changes nothing else).
    Activity(Box<ActivityRecord>),
}

/// The newest stored state with this tab's changes replayed on it.
#[derive(Debug)]
pub struct Rebased {
    /// The world to show and save.
    pub world: World,
    /// The changes the newer state refuses, in order: the command and why.
    pub refused: Vec<(Command, CommandError)>,
}

/// Replays `journal` onto `stored` (another tab's newer state). `None` when
/// the journal holds an import: this tab's world replaces the stored one as
/// the user asked, so there is nothing to replay.
pub fn rebase(stored: World, journal: &[Pending]) -> Option<Rebased> {
    if journal.iter().any(|p| matches!(p, Pending::Replaced)) {
        return None;
    }
    let mut world = stored;
    let mut refused = Vec::new();
    // A command the newer state refuses: its Activity log line (which follows it) says so.
    let mut just_refused: Option<String> = None;
    for pending in journal {
        match pending {
            Pending::Command { actor, command, at } => {
                just_refused = None;
                // Commands reach the journal only once the engine is here (`Store::dispatch`
                // refuses them before, and the engine never leaves), so it is here now.
                let replayed =
                    crate::engine::apply_now(&mut world, actor, (**command).clone(), *at)
                        .unwrap_or_else(|| Err(crate::engine::unavailable(crate::engine::LOADING)));
                if let Err(error) = replayed {
                    just_refused = Some(format!(
                        "Refused when replayed onto another tab's newer save: {}",
                        error
                            .first_error()
                            .map_or_else(|| error.to_string(), |d| d.message.clone())
                    ));
                    refused.push(((**command).clone(), error));
                }
            }
            Pending::Activity(record) => {
                let mut record = (**record).clone();
                if let Some(why) = just_refused.take().filter(|_| record.succeeded()) {
                    record.status.value = "Failed".into();
                    record.level = "Error".into();
                    record.properties.status_message = why;
                }
                world.record_activity(record);
            }
            Pending::Replaced => {}
        }
    }
    Some(Rebased { world, refused })
}

#[cfg(test)]
mod tests {
    use super::*;
    use sig_core::apply;
    use sig_core::command::gallery_id;
    use sig_core::testing::{self, FIXTURE_NOW, RESOURCE_GROUP, SUBSCRIPTION};

    fn create(name: &str) -> Pending {
        Pending::Command {
            actor: Actor::system(),
            command: Box::new(Command::CreateGallery {
                id: gallery_id(SUBSCRIPTION, RESOURCE_GROUP, name),
                resource: testing::gallery_body(),
            }),
            at: FIXTURE_NOW,
        }
    }

    fn galleries(world: &World) -> Vec<String> {
        world
            .galleries()
            .map(|g| g.name.as_str().to_string())
            .collect()
    }

    #[test]
    fn this_tabs_changes_land_on_top_of_the_other_tabs() {
        let mut theirs = testing::base_world();
        let Pending::Command { actor, command, at } = create("theirs") else {
            unreachable!()
        };
        apply(&mut theirs, &actor, *command, at).unwrap();
        let rebased = rebase(theirs, &[create("mine"), create("mineToo")]).unwrap();
        assert_eq!(galleries(&rebased.world), ["mine", "mineToo", "theirs"]);
        assert!(rebased.refused.is_empty());
    }

    #[test]
    fn this_tabs_activity_lines_join_the_other_tabs_log() {
        let line = |id: &str| {
            sig_core::activity::ActivityRecord::new(
                id.into(),
                FIXTURE_NOW,
                "admin@contoso.com",
                "CreateGallery",
                "/x",
                false,
                "refused".into(),
            )
        };
        let mut theirs = testing::base_world();
        theirs.record_activity(line("theirs"));
        let journal = [Pending::Activity(Box::new(line("mine")))];
        let rebased = rebase(theirs, &journal).unwrap();
        let ids: Vec<&str> = rebased
            .world
            .activity()
            .iter()
            .map(|r| r.event_data_id.as_str())
            .collect();
        assert_eq!(ids, ["mine", "theirs"]);
    }

    #[test]
    fn the_log_line_of_a_change_the_newer_state_refuses_says_failed() {
        let line = sig_core::activity::ActivityRecord::new(
            "mine".into(),
            FIXTURE_NOW,
            "admin@contoso.com",
            "CreateGallery",
            "/x",
            true,
            "Created gallery taken".into(),
        );
        let mut theirs = testing::base_world();
        let Pending::Command { actor, command, at } = create("taken") else {
            unreachable!()
        };
        apply(&mut theirs, &actor, *command, at).unwrap();
        let journal = [create("taken"), Pending::Activity(Box::new(line))];
        let rebased = rebase(theirs, &journal).unwrap();
        let record = &rebased.world.activity()[0];
        assert!(!record.succeeded());
        assert!(record
            .properties
            .status_message
            .starts_with("Refused when replayed onto another tab's newer save"));
    }

    #[test]
    fn a_change_the_newer_state_refuses_is_reported_not_forced() {
        let mut theirs = testing::base_world();
        let Pending::Command { actor, command, at } = create("taken") else {
            unreachable!()
        };
        apply(&mut theirs, &actor, *command, at).unwrap();
        let rebased = rebase(theirs, &[create("taken"), create("free")]).unwrap();
        assert_eq!(galleries(&rebased.world), ["free", "taken"]);
        assert_eq!(rebased.refused.len(), 1);
        assert_eq!(rebased.refused[0].1.code(), sig_core::Code::Conflict);
    }

    #[test]
    fn an_import_is_not_replayed_it_replaces() {
        assert!(rebase(testing::base_world(), &[create("a"), Pending::Replaced]).is_none());
    }
}
