//! `WM821` ruby-php-project: a workload runs Ruby or PHP code installed from a Gemfile or
//! composer.json; the runtime's Wasm path, with the severity of `rules/data/runtimes.toml`.

use analyzer::projects::Ecosystem;
use analyzer::span::Span;

use crate::projects::{ProjectCx, runtime_severity};
use crate::{Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags each Ruby project (`Gemfile`, `Gemfile.lock`) or PHP project (`composer.json`,
    /// `composer.lock`) a workload installs (a Dockerfile stage running `bundle install` or
    /// `composer install` on it), at its framework dependency (`rails`, `sinatra`,
    /// `laravel/framework`, `symfony/*`) or its first one, and names the runtime's Wasm path from
    /// the `ruby` or `php` entry of `rules/data/runtimes.toml`, whose severity it takes. The
    /// native parts are `ruby-native-gem` (WM822) and `php-extension` (WM823).
    ///
    /// ## Why it matters for Wasm
    /// ruby.wasm (CRuby built for WASI) and community WASI builds of PHP exist, but running a
    /// whole Rails or Laravel service on them *needs validation*: servers that open their own
    /// sockets, native gems and `ext-*` extensions do not come along (WASM-FACTS.md §8).
    ///
    /// ## Example
    /// ```ruby
    /// gem "rails", "~> 7.1"
    /// ```
    ///
    /// ## How to fix
    /// Try the interpreter's WASI build on the service's code with its pure gems or packages,
    /// served through the runtime's HTTP trigger; keep the service on Linux if it needs more.
    pub struct RubyPhpProject {
        code: "WM821",
        name: "ruby-php-project",
        category: LanguageRuntime,
        severity: Warning,
        penalty: 20,
        summary: "the workload runs Ruby or PHP code; its interpreter's WASI build is the path",
        help: "try the interpreter's WASI build (ruby.wasm, a WASI build of PHP) with pure gems or packages; keep the service on Linux if it needs more",
    }
}

/// Framework dependencies that say what the service is.
const FRAMEWORKS: &[&str] = &[
    "rails",
    "sinatra",
    "hanami",
    "laravel/framework",
    "symfony/",
];

impl Rule for RubyPhpProject {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_project(&self, cx: &ProjectCx<'_>, sink: &mut Sink<'_>) {
        let p = cx.project;
        let language = match p.ecosystem {
            Ecosystem::Ruby => "ruby",
            Ecosystem::Php => "php",
            _ => return,
        };
        let Some(rt) = crate::runtimes::runtime(language) else {
            return;
        };
        let framework = p.dependencies.iter().find(|d| {
            FRAMEWORKS
                .iter()
                .any(|f| d.name == *f || (f.ends_with('/') && d.name.starts_with(f)))
        });
        let (file, span, what) = match framework.or_else(|| p.dependencies.first()) {
            Some(d) if framework.is_some() => (d.file, d.span, format!(" (`{}`)", d.name)),
            Some(d) => (d.file, d.span, String::new()),
            None => (p.file, Span::new(0, 0), String::new()),
        };
        let hit = sink.report(
            file,
            span,
            format!(
                "{} project `{}`{what}: Wasm path: {} (toolchain: {}; confidence: needs validation)",
                rt.name,
                cx.shown(),
                rt.path,
                rt.toolchain
            ),
        );
        let severity = runtime_severity(language);
        if severity != Self::META.severity {
            hit.severity(severity);
        }
        hit.help(format!("{} ({})", rt.path, rt.source));
    }
}
