//! `WM207` process-spawn: starting processes (`Command`, fork, exec).

use analyzer::rust::FactKind;

use crate::cargo::CrateCx;
use crate::rust::{evidence, report_dependencies, report_facts};
use crate::{Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags code that starts or replaces processes: `std::process::Command`,
    /// `tokio::process::Command`, `fork`/`exec*` through libc or nix, `posix_spawn`, and crates
    /// built for it (duct, subprocess, daemonize).
    ///
    /// ## Why it matters for Wasm
    /// WASI has no processes: no fork, no exec, no child processes. `Command::spawn` compiles for
    /// `wasm32-wasip2` but always fails at run time.
    ///
    /// ## Example
    /// ```rust,ignore
    /// let out = std::process::Command::new("convert").arg(input).output()?;
    /// ```
    ///
    /// ## How to fix
    /// Do the work in-process with a Rust library, or call a service that does it over HTTP. Keep
    /// workloads that orchestrate other programs as containers.
    pub struct ProcessSpawn {
        code: "WM207",
        name: "process-spawn",
        category: ProcessSpawn,
        severity: Blocker,
        penalty: 40,
        summary: "the code starts or replaces processes",
        help: "do the work in-process with a Rust library, or call a service over HTTP",
    }
}

impl Rule for ProcessSpawn {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_crate(&self, cx: &CrateCx<'_>, sink: &mut Sink<'_>) {
        report_dependencies(cx, sink, "process-spawn", &[]);
        report_facts(
            cx,
            sink,
            &[FactKind::ProcessSpawn, FactKind::Fork, FactKind::Exec],
            false,
            |sink, file, f, shown| {
                let what = match f.kind {
                    FactKind::Fork => "forks the process; WASI has no processes",
                    FactKind::Exec => "replaces the process image; WASI has no processes",
                    _ => "starts a child process; WASI has no processes",
                };
                sink.report(file, f.span, format!("{} {what}", evidence(f, shown)));
                Some(())
            },
        );
    }
}
