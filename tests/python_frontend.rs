//! The Python front-end end to end: the `.py` files a Python image copies in are read, a process
//! or native-library use blocks at its line, and a pure service is `portable` (a toolchain
//! change, never `ready`) with its source in the coverage.

mod common;

use common::{findings_of, scan_files as scan};

const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: thumbs\nspec:\n  template:\n    spec:\n      containers:\n      - name: thumbs\n        image: ghcr.io/acme/thumbs:2\n";
const DOCKERFILE: &str = "FROM python:3.12-slim\nWORKDIR /srv\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY thumbs/ thumbs/\nCMD [\"gunicorn\", \"thumbs.app:app\"]\n";

#[test]
fn a_subprocess_in_the_copied_code_blocks_at_its_line() {
    let app = "import os\nfrom flask import Flask\napp = Flask(__name__)\n\n@app.post('/t')\ndef t():\n    os.system('convert a.jpg a.png')\n    return 'ok'\n";
    let r = scan(&[
        ("k8s/thumbs.yaml", DEPLOYMENT),
        ("thumbs/Dockerfile", DOCKERFILE),
        ("thumbs/requirements.txt", "flask==3.0.3\ngunicorn\n"),
        ("thumbs/thumbs/app.py", app),
        ("thumbs/scripts/dev.py", "import subprocess\n"),
    ]);
    let w = &r["workloads"][0];
    assert_eq!(w["verdict"], "blocked", "{w}");
    let f = findings_of(w, "WM501")
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no WM501 in {w}"));
    assert_eq!(f["category"], "process-spawn");
    assert_eq!(f["file"], "thumbs/thumbs/app.py");
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(7), Some(5))
    );
    // scripts/ is not copied into the image: its subprocess is not the service's.
    let wm501 = findings_of(w, "WM501").len();
    assert_eq!(wm501, 1, "{w}");
    let cov: Vec<_> = w["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert!(
        cov.contains(&"source") && cov.contains(&"dependency-manifest"),
        "{w}"
    );
}

#[test]
fn a_pure_python_service_is_portable_never_ready() {
    let app = "from flask import Flask\napp = Flask(__name__)\n\n@app.get('/')\ndef index():\n    return 'ok'\n";
    let r = scan(&[
        ("k8s/thumbs.yaml", DEPLOYMENT),
        ("thumbs/Dockerfile", DOCKERFILE),
        ("thumbs/requirements.txt", "flask==3.0.3\ngunicorn\n"),
        ("thumbs/thumbs/app.py", app),
    ]);
    let w = &r["workloads"][0];
    assert_eq!(w["verdict"], "portable", "{w}");
    assert!(
        w["confidence_reason"].as_str().unwrap().contains("source"),
        "{w}"
    );
    // The framework and its wasi:http path, as a note at the import.
    let f = findings_of(w, "WM502")
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no WM502 in {w}"));
    assert_eq!(
        (f["file"].as_str(), f["line"].as_u64()),
        (Some("thumbs/thumbs/app.py"), Some(1))
    );
    assert_eq!(f["severity"], "note");
    assert!(f["message"].as_str().unwrap().contains("WSGI"), "{f}");
}

#[test]
fn pyproject_dependencies_and_lockfile_wheels_decide_native_packages() {
    let dockerfile = "FROM python:3.12-slim\nWORKDIR /srv\nCOPY . .\nRUN pip install .\nCMD [\"uvicorn\", \"svc.main:app\"]\n";
    let pyproject = "[project]\nname = \"svc\"\ndependencies = [\n  \"fastapi>=0.110\",\n  \"uvicorn\",\n  \"grpcio==1.66\",\n]\n";
    let lock = "version = 1\n\n[[package]]\nname = \"fastapi\"\nwheels = [\n  { url = \"https://files/fastapi-0.115.0-py3-none-any.whl\" },\n]\n\n[[package]]\nname = \"fastcrc\"\nwheels = [\n  { url = \"https://files/fastcrc-0.3.2-cp312-cp312-manylinux_2_17_x86_64.whl\" },\n]\n";
    let r = scan(&[
        ("k8s/thumbs.yaml", DEPLOYMENT),
        ("thumbs/Dockerfile", dockerfile),
        ("thumbs/pyproject.toml", pyproject),
        ("thumbs/uv.lock", lock),
        (
            "thumbs/svc/main.py",
            "from fastapi import FastAPI\napp = FastAPI()\n",
        ),
    ]);
    let w = &r["workloads"][0];
    assert_eq!(w["verdict"], "blocked", "{w}");
    let at = |file: &str, line: u64| {
        w["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == "WM106" && f["file"] == file && f["line"] == line)
            .unwrap_or_else(|| panic!("no WM106 at {file}:{line} in {w}"))
            .clone()
    };
    let grpc = at("thumbs/pyproject.toml", 6);
    assert_eq!(
        (grpc["severity"].as_str(), grpc["column"].as_u64()),
        (Some("blocker"), Some(4))
    );
    let crc = at("thumbs/uv.lock", 10);
    assert_eq!(crc["severity"], "warning");
    assert_eq!(crc["category"], "python-native");
    assert!(
        !w["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "WM106" && f["message"].as_str().unwrap().contains("`fastapi`")),
        "{w}"
    );
}

#[test]
fn a_requirements_include_cycle_is_read_once_and_the_scan_goes_on() {
    let dockerfile = "FROM python:3.12-slim\nCOPY requirements/ /r/\nRUN pip install -r /r/a.txt\nCOPY thumbs/ /srv/thumbs/\nCMD [\"python\", \"-m\", \"thumbs\"]\n";
    let r = scan(&[
        ("k8s/thumbs.yaml", DEPLOYMENT),
        ("thumbs/Dockerfile", dockerfile),
        ("thumbs/requirements/a.txt", "-r b.txt\nflask\n"),
        ("thumbs/requirements/b.txt", "-r a.txt\nlxml\n"),
    ]);
    let w = &r["workloads"][0];
    let lxml: Vec<_> = w["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "WM106" && f["file"] == "thumbs/requirements/b.txt")
        .collect();
    assert_eq!(lxml.len(), 1, "{w}");
    assert_eq!(w["verdict"], "blocked", "{w}");
}

#[test]
fn a_malformed_lockfile_gets_a_diagnostic_and_its_packages_are_still_read() {
    let dockerfile = "FROM python:3.12-slim\nWORKDIR /srv\nCOPY . .\nRUN pip install .\nCMD [\"python\", \"-m\", \"svc\"]\n";
    let lock = "[[package]]\nname = \"grpcio\"\nversion = = \"1.66\"\n";
    let r = scan(&[
        ("k8s/thumbs.yaml", DEPLOYMENT),
        ("thumbs/Dockerfile", dockerfile),
        ("thumbs/poetry.lock", lock),
    ]);
    let errors = r["errors"].as_array().unwrap();
    assert!(
        errors.iter().any(|e| e["file"] == "thumbs/poetry.lock"
            && e["message"]
                .as_str()
                .unwrap()
                .contains("poetry.lock does not parse")),
        "{r}"
    );
    let w = &r["workloads"][0];
    assert!(
        w["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "WM106" && f["file"] == "thumbs/poetry.lock" && f["line"] == 2),
        "{w}"
    );
}

#[test]
fn a_django_app_under_gunicorn_workers_is_portable_with_its_wsgi_path() {
    let dockerfile = "FROM python:3.12-slim\nWORKDIR /srv\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY shop/ shop/\nCMD [\"gunicorn\", \"shop.wsgi:application\", \"--workers\", \"4\", \"--bind\", \"0.0.0.0:8000\"]\n";
    let wsgi = "import os\n\nfrom django.core.wsgi import get_wsgi_application\n\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shop.settings')\napplication = get_wsgi_application()\n";
    let r = scan(&[
        ("k8s/thumbs.yaml", DEPLOYMENT),
        ("thumbs/Dockerfile", dockerfile),
        ("thumbs/requirements.txt", "Django==5.1\ngunicorn==22.0\n"),
        ("thumbs/shop/wsgi.py", wsgi),
        ("thumbs/shop/settings.py", "DEBUG = False\n"),
    ]);
    let w = &r["workloads"][0];
    assert_eq!(w["verdict"], "portable", "{w}");
    let f = findings_of(w, "WM502")
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no WM502 in {w}"));
    assert_eq!(
        (f["file"].as_str(), f["line"].as_u64()),
        (Some("thumbs/shop/wsgi.py"), Some(3))
    );
    assert!(
        f["message"].as_str().unwrap().contains("Django (WSGI)"),
        "{f}"
    );
}
