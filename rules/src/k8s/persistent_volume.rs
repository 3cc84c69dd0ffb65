//! `WM305` persistent-volume: the pod mounts a PersistentVolumeClaim, or a StatefulSet asks for
//! one per pod (`volumeClaimTemplates`).

use crate::k8s::common::{claim_templates, volume_source, volumes};
use crate::k8s::pod::LazyWasm;
use crate::{ObjectCx, Rule, RuleMeta, Severity, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags `persistentVolumeClaim` volumes of a pod spec (or a SpinApp's `volumes`) and every
    /// entry of a StatefulSet's `volumeClaimTemplates`. When the claimed
    /// PersistentVolumeClaim is defined in the repository, the finding points at it too.
    ///
    /// In a workload that already runs Wasm (a Wasm `runtimeClassName`, a SpinApp, a `wasm32-*`
    /// node selector, a Wasm image) the claim is a note: every shim preopens the container root
    /// filesystem, mounts included (WASM-FACTS.md §1), so the module already keeps its files
    /// there through WASI.
    ///
    /// ## Why it matters for Wasm
    /// A persistent volume means the workload keeps state on a local filesystem across restarts.
    /// Wasm services are built to be stateless: `wasi:http/proxy` components have no filesystem,
    /// Spin components see only the files their manifest maps in, and while the shims preopen
    /// the container root filesystem for `wasi:cli` modules, a database or queue that writes its
    /// own files will not be rebuilt for WASI. Local persistent state is a blocker.
    ///
    /// ## Example
    /// ```yaml
    /// volumes:
    ///   - name: data
    ///     persistentVolumeClaim:
    ///       claimName: uploads
    /// ```
    ///
    /// ## How to fix
    /// Keep the state in a service the module reaches through an API: a managed database, object
    /// storage over HTTP, or Spin's key-value and SQLite stores (`runtimeConfig` of a SpinApp).
    /// If the workload is the database itself, keep it as a Linux workload.
    pub struct PersistentVolume {
        code: "WM305",
        name: "persistent-volume",
        category: PersistentVolume,
        severity: Blocker,
        penalty: 40,
        summary: "the pod keeps local persistent state on a PersistentVolumeClaim",
        help: "keep state in a service reached through an API (managed database, object storage, Spin key-value/SQLite); a database itself stays a Linux workload",
    }
}

impl Rule for PersistentVolume {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_object(&self, cx: &ObjectCx<'_>, sink: &mut Sink<'_>) {
        let wasm = LazyWasm::new(cx.repo, cx.object, cx.doc);
        let relieve = |hit: &mut crate::Hit| {
            if let Some(why) = wasm.get() {
                hit.severity(Severity::Note).help(format!(
                    "the workload already runs Wasm ({why}): the shim preopens the mounted claim for the module (WASM-FACTS.md §1); nothing to change"
                ));
            }
        };
        for v in volumes(cx) {
            let Some(("persistentVolumeClaim", src)) = volume_source(v) else {
                continue;
            };
            let name = v.get("name").and_then(|n| n.as_str()).unwrap_or("");
            let claim = src.get("claimName").and_then(|c| c.as_str()).unwrap_or("");
            let hit = sink.report(
                cx.object.file,
                src.entry_span(),
                format!("volume `{name}` mounts PersistentVolumeClaim `{claim}`"),
            );
            if let Some((file, span)) = find_claim(cx, claim) {
                hit.related(
                    file,
                    span,
                    format!("PersistentVolumeClaim `{claim}` is defined here"),
                );
            }
            relieve(hit);
        }
        for (name, template) in claim_templates(cx) {
            let at = template.path(&["metadata", "name"]).unwrap_or(template);
            let size = template
                .path(&["spec", "resources", "requests", "storage"])
                .and_then(|s| s.as_str());
            let msg = match size {
                Some(size) => format!(
                    "StatefulSet `{}` claims a {size} volume `{name}` for each pod",
                    cx.object.name
                ),
                None => format!(
                    "StatefulSet `{}` claims a volume `{name}` for each pod",
                    cx.object.name
                ),
            };
            relieve(sink.report(cx.object.file, at.entry_span(), msg));
        }
    }
}

/// The `PersistentVolumeClaim` object of that name in the workload's namespace, if the
/// repository defines it.
fn find_claim(
    cx: &ObjectCx<'_>,
    claim: &str,
) -> Option<(analyzer::source::FileId, analyzer::span::Span)> {
    let ns = cx.object.namespace.as_deref().unwrap_or("default");
    let obj = cx.repo.objects.iter().find(|o| {
        o.kind == "PersistentVolumeClaim"
            && o.name == claim
            && o.namespace.as_deref().unwrap_or("default") == ns
    })?;
    let doc = cx.repo.doc_of(obj)?;
    let name = obj.root(doc).path(&["metadata", "name"])?;
    Some((obj.file, name.entry_span()))
}
