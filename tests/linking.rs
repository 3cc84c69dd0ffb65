//! Linking a workload to everything that builds what it runs, end to end.

mod common;

use common::{run, stderr};

/// A Deployment's image is built (under another registry, by a Makefile variable) from a Dockerfile
/// that starts FROM a base image built here too: the base's Dockerfile joins the workload, and its
/// JRE install decides the verdict.
#[test]
fn a_base_image_built_here_joins_the_workload() {
    let out = run(&["scan", "fixtures/link/base-built-here", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let w = v["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["id"] == "Deployment/default/operator")
        .expect("the operator workload");
    assert_eq!(w["verdict"], "blocked", "{w:#}");
    assert_eq!(w["language"], "jvm");
    let links: Vec<&str> = w["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["linked_by"].as_str().unwrap())
        .collect();
    // `quay.io/acme/operator` (the Makefile's variable expanded) is `acme/operator` on another
    // registry: the same repository path links explicitly.
    assert_eq!(links[0], "Makefile:7", "{links:?}");
    assert!(
        links[1].starts_with(
            "docker-images/operator/Dockerfile:2: FROM `acme/base:latest`, built here (Makefile:4)"
        ),
        "{links:?}"
    );
    let jvm = w["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["category"] == "jvm")
        .expect("a jvm finding");
    assert_eq!(jvm["file"], "docker-images/base/Dockerfile");
    assert_eq!(jvm["line"], 5);
}

/// A file a kustomization applies as a patch holds a partial object: it is not a workload of its
/// own (it used to be reported as one, with no image, next to the real one).
#[test]
fn kustomize_patch_files_are_not_workloads() {
    let dir = tempfile::tempdir().unwrap();
    let w = |p: &str, t: &str| {
        let path = dir.path().join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, t).unwrap();
    };
    w(
        "base/deploy.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: redis:7\n",
    );
    w("base/kustomization.yaml", "resources:\n- deploy.yaml\n");
    w(
        "prod/kustomization.yaml",
        "resources:\n- ../base\npatches:\n- path: replicas.yaml\npatchesStrategicMerge:\n- memory.yaml\n",
    );
    let partial = |what: &str| {
        format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  {what}\n")
    };
    w("prod/replicas.yaml", &partial("replicas: 3"));
    w("prod/memory.yaml", &partial("minReadySeconds: 5"));
    let out = common::run_in(dir.path(), &["scan", ".", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = v["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["Deployment/default/web"], "{v:#}");
    assert_eq!(
        v["workloads"][0]["sources"],
        serde_json::json!(["base/deploy.yaml", "prod/kustomization.yaml"])
    );
}

/// `wasm-migrate scan DIR --format json`, parsed.
fn scan_json(dir: &std::path::Path) -> serde_json::Value {
    let out = common::run_in(dir, &["scan", ".", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn fixture_json(name: &str) -> serde_json::Value {
    scan_json(&common::fixture(&format!("link/{name}")))
}

fn workload<'v>(v: &'v serde_json::Value, id: &str) -> &'v serde_json::Value {
    v["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["id"] == id)
        .unwrap_or_else(|| panic!("no workload {id} in {v:#}"))
}

fn linked_by(w: &serde_json::Value) -> Vec<&str> {
    w["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["linked_by"].as_str().unwrap())
        .collect()
}

/// (category, file, line) of a workload's findings.
fn findings(w: &serde_json::Value) -> Vec<(&str, &str, u64)> {
    w["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["category"].as_str().unwrap(),
                f["file"].as_str().unwrap(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// The scored matcher, one image per rule of docs/linking.md: the shared `storefront-` prefix and
/// a `-v2` suffix stripped, an ancestor directory under generic ones (`services/`, `docker/`), a
/// `NAME.Dockerfile` file name, the plain Dockerfile winning over its `.dev` variant, and the
/// image named like the repository built by the root Dockerfile.
#[test]
fn the_matcher_links_by_names_of_paths() {
    let v = fixture_json("storefront");
    let cart = workload(&v, "Deployment/default/cart");
    assert_eq!(cart["verdict"], "blocked");
    assert!(
        linked_by(cart)[0].starts_with(
            "convention: image name `storefront-cart` without the shared prefix `storefront` \
             matches `services/cart/docker/Dockerfile` (directory `cart`"
        ),
        "{cart:#}"
    );
    assert!(findings(cart).contains(&("jvm", "services/cart/docker/Dockerfile", 2)));

    let users = workload(&v, "Deployment/default/users");
    assert_eq!(users["verdict"], "blocked");
    assert!(linked_by(users)[0].contains("matches `users/Dockerfile` (directory `users`"));
    assert!(findings(users).contains(&("apt-native-pkg", "users/Dockerfile", 3)));

    let search = workload(&v, "Deployment/default/search");
    assert!(linked_by(search)[0].contains("(Dockerfile name `search.Dockerfile`"));
    assert!(findings(search).contains(&("jvm", "deploy/search.Dockerfile", 2)));

    let web = workload(&v, "Deployment/default/web");
    assert_eq!(web["verdict"], "portable");
    assert!(
        linked_by(web)[0]
            .contains("(image named like the repository `storefront`, root Dockerfile"),
        "{web:#}"
    );
    assert!(findings(web).contains(&("language-runtime", "Dockerfile", 2)));
    // The variant is left as a Dockerfile of its own, not linked.
    workload(&v, "dockerfile:users/Dockerfile.dev");
}

/// Two Dockerfiles match the ledger image equally well: neither is linked (the workload stays
/// unknown), a note at the image names both, and `[links]` in .wasm-migrate.toml settles it.
#[test]
fn a_tie_links_nothing_names_both_and_links_settles_it() {
    let v = fixture_json("storefront");
    let ledger = workload(&v, "Deployment/default/ledger");
    assert_eq!(ledger["verdict"], "unknown");
    assert!(linked_by(ledger).is_empty());
    let note = v["notes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["message"].as_str().unwrap().contains("storefront-ledger"))
        .expect("a note about the tie");
    assert_eq!(
        (&note["file"], &note["line"]),
        (&"k8s/ledger.yaml".into(), &10.into())
    );
    let msg = note["message"].as_str().unwrap();
    assert!(
        msg.contains(
            "`archive/ledger/Dockerfile` (directory `ledger`, score 90) and `ledger/Dockerfile`"
        ),
        "{msg}"
    );
    assert!(msg.contains("`[links]` of .wasm-migrate.toml"), "{msg}");

    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("storefront");
    common::copy_tree(&common::fixture("link/storefront"), &root);
    std::fs::write(
        root.join(".wasm-migrate.toml"),
        "[links]\n\"ghcr.io/acme/storefront-ledger\" = \"ledger/Dockerfile\"\n",
    )
    .unwrap();
    let v = scan_json(&root);
    let ledger = workload(&v, "Deployment/default/ledger");
    assert_eq!(linked_by(ledger), [".wasm-migrate.toml [links]"]);
    assert_eq!(ledger["verdict"], "blocked");
    assert!(findings(ledger).contains(&("jvm", "ledger/Dockerfile", 1)));
}

/// A `docker-bake.hcl` target: `${REGISTRY}` and `${VERSION}` from the variables' defaults, the
/// Dockerfile relative to the target's context. It wins over the `services/api/Dockerfile` the
/// names alone would suggest.
#[test]
fn docker_bake_targets_link_their_tags() {
    let v = fixture_json("bake");
    let gw = workload(&v, "Deployment/default/gateway");
    assert_eq!(linked_by(gw), ["docker-bake.hcl:18"]);
    assert_eq!(gw["verdict"], "blocked");
    assert!(findings(gw).contains(&("dotnet", "tools/api.containerfile", 2)));
}

/// A `docker/build-push-action` step with multi-line `tags` built from the workflow's `env`.
#[test]
fn build_push_action_tags_with_workflow_env() {
    let v = fixture_json("build-push");
    let p = workload(&v, "Deployment/default/payments");
    assert_eq!(linked_by(p), [".github/workflows/release.yml:18"]);
    assert_eq!(p["verdict"], "portable");
    assert!(findings(p).contains(&("language-runtime", "images/payments/prod.Dockerfile", 2)));
}

/// Images built without a Dockerfile: Jib in a pom.xml (properties resolved) and in a Gradle
/// Kotlin script, and `pack build` of a buildpacks project. The build file joins the workload's
/// sources; no rule reads the JVM/buildpacks code yet, so the verdict stays unknown.
#[test]
fn jib_and_buildpacks_link_the_build_file() {
    let v = fixture_json("jvm-builds");
    // Jib builds JVM programs: the build file places the workload (a `jvm` blocker, WM341).
    // Buildpacks detect the language at build time: the link alone does not place it.
    for (id, why, source, verdict) in [
        (
            "Deployment/default/orders",
            "orders/pom.xml:26 (jib builds it from `orders/pom.xml`)",
            "orders/pom.xml",
            "blocked",
        ),
        (
            "Deployment/default/billing",
            "billing/build.gradle.kts:11 (jib builds it from `billing/build.gradle.kts`)",
            "billing/build.gradle.kts",
            "blocked",
        ),
        (
            "Deployment/default/catalog",
            "Makefile:4 (buildpacks builds it from `catalog/project.toml`)",
            "catalog/project.toml",
            "unknown",
        ),
    ] {
        let w = workload(&v, id);
        assert_eq!(linked_by(w), [why], "{w:#}");
        assert_eq!(w["verdict"], verdict, "{w:#}");
        assert!(
            w["sources"].as_array().unwrap().iter().any(|s| s == source),
            "{w:#}"
        );
        let wm341 = w["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "WM341" && f["category"] == "jvm");
        assert_eq!(wm341, verdict == "blocked", "{w:#}");
    }
}

/// `ko://IMPORTPATH` is the Go main package under the module's directory; an import path whose
/// directory is not in the tree links nothing.
#[test]
fn ko_references_link_the_go_main_package() {
    let v = fixture_json("ko");
    let relay = workload(&v, "Deployment/default/relay");
    assert_eq!(
        linked_by(relay),
        [
            "`ko://github.com/acme/relay/cmd/relay` is the Go main package `cmd/relay` of module \
          `github.com/acme/relay` (go.mod:1)"
        ]
    );
    assert!(
        relay["sources"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s == "go.mod")
    );
    assert_eq!(relay["verdict"], "portable");
    assert!(findings(relay).contains(&("language-runtime", "config/relay.yaml", 10)));
}

/// A Dockerfile that packages a binary CI built (`COPY target/release/ingestd`) and starts it:
/// `ingestd` is the `[[bin]]` of crates/ingest, so the workload is that package, its source is
/// read, and the package is no longer a `crate:` workload of its own.
#[test]
fn a_prebuilt_binary_links_its_cargo_package() {
    let v = fixture_json("prebuilt-bin");
    let w = workload(&v, "Deployment/default/ingest");
    assert_eq!(
        linked_by(w)[1],
        "deploy/ingest/Dockerfile:3 (prebuilt binary `ingestd` is the Cargo bin of crates/ingest)"
    );
    assert_eq!(w["verdict"], "portable");
    assert_eq!(w["language"], "rust");
    assert!(findings(w).contains(&("threads", "crates/ingest/src/main.rs", 7)));
    assert!(
        !v["workloads"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["id"] == "crate:ingest"),
        "{v:#}"
    );
}

/// A Google Cloud Build step (`docker build` with several `-t` tags, `dir` relative to the
/// repository root) links every tag it pushes to the Dockerfile in that directory.
#[test]
fn cloud_build_docker_steps_link_each_tag() {
    let v = fixture_json("cloudbuild");
    let w = workload(&v, "Deployment/default/web");
    assert_eq!(
        linked_by(w),
        ["quickstart/guestbook/frontend/cloudbuild.yaml:9"]
    );
    // Linked, the PHP image places it: portable, judged at the Dockerfile's FROM line.
    assert_eq!(w["language"], "php", "{w:#}");
    assert_eq!(w["verdict"], "portable", "{w:#}");
    assert!(
        findings(w).contains(&(
            "language-runtime",
            "quickstart/guestbook/frontend/Dockerfile",
            1
        )),
        "{w:#}"
    );
}

/// Containers made from a compose service the repository builds: by kompose's label (stated),
/// by the same environment names or the same name (conventions); a public image is never
/// linked to a compose build on top of it.
#[test]
fn compose_services_link_the_containers_made_from_them() {
    let v = fixture_json("compose-services");
    let api = workload(&v, "Deployment/default/storefront");
    assert_eq!(
        linked_by(api),
        [
            "convention: container `web` sets `API_CACHE_TTL`, `API_DATABASE_URL`, `API_SIGNING_KEY` like docker-compose.yml:3 service `api`, built from `services/api/Dockerfile`"
        ]
    );
    assert_eq!(api["verdict"], "blocked", "{api:#}");
    assert!(
        findings(api).contains(&("python-native", "services/api/requirements.txt", 3)),
        "{api:#}"
    );
    // A convention lowers the confidence.
    assert_ne!(api["confidence"], "high", "{api:#}");

    let billing = workload(&v, "Deployment/default/payments");
    assert_eq!(
        linked_by(billing),
        [
            "k8s/billing.yaml:8 (kompose label `io.kompose.service: billing` names docker-compose.yml:11 service `billing`, built from `services/billing/Dockerfile`)"
        ]
    );
    assert_eq!(billing["verdict"], "blocked", "{billing:#}");
    assert!(
        findings(billing).contains(&("jvm", "services/billing/Dockerfile", 1)),
        "{billing:#}"
    );

    let worker = workload(&v, "Deployment/default/worker");
    assert_eq!(
        linked_by(worker)[0],
        "convention: container `worker` has the name of docker-compose.yml:13 service `worker`, built from `services/worker/Dockerfile`"
    );
    assert_eq!(worker["verdict"], "portable", "{worker:#}");

    // `postgres:16` is PostgreSQL: the environment it shares with `api` does not link it.
    let db = workload(&v, "Deployment/default/db");
    assert!(linked_by(db).is_empty(), "{db:#}");
    assert!(
        findings(db).contains(&("non-http-port", "k8s/db.yaml", 15)),
        "{db:#}"
    );
}

/// A container whose `command` runs a script of its own that never starts its image's program
/// is judged by that script: not by the image's code (a CronJob in the API's image) and not by
/// what the knowledge base says of the image (an nginx image running a `sleep` loop).
#[test]
fn a_script_that_replaces_the_images_program_is_what_is_judged() {
    let v = fixture_json("replaced-program");
    let api = workload(&v, "Deployment/default/api");
    assert!(
        findings(api).contains(&("python-native", "api/requirements.txt", 3)),
        "{api:#}"
    );

    let job = workload(&v, "CronJob/default/cleanup");
    assert!(linked_by(job).is_empty(), "{job:#}");
    assert_eq!(job["verdict"], "blocked", "{job:#}");
    let f = findings(job);
    assert!(
        f.contains(&("process-spawn", "k8s/cleanup.yaml", 33)),
        "{job:#}"
    );
    assert!(
        !f.iter()
            .any(|(c, _, _)| *c == "python-native" || *c == "language-runtime"),
        "the API's code does not run in the job: {job:#}"
    );

    let writer = workload(&v, "Deployment/default/writer");
    let f = findings(writer);
    assert!(
        f.contains(&("process-spawn", "k8s/writer.yaml", 19)),
        "{writer:#}"
    );
    assert!(
        !f.iter().any(|(c, _, _)| *c == "native-lib"),
        "nginx never starts: {writer:#}"
    );

    let out = run(&["scan", "fixtures/link/replaced-program"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("k8s/cleanup.yaml:16: container `cleanup` of CronJob `cleanup` runs `/scripts/cleanup.sh` (ConfigMap `cleanup-script`), which never starts its image's program (`api`, `gunicorn`, built from `api/Dockerfile`)"),
        "{text}"
    );
}

/// The only plain Dockerfile in the manifest's directory or its parent builds the workload's one
/// image nothing else names; with two such images, neither is linked.
#[test]
fn the_dockerfile_beside_the_manifest_builds_its_only_unknown_image() {
    let v = fixture_json("beside");
    let weather = workload(&v, "Deployment/default/weather");
    assert_eq!(
        linked_by(weather)[0],
        "convention: `agent/Dockerfile` is the only Dockerfile beside the manifest `agent/deploy.yaml` (the image `weather` is named nowhere else)"
    );
    assert_eq!(weather["verdict"], "portable", "{weather:#}");
    assert_ne!(weather["confidence"], "high", "{weather:#}");

    let shop = workload(&v, "Deployment/default/storefront");
    assert_eq!(shop["verdict"], "blocked", "{shop:#}");
    assert!(
        findings(shop).contains(&("jvm", "shop/Dockerfile", 1)),
        "{shop:#}"
    );

    let pair = workload(&v, "Deployment/default/pair");
    assert!(linked_by(pair).is_empty(), "{pair:#}");
    assert_eq!(pair["verdict"], "unknown", "{pair:#}");
}

/// Buildpacks detect a program's language from its files, and so does the scan: a Python
/// program's `requirements.txt` is read for native packages, a Node.js program's package is
/// judged as a Dockerfile-built one would be.
#[test]
fn buildpacks_programs_are_judged_by_the_language_their_files_say() {
    let v = fixture_json("buildpacks");
    let web = workload(&v, "Deployment/default/web");
    assert_eq!(
        linked_by(web),
        ["skaffold.yaml:6 (buildpacks builds it from `web/requirements.txt`)"]
    );
    assert_eq!(web["language"], "python", "{web:#}");
    assert_eq!(web["verdict"], "blocked", "{web:#}");
    let f = findings(web);
    assert!(
        f.contains(&("python-native", "web/requirements.txt", 3)),
        "{web:#}"
    );
    assert!(
        f.contains(&("language-runtime", "skaffold.yaml", 6)),
        "{web:#}"
    );

    let api = workload(&v, "Deployment/default/api");
    assert_eq!(api["language"], "node", "{api:#}");
    assert_eq!(api["verdict"], "blocked", "{api:#}");
    assert!(
        findings(api).contains(&("native-lib", "api/package.json", 5)),
        "{api:#}"
    );
}
