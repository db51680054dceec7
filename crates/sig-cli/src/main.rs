//! `sig`: the SIG Portal rules for CI pipelines.
//!
//! A thin shell over `sig-core`: it reads files, asks the core, and prints.
//! Exit codes are part of the interface: 0 fine, 1 the rules said no,
//! 2 the input could not be read.

mod access;
mod cost;
mod deploy;
mod input;
mod output;
mod regions;
mod replicas;
mod report;
mod template;
mod validate;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Checks Azure compute gallery resources against every rule of the service.
#[derive(Parser)]
#[command(
    name = "sig",
    version,
    about,
    long_about = None,
    after_help = "Exit codes: 0 fine, 1 the rules said no, 2 the input could not be read.\nSeverities are written error, warning, info in text and JSON alike."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// How results are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One line per finding and a summary, for people.
    Text,
    /// JSON on stdout, for tools (each command's help gives its shape).
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Check ARM JSON files: resources, lists, `az sig ... -o json` output,
    /// deployment templates and SIG Portal export files.
    #[command(
        after_help = "JSON: an array of findings, each {file, severity, code, resourceId, path, message}; with --state, {findings, whatIf: [{id, change: create|modify|noChange, properties?, diagnostics}]}.\nExit codes: 0 no error, 1 at least one error (or a refused create/update with --state), 2 a file could not be read."
    )]
    Validate {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// The time rules such as "end of life in the future" are checked
        /// against (RFC 3339); the current time when omitted.
        #[arg(long, value_name = "TIME")]
        at: Option<String>,
        /// A SIG Portal state to deploy onto: each resource in FILE is previewed as the create
        /// or update it amounts to there (what-if: create, change which properties, or no
        /// change; an update may change only what the seed lets change). Files are previewed as
        /// one deployment, parents first; template resources whose subscription is only known
        /// at deployment are not previewed.
        #[arg(long, value_name = "STATE")]
        state: Option<std::path::PathBuf>,
        /// Files to check; all of them are checked together, so cross-file
        /// rules (uniqueness, Publisher/Offer/SKU) apply.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<std::path::PathBuf>,
    },
    /// Recommend image replicas per region for concurrent deployments (the
    /// seed's guideline: 1 per 20 VMs, 1 per scale set of up to 600).
    #[command(
        after_help = "JSON: {recommendedReplicas, fromVms, fromScaleSets, demand, capped, reasons[], diagnostics[]}.\nExit codes: 0 fine, 1 a scale set is larger than allowed, 2 bad arguments."
    )]
    Replicas {
        /// VMs created concurrently (outside scale sets).
        #[arg(long, default_value_t = 0, value_name = "N")]
        concurrent_vms: u32,
        /// Scale sets deployed concurrently.
        #[arg(long, default_value_t = 0, value_name = "K")]
        scale_sets: u32,
        /// Instances in each of those scale sets.
        #[arg(long, value_name = "M")]
        instances_per_set: Option<u32>,
        /// Region the deployments go to (echoed).
        #[arg(long)]
        region: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Target regions in the az `--target-regions` syntax.
    Regions {
        #[command(subcommand)]
        command: RegionsCommand,
    },
    /// Estimate storage and egress cost of the image versions in a state file.
    #[command(
        after_help = "JSON: {currency, lines[{versionId, region, sourceRegion, replicas, storageAccountType, diskTiers, billedGbPerReplica, managedDisks, storageMonthly, egressOneTime}], managedDisks, storageMonthly, egressOneTime, assumptions[], advice[]}.\nExit codes: 0 estimated, 2 the state or price table could not be read (or breaks a rule)."
    )]
    Cost {
        /// SIG Portal state (World export JSON).
        #[arg(long, value_name = "FILE")]
        state: std::path::PathBuf,
        /// Price table JSON overriding the state's own table (or the assumed defaults).
        #[arg(long, value_name = "FILE")]
        prices: Option<std::path::PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// VM and scale-set deployments from gallery images.
    Deploy {
        #[command(subcommand)]
        command: DeployCommand,
    },
    /// Who may do what (RBAC) in a state file: effective permissions, visible resources.
    Access {
        #[command(subcommand)]
        command: access::AccessCommand,
    },
    /// Print the ARM deployment template (or the `az` script) that deploys galleries, image
    /// definitions or image versions of a state file, with their children — the portal's
    /// Export template. Exit codes: 0 printed, 1 the selection was refused, 2 unreadable input.
    Template {
        /// SIG Portal state (World export JSON).
        #[arg(long, value_name = "FILE")]
        state: std::path::PathBuf,
        /// Also deploy the role assignments made at the exported resources.
        #[arg(long)]
        role_assignments: bool,
        /// Add a virtual machine deployed from this image version id.
        #[arg(long, value_name = "VERSION_ID")]
        vm_from: Option<String>,
        /// Print the equivalent bash script of `az` commands instead of the template.
        #[arg(long)]
        az: bool,
        /// Gallery, image definition or image version ids (each brings its children).
        #[arg(required = true, value_name = "ID")]
        ids: Vec<String>,
    },
}

#[derive(Subcommand)]
enum RegionsCommand {
    /// Parse `<region>[=<replica count>][=<storage account type>]` entries
    /// into ARM `targetRegions` JSON (exit 1 on the first bad entry).
    #[command(
        after_help = "JSON: the ARM targetRegions array [{name, regionalReplicaCount, storageAccountType}].\nExit codes: 0 parsed, 1 an entry is refused (the diagnostic says why)."
    )]
    Parse {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
        /// Entries, e.g. "South Central US=2" eastus=2=standard_zrs.
        #[arg(required = true, value_name = "ENTRY")]
        entries: Vec<String>,
    },
}

#[derive(Subcommand)]
enum DeployCommand {
    /// Check whether a deployment would be allowed (exit 0) or refused (exit 1).
    #[command(
        after_help = "JSON: {allowed, imageVersion, regionReplicas, recommendedReplicas, diagnostics[]}.\nExit codes: 0 allowed, 1 refused, 2 the state could not be read (or breaks a rule)."
    )]
    Check {
        /// SIG Portal state (World export JSON).
        #[arg(long, value_name = "FILE")]
        state: std::path::PathBuf,
        /// Image version id, image definition id (= latest), managed image id, or a shared
        /// image's reference (/SharedGalleries/{uniqueName}/Images/{image}/Versions/{version|latest},
        /// /CommunityGalleries/{publicName}/Images/…).
        #[arg(long)]
        image: String,
        /// Deployment region.
        #[arg(long)]
        region: String,
        /// VMs created concurrently, or the scale set's capacity.
        #[arg(long, default_value_t = 1, value_name = "N")]
        instances: u32,
        /// Deploy a virtual machine scale set.
        #[arg(long)]
        scale_set: bool,
        /// The deployment body has an osProfile.
        #[arg(long)]
        os_profile: bool,
        /// For a scale-set image swap: the managed image it uses now.
        #[arg(long, value_name = "ID", requires = "scale_set")]
        current_image: Option<String>,
        /// Who deploys (object id, UPN, appId or display name): they need
        /// `Microsoft.Compute/galleries/images/versions/read` on the version.
        #[arg(long, value_name = "PRINCIPAL")]
        principal: Option<String>,
        /// The VM's securityProfile.securityType (Standard, TrustedLaunch, ConfidentialVM),
        /// checked against the definition's SecurityType.
        #[arg(long, value_name = "TYPE")]
        security_type: Option<String>,
        /// The subscription the VM is created in (a direct shared image must be shared with it
        /// or its tenant).
        #[arg(long, value_name = "ID")]
        subscription: Option<String>,
        /// Time of the deployment (RFC 3339); the current time when omitted.
        #[arg(long, value_name = "TIME")]
        at: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Access { command } => access::run(command),
        Command::Template {
            state,
            role_assignments,
            vm_from,
            az,
            ids,
        } => {
            let request = sig_core::export_template::TemplateRequest {
                ids,
                role_assignments,
                vm_from,
            };
            template::run(&state, &request, az)
        }
        Command::Validate {
            format,
            at,
            state,
            files,
        } => input::parse_time(at.as_deref())
            .and_then(|now| validate::run(&files, state.as_deref(), format, now)),
        Command::Replicas {
            concurrent_vms,
            scale_sets,
            instances_per_set,
            region,
            format,
        } => replicas::run(
            concurrent_vms,
            scale_sets,
            instances_per_set,
            region,
            format,
        ),
        Command::Regions {
            command: RegionsCommand::Parse { format, entries },
        } => regions::parse(&entries, format),
        Command::Cost {
            state,
            prices,
            format,
        } => cost::run(&state, prices.as_deref(), format),
        Command::Deploy {
            command:
                DeployCommand::Check {
                    state,
                    image,
                    region,
                    instances,
                    scale_set,
                    os_profile,
                    current_image,
                    principal,
                    security_type,
                    subscription,
                    at,
                    format,
                },
        } => input::parse_time(at.as_deref()).and_then(|now| {
            let request = sig_core::deploy::DeploymentRequest {
                region,
                image,
                instances,
                scale_set,
                os_profile,
                current_managed_image: current_image,
                principal,
                security_type,
                subscription,
            };
            deploy::check(&state, &request, now, format)
        }),
    };
    match result {
        Ok(code) => code,
        Err(problem) => {
            eprintln!("sig: {problem}");
            ExitCode::from(2)
        }
    }
}
