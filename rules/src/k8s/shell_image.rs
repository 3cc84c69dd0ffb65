//! `WM325` shell-image: a container runs a shell-utility or bare Linux distribution image.

use analyzer::k8s::ContainerRole;

use crate::k8s::common::role_word;
use crate::k8s::images::{judge, rule_of};
use crate::{ImageCx, Rule, RuleMeta, Severity, Sink, declare_rule};

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
    /// When such images are the workload's only program (every main container runs one: a
    /// `helm test` Pod running `wget` in busybox, a Job running `kubectl` in `bitnami/kubectl`),
    /// there is no code of the workload's own to build for Wasm at all: the finding is a blocker
    /// (docs/categories.md, "Severity policy"). Beside an application container, or as an init
    /// step, it stays a warning.
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
        if !is_the_program(cx) {
            judge(cx, sink, &Self::META);
            return;
        }
        let c = cx.container;
        let written = c.image.as_deref().unwrap_or_default();
        let Some(info) = analyzer::images::lookup(written) else {
            return;
        };
        sink.report(
            cx.file,
            cx.span,
            format!(
                "{} `{}` runs `{written}` ({}), {}; it is all the workload runs, so there is no code of its own to build for Wasm",
                role_word(c.role),
                c.name,
                info.name,
                info.reason
            ),
        )
        .severity(Severity::Blocker)
        .help(format!(
            "rewrite the step as a program (code in the service it serves, or a Wasm component of its own), or keep this workload on Linux; {}",
            info.alternative
        ));
    }
}

/// True when every main container of the workload runs a shell-utility, distribution or
/// client-tool image, and `cx`'s container is one of them: those commands are the whole
/// workload.
fn is_the_program(cx: &ImageCx<'_>) -> bool {
    let shell = |image: Option<&str>| {
        image
            .and_then(analyzer::images::lookup)
            .is_some_and(|i| rule_of(i) == Some(ShellImage::META.code))
    };
    cx.container.role == ContainerRole::Main
        && shell(cx.container.image.as_deref())
        && cx
            .workload
            .containers
            .iter()
            .filter(|c| c.role == ContainerRole::Main)
            .all(|c| shell(c.image.as_deref()))
}
