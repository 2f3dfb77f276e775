//! The `comply` binary: reads the environment, runs the library, exits.

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use clap::parser::ValueSource;
use comply::cli;
use comply::commands::{self, Environment, Exit};

fn main() -> ExitCode {
    // With COMPLETE=<shell> set, a shell is asking for completions (or for
    // the script that registers them): answer and exit.
    clap_complete::CompleteEnv::with_factory(cli::completing_command)
        .bin("comply")
        .complete();
    let matches = cli::command().get_matches();
    let cli = cli::from_matches(&matches).unwrap_or_else(|e| e.exit());
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
        width: commands::terminal_width(
            std::env::var("COLUMNS").ok().as_deref(),
            terminal_size::terminal_size_of(io::stdout()).map(|(w, _)| w.0),
        ),
        as_of_from,
        step_summary: std::env::var_os("GITHUB_STEP_SUMMARY")
            .filter(|v| !v.is_empty())
            .map(Into::into),
    };
    let mut out = io::BufWriter::new(io::stdout().lock());
    let mut err = io::stderr().lock();
    let result = commands::run(&cli, &env, &mut out, &mut err).and_then(|exit| {
        match out.flush() {
            // The reader left; the exit code still tells the verdict.
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(exit),
            Err(e) => Err(e.into()),
            Ok(()) => Ok(exit),
        }
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
            let _ = writeln!(err, "error: {}", comply::text::inert(&format!("{e:#}")));
            ExitCode::from(Exit::Invalid as u8)
        }
    }
}
