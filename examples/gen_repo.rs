//! Generate a synthetic repository for benchmarks: `cargo run --release --example gen_repo -- OUT N
//! [mixed]`.
//!
//! With `mixed`, every Python service also gets its `app.py` and `requirements.txt`, the JVM
//! services become Go services (`go.mod`, `main.go`, a `go build` Dockerfile) except every
//! fourth of them, which keeps its JVM Dockerfile and gets a Spring Boot `pom.xml`, every
//! fourth Python service becomes an ASP.NET service (`app.csproj`), every eighth
//! service is a Node service (`package.json`, `package-lock.json`, `server.js`), and every
//! hundred services share a Helm chart (helpers, `range`, conditionals) deploying ten of them,
//! so the Go, Python and Node front-ends and the chart reader have work (the tree then holds
//! more than N files).
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
    let mixed = args.next().as_deref() == Some("mixed");
    let out = PathBuf::from(out);
    let services = n / 2;
    let mut extra = 0;
    for i in 0..services {
        let dir = out.join(format!("services/svc{i:05}"));
        std::fs::create_dir_all(&dir)?;
        // Every 16th JVM-slot service stays a Maven project, every 16th Python-slot one becomes
        // a .NET project, so the JVM and .NET readers have build files to read.
        let jvm = mixed && i % 16 == 15;
        let dotnet = mixed && i % 16 == 14;
        let go = mixed && i % 4 == 3 && !jvm;
        let node = mixed && i % 8 == 1;
        std::fs::write(
            dir.join("Dockerfile"),
            if go {
                go_dockerfile(i)
            } else if dotnet {
                dotnet_dockerfile(i)
            } else if node {
                node_dockerfile(i)
            } else {
                dockerfile(i)
            },
        )?;
        if jvm {
            std::fs::write(dir.join("pom.xml"), pom(i))?;
            extra += 1;
        }
        if dotnet {
            std::fs::write(dir.join("app.csproj"), CSPROJ)?;
            extra += 1;
        }
        if node {
            std::fs::write(dir.join("package.json"), node_package(i))?;
            std::fs::write(dir.join("package-lock.json"), node_lock(i))?;
            std::fs::write(dir.join("server.js"), NODE_SERVER)?;
            extra += 3;
        }
        std::fs::write(dir.join("deploy.yaml"), manifest(i))?;
        if mixed && i % 4 == 2 && !dotnet {
            std::fs::write(dir.join("app.py"), PY_APP)?;
            std::fs::write(dir.join("requirements.txt"), "flask==3.0.3\nrequests\n")?;
            extra += 2;
        }
        if go {
            std::fs::write(
                dir.join("go.mod"),
                format!(
                    "module example.com/svc{i:05}\n\ngo 1.23\n\nrequire github.com/lib/pq v1.10.9\n"
                ),
            )?;
            std::fs::write(dir.join("main.go"), GO_MAIN)?;
            extra += 2;
        }
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
    if mixed {
        for chunk in 0..services.div_ceil(100) {
            extra += write_chart(&out.join(format!("charts/c{chunk:03}")), chunk)?;
        }
    }
    eprintln!(
        "wrote {} files for {services} services under {}",
        services * 2 + services.div_ceil(100) + extra,
        out.display()
    );
    Ok(())
}

const PY_APP: &str = "import os\nimport threading\nfrom flask import Flask\n\napp = Flask(__name__)\n\n\n@app.get('/healthz')\ndef health():\n    return 'ok'\n\n\n@app.get('/')\ndef index():\n    t = threading.Thread(target=print)\n    t.start()\n    return os.environ.get('GREETING', 'hello')\n";

const GO_MAIN: &str = "package main\n\nimport (\n\t\"database/sql\"\n\t\"net/http\"\n\t\"os/signal\"\n\t\"syscall\"\n\t\"os\"\n\n\t_ \"github.com/lib/pq\"\n)\n\nfunc main() {\n\tdb, _ := sql.Open(\"postgres\", os.Getenv(\"DSN\"))\n\tdefer db.Close()\n\tc := make(chan os.Signal, 1)\n\tsignal.Notify(c, syscall.SIGTERM)\n\thttp.HandleFunc(\"/\", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(\"ok\")) })\n\t_ = http.ListenAndServe(\":8080\", nil)\n}\n";

fn pom(i: usize) -> String {
    format!(
        "<project>\n  <modelVersion>4.0.0</modelVersion>\n  <parent>\n    <groupId>org.springframework.boot</groupId>\n    <artifactId>spring-boot-starter-parent</artifactId>\n    <version>3.3.0</version>\n  </parent>\n  <groupId>com.example</groupId>\n  <artifactId>svc{i:05}</artifactId>\n  <dependencies>\n    <dependency>\n      <groupId>org.springframework.boot</groupId>\n      <artifactId>spring-boot-starter-web</artifactId>\n    </dependency>\n  </dependencies>\n</project>\n"
    )
}

const CSPROJ: &str = "<Project Sdk=\"Microsoft.NET.Sdk.Web\">\n  <PropertyGroup>\n    <TargetFramework>net8.0</TargetFramework>\n  </PropertyGroup>\n  <ItemGroup>\n    <PackageReference Include=\"SkiaSharp\" Version=\"2.88.8\" />\n  </ItemGroup>\n</Project>\n";

fn dotnet_dockerfile(i: usize) -> String {
    format!(
        "# service {i}\nFROM mcr.microsoft.com/dotnet/sdk:8.0 AS build\nWORKDIR /src\nCOPY app.csproj .\nRUN dotnet restore\nCOPY . .\nRUN dotnet publish -c Release -o /out\n\nFROM mcr.microsoft.com/dotnet/aspnet:8.0\nCOPY --from=build /out /app\nENTRYPOINT [\"dotnet\", \"/app/app.dll\"]\nEXPOSE 8080\n"
    )
}

const NODE_SERVER: &str = "const express = require('express');\nconst { execFile } = require('child_process');\n\nconst app = express();\napp.get('/healthz', (req, res) => res.send('ok'));\napp.get('/', (req, res) => execFile('date', (err, out) => res.send(out)));\nprocess.on('SIGTERM', () => process.exit(0));\napp.listen(process.env.PORT || 8080);\n";

fn node_package(i: usize) -> String {
    format!(
        "{{\n  \"name\": \"svc{i:05}\",\n  \"version\": \"1.0.0\",\n  \"main\": \"server.js\",\n  \"scripts\": {{ \"start\": \"node server.js\" }},\n  \"dependencies\": {{ \"express\": \"^4.19.2\", \"bcrypt\": \"^5.1.1\" }}\n}}\n"
    )
}

fn node_lock(i: usize) -> String {
    format!(
        "{{\n  \"name\": \"svc{i:05}\",\n  \"version\": \"1.0.0\",\n  \"lockfileVersion\": 3,\n  \"packages\": {{\n    \"\": {{ \"name\": \"svc{i:05}\", \"dependencies\": {{ \"express\": \"^4.19.2\", \"bcrypt\": \"^5.1.1\" }} }},\n    \"node_modules/express\": {{ \"version\": \"4.19.2\" }},\n    \"node_modules/bcrypt\": {{ \"version\": \"5.1.1\", \"hasInstallScript\": true }}\n  }}\n}}\n"
    )
}

fn node_dockerfile(i: usize) -> String {
    format!(
        "# service {i}\nFROM node:20-slim\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci --omit=dev\nCOPY server.js ./\nCMD [\"node\", \"server.js\"]\nEXPOSE 8080\n"
    )
}

/// A chart deploying ten services from its values, in the usual shape; returns the files written.
fn write_chart(dir: &std::path::Path, chunk: usize) -> std::io::Result<usize> {
    std::fs::create_dir_all(dir.join("templates"))?;
    std::fs::write(
        dir.join("Chart.yaml"),
        format!("apiVersion: v2\nname: c{chunk:03}\nversion: 0.1.0\nappVersion: \"1.0.0\"\n"),
    )?;
    let mut values = String::from("image:\n  registry: ghcr.io/acme\n  tag: \"\"\nservices:\n");
    for k in 0..10 {
        let _ = write!(
            values,
            "  - name: app{k}\n    port: {}\n    persistence: {}\n",
            8000 + k,
            k % 3 == 0
        );
    }
    std::fs::write(dir.join("values.yaml"), values)?;
    std::fs::write(
        dir.join("templates/_helpers.tpl"),
        "{{- define \"c.fullname\" -}}\n{{- printf \"%s-%s\" .Release.Name .Chart.Name | trunc 63 | trimSuffix \"-\" }}\n{{- end }}\n{{- define \"c.labels\" -}}\napp.kubernetes.io/instance: {{ .Release.Name }}\nhelm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}\n{{- end }}\n",
    )?;
    std::fs::write(
        dir.join("templates/deployments.yaml"),
        "{{- range .Values.services }}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include \"c.fullname\" $ }}-{{ .name }}\n  labels:\n    {{- include \"c.labels\" $ | nindent 4 }}\nspec:\n  template:\n    spec:\n      containers:\n        - name: {{ .name }}\n          image: \"{{ $.Values.image.registry }}/{{ .name }}:{{ $.Values.image.tag | default $.Chart.AppVersion }}\"\n          ports:\n            - containerPort: {{ .port }}\n          {{- if .persistence }}\n          volumeMounts:\n            - name: data\n              mountPath: /data\n      volumes:\n        - name: data\n          persistentVolumeClaim:\n            claimName: {{ .name }}-data\n          {{- end }}\n{{- end }}\n",
    )?;
    Ok(4)
}

fn go_dockerfile(i: usize) -> String {
    format!(
        "# service {i}\nFROM golang:1.23 AS build\nWORKDIR /src\nCOPY go.mod main.go ./\nRUN CGO_ENABLED=0 go build -o /out/app .\n\nFROM gcr.io/distroless/static-debian12\nCOPY --from=build /out/app /app\nENTRYPOINT [\"/app\"]\nEXPOSE 8080\n"
    )
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
