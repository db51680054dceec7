//! `sig`: the SIG Portal rules for CI pipelines.
//!
//! A thin shell over `sig-core`: it reads files, asks the core, and prints.
//! Exit codes are part of the interface: 0 fine, 1 the rules said no,
//! 2 the input could not be read.

mod input;
mod output;
mod validate;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Checks Azure compute gallery resources against every rule of the service.
#[derive(Parser)]
#[command(name = "sig", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// How results are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One line per finding and a summary, for people.
    Text,
    /// A JSON array on stdout, for tools.
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Check ARM JSON files: resources, lists, `az sig ... -o json` output,
    /// deployment templates and SIG Portal export files.
    Validate {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// The time rules such as "end of life in the future" are checked
        /// against (RFC 3339); the current time when omitted.
        #[arg(long, value_name = "TIME")]
        at: Option<String>,
        /// Files to check; all of them are checked together, so cross-file
        /// rules (uniqueness, Publisher/Offer/SKU) apply.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<std::path::PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Validate { format, at, files } => {
            input::parse_time(at.as_deref()).and_then(|now| validate::run(&files, format, now))
        }
    };
    match result {
        Ok(code) => code,
        Err(problem) => {
            eprintln!("sig: {problem}");
            ExitCode::from(2)
        }
    }
}
