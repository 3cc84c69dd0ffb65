//! `WM306` statefulset: the workload is a StatefulSet (stable identities, ordered pods).

use crate::{ObjectCx, Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags objects of kind `StatefulSet`. The storage it claims is reported separately by
    /// `persistent-volume` (WM305).
    ///
    /// ## Why it matters for Wasm
    /// A StatefulSet gives each pod a stable name and network identity and starts them in order:
    /// the shape of a database, a broker or a clustered server that keeps state and talks to its
    /// peers. A RuntimeClass works under any controller, so the kind itself does not stop a Wasm
    /// shim, but Wasm services are meant to be stateless and interchangeable. A workload that
    /// depends on which replica it is needs rework before it fits.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: StatefulSet
    /// metadata:
    ///   name: ledger
    /// ```
    ///
    /// ## How to fix
    /// If the pods do not depend on their identity, make it a Deployment. If they do (a
    /// clustered store, a leader election over pod names), keep it as a Linux workload and let
    /// Wasm services reach it over the network.
    pub struct Statefulset {
        code: "WM306",
        name: "statefulset",
        category: Statefulset,
        severity: Warning,
        penalty: 15,
        summary: "the workload is a StatefulSet, with stable pod identities and ordered start",
        help: "make it a Deployment when the pods do not depend on their identity; clustered stores stay Linux workloads",
    }
}

impl Rule for Statefulset {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_object(&self, cx: &ObjectCx<'_>, sink: &mut Sink<'_>) {
        if cx.object.kind != "StatefulSet" {
            return;
        }
        let Some(kind) = cx.root().get("kind") else {
            return;
        };
        sink.report(
            cx.object.file,
            kind.entry_span(),
            format!(
                "StatefulSet `{}` gives each pod a stable identity and starts them in order",
                cx.object.name
            ),
        );
    }
}
