//! `pip install -r requirements.txt` end to end: the requirements file the Dockerfile copies in is
//! read (nested `-r` files too), and a native distribution in it blocks the workload at the
//! file's line, with the `-r` in the Dockerfile as related location.

mod common;

use common::{findings_of, scan_files as scan};

const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n      - name: api\n        image: ghcr.io/acme/api:1.0\n";

const DOCKERFILE: &str = "FROM python:3.12-slim AS build\nWORKDIR /src\nCOPY requirements/ requirements/\nRUN pip install --prefix=/install -r requirements/prod.txt\n\nFROM python:3.12-slim\nCOPY --from=build /install /usr/local\nCOPY app.py /app/\nCMD [\"gunicorn\", \"app:app\"]\n";

#[test]
fn a_native_distribution_in_a_nested_requirements_file_blocks_at_its_line() {
    let r = scan(&[
        ("k8s/api.yaml", DEPLOYMENT),
        ("api/Dockerfile", DOCKERFILE),
        (
            "api/requirements/prod.txt",
            "-r base.txt\ngunicorn==22.0.0\n",
        ),
        (
            "api/requirements/base.txt",
            "# web\nflask>=3\nnumpy==2.1.0  # maths\n",
        ),
        (
            "api/app.py",
            "from flask import Flask\napp = Flask(__name__)\n",
        ),
    ]);
    let w = &r["workloads"][0];
    assert_eq!(w["id"], "Deployment/default/api");
    assert_eq!(w["verdict"], "blocked", "{w}");
    let f = findings_of(w, "WM106")
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no WM106 in {w}"));
    assert_eq!(f["category"], "python-native");
    assert_eq!(f["file"], "api/requirements/base.txt");
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(3), Some(1))
    );
    assert_eq!(f["related"][0]["file"], "api/Dockerfile");
    assert_eq!(f["related"][0]["line"], 4);
}

#[test]
fn pure_python_requirements_leave_the_service_portable() {
    let r = scan(&[
        ("k8s/api.yaml", DEPLOYMENT),
        ("api/Dockerfile", DOCKERFILE),
        (
            "api/requirements/prod.txt",
            "-r base.txt\ngunicorn==22.0.0\n",
        ),
        ("api/requirements/base.txt", "flask>=3\nrequests\n"),
    ]);
    let w = &r["workloads"][0];
    assert_eq!(w["verdict"], "portable", "{w}");
    assert!(findings_of(w, "WM106").is_empty(), "{w}");
}
