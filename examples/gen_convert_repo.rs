//! Generate a repository of N convertible Deployments for the convert benchmark:
//! `cargo run --release --example gen_convert_repo -- OUT N`.
//!
//! Every workload is one the scan judges `ready` or `portable` and whose image is built here, so
//! `wasm-migrate convert` plans and diffs all N of them (the benchmark counts the diffs). Two
//! shapes alternate:
//! - even: a `FROM scratch` Dockerfile that ships a `.wasm` entrypoint (ready);
//! - odd: a multi-stage Dockerfile building a `cdylib` Cargo package in the same directory, with
//!   an exec liveness probe that becomes an httpGet (portable).
//!
//! Each service directory also holds a Service whose `targetPort` follows the container port, so
//! the converter edits two objects per workload, and a comment it must keep.

use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(out), Some(n)) = (
        args.next(),
        args.next().and_then(|n| n.parse::<usize>().ok()),
    ) else {
        eprintln!("usage: gen_convert_repo OUT_DIR DEPLOYMENTS");
        std::process::exit(2);
    };
    let out = PathBuf::from(out);
    let mut files = 0;
    for i in 0..n {
        let name = format!("svc{i:05}");
        let dir = out.join("services").join(&name);
        std::fs::create_dir_all(&dir)?;
        if i % 2 == 0 {
            std::fs::write(
                dir.join("Dockerfile"),
                "# Already built as a module by CI; the image only ships it.\nFROM scratch\nCOPY app.wasm /app.wasm\nENTRYPOINT [\"/app.wasm\"]\n",
            )?;
            files += 1;
        } else {
            std::fs::create_dir_all(dir.join("src"))?;
            std::fs::write(
                dir.join("Cargo.toml"),
                format!(
                    "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[lib]\ncrate-type = [\"cdylib\"]\n"
                ),
            )?;
            std::fs::write(
                dir.join("src/lib.rs"),
                "//! The HTTP handler the Wasm image is built from.\npub fn handle(path: &str) -> &'static str {\n    if path == \"/healthz\" { \"ok\" } else { \"hello\" }\n}\n",
            )?;
            std::fs::write(
                dir.join("Dockerfile"),
                format!(
                    "FROM rust:1.82 AS build\nWORKDIR /src\nCOPY . .\nRUN cargo build --release\n\nFROM gcr.io/distroless/cc-debian12\nCOPY --from=build /src/target/release/{name} /{name}\nENTRYPOINT [\"/{name}\"]\n"
                ),
            )?;
            files += 3;
        }
        std::fs::write(dir.join("deploy.yaml"), manifest(i, &name))?;
        files += 1;
    }
    eprintln!(
        "wrote {files} files for {n} Deployments under {}",
        out.display()
    );
    Ok(())
}

fn manifest(i: usize, name: &str) -> String {
    let probe = if i % 2 == 1 {
        "          livenessProbe:\n            exec:\n              command: [\"/app\", \"--check\"]\n            periodSeconds: 10\n"
    } else {
        ""
    };
    format!(
        "# service {i}: web front end\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  labels:\n    app: {name}\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: {name}\n  template:\n    metadata:\n      labels:\n        app: {name}\n    spec:\n      containers:\n        - name: web\n          image: ghcr.io/acme/{name}:1.0.{i} # bumped by CI\n          ports:\n            - name: http\n              containerPort: 8080\n          readinessProbe:\n            httpGet:\n              path: /healthz\n              port: 8080\n{probe}          resources:\n            limits:\n              memory: 128Mi\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n  selector:\n    app: {name}\n  ports:\n    - name: http\n      port: 80\n      targetPort: 8080\n"
    )
}
