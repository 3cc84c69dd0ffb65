//! `WM318` controller: the workload is a long-running watcher of the Kubernetes API (a controller
//! or an operator) or an admission webhook server: by its flags, by a webhook configuration that
//! calls it, or by the `watch` RBAC its ServiceAccount is bound to.

use analyzer::k8s::{ContainerRole, K8sObject};
use analyzer::source::FileId;
use analyzer::span::Span;
use analyzer::yaml::YRef;

use crate::k8s::common::{container_label, selecting_services};
use crate::k8s::manifest_signals::{signals, span_of};
use crate::k8s::pod::{Member, sidecar_relief};
use crate::{ObjectCx, Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a workload that is a Kubernetes controller, operator or admission webhook server:
    /// - an application container's `command`/`args` carries a controller flag
    ///   (`--leader-elect`, `--leader-election*`, `--enable-leader-election`, `--webhook-port`;
    ///   the list is data, `controller-flag` in `rules/data/manifest-signals.toml`), reported at
    ///   the argument;
    /// - a `ValidatingWebhookConfiguration` or `MutatingWebhookConfiguration` in the scan calls a
    ///   Service (by `clientConfig.service` name and namespace) whose selector matches the
    ///   workload's pods, reported at the webhook's `service` entry;
    /// - the pod's `serviceAccountName` is bound (RoleBinding or ClusterRoleBinding in the scan,
    ///   subject `ServiceAccount` of that name in the workload's namespace) to a Role or
    ///   ClusterRole in the scan that grants `watch` (or `*`), reported at `serviceAccountName`
    ///   with the `watch` verb as related location.
    ///
    /// A Job or CronJob is not judged by its RBAC: it runs to completion, and a `watch` grant
    /// lets it wait for something (`kubectl delete --wait`), not keep an informer running.
    /// RBAC objects may sit in other files: they are linked by name and namespace only. A
    /// ClusterRoleBinding subject without a namespace, a Role or binding the scan does not hold,
    /// a pod without `serviceAccountName`, or a ServiceAccount that other workloads of the scan
    /// run under too (its RBAC then says what one of them does, not which) links nothing:
    /// nothing is guessed. A shared ServiceAccount still counts for the one workload it is named
    /// after, as charts and operator bundles name it. Recognized
    /// sidecars (`kube-rbac-proxy`, ...) and init containers are not judged by their flags.
    ///
    /// ## Why it matters for Wasm
    /// A controller keeps long-lived watch streams on the API server open, holds an informer cache
    /// in memory, renews a leader-election lease on a timer and runs reconcile loops in the
    /// background. The Wasm shims run request/response handlers (`wasi:http/incoming-handler`,
    /// Spin triggers) that live for one request; WASI has no background threads for components
    /// (WASM-FACTS.md §5) and no TLS in `wasi:sockets`, which an API-server client and a webhook
    /// server both need. No mainstream controller framework (client-go, controller-runtime,
    /// kube-rs) builds for WASI.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: manager
    ///     image: ghcr.io/acme/operator:1.0
    ///     args: ["--leader-elect", "--metrics-bind-address=:8080"]
    /// ```
    ///
    /// ## How to fix
    /// Keep the controller as a Linux workload. Wasm fits the work it triggers: have the
    /// reconcile loop call Wasm functions over HTTP, or move event handling to a Spin app fed by
    /// a queue.
    pub struct Controller {
        code: "WM318",
        name: "controller",
        category: Controller,
        severity: Blocker,
        penalty: 50,
        summary: "the workload is a Kubernetes controller, operator or admission webhook server",
        help: "keep the controller as a Linux workload; let it call Wasm functions over HTTP for the work it triggers",
    }
}

impl Rule for Controller {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_object(&self, cx: &ObjectCx<'_>, sink: &mut Sink<'_>) {
        let Some(spec) = cx.pod_spec() else { return };
        let members = Member::of_spec(&spec);
        for c in spec.containers() {
            if c.role != ContainerRole::Main {
                continue;
            }
            let me = members.iter().find(|m| m.name == c.name()).copied();
            if me.is_some_and(|me| sidecar_relief(&members, &me).is_some()) {
                continue;
            }
            if let Some((node, word, reason)) = controller_flag(c.node) {
                sink.report(
                    cx.object.file,
                    span_of(cx.file, node, word),
                    format!("{} runs with `{word}`: {reason}", container_label(&c)),
                );
            }
        }
        webhooks(cx, sink);
        // A Job runs to completion: a `watch` grant lets it wait for something (`kubectl
        // delete --wait`, a rollout), not keep an informer running.
        if matches!(cx.object.kind.as_str(), "Job" | "CronJob") {
            return;
        }
        watch_rbac(
            cx,
            spec.get("serviceAccountName")
                .or(spec.get("serviceAccount")),
            sink,
        );
    }
}

/// The first controller flag among a container's `command` and `args`.
fn controller_flag(container: YRef<'_>) -> Option<(YRef<'_>, &str, &'static str)> {
    let table = &signals().controller_flag;
    for key in ["command", "args"] {
        for (value, node) in container.get(key).into_iter().flat_map(|l| l.str_items()) {
            for word in value.split(|c: char| c.is_whitespace() || c == '"' || c == '\'') {
                if let Some(e) = table.iter().find(|e| is_flag(word, &e.prefix)) {
                    return Some((node, word.split('=').next().unwrap_or(word), &e.reason));
                }
            }
        }
    }
    None
}

/// `--leader-elect`, `--leader-elect=true`, `--leader-election-id` for `--leader-elect` /
/// `--leader-election`, but not `--leader-elector`.
fn is_flag(word: &str, flag: &str) -> bool {
    word.strip_prefix(flag)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(['=', '-']))
}

fn namespace_of(o: &K8sObject) -> &str {
    o.namespace.as_deref().unwrap_or("default")
}

/// Webhook configurations whose `clientConfig.service` is a Service that selects the workload.
fn webhooks(cx: &ObjectCx<'_>, sink: &mut Sink<'_>) {
    let services = selecting_services(cx);
    if services.is_empty() {
        return;
    }
    for &o in &cx.rbac.webhooks {
        let Some(doc) = cx.repo.doc_of(o) else {
            continue;
        };
        for hook in o
            .root(doc)
            .get("webhooks")
            .into_iter()
            .flat_map(|w| w.items())
        {
            let Some(svc_ref) = hook.path(&["clientConfig", "service"]) else {
                continue;
            };
            let name = svc_ref.get("name").and_then(|n| n.as_str());
            let ns = svc_ref
                .get("namespace")
                .and_then(|n| n.as_str())
                .unwrap_or("default");
            let Some(svc) = services
                .iter()
                .find(|s| Some(s.object.name.as_str()) == name && namespace_of(s.object) == ns)
            else {
                continue;
            };
            let hook_name = hook.get("name").and_then(|n| n.as_str()).unwrap_or("?");
            sink.report(
                o.file,
                svc_ref.key_span(),
                format!(
                    "{} `{}` sends admission requests (webhook `{hook_name}`) to Service `{}`, which selects this workload: it is an admission webhook server",
                    o.kind, o.name, svc.object.name
                ),
            )
            .related(
                svc.object.file,
                svc.selector.entry_span(),
                format!("the selector of Service `{}` matches the workload's pods", svc.object.name),
            );
        }
    }
}

/// A bound Role or ClusterRole that grants `watch`: (file, span of the verb, role description).
fn watch_rbac(cx: &ObjectCx<'_>, account: Option<YRef<'_>>, sink: &mut Sink<'_>) {
    let Some(account) = account else { return };
    let Some(sa) = account.as_str().filter(|s| !s.is_empty()) else {
        return;
    };
    let ns = namespace_of(cx.object);
    let Some((file, span, role)) = bound_watch(cx, sa, ns) else {
        return;
    };
    // A shared account belongs to the workload it is named after (charts and operator bundles
    // name it so); for the others it proves nothing. Checked last: it reads every workload.
    if sa != cx.object.name && shared_account(cx, sa, ns) {
        return;
    }
    sink.report(
        cx.object.file,
        account.entry_span(),
        format!(
            "ServiceAccount `{sa}` is bound to {role}, which grants `watch`: the workload keeps watches open on the Kubernetes API"
        ),
    )
    .related(file, span, format!("{role} grants `watch` here"));
}

/// Whether other workloads of the scan run under the same ServiceAccount: then its RBAC says
/// what one of them does, not which one, and nothing is guessed.
fn shared_account(cx: &ObjectCx<'_>, sa: &str, ns: &str) -> bool {
    cx.rbac.shared(ns, sa, &cx.object.name)
}

fn bound_watch(cx: &ObjectCx<'_>, sa: &str, ns: &str) -> Option<(FileId, Span, String)> {
    let repo = cx.repo;
    for &b in &cx.rbac.bindings {
        let Some(doc) = repo.doc_of(b) else { continue };
        let root = b.root(doc);
        let cluster = b.kind == "ClusterRoleBinding";
        if !cluster && namespace_of(b) != ns {
            continue;
        }
        let binds = root
            .get("subjects")
            .into_iter()
            .flat_map(|s| s.items())
            .any(|s| {
                let subject_ns = s.get("namespace").and_then(|n| n.as_str());
                // A RoleBinding's subject defaults to the binding's namespace; a
                // ClusterRoleBinding's must say it, or nothing is guessed.
                let subject_ns = if cluster {
                    subject_ns
                } else {
                    subject_ns.or(Some(namespace_of(b)))
                };
                s.get("kind").and_then(|k| k.as_str()) == Some("ServiceAccount")
                    && s.get("name").and_then(|n| n.as_str()) == Some(sa)
                    && subject_ns == Some(ns)
            });
        if !binds {
            continue;
        }
        let Some(role_ref) = root.get("roleRef") else {
            continue;
        };
        let kind = role_ref.get("kind").and_then(|k| k.as_str()).unwrap_or("");
        let Some(name) = role_ref.get("name").and_then(|n| n.as_str()) else {
            continue;
        };
        let role = cx
            .rbac
            .roles
            .get(&(kind, name))
            .into_iter()
            .flatten()
            .copied()
            .find(|r| match kind {
                "ClusterRole" => true,
                "Role" => namespace_of(r) == namespace_of(b),
                _ => false,
            });
        let Some(role) = role else { continue };
        let Some(rdoc) = repo.doc_of(role) else {
            continue;
        };
        let verb = role
            .root(rdoc)
            .get("rules")
            .into_iter()
            .flat_map(|r| r.items())
            .flat_map(|r| r.get("verbs").into_iter().flat_map(|v| v.str_items()))
            .find(|(v, _)| *v == "watch" || *v == "*");
        if let Some((_, node)) = verb {
            return Some((
                role.file,
                node.entry_span(),
                format!(
                    "{} `{}` (through {} `{}`)",
                    role.kind, role.name, b.kind, b.name
                ),
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::is_flag;

    #[test]
    fn flags_match_whole_words() {
        assert!(is_flag("--leader-elect", "--leader-elect"));
        assert!(is_flag("--leader-elect=true", "--leader-elect"));
        assert!(is_flag("--leader-election-id=x", "--leader-election"));
        assert!(!is_flag("--leader-elector", "--leader-elect"));
        assert!(!is_flag("--webhook-portal", "--webhook-port"));
    }
}
