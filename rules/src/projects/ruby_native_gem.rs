//! `WM822` ruby-native-gem: a gem with a native (C) extension.

use analyzer::projects::Ecosystem;

use crate::projects::{ProjectCx, data, report_known};
use crate::{Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags each gem of a Ruby project a workload installs (`gem` lines of the Gemfile, every
    /// spec of `Gemfile.lock`) that is in `rules/data/ruby-gems.toml`: gems with C extensions
    /// (nokogiri, pg, mysql2, grpc, ffi, puma, nio4r, bcrypt...). The category and severity are
    /// the entry's.
    ///
    /// ## Why it matters for Wasm
    /// ruby.wasm is CRuby built for WASI; a gem's C extension compiled for Linux does not load
    /// in it, so native gems are blockers (WASM-FACTS.md §8).
    ///
    /// ## Example
    /// ```text
    /// GEM
    ///   specs:
    ///     nokogiri (1.16.0)
    /// ```
    ///
    /// ## How to fix
    /// Use the pure-Ruby alternative the finding names, or keep the service on Linux.
    pub struct RubyNativeGem {
        code: "WM822",
        name: "ruby-native-gem",
        category: NativeLib,
        severity: Blocker,
        penalty: 30,
        summary: "a Ruby gem has a native (C) extension",
        help: "use a pure-Ruby alternative, or keep the service on Linux",
    }
}

impl Rule for RubyNativeGem {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_project(&self, cx: &ProjectCx<'_>, sink: &mut Sink<'_>) {
        report_known(
            cx,
            Ecosystem::Ruby,
            data::ruby_gems(),
            "gem",
            &Self::META,
            sink,
        );
    }
}
