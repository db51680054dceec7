//! `sig access`: who may do what, read from a state file. The core decides; this prints.
//!
//! Exit codes: 0 allowed (or a listing), 1 denied (`check` with `--action`, or no permission at
//! all at the scope), 2 bad input (unreadable state, unknown principal, unknown scope).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use sig_core::access::{self, ActionDecision};

use crate::input::InputProblem;
use crate::report::{json, lines, read_state};
use crate::Format;

/// The `sig access` subcommands.
#[derive(Subcommand)]
pub enum AccessCommand {
    /// Effective permissions of a principal at a scope (or allowed/denied for one action),
    /// with the role assignments that grant them.
    #[command(
        after_help = "JSON: {principal, principalId, tenantId, scope, allowed, actions[{action, allowed, grants[]}]}.\nExit codes: 0 allowed (or permissions listed), 1 the action is denied, 2 bad input (unknown or ambiguous principal: the candidates are listed)."
    )]
    Check {
        /// SIG Portal state (World export JSON).
        #[arg(long, value_name = "FILE")]
        state: PathBuf,
        /// Object id, user principal name, appId or display name.
        #[arg(long)]
        principal: String,
        /// Subscription, resource group or resource id.
        #[arg(long)]
        scope: String,
        /// One action, e.g. Microsoft.Compute/galleries/images/versions/read.
        #[arg(long)]
        action: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Every gallery, image definition and image version the principal can read, across all
    /// subscriptions of the state.
    #[command(
        after_help = "JSON: an array of {id, resourceType, subscriptionId, roles[]}.\nExit codes: 0 listed, 2 bad input."
    )]
    List {
        /// SIG Portal state (World export JSON).
        #[arg(long, value_name = "FILE")]
        state: PathBuf,
        /// Object id, user principal name, appId or display name.
        #[arg(long)]
        principal: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

/// Runs a `sig access` subcommand.
pub fn run(command: AccessCommand) -> Result<ExitCode, InputProblem> {
    match command {
        AccessCommand::Check {
            state,
            principal,
            scope,
            action,
            format,
        } => check(&state, &principal, &scope, action.as_deref(), format),
        AccessCommand::List {
            state,
            principal,
            format,
        } => list(&state, &principal, format),
    }
}

fn grant_lines(d: &ActionDecision) -> Vec<String> {
    d.grants
        .iter()
        .map(|g| {
            let via = g
                .via_group
                .as_ref()
                .map_or_else(String::new, |v| format!(" via group '{v}'"));
            let from = if g.inherited {
                format!(" (inherited from {})", g.assignment_scope)
            } else {
                " (at this scope)".into()
            };
            format!(
                "    granted by '{}'{via}{from}: {}",
                g.role_name, g.assignment_id
            )
        })
        .chain(d.denied_by.iter().map(|x| {
            let from = if x.inherited {
                format!("inherited from {}", x.scope)
            } else {
                "at this scope".into()
            };
            format!(
                "    denied by deny assignment '{}' ({from}; a deny wins over any role): {}",
                x.deny_assignment_name, x.deny_assignment_id
            )
        }))
        .collect()
}

fn check(
    state: &std::path::Path,
    principal: &str,
    scope: &str,
    action: Option<&str>,
    format: Format,
) -> Result<ExitCode, InputProblem> {
    let world = read_state(state)?;
    let subject = access::resolve_principal(&world, principal)
        .map_err(|e| InputProblem(format!("unknown principal: {e}")))?;
    if !access::scope_exists(&world, scope) {
        return Err(InputProblem(format!(
            "unknown scope '{scope}': no such subscription, resource group or resource in {}",
            state.display()
        )));
    }
    let cx = access::context(&world, &subject, scope)
        .map_err(|e| InputProblem(format!("unknown scope: {e}")))?;
    let decisions: Vec<ActionDecision> = match action {
        Some(a) => vec![access::decide(&world, &cx, a)],
        None => access::roles::KNOWN_ACTIONS
            .iter()
            .map(|a| access::decide(&world, &cx, a))
            .collect(),
    };
    let allowed = decisions.iter().any(|d| d.allowed);
    match format {
        Format::Json => json(&serde_json::json!({
            "principal": principal,
            "principalId": cx.principal.map(|p| p.object.id()),
            "tenantId": cx.tenant_id,
            "scope": cx.scope.id(),
            "allowed": allowed,
            "actions": decisions,
        }))?,
        Format::Text => {
            let mut out = vec![match cx.principal {
                Some(p) => format!("{principal} (object {} in tenant {}) at {}", p.object.id(), cx.tenant_id, cx.scope.id()),
                None => format!("{principal} has no object in tenant {} (nothing crosses a tenant without an assignment) at {}", cx.tenant_id, cx.scope.id()),
            }];
            for d in &decisions {
                out.push(format!(
                    "  {} {}",
                    if d.allowed { "allowed" } else { "denied " },
                    d.action
                ));
                out.extend(grant_lines(d));
            }
            lines(out)?;
        }
    }
    Ok(if allowed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn list(
    state: &std::path::Path,
    principal: &str,
    format: Format,
) -> Result<ExitCode, InputProblem> {
    let world = read_state(state)?;
    let subject = access::resolve_principal(&world, principal)
        .map_err(|e| InputProblem(format!("unknown principal: {e}")))?;
    let visible = access::visible_resources(&world, &subject);
    match format {
        Format::Json => json(&visible)?,
        Format::Text => {
            let mut out: Vec<String> = visible
                .iter()
                .map(|r| format!("{}  {}  [{}]", r.resource_type, r.id, r.roles.join(", ")))
                .collect();
            out.push(format!(
                "{} resource(s) visible to {principal}",
                visible.len()
            ));
            lines(out)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
