//! The `comply` binary: reads the environment, runs the library, exits.

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use clap::parser::ValueSource;
use comply::cli;
use comply::commands::{self, Environment, Exit};

/// mimalloc: loading a large repository allocates and frees millions of
/// small strings and vectors, and glibc's allocator spent about a fifth of
/// `comply check`'s time on them (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // With COMPLETE=<shell> set, a shell is asking for completions (or for
    // the script that registers them): answer and exit. A failed write of
    // the answer is reported as any other failed write.
    let shell = std::env::var_os("COMPLETE").unwrap_or_default();
    let completing = clap_complete::CompleteEnv::with_factory(cli::completing_command)
        .bin("comply")
        .try_complete(std::env::args_os(), std::env::current_dir().ok().as_deref());
    match completing {
        Ok(true) => return ExitCode::SUCCESS,
        Ok(false) => {}
        // clap_complete keeps only the text of its I/O errors (a failed
        // write of the answer, an unknown shell): said on one line, exit 2.
        Err(e) if e.kind() == clap::error::ErrorKind::Io => {
            let text = e.to_string();
            let reason = text.trim().trim_start_matches("error: ");
            eprintln!(
                "error: cannot complete (COMPLETE={}): {}",
                comply::text::inert(&shell.to_string_lossy()),
                comply::text::inert(reason)
            );
            return ExitCode::from(Exit::Invalid as u8);
        }
        Err(e) => e.exit(),
    }
    let matches = match cli::command().try_get_matches() {
        Ok(matches) => matches,
        // --help and --version: printed here, so that a failed write is an
        // error (clap's own exit ignores it).
        Err(e) if e.exit_code() == 0 => {
            let printed = e.print().and_then(|()| io::stdout().flush());
            return finish(
                printed.map(|()| Exit::Success).map_err(Into::into),
                &mut io::stderr().lock(),
            );
        }
        Err(e) => e.exit(),
    };
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
    finish(result, &mut err)
}

/// The exit code of a run that ended with `result`, after saying why it
/// failed on `err`.
fn finish(result: anyhow::Result<Exit>, err: &mut dyn Write) -> ExitCode {
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
