//! `WM324` proxy-image: a container runs a native web server or proxy image (nginx, Envoy, HAProxy, ...).

use crate::k8s::images::judge;
use crate::{ImageCx, Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a container whose image is a native web server or proxy (nginx, OpenResty, Kong,
    /// Apache httpd, Envoy, Istio's proxy, HAProxy, Traefik, Caddy, Varnish, Squid) that no
    /// Dockerfile in the repository builds: the `native-lib` entries of
    /// `rules/data/images.toml`. The category is `native-lib` because what stands in the way is
    /// a prebuilt native program with no Wasm build.
    ///
    /// ## Why it matters for Wasm
    /// These are C, C++ or Go programs built for Linux. They cannot run under a Wasm shim, but
    /// they rarely need to: static files can be served by a Wasm file server component
    /// (spin-fileserver), routing belongs to the cluster's Ingress, and current runwasi and Spin
    /// shims run a Linux container beside a Wasm one in the same pod. Whether a mesh proxy and
    /// its iptables init container work under a Wasm shim has no public confirmation.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     image: nginx:1.27
    /// ```
    ///
    /// ## How to fix
    /// Serve static files from a Wasm file server component and route with the Ingress, or keep
    /// the proxy as a Linux container (a separate workload, or a sidecar where mixed pods work).
    pub struct ProxyImage {
        code: "WM324",
        name: "proxy-image",
        category: NativeLib,
        severity: Warning,
        penalty: 20,
        summary: "a container runs a native web server or proxy",
        help: "serve static files from a Wasm file server component and route with the Ingress, or keep the proxy as a Linux container",
    }
}

impl Rule for ProxyImage {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_image(&self, cx: &ImageCx<'_>, sink: &mut Sink<'_>) {
        judge(cx, sink, &Self::META);
    }
}
