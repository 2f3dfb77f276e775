//! The `comply` binary: reads the environment, runs the library, exits.

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches};
use comply::cli::Cli;
use comply::commands::{self, Environment, Exit};

fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let as_of_from = match matches.value_source("as_of") {
        Some(ValueSource::CommandLine) => "--as-of",
        Some(ValueSource::EnvVariable) => "COMPLY_TODAY",
        _ => "today's date",
    };
    let env = Environment {
        cwd: std::env::current_dir().unwrap_or_else(|_| ".".into()),
        today: chrono::Local::now().date_naive(),
        no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
        stdout_is_terminal: io::stdout().is_terminal(),
        as_of_from,
    };
    let mut out = io::BufWriter::new(io::stdout().lock());
    let mut err = io::stderr().lock();
    let result = commands::run(&cli, &env, &mut out, &mut err).and_then(|exit| {
        out.flush()?;
        Ok(exit)
    });
    match result {
        Ok(exit) => ExitCode::from(exit as u8),
        Err(e) if commands::is_broken_pipe(&e) => ExitCode::SUCCESS,
        // A bare I/O error is a failed write of the output (a full disk, a
        // closed stream): say so, with the system's reason.
        Err(e) if e.chain().count() == 1 && e.downcast_ref::<io::Error>().is_some() => {
            let _ = writeln!(err, "error: cannot write the output: {e}");
            ExitCode::from(Exit::Invalid as u8)
        }
        Err(e) => {
            let _ = writeln!(err, "error: {e:#}");
            ExitCode::from(Exit::Invalid as u8)
        }
    }
}
