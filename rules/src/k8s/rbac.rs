//! The objects the controller rule (WM318) relates a workload to, indexed once per run: RBAC
//! bindings, roles by kind and name, webhook configurations, and which workloads run under each
//! ServiceAccount. Without it every workload scanned every object (quadratic on large trees).

use std::collections::HashMap;

use analyzer::Repo;
use analyzer::k8s::K8sObject;

pub struct RbacIndex<'r> {
    /// RoleBindings and ClusterRoleBindings.
    pub bindings: Vec<&'r K8sObject>,
    /// Roles and ClusterRoles by (kind, name).
    pub roles: HashMap<(&'r str, &'r str), Vec<&'r K8sObject>>,
    /// Validating and mutating webhook configurations.
    pub webhooks: Vec<&'r K8sObject>,
    /// Workload names by (namespace, ServiceAccount).
    pub accounts: HashMap<(&'r str, &'r str), Vec<&'r str>>,
}

fn namespace_of(o: &K8sObject) -> &str {
    o.namespace.as_deref().unwrap_or("default")
}

impl<'r> RbacIndex<'r> {
    pub fn new(repo: &'r Repo) -> Self {
        let mut ix = RbacIndex {
            bindings: Vec::new(),
            roles: HashMap::new(),
            webhooks: Vec::new(),
            accounts: HashMap::new(),
        };
        for o in &repo.objects {
            match o.kind.as_str() {
                "RoleBinding" | "ClusterRoleBinding" => ix.bindings.push(o),
                "Role" | "ClusterRole" => ix
                    .roles
                    .entry((o.kind.as_str(), o.name.as_str()))
                    .or_default()
                    .push(o),
                "ValidatingWebhookConfiguration" | "MutatingWebhookConfiguration" => {
                    ix.webhooks.push(o)
                }
                _ if o.is_workload() => {
                    let sa = repo.doc_of(o).and_then(|d| o.pod_spec(d)).and_then(|spec| {
                        spec.get("serviceAccountName")
                            .or(spec.get("serviceAccount"))
                            .and_then(|s| s.as_str())
                    });
                    if let Some(sa) = sa {
                        ix.accounts
                            .entry((namespace_of(o), sa))
                            .or_default()
                            .push(o.name.as_str());
                    }
                }
                _ => {}
            }
        }
        ix
    }

    /// Whether a workload other than `name` runs under ServiceAccount `sa` in `ns`.
    pub fn shared(&self, ns: &str, sa: &str, name: &str) -> bool {
        self.accounts
            .get(&(ns, sa))
            .is_some_and(|names| names.iter().any(|n| *n != name))
    }
}
