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

/// The WM106 finding at `file:line` of a workload, or a panic naming what was there.
fn wm106_at(w: &serde_json::Value, file: &str, line: u64) -> serde_json::Value {
    w["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "WM106" && f["file"] == file && f["line"] == line)
        .unwrap_or_else(|| panic!("no WM106 at {file}:{line} in {w}"))
        .clone()
}

const PIPFILE_LOCK: &str = r#"{
    "_meta": {
        "hash": {"sha256": "5c3d"},
        "pipfile-spec": 6,
        "requires": {"python_version": "3.12"},
        "sources": [{"name": "pypi", "url": "https://pypi.org/simple", "verify_ssl": true}]
    },
    "default": {
        "flask": {
            "hashes": ["sha256:34e8"],
            "index": "pypi",
            "version": "==3.0.3"
        },
        "psycopg2": {
            "hashes": ["sha256:1a2b", "sha256:3c4d"],
            "index": "pypi",
            "markers": "python_version >= '3.8'",
            "version": "==2.9.9"
        }
    },
    "develop": {
        "lxml": {"hashes": ["sha256:5e6f"], "version": "==5.2.2"}
    }
}
"#;

#[test]
fn a_pipfile_lock_blocks_at_the_native_package_entry_and_develop_is_not_shipped() {
    let dockerfile = "FROM python:3.12-slim\nWORKDIR /srv\nRUN pip install pipenv\nCOPY Pipfile Pipfile.lock ./\nRUN pipenv install --deploy --system\nCOPY thumbs/ thumbs/\nCMD [\"gunicorn\", \"thumbs.app:app\"]\n";
    let pipfile = "[packages]\nflask = \"*\"\npsycopg2 = \"*\"\n\n[dev-packages]\nlxml = \"*\"\n";
    let r = scan(&[
        ("k8s/thumbs.yaml", DEPLOYMENT),
        ("thumbs/Dockerfile", dockerfile),
        ("thumbs/Pipfile", pipfile),
        ("thumbs/Pipfile.lock", PIPFILE_LOCK),
        (
            "thumbs/thumbs/app.py",
            "from flask import Flask\napp = Flask(__name__)\n",
        ),
    ]);
    let w = &r["workloads"][0];
    assert_eq!(w["verdict"], "blocked", "{w}");
    let f = wm106_at(w, "thumbs/Pipfile.lock", 14);
    assert_eq!(f["category"], "python-native");
    assert_eq!(f["severity"], "blocker");
    assert_eq!(f["column"], 10, "{f}");
    assert!(f["message"].as_str().unwrap().contains("`psycopg2`"), "{f}");
    // The lock decides: the Pipfile beside it is not reported twice, `develop` never.
    let wm106 = findings_of(w, "WM106");
    assert_eq!(wm106.len(), 1, "{w}");
    let cov: Vec<_> = w["coverage"].as_array().unwrap().iter().collect();
    assert!(cov.iter().any(|c| *c == "lockfile"), "{w}");
}

#[test]
fn a_pipfile_without_a_lock_is_read_for_its_packages() {
    let dockerfile = "FROM python:3.12-slim\nWORKDIR /srv\nCOPY . .\nRUN pip install pipenv && pipenv install --system --skip-lock\nCMD [\"python\", \"-m\", \"thumbs\"]\n";
    let pipfile = "[[source]]\nurl = \"https://pypi.org/simple\"\nname = \"pypi\"\n\n[packages]\nflask = \"*\"\ngrpcio = {version = \"==1.66\"}\n\n[dev-packages]\nlxml = \"*\"\n";
    let r = scan(&[
        ("k8s/thumbs.yaml", DEPLOYMENT),
        ("thumbs/Dockerfile", dockerfile),
        ("thumbs/Pipfile", pipfile),
    ]);
    let w = &r["workloads"][0];
    assert_eq!(w["verdict"], "blocked", "{w}");
    let f = wm106_at(w, "thumbs/Pipfile", 7);
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("a dependency of the project the image copies in"),
        "{f}"
    );
    assert_eq!(findings_of(w, "WM106").len(), 1, "{w}");
}

#[test]
fn setup_cfg_install_requires_with_numpy_blocks_at_its_line() {
    let dockerfile = "FROM python:3.12-slim\nWORKDIR /srv\nCOPY . .\nRUN pip install --no-cache-dir .\nCMD [\"python\", \"-m\", \"thumbs\"]\n";
    let cfg = "[metadata]\nname = thumbs\n\n[options]\npackages = find:\ninstall_requires =\n    flask>=3\n    numpy>=2.0; python_version >= \"3.10\"\n\n[options.extras_require]\ntest =\n    lxml\n";
    let r = scan(&[
        ("k8s/thumbs.yaml", DEPLOYMENT),
        ("thumbs/Dockerfile", dockerfile),
        ("thumbs/setup.cfg", cfg),
        (
            "thumbs/setup.py",
            "from setuptools import setup\n\nsetup()\n",
        ),
        ("thumbs/thumbs/__main__.py", "print('thumbs')\n"),
    ]);
    let w = &r["workloads"][0];
    assert_eq!(w["verdict"], "blocked", "{w}");
    let f = wm106_at(w, "thumbs/setup.cfg", 8);
    assert_eq!(
        (f["category"].as_str(), f["column"].as_u64()),
        (Some("python-native"), Some(5))
    );
    // Extras are not installed by `pip install .`.
    assert_eq!(findings_of(w, "WM106").len(), 1, "{w}");
    // A `setup()` with no install_requires was read: nothing to note.
    assert!(r["notes"].as_array().unwrap().is_empty(), "{r}");
}

#[test]
fn a_setup_py_literal_install_requires_is_read_without_running_it() {
    let dockerfile = "FROM python:3.12-slim\nWORKDIR /srv\nCOPY setup.py .\nCOPY thumbs/ thumbs/\nRUN pip install .\nCMD [\"python\", \"-m\", \"thumbs\"]\n";
    let setup = "import os\nfrom setuptools import find_packages, setup\n\nREQUIRES = [\n    \"flask>=3\",\n    # the image resizer\n    \"Pillow\",\n    'grpcio==1.66',\n]\n\nsetup(\n    name=\"thumbs\",\n    version=os.environ.get(\"VERSION\", \"0\"),\n    packages=find_packages(),\n    install_requires=REQUIRES,\n    extras_require={\"dev\": [\"lxml\"]},\n)\n";
    let r = scan(&[
        ("k8s/thumbs.yaml", DEPLOYMENT),
        ("thumbs/Dockerfile", dockerfile),
        ("thumbs/setup.py", setup),
        ("thumbs/thumbs/__main__.py", "print('thumbs')\n"),
    ]);
    let w = &r["workloads"][0];
    assert_eq!(w["verdict"], "blocked", "{w}");
    let f = wm106_at(w, "thumbs/setup.py", 8);
    assert_eq!(
        (f["severity"].as_str(), f["column"].as_u64()),
        (Some("blocker"), Some(6))
    );
    assert!(f["message"].as_str().unwrap().contains("`grpcio`"), "{f}");
    assert!(
        !findings_of(w, "WM106")
            .iter()
            .any(|f| f["message"].as_str().unwrap().contains("`lxml`")),
        "{w}"
    );
}

#[test]
fn a_computed_setup_py_list_is_a_note_not_a_read_manifest() {
    let dockerfile = "FROM python:3.12-slim\nWORKDIR /srv\nCOPY . .\nRUN pip install .\nCMD [\"python\", \"-m\", \"thumbs\"]\n";
    let setup = "from setuptools import setup\n\n\ndef requirements():\n    with open('requirements.in') as f:\n        return [l.strip() for l in f if l.strip()]\n\n\nsetup(\n    name='thumbs',\n    install_requires=requirements(),\n)\n";
    let r = scan(&[
        ("k8s/thumbs.yaml", DEPLOYMENT),
        ("thumbs/Dockerfile", dockerfile),
        ("thumbs/setup.py", setup),
        ("thumbs/thumbs/__main__.py", "print('thumbs')\n"),
    ]);
    let notes = r["notes"].as_array().unwrap();
    let note = notes
        .iter()
        .find(|n| n["file"] == "thumbs/setup.py")
        .unwrap_or_else(|| panic!("no note on setup.py in {r}"));
    assert_eq!(note["line"], 11, "{note}");
    let msg = note["message"].as_str().unwrap();
    assert!(
        msg.contains("were not read") && msg.contains("computed"),
        "{msg}"
    );
    // Nothing was read from it: the verdict does not rest on a dependency manifest.
    let w = &r["workloads"][0];
    assert_eq!(w["verdict"], "portable", "{w}");
    assert!(
        !w["coverage"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "dependency-manifest"),
        "{w}"
    );
}

#[test]
fn a_malformed_pipfile_lock_gets_a_diagnostic_and_the_scan_goes_on() {
    let dockerfile = "FROM python:3.12-slim\nWORKDIR /srv\nCOPY Pipfile.lock .\nRUN pip install pipenv && pipenv install --deploy --system\nCOPY thumbs/ thumbs/\nCMD [\"python\", \"-m\", \"thumbs\"]\n";
    let lock = "{\n  \"default\": {\n    \"psycopg2\": {\"version\": \"==2.9.9\"},\n    \"flask\" {\"version\": \"==3.0.3\"}\n  }\n}\n";
    let r = scan(&[
        ("k8s/thumbs.yaml", DEPLOYMENT),
        ("thumbs/Dockerfile", dockerfile),
        ("thumbs/Pipfile.lock", lock),
        ("thumbs/thumbs/__main__.py", "print('thumbs')\n"),
        (
            "other/Dockerfile",
            "FROM python:3.12-slim\nCOPY app.py .\nCMD [\"python\", \"app.py\"]\n",
        ),
        ("other/app.py", "import subprocess\n"),
    ]);
    let e = r["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["file"] == "thumbs/Pipfile.lock")
        .unwrap_or_else(|| panic!("no error for the lock in {r}"));
    assert_eq!(
        (e["rule"].as_str(), e["line"].as_u64()),
        (Some("WM906"), Some(4))
    );
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("Pipfile.lock does not parse"),
        "{e}"
    );
    // What precedes the fault is still judged, and the other workloads are scanned.
    let w = &r["workloads"][0];
    wm106_at(w, "thumbs/Pipfile.lock", 3);
    assert_eq!(w["verdict"], "blocked", "{w}");
    let other = common::workload(&r, "dockerfile:other/Dockerfile");
    assert_eq!(other["verdict"], "blocked", "{other}");
}

#[test]
fn a_pdm_lock_judges_shipped_packages_by_their_wheels() {
    let dockerfile = "FROM python:3.12-slim\nWORKDIR /srv\nCOPY pyproject.toml pdm.lock ./\nRUN pip install pdm && pdm install --prod --no-editable\nCOPY thumbs/ thumbs/\nCMD [\"pdm\", \"run\", \"python\", \"-m\", \"thumbs\"]\n";
    let pyproject = "[project]\nname = \"thumbs\"\ndependencies = [\"fastapi\", \"fastcrc\"]\n\n[tool.pdm.dev-dependencies]\nlint = [\"ruff\"]\n";
    let lock = "[metadata]\ngroups = [\"default\", \"lint\"]\n\n[[package]]\nname = \"fastcrc\"\nversion = \"0.3.2\"\ngroups = [\"default\"]\nfiles = [\n    {file = \"fastcrc-0.3.2-cp312-cp312-manylinux_2_17_x86_64.whl\", hash = \"sha256:1\"},\n]\n\n[[package]]\nname = \"ruff\"\nversion = \"0.5.0\"\ngroups = [\"lint\"]\nfiles = [\n    {file = \"ruff-0.5.0-py3-none-manylinux_2_17_x86_64.whl\", hash = \"sha256:2\"},\n]\n";
    let r = scan(&[
        ("k8s/thumbs.yaml", DEPLOYMENT),
        ("thumbs/Dockerfile", dockerfile),
        ("thumbs/pyproject.toml", pyproject),
        ("thumbs/pdm.lock", lock),
        ("thumbs/thumbs/__main__.py", "print('thumbs')\n"),
    ]);
    let w = &r["workloads"][0];
    let f = wm106_at(w, "thumbs/pdm.lock", 5);
    assert_eq!(
        (f["severity"].as_str(), f["category"].as_str()),
        (Some("warning"), Some("python-native"))
    );
    // A development group is not installed by `--prod`.
    assert!(
        !findings_of(w, "WM106")
            .iter()
            .any(|f| f["message"].as_str().unwrap().contains("`ruff`")),
        "{w}"
    );
    assert_eq!(w["verdict"], "portable", "{w}");
}

/// A pure-Python distribution whose required dependencies are native (locust requires gevent and
/// greenlet) blocks as the extension itself would, at its requirements line.
#[test]
fn a_distribution_that_requires_native_extensions_blocks_at_its_requirement() {
    let r = scan(&[
        ("k8s/thumbs.yaml", DEPLOYMENT),
        (
            "thumbs/Dockerfile",
            "FROM python:3.12\nWORKDIR /load\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY load.py .\nCMD [\"locust\", \"-f\", \"load.py\"]\n",
        ),
        ("thumbs/requirements.txt", "requests\nlocust==2.31.8\n"),
        ("thumbs/load.py", "from locust import HttpUser, task\n"),
    ]);
    let w = &r["workloads"][0];
    assert_eq!(w["verdict"], "blocked", "{w}");
    let f = wm106_at(w, "thumbs/requirements.txt", 2);
    assert_eq!(f["category"], "python-native");
    assert_eq!(f["severity"], "blocker");
    assert!(f["message"].as_str().unwrap().contains("gevent"), "{f}");
}
