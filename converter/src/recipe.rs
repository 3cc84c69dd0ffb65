//! The Wasm image recipe for a converted workload (WASM-FACTS §3): a `Dockerfile.wasm` next to the
//! Dockerfile that builds the original image (`FROM scratch`, the module copied to `/` with mode
//! 0755, an `ENTRYPOINT`), a `spin.toml` for Spin, and the cargo command that builds the module.

use analyzer::Repo;
use analyzer::link::Workload;
use serde::Deserialize;

use crate::config::Runtime;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recipe {
    /// Repo-relative path of `Dockerfile.wasm`.
    pub dockerfile_path: String,
    pub dockerfile: String,
    /// Repo-relative path and text of `spin.toml` (Spin only).
    pub spin_toml: Option<(String, String)>,
    /// The Cargo package, when a `Cargo.toml` sits beside the Dockerfile.
    pub package: Option<String>,
    /// File name of the module inside the image (`/api.wasm`).
    pub module: String,
    /// The command that builds the module, from the repository root.
    pub build: String,
    /// The command that builds the image, from the repository root.
    pub image_build: String,
}

#[derive(Deserialize, Default)]
struct Manifest {
    package: Option<Package>,
    lib: Option<Lib>,
}

#[derive(Deserialize)]
struct Package {
    name: String,
}

#[derive(Deserialize, Default)]
struct Lib {
    name: Option<String>,
    #[serde(default, rename = "crate-type")]
    crate_type: Vec<String>,
}

/// The recipe for container `ci` (index into `w.containers`), or `None` when no Dockerfile in the
/// repository builds its image. `outbound` fills spin.toml's `allowed_outbound_hosts`.
pub fn recipe(
    repo: &Repo,
    w: &Workload,
    ci: usize,
    runtime: Runtime,
    (image, wasm_image): (&str, &str),
    outbound: &[String],
) -> Option<Recipe> {
    let df = w.containers.get(ci)?.dockerfile?;
    let df_path = repo.file(df).path.clone();
    let dir = match df_path.rfind('/') {
        Some(i) => &df_path[..i],
        None => "",
    };
    let join = |name: &str| {
        if dir.is_empty() {
            name.to_string()
        } else {
            format!("{dir}/{name}")
        }
    };
    let manifest_path = join("Cargo.toml");
    let manifest: Option<Manifest> = repo
        .file_by_path(&manifest_path)
        .and_then(|f| toml::from_str(&f.text).ok());
    let package = manifest
        .as_ref()
        .and_then(|m| m.package.as_ref())
        .map(|p| p.name.clone());
    let short = analyzer::k8s::ImageName::parse(image)
        .short_name()
        .to_string();
    // A cdylib (Spin components) is named after its lib with `_`; a bin after its package.
    let module = match (&manifest, &package) {
        (Some(m), Some(p))
            if m.lib
                .as_ref()
                .is_some_and(|l| l.crate_type.iter().any(|t| t == "cdylib")) =>
        {
            m.lib
                .as_ref()
                .and_then(|l| l.name.clone())
                .unwrap_or_else(|| p.replace('-', "_"))
        }
        (_, Some(p)) => p.clone(),
        _ => short.clone(),
    };
    let target = match runtime {
        Runtime::Wasmedge => "wasm32-wasip1",
        Runtime::Spin | Runtime::Wasmtime => "wasm32-wasip2",
    };
    let build = match &package {
        Some(_) => {
            format!("cargo build --manifest-path {manifest_path} --target {target} --release")
        }
        None => format!(
            "cargo build --target {target} --release   # in the directory of the Cargo package that builds `{short}`"
        ),
    };
    let context = if dir.is_empty() { "." } else { dir };
    let dockerfile_path = join("Dockerfile.wasm");
    let image_build = format!("docker build -f {dockerfile_path} -t {wasm_image} {context}");
    let entrypoint = match runtime {
        Runtime::Spin => "[\"/\"]".to_string(),
        Runtime::Wasmtime | Runtime::Wasmedge => format!("[\"/{module}.wasm\"]"),
    };
    let mut d = String::new();
    d.push_str(&format!(
        "# Wasm image {wasm_image} ({runtime} runtime), {}.\n",
        crate::emit::GENERATED_MARK
    ));
    d.push_str("# Build the module first, from the repository root:\n");
    d.push_str(&format!("#   {build}\n"));
    d.push_str("# then this image, with this directory as the build context:\n");
    d.push_str(&format!("#   {image_build}\n"));
    d.push_str("# It assumes the package's target directory is beside its Cargo.toml (not a workspace root).\n");
    d.push_str("FROM scratch\n");
    d.push_str(&format!(
        "COPY --chmod=0755 target/{target}/release/{module}.wasm /{module}.wasm\n"
    ));
    if runtime == Runtime::Spin {
        d.push_str("COPY spin.toml /spin.toml\n");
    }
    d.push_str(&format!("ENTRYPOINT {entrypoint}\n"));
    let spin_toml = (runtime == Runtime::Spin).then(|| {
        let id = component_id(&module);
        let hosts = allowed_hosts(outbound);
        let text = format!(
            "# Spin manifest for {wasm_image}, written by `wasm-migrate convert`: the Spin shim reads /spin.toml.\nspin_manifest_version = 2\n\n[application]\nname = \"{id}\"\nversion = \"0.1.0\"\n\n[[trigger.http]]\nroute = \"/...\"\ncomponent = \"{id}\"\n\n[component.{id}]\nsource = \"{module}.wasm\"\n{hosts}"
        );
        (join("spin.toml"), text)
    });
    Some(Recipe {
        dockerfile_path,
        dockerfile: d,
        spin_toml,
        package,
        module,
        build,
        image_build,
    })
}

/// The `allowed_outbound_hosts` line: the peers the workload's env names (see
/// [`crate::outbound`]), one per line when there are any, each a TOML basic string.
fn allowed_hosts(hosts: &[String]) -> String {
    if hosts.is_empty() {
        return "allowed_outbound_hosts = []\n".into();
    }
    let mut out = String::from(
        "# The peers the workload calls, from its env and its injected sidecars (wasm-migrate convert lists where each comes from).\nallowed_outbound_hosts = [\n",
    );
    for h in hosts {
        out.push_str(&format!("    {},\n", toml::Value::String(h.clone())));
    }
    out.push_str("]\n");
    out
}

/// A Spin component id: lower-case letters, digits and `-`.
fn component_id(name: &str) -> String {
    let mut out: String = name
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    while out.contains("--") {
        out = out.replace("--", "-");
    }
    let out = out.trim_matches('-').to_string();
    match out.chars().next() {
        Some(c) if c.is_ascii_lowercase() => out,
        Some(_) => format!("app-{out}"),
        None => "app".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::component_id;

    #[test]
    fn component_ids_are_kebab_case() {
        assert_eq!(component_id("API_server"), "api-server");
        assert_eq!(component_id("1st"), "app-1st");
        assert_eq!(component_id("--"), "app");
    }
}
