//! `WM325` shell-image: a container runs a shell-utility or bare Linux distribution image.

use crate::k8s::images::judge;
use crate::{ImageCx, Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a container whose image is a shell-utility image (`busybox`, `alpine`, `bash`) or a
    /// bare Linux distribution (`ubuntu`, `debian`, `fedora`, UBI, ...) that no Dockerfile in the
    /// repository builds, or a client-tool image (`curlimages/curl`, `bitnami/kubectl`, cloud
    /// CLIs): the `shell-command` entries of `rules/data/images.toml`. A shell command line in
    /// the same container is reported by `shell-command` (WM310) as well. A Dockerfile built on
    /// such a base is not flagged: the program it adds decides.
    ///
    /// ## Why it matters for Wasm
    /// A container on such an image exists to run shell commands or Unix tools (`wget`, `chown`,
    /// `nc`, `sleep`). A Wasm module is one program with no shell, and WASI cannot start
    /// processes, so the step has to become code or move out of the pod.
    ///
    /// ## Example
    /// ```yaml
    /// initContainers:
    ///   - name: fix-permissions
    ///     image: busybox:1.36
    ///     command: ["chown", "-R", "1000:1000", "/data"]
    /// ```
    ///
    /// ## How to fix
    /// Do the step in the application or in a Job. Where the pod keeps it, validate that your
    /// shim runs Linux containers beside Wasm ones.
    pub struct ShellImage {
        code: "WM325",
        name: "shell-image",
        category: ShellCommand,
        severity: Warning,
        penalty: 10,
        summary: "a container runs a shell-utility or bare Linux distribution image",
        help: "do the step in the application or in a Job; a Wasm module has no shell and cannot start processes",
    }
}

impl Rule for ShellImage {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_image(&self, cx: &ImageCx<'_>, sink: &mut Sink<'_>) {
        judge(cx, sink, &Self::META);
    }
}
