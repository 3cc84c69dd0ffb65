//! `WM101` apt-native-pkg: the final image installs an OS package that is a native library (or a
//! native program the application calls).

use crate::dockerfile::common::{OsPackage, classify_os_package, image_part};
use crate::{DockerfileCx, Rule, RuleMeta, Severity, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reads every `apt-get`/`apt install`, `apk add`, `yum`/`dnf`/`microdnf install` and
    /// `zypper install` in the stages that make up the final image: the last stage and the
    /// stages it is built `FROM`. A package fires when `rules/data/packages.toml` lists it as
    /// native (`libpq5`, `libssl3`, `imagemagick`, `ffmpeg`, `libvips42`, ...) or, when it is
    /// not listed at all, when its name follows the library naming of Debian and Alpine
    /// (`lib*`) or is a headers package (`*-dev`, `*-devel`).
    ///
    /// It does not fire for:
    /// - installs in build stages that the final image only copies files out of
    ///   (`COPY --from=build`);
    /// - packages the same stage removes later (`apt-get purge`, `apk del` of the `--virtual`
    ///   group they were installed in);
    /// - the benign list: `ca-certificates`, `curl`, `wget`, `tzdata`, `tini`, locale data and
    ///   the C runtime every native binary already has (`libc6`, `libgcc*`, `libstdc++*`);
    /// - Python packages of the OS (`python3-numpy`): python-native-package (WM106) judges them.
    ///
    /// A blocker, except where the package table says a warning: a library whose job the Wasm
    /// build gets from the host or from a pure replacement in the program's language with a
    /// local change (`libssl3`: the host's TLS or rustls; `libcurl4`: wasi:http), and headers
    /// packages (`*-dev`), which only mean compiling in the final image.
    ///
    /// ## Why it matters for Wasm
    /// A Wasm module cannot load a shared library from the image and cannot start a native
    /// program: WASI has no `dlopen` and no processes. Whatever the application gets from the
    /// package (a database driver, TLS, image or media processing) has to be replaced by code
    /// compiled into the module or by a service it calls.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends libpq5 ca-certificates
    /// COPY --from=build /app/target/release/api /usr/local/bin/api
    /// ```
    /// `libpq5` fires; `ca-certificates` does not.
    ///
    /// ## How to fix
    /// Replace the library with something that compiles into the module (a pure-language
    /// driver, `rustls` instead of OpenSSL, an image crate instead of ImageMagick) or with a
    /// platform API (Spin's PostgreSQL, MySQL, Redis and SQLite APIs), and drop the install. If
    /// the package is only needed to build, install it in a build stage.
    pub struct AptNativePkg {
        code: "WM101",
        name: "apt-native-pkg",
        category: AptNativePkg,
        severity: Blocker,
        penalty: 40,
        summary: "the final image installs a native library or program with the OS package manager",
        help: "replace the library with code compiled into the module or a platform API, and drop the install; build-only packages belong in a build stage",
    }
}

impl Rule for AptNativePkg {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_dockerfile(&self, cx: &DockerfileCx<'_>, sink: &mut Sink<'_>) {
        let df = cx.dockerfile;
        for (install, pkg) in df.runtime_packages() {
            let (what, alternative, severity) = match classify_os_package(&pkg.name) {
                OsPackage::Native(e) => (
                    e.reason.clone(),
                    e.alternative.clone(),
                    e.severity.as_deref().and_then(Severity::parse),
                ),
                OsPackage::Library => ("a shared library package".to_string(), None, None),
                // Headers in the final image mean native code is compiled there: moving that to a
                // build stage is a local change; the library they are for fires on its own.
                OsPackage::Headers => (
                    "development headers for compiling native code in the image".to_string(),
                    Some("compile in a build stage and copy the result out".to_string()),
                    Some(Severity::Warning),
                ),
                OsPackage::Benign | OsPackage::Python | OsPackage::Unknown => continue,
            };
            let msg = format!(
                "`{}` is installed with {} in {}: {what}",
                pkg.name,
                install.manager.as_str(),
                image_part(df, install.at.stage)
            );
            let hit = sink.report(cx.file.id, pkg.word.span, msg);
            if let Some(alt) = alternative {
                hit.help(format!("{alt}, then drop the install"));
            }
            if let Some(severity) = severity.filter(|s| *s != Self::META.severity) {
                hit.severity(severity);
            }
        }
    }
}
