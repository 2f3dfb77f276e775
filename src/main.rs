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

/// mimalloc v2's `mi_option_purge_delay` (its place in `mi_option_e`; the
/// Rust binding names no constant for it).
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// How long freed memory stays with the process before mimalloc returns it
/// to the system, in milliseconds (mimalloc's default is 10): a run frees
/// each file's YAML tree and allocates the views soon after, and memory
/// returned in between comes back as fresh pages the kernel must zero (up
/// to a third of `comply check`'s time in some runs). A second keeps it for
/// any run that matters and still returns it in long ones.
const PURGE_DELAY_MS: std::ffi::c_long = 1000;

/// Sets mimalloc's options before the first allocation that matters.
fn tune_allocator() {
    // SAFETY: mi_option_set takes two integers, touches no memory of
    // ours, and may be called at any time from any thread.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, PURGE_DELAY_MS) }
}

fn main() -> ExitCode {
    tune_allocator();
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
        exits_after: true,
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

#[cfg(test)]
mod tests {
    #[test]
    fn the_purge_delay_option_is_the_one_set() {
        // The index is mimalloc v2's: its default there is 10 ms, which the
        // options on either side of it do not have (1 and 0).
        // SAFETY: reading and writing an integer option.
        let (before, after) = unsafe {
            let before = libmimalloc_sys::mi_option_get(super::PURGE_DELAY);
            super::tune_allocator();
            (before, libmimalloc_sys::mi_option_get(super::PURGE_DELAY))
        };
        assert_eq!(before, 10);
        assert_eq!(after, super::PURGE_DELAY_MS);
    }
}
