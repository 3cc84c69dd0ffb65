//! `WM103` copied-shared-library: a shared library (`*.so`, `*.so.N`) is copied into the final
//! image.

use analyzer::dockerfile::{CopySource, InstructionKind};

use crate::dockerfile::common::{image_part, stage_name};
use crate::{DockerfileCx, Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags `COPY` and `ADD` instructions of the final image (the last stage and the stages it
    /// is built `FROM`) whose source, or else destination, names a shared library: a file
    /// called `*.so`, `*.so.<version>` or a `*.so*` pattern (`libpq.so.5`,
    /// `/usr/lib/x86_64-linux-gnu/libssl.so.3`, `plugins/*.so`). Copying a directory that
    /// happens to hold libraries cannot be seen and does not fire; `app.sock` or `x.solution`
    /// are not libraries.
    ///
    /// ## Why it matters for Wasm
    /// Copying a shared library into the image means a native program loads it at run time
    /// (linked, or through `dlopen` from a plugin directory). A Wasm module cannot load native
    /// code: WASI has no dynamic loading of host libraries, so the functionality must be
    /// compiled into the module or reached as a service.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM gcr.io/distroless/cc-debian12
    /// COPY --from=build /usr/lib/x86_64-linux-gnu/libpq.so.5 /usr/lib/x86_64-linux-gnu/
    /// COPY --from=build /app/target/release/api /api
    /// ```
    ///
    /// ## How to fix
    /// Replace the library with code that compiles into the module (for Rust, crates without C
    /// dependencies, `rustls` instead of OpenSSL) or call the functionality as a service. Rules
    /// WM2xx name the crate that pulls the library in.
    pub struct CopiedSharedLibrary {
        code: "WM103",
        name: "copied-shared-library",
        category: NativeLib,
        severity: Blocker,
        penalty: 40,
        summary: "a shared library is copied into the final image",
        help: "compile the functionality into the module (crates without C dependencies, rustls instead of OpenSSL) or call it as a service",
    }
}

impl Rule for CopiedSharedLibrary {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_dockerfile(&self, cx: &DockerfileCx<'_>, sink: &mut Sink<'_>) {
        let df = cx.dockerfile;
        for lib in df.shared_libraries() {
            let name = lib.word.value.rsplit('/').next().unwrap_or(&lib.word.value);
            let from = df
                .instruction(lib.at)
                .and_then(|i| match &i.kind {
                    InstructionKind::Copy(c) | InstructionKind::Add(c) => c.from.as_ref(),
                    _ => None,
                })
                .map(|f| match &f.source {
                    CopySource::Stage(s) => format!(" from {}", stage_name(df, *s)),
                    CopySource::Image(i) => format!(" from image `{i}`"),
                })
                .unwrap_or_default();
            let msg = if name.contains('*') {
                format!(
                    "the shared libraries `{}` are copied{from} into {}",
                    lib.word.value,
                    image_part(df, lib.at.stage)
                )
            } else {
                format!(
                    "the shared library `{name}` is copied{from} into {}",
                    image_part(df, lib.at.stage)
                )
            };
            sink.report(cx.file.id, lib.word.span, msg);
        }
    }
}
