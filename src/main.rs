//! `wasm-migrate`: find which Kubernetes workloads can move from Linux containers to WebAssembly.
//!
//! The binary is glue: it parses the command line, runs the analyzer and the rule engine, and hands
//! the report to a renderer. Exit codes (DESIGN §7): 0 done, 1 a gate tripped, 2 usage error or
//! the tool could not do its job.

mod baseline;
mod cli;
mod config;
mod convert_cmd;
mod fingerprint;
mod output;
mod render;
mod scan_cmd;
#[cfg(test)]
mod testutil;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match cli::run(cli) {
        Ok(code) => code,
        // `wasm-migrate rules | head`: the reader went away, which is not the tool failing.
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
