//! Generate a synthetic repository for benchmarks: `cargo run --release --example gen_repo -- OUT N`.
//!
//! Writes N files: for every service a directory with a multi-stage Dockerfile and a manifest
//! holding a Deployment and a Service (plus, every 7th, a StatefulSet with a volume claim and a
//! host-network DaemonSet every 11th), and a kustomization per 100 services, so every front-end,
//! the linker and most rules have work to do.

use std::fmt::Write;
use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(out), Some(n)) = (
        args.next(),
        args.next().and_then(|n| n.parse::<usize>().ok()),
    ) else {
        eprintln!("usage: gen_repo OUT_DIR FILE_COUNT");
        std::process::exit(2);
    };
    let out = PathBuf::from(out);
    let services = n / 2;
    for i in 0..services {
        let dir = out.join(format!("services/svc{i:05}"));
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join("Dockerfile"), dockerfile(i))?;
        std::fs::write(dir.join("deploy.yaml"), manifest(i))?;
    }
    for chunk in 0..services.div_ceil(100) {
        let mut k = String::from("namespace: bench\nresources:\n");
        for i in chunk * 100..((chunk + 1) * 100).min(services) {
            let _ = writeln!(k, "  - ../services/svc{i:05}/deploy.yaml");
        }
        let dir = out.join(format!("overlays/o{chunk:03}"));
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join("kustomization.yaml"), k)?;
    }
    eprintln!(
        "wrote {} files for {services} services under {}",
        services * 2 + services.div_ceil(100),
        out.display()
    );
    Ok(())
}

fn dockerfile(i: usize) -> String {
    let runtime = match i % 4 {
        0 => {
            "FROM gcr.io/distroless/cc-debian12\nCOPY --from=build /src/target/release/app /app\nENTRYPOINT [\"/app\"]\n"
        }
        1 => {
            "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends libpq5 ca-certificates\nCOPY --from=build /src/target/release/app /app\nCMD /app --serve\n"
        }
        2 => {
            "FROM python:3.12-slim\nRUN pip install --no-cache-dir numpy==2.0.0 flask\nCOPY app.py .\nCMD [\"python\", \"app.py\"]\n"
        }
        _ => {
            "FROM eclipse-temurin:21-jre\nCOPY app.jar /app.jar\nENTRYPOINT [\"java\", \"-jar\", \"/app.jar\"]\n"
        }
    };
    format!(
        "# service {i}\nARG RUST_VERSION=1.84\nFROM rust:${{RUST_VERSION}} AS build\nWORKDIR /src\nCOPY . .\nRUN cargo build --release --bin app\n\n{runtime}EXPOSE 8080\n"
    )
}

fn manifest(i: usize) -> String {
    let mut m = format!(
        "# service {i}\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: svc{i:05}\n  labels: {{app: svc{i:05}}}\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: svc{i:05}\n  template:\n    metadata:\n      labels:\n        app: svc{i:05}\n    spec:\n      containers:\n        - name: app\n          image: ghcr.io/acme/svc{i:05}:1.0.{i}\n          ports:\n            - name: http\n              containerPort: 8080\n          readinessProbe:\n            exec:\n              command: [\"sh\", \"-c\", \"curl -f localhost:8080/healthz\"]\n          resources:\n            limits: {{memory: 512Mi, cpu: 500m}}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: svc{i:05}\nspec:\n  selector: {{app: svc{i:05}}}\n  ports:\n    - port: 80\n      targetPort: http\n"
    );
    if i.is_multiple_of(7) {
        let _ = write!(
            m,
            "---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db{i:05}\nspec:\n  template:\n    spec:\n      containers:\n        - name: db\n          image: postgres:16\n          ports: [{{containerPort: 5432, name: postgres}}]\n  volumeClaimTemplates:\n    - metadata: {{name: data}}\n      spec: {{accessModes: [ReadWriteOnce]}}\n"
        );
    }
    if i.is_multiple_of(11) {
        let _ = write!(
            m,
            "---\napiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: agent{i:05}\nspec:\n  template:\n    spec:\n      hostNetwork: true\n      containers:\n        - name: agent\n          image: ghcr.io/acme/agent:1\n"
        );
    }
    m
}
