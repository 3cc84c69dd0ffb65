//! Exact-output tests for every shape the engine edits. Every successful edit also goes through
//! [`check_preserved`], so no test can pass while bytes outside the edits changed.

use super::*;

fn k(keys: &str) -> Route {
    Route::keys(&keys.split('.').collect::<Vec<_>>())
}

/// Run the operations, check byte preservation, and return the edited text.
fn edit(text: &str, ops: impl FnOnce(&mut Patch<'_>) -> Result<(), EditError>) -> String {
    let mut p = Patch::new(text).unwrap_or_else(|e| panic!("parse: {e}"));
    ops(&mut p).unwrap_or_else(|e| panic!("op: {e}"));
    let out = p.finish().unwrap_or_else(|e| panic!("finish: {e}"));
    check_preserved(text, &out.text, &out.edits).unwrap_or_else(|e| panic!("not preserved: {e}"));
    out.text
}

fn edit_err(text: &str, ops: impl FnOnce(&mut Patch<'_>) -> Result<(), EditError>) -> EditError {
    let mut p = match Patch::new(text) {
        Ok(p) => p,
        Err(e) => return e,
    };
    match ops(&mut p) {
        Err(e) => e,
        Ok(()) => match p.finish() {
            Err(e) => e,
            Ok(out) => panic!("expected an error, got:\n{}", out.text),
        },
    }
}

fn s(v: &str) -> NewValue {
    NewValue::str(v)
}

// ---- scalars ----

#[test]
fn set_scalar_keeps_comment_and_plain_style() {
    let t = "spec:\n  containers:\n  - name: web\n    image: nginx:1.25 # pinned\n";
    let out = edit(t, |p| {
        p.set(
            0,
            &k("spec.containers").index(0).key("image"),
            s("ghcr.io/acme/web-wasm:1.25"),
        )
    });
    assert_eq!(
        out,
        "spec:\n  containers:\n  - name: web\n    image: ghcr.io/acme/web-wasm:1.25 # pinned\n"
    );
}

#[test]
fn set_scalar_keeps_quoting_style() {
    let t = "a: 'nginx'\nb: \"nginx\"\nc: nginx\n";
    let out = edit(t, |p| {
        p.set(0, &k("a"), s("it's"))?;
        p.set(0, &k("b"), s("x\"y"))?;
        p.set(0, &k("c"), s("80"))
    });
    assert_eq!(out, "a: 'it''s'\nb: \"x\\\"y\"\nc: \"80\"\n");
}

#[test]
fn set_number_and_keep_tag() {
    let t = "ports:\n- containerPort: 8000\n  name: !!str http\n";
    let out = edit(t, |p| {
        p.set(
            0,
            &k("ports").index(0).key("containerPort"),
            NewValue::int(80),
        )?;
        p.set(0, &k("ports").index(0).key("name"), s("http-app"))
    });
    assert_eq!(out, "ports:\n- containerPort: 80\n  name: !!str http-app\n");
}

#[test]
fn set_in_flow_collections_quotes_flow_indicators() {
    let t = "c: {image: nginx, args: [a, b]}\n";
    let out = edit(t, |p| {
        p.set(0, &k("c.image"), s("x,y"))?;
        p.set(0, &k("c.args").index(1), s("z"))
    });
    assert_eq!(out, "c: {image: \"x,y\", args: [a, z]}\n");
}

// ---- inserting keys ----

#[test]
fn insert_key_at_end_of_block_mapping() {
    let t = "spec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: nginx\nstatus: {}\n";
    let out = edit(t, |p| {
        p.set(
            0,
            &k("spec.template.spec.runtimeClassName"),
            s("wasmtime-spin-v2"),
        )
    });
    assert_eq!(
        out,
        "spec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: nginx\n      runtimeClassName: wasmtime-spin-v2\nstatus: {}\n"
    );
}

#[test]
fn insertion_lands_after_comments_of_the_mapping_and_before_those_of_the_next_key() {
    let t = "\
spec:
  replicas: 2 # two
  # owned by spec (same column, no blank line)
      # owned by spec (deeper)
# about metadata (shallower column)
metadata:
  name: web
";
    let out = edit(t, |p| p.set(0, &k("spec.runtimeClassName"), s("wasm")));
    assert_eq!(
        out,
        "\
spec:
  replicas: 2 # two
  # owned by spec (same column, no blank line)
      # owned by spec (deeper)
  runtimeClassName: wasm
# about metadata (shallower column)
metadata:
  name: web
"
    );
}

#[test]
fn insertion_lands_before_a_comment_after_a_blank_line_and_the_next_document() {
    let t = "kind: Pod\nspec:\n  a: 1\n\n# next document\n---\nkind: Service\n";
    let out = edit(t, |p| p.set(0, &k("spec.b"), NewValue::int(2)));
    assert_eq!(
        out,
        "kind: Pod\nspec:\n  a: 1\n  b: 2\n\n# next document\n---\nkind: Service\n"
    );
    let out = edit(t, |p| p.set(0, &k("extra"), NewValue::bool(true)));
    assert_eq!(
        out,
        "kind: Pod\nspec:\n  a: 1\nextra: true\n\n# next document\n---\nkind: Service\n"
    );
}

#[test]
fn insert_into_flow_mappings() {
    let t = "a: {x: 1}\nb: {}\nc: { }\n";
    let out = edit(t, |p| {
        p.set(0, &k("a.w"), NewValue::int(2))?;
        p.set(0, &k("b.w"), NewValue::map([("z", s("v"))]))?;
        p.set(0, &k("c.w"), NewValue::seq([s("q")]))
    });
    assert_eq!(out, "a: {x: 1, w: 2}\nb: {w: {z: v}}\nc: {w: [q] }\n");
}

#[test]
fn insert_refuses_existing_keys() {
    let e = edit_err("a:\n  b: 1\n", |p| p.insert(0, &k("a.b"), NewValue::int(2)));
    assert!(matches!(e, EditError::Exists { .. }), "{e}");
}

// ---- creating missing paths ----

#[test]
fn create_missing_mapping_path_with_detected_unit() {
    let t = "apiVersion: apps/v1\nkind: Deployment\nspec:\n    replicas: 1\n";
    let out = edit(t, |p| {
        p.set(0, &k("spec.template.spec.runtimeClassName"), s("wasm"))?;
        p.set(
            0,
            &Route::keys(&[
                "spec",
                "template",
                "metadata",
                "annotations",
                "dapr.io/enabled",
            ]),
            s("true"),
        )
    });
    assert_eq!(
        out,
        "apiVersion: apps/v1\nkind: Deployment\nspec:\n    replicas: 1\n    template:\n        spec:\n            runtimeClassName: wasm\n        metadata:\n            annotations:\n                dapr.io/enabled: \"true\"\n"
    );
}

#[test]
fn keys_with_dots_need_route_builders() {
    let t = "metadata:\n  annotations:\n    a: b\n";
    let r = Route::keys(&["metadata", "annotations", "dapr.io/app-id"]);
    let out = edit(t, |p| p.set(0, &r, s("web")));
    assert_eq!(
        out,
        "metadata:\n  annotations:\n    a: b\n    dapr.io/app-id: web\n"
    );
}

#[test]
fn fill_an_empty_value() {
    let t = "spec:\n  template:\n  replicas: 1\n";
    let out = edit(t, |p| {
        p.set(0, &k("spec.template.spec.runtimeClassName"), s("wasm"))?;
        p.set(0, &k("spec.template.metadata.name"), s("x"))
    });
    assert_eq!(
        out,
        "spec:\n  template:\n    spec:\n      runtimeClassName: wasm\n    metadata:\n      name: x\n  replicas: 1\n"
    );
}

// ---- sequences ----

const SIDECAR: &str =
    "name: otel\nimage: otel/opentelemetry-collector:0.110.0\nports:\n- containerPort: 4317\n";

#[test]
fn append_to_compact_block_sequence() {
    let t = "spec:\n  containers:\n  - name: web\n    image: nginx\n  volumes: []\n";
    let side = NewValue::from_yaml(SIDECAR).unwrap();
    let out = edit(t, |p| p.append(0, &k("spec.containers"), side));
    assert_eq!(
        out,
        "spec:\n  containers:\n  - name: web\n    image: nginx\n  - name: otel\n    image: otel/opentelemetry-collector:0.110.0\n    ports:\n    - containerPort: 4317\n  volumes: []\n"
    );
}

#[test]
fn append_to_indented_block_sequence_with_four_space_unit() {
    let t = "spec:\n    containers:\n        - name: web\n          image: nginx\n          # env: later\n";
    let side = NewValue::from_yaml(SIDECAR).unwrap();
    let out = edit(t, |p| p.append(0, &k("spec.containers"), side));
    assert_eq!(
        out,
        "spec:\n    containers:\n        - name: web\n          image: nginx\n          # env: later\n        - name: otel\n          image: otel/opentelemetry-collector:0.110.0\n          ports:\n              - containerPort: 4317\n"
    );
}

#[test]
fn append_to_flow_sequences() {
    let t = "a: [x]\nb: []\nc: [\n  x,\n]\n";
    let out = edit(t, |p| {
        p.append(0, &k("a"), s("w"))?;
        p.append(0, &k("b"), NewValue::map([("m", NewValue::int(1))]))?;
        p.append(0, &k("c"), s("y"))
    });
    // `y` is a YAML 1.1 boolean (Kubernetes reads YAML 1.1), so it is quoted to stay a string.
    assert_eq!(out, "a: [x, w]\nb: [{m: 1}]\nc: [\n  x, \"y\",\n]\n");
}

#[test]
fn create_a_sequence_in_the_documents_style() {
    let compact = "spec:\n  containers:\n  - name: web\n";
    let out = edit(compact, |p| {
        p.append(
            0,
            &k("spec.initContainers"),
            NewValue::map([("name", s("otel")), ("restartPolicy", s("Always"))]),
        )
    });
    assert_eq!(
        out,
        "spec:\n  containers:\n  - name: web\n  initContainers:\n  - name: otel\n    restartPolicy: Always\n"
    );
    let indented = "spec:\n  containers:\n    - name: web\n";
    let out = edit(indented, |p| {
        p.append(
            0,
            &k("spec.initContainers"),
            NewValue::map([("name", s("a"))]),
        )?;
        p.append(
            0,
            &k("spec.initContainers"),
            NewValue::map([("name", s("b"))]),
        )
    });
    assert_eq!(
        out,
        "spec:\n  containers:\n    - name: web\n  initContainers:\n    - name: a\n    - name: b\n"
    );
}

#[test]
fn append_twice_to_one_sequence_is_one_edit() {
    let t = "a:\n- 1\n";
    let mut p = Patch::new(t).unwrap();
    p.append(0, &k("a"), NewValue::int(2)).unwrap();
    p.append(0, &k("a"), NewValue::int(3)).unwrap();
    let out = p.finish().unwrap();
    assert_eq!(out.edits.len(), 1);
    assert_eq!(out.text, "a:\n- 1\n- 2\n- 3\n");
}

// ---- replacing values ----

#[test]
fn replace_block_sequence_keeps_its_indentation() {
    let t = "command:\n    - /app\n    - --serve # flag\nargs: [x]\n";
    let out = edit(t, |p| p.set(0, &k("command"), NewValue::seq([s("/")])));
    assert_eq!(out, "command:\n    - /\nargs: [x]\n");
}

#[test]
fn replace_scalar_and_flow_with_collections() {
    let t = "command: /app\nargs: [\"a\", \"b\"]\n";
    let out = edit(t, |p| {
        p.set(0, &k("command"), NewValue::seq([s("/")]))?;
        p.set(0, &k("args"), NewValue::seq([]))
    });
    assert_eq!(out, "command:\n  - /\nargs: []\n");
}

// ---- removing keys ----

#[test]
fn exec_probe_becomes_http_get_in_block_style() {
    let t = "livenessProbe:\n  exec:\n    command: [cat, /tmp/healthy]\n  periodSeconds: 5 # often\nreadinessProbe:\n  exec:\n    command:\n    - /bin/check\n";
    let http = NewValue::map([("path", s("/healthz")), ("port", NewValue::int(80))]);
    let out = edit(t, |p| {
        p.remove(0, &k("livenessProbe.exec"))?;
        p.set(0, &k("livenessProbe.httpGet"), http.clone())?;
        p.remove(0, &k("readinessProbe.exec"))?;
        p.set(0, &k("readinessProbe.httpGet"), http.clone())
    });
    assert_eq!(
        out,
        "livenessProbe:\n  periodSeconds: 5 # often\n  httpGet:\n    path: /healthz\n    port: 80\nreadinessProbe:\n  httpGet:\n    path: /healthz\n    port: 80\n"
    );
}

#[test]
fn exec_probe_becomes_http_get_in_flow_style() {
    let t = "a: {exec: {command: [x]}, periodSeconds: 5}\nb: {exec: {command: [x]}}\nc: {p: 1, exec: {command: [x]}}\n";
    let http = NewValue::map([("port", NewValue::int(8080))]);
    let out = edit(t, |p| {
        for key in ["a", "b", "c"] {
            p.remove(0, &k(&format!("{key}.exec")))?;
            p.set(0, &k(&format!("{key}.httpGet")), http.clone())?;
        }
        Ok(())
    });
    assert_eq!(
        out,
        "a: {periodSeconds: 5, httpGet: {port: 8080}}\nb: {httpGet: {port: 8080}}\nc: {p: 1, httpGet: {port: 8080}}\n"
    );
}

#[test]
fn remove_the_only_key_of_a_compact_item_and_replace_it() {
    let t = "probes:\n- exec: {command: [x]}\n- exec: {command: [y]}\n  period: 1\n";
    let out = edit(t, |p| {
        p.remove(0, &k("probes").index(0).key("exec"))?;
        p.set(
            0,
            &k("probes").index(0).key("httpGet"),
            NewValue::map([("port", NewValue::int(80))]),
        )?;
        p.remove(0, &k("probes").index(1).key("exec"))
    });
    assert_eq!(out, "probes:\n- httpGet:\n    port: 80\n- period: 1\n");
}

#[test]
fn removing_every_key_leaves_an_empty_mapping() {
    let t = "a:\n  b: 1\nc: 2\n";
    let out = edit(t, |p| p.remove(0, &k("a.b")));
    assert_eq!(out, "a: {}\nc: 2\n");
}

#[test]
fn remove_keeps_surrounding_comments() {
    let t = "a:\n  # about b\n  b: 1 # b\n  # about c\n  c: 2\n";
    let out = edit(t, |p| p.remove(0, &k("a.b")));
    assert_eq!(out, "a:\n  # about b\n  # about c\n  c: 2\n");
}

// ---- files: documents, line breaks, BOM, end of file ----

#[test]
fn multi_document_files_edit_only_the_named_document() {
    let t = "# header\n---\nkind: Service # svc\nspec:\n  ports:\n  - port: 80\n    targetPort: 8000\n---\n# between\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers: []\n...\n# trailer\n";
    let out = edit(t, |p| {
        p.set(
            0,
            &k("spec.ports").index(0).key("targetPort"),
            NewValue::int(80),
        )?;
        p.set(1, &k("spec.template.spec.runtimeClassName"), s("wasm"))
    });
    assert_eq!(
        out,
        "# header\n---\nkind: Service # svc\nspec:\n  ports:\n  - port: 80\n    targetPort: 80\n---\n# between\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers: []\n      runtimeClassName: wasm\n...\n# trailer\n"
    );
    let e = edit_err(t, |p| p.set(2, &k("a"), s("b")));
    assert_eq!(e, EditError::NoDocument { doc: 2, count: 2 });
}

#[test]
fn crlf_files_get_crlf_lines() {
    let t = "spec:\r\n  containers:\r\n  - name: web\r\n    image: nginx\r\n";
    let out = edit(t, |p| {
        p.set(0, &k("spec.runtimeClassName"), s("wasm"))?;
        p.append(
            0,
            &k("spec.containers"),
            NewValue::map([("name", s("b")), ("image", s("c"))]),
        )
    });
    assert_eq!(
        out,
        "spec:\r\n  containers:\r\n  - name: web\r\n    image: nginx\r\n  - name: b\r\n    image: c\r\n  runtimeClassName: wasm\r\n"
    );
    assert!(!out.replace("\r\n", "").contains('\n'));
}

#[test]
fn bom_is_kept_and_columns_ignore_it() {
    let t = "\u{feff}spec:\n  a: 1\n";
    let out = edit(t, |p| p.set(0, &k("spec.b"), NewValue::int(2)));
    assert_eq!(out, "\u{feff}spec:\n  a: 1\n  b: 2\n");
    let out = edit(t, |p| p.set(0, &k("top"), NewValue::int(2)));
    assert_eq!(out, "\u{feff}spec:\n  a: 1\ntop: 2\n");
}

#[test]
fn file_without_final_newline_stays_without() {
    let t = "spec:\n  a: 1";
    let out = edit(t, |p| p.set(0, &k("spec.b"), NewValue::int(2)));
    assert_eq!(out, "spec:\n  a: 1\n  b: 2");
}

#[test]
fn insertion_after_a_literal_block_scalar() {
    let t = "data:\n  script: |\n    echo hi\n\n  # data comment\nnext: 1\n";
    let out = edit(t, |p| p.set(0, &k("data.other"), s("x")));
    assert_eq!(
        out,
        "data:\n  script: |\n    echo hi\n  other: x\n\n  # data comment\nnext: 1\n"
    );
}

// ---- anchors, aliases, merge keys ----

#[test]
fn never_edits_through_an_alias() {
    let t = "base: &b\n  image: nginx\nweb: *b\n";
    let e = edit_err(t, |p| p.set(0, &k("web.image"), s("x")));
    assert!(
        matches!(e, EditError::ThroughAlias { ref alias, .. } if alias == "*b"),
        "{e}"
    );
    let e = edit_err(t, |p| p.set(0, &k("base.image"), s("x")));
    assert!(
        matches!(e, EditError::Anchored { ref anchor, .. } if anchor == "b"),
        "{e}"
    );
    assert_eq!(
        e.to_string(),
        "document 0: `base` is inside the anchored node `b`; editing it would change every alias of it"
    );
    let e = edit_err("a: &x 1\nb: *x\n", |p| p.set(0, &k("a"), NewValue::int(2)));
    assert!(matches!(e, EditError::Anchored { .. }), "{e}");
    let e = edit_err("a: &x [1]\nb: *x\n", |p| {
        p.append(0, &k("a"), NewValue::int(2))
    });
    assert!(matches!(e, EditError::Anchored { .. }), "{e}");
}

#[test]
fn anchors_elsewhere_do_not_block_edits() {
    let t = "labels: &l {app: web}\nspec:\n  selector: *l\n  replicas: 1\n";
    let out = edit(t, |p| p.set(0, &k("spec.replicas"), NewValue::int(2)));
    assert_eq!(
        out,
        "labels: &l {app: web}\nspec:\n  selector: *l\n  replicas: 2\n"
    );
}

#[test]
fn merge_keys_are_not_shadowed_silently() {
    let t = "base: &b {image: nginx}\nweb:\n  <<: *b\n  name: web\n";
    let e = edit_err(t, |p| p.set(0, &k("web.image"), s("x")));
    assert!(matches!(e, EditError::MergeKey { .. }), "{e}");
}

// ---- refusals ----

#[test]
fn overlapping_and_conflicting_edits_are_errors() {
    let t = "a:\n  b:\n    c: 1\n";
    let e = edit_err(t, |p| {
        p.set(0, &k("a.b"), NewValue::int(1))?;
        p.set(0, &k("a.b.d"), NewValue::int(2))
    });
    assert!(matches!(e, EditError::Conflict { .. }), "{e}");
    let e = edit_err(t, |p| {
        p.remove(0, &k("a.b"))?;
        p.set(0, &k("a.b.c"), NewValue::int(2))
    });
    assert!(matches!(e, EditError::Conflict { .. }), "{e}");
    let e = edit_err(t, |p| {
        p.set(0, &k("a.x.y"), NewValue::int(1))?;
        p.set(0, &k("a.x.y"), NewValue::int(2))
    });
    assert!(matches!(e, EditError::Conflict { .. }), "{e}");
    // Setting the same value twice is not a conflict.
    let out = edit(t, |p| {
        p.set(0, &k("a.b.c"), NewValue::int(5))?;
        p.set(0, &k("a.b.c"), NewValue::int(5))
    });
    assert_eq!(out, "a:\n  b:\n    c: 5\n");
}

#[test]
fn shape_errors_name_the_route() {
    let e = edit_err("a: [1]\n", |p| p.set(0, &k("a.b"), NewValue::int(1)));
    assert_eq!(
        e.to_string(),
        "document 0: `a` is a sequence, not a mapping"
    );
    let e = edit_err("a: {}\n", |p| p.append(0, &k("a"), NewValue::int(1)));
    assert_eq!(
        e.to_string(),
        "document 0: `a` is a mapping, not a sequence"
    );
    let e = edit_err("a: [1]\n", |p| p.set(0, &k("a").index(3), NewValue::int(1)));
    assert_eq!(e.to_string(), "document 0: `a[3]` does not exist");
}

#[test]
fn tabs_and_unparsable_files_are_refused() {
    let e = edit_err("a:\n\tb: 1\n", |p| p.set(0, &k("a.c"), NewValue::int(1)));
    assert!(
        matches!(e, EditError::Parse { .. } | EditError::Tab { .. }),
        "{e}"
    );
    let e = edit_err("a: [1\n", |p| p.set(0, &k("a"), NewValue::int(1)));
    assert!(matches!(e, EditError::Parse { line: 2, .. }), "{e:?}");
}

#[test]
fn editing_nothing_changes_nothing() {
    let t = "a: 1 # x\n";
    let out = edit(t, |_| Ok(()));
    assert_eq!(out, t);
}

// ---- robustness: every operation at every route of tricky inputs ----

fn routes(text: &str) -> Vec<(usize, Route)> {
    use analyzer::yaml::Value;
    let stream = analyzer::yaml::parse(text);
    let mut out = Vec::new();
    for (di, d) in stream.docs.iter().enumerate() {
        let Some(root) = d.root() else { continue };
        let mut stack = vec![(root.id, Route::root())];
        while let Some((id, r)) = stack.pop() {
            out.push((di, r.clone()));
            match &d.node(id).value {
                Value::Map { entries, .. } => {
                    for (k, v) in entries {
                        if let Value::Scalar { text, .. } = &d.node(*k).value {
                            stack.push((*v, r.clone().key(text.clone())));
                        }
                    }
                }
                Value::Seq { items, .. } => {
                    for (i, item) in items.iter().enumerate() {
                        stack.push((*item, r.clone().index(i)));
                    }
                }
                _ => {}
            }
        }
    }
    out
}

type Op<'a> = dyn Fn(&mut Patch<'_>) -> Result<(), EditError> + 'a;

const TRICKY: &[&str] = &[
    "- - a\n  - b\n- c\n",
    "? complex\n: v\nx: 1\n",
    "a: |+\n  x\n\n\nb: 1\n",
    "a: >\n  folded\n  text\nb: 1\n",
    "{a: [1, {b: 2}], c: d}\n",
    "a:\n  - b:\n      c: 1\n    d: [e]\n",
    "'quoted key': 1\n\"x\": {}\n",
    "a: !!map\n  b: 1\n",
    "a: &x\n  b: 1\nc:\n  <<: *x\n",
    "a: {b: 1,}\n",
    "---\n...\n---\na: 1\n",
    "a:\n- \n- x\n",
    "a:   \n  # c\nb: 1\n",
    "a: [1, 2, # c\n  3]\n",
    "a: plain\n  continued\nb: 1\n",
    "a:\r\n  b: [1]\r\n  c:\r\n  - d: 1\r\n",
    "\u{feff}a:\n  - x\n",
    "a: {b: {c: [ ]}}",
    "- {a: 1}\n- [b]\n-\n  c: 1\n",
    "a: \"multi\n  line\"\nb: 'x'\n",
    "k: v # c\n# end\n",
    "x: 1\n---\ny: [1, {z: 2}]\n",
];

#[test]
fn every_operation_on_every_route_is_exact_or_refused() {
    let mut ok = 0usize;
    for text in TRICKY {
        for (doc, route) in routes(text) {
            let ops: Vec<Box<Op<'_>>> = vec![
                Box::new(|p| p.set(doc, &route, NewValue::str("v"))),
                Box::new(|p| p.set(doc, &route, NewValue::map([("m", NewValue::int(1))]))),
                Box::new(|p| p.set(doc, &route, NewValue::seq([NewValue::str("s")]))),
                Box::new(|p| {
                    p.set(
                        doc,
                        &route.clone().key("new"),
                        NewValue::map([("n", NewValue::bool(true))]),
                    )
                }),
                Box::new(|p| p.set(doc, &route.clone().key("p").key("q"), NewValue::int(3))),
                Box::new(|p| {
                    p.append(
                        doc,
                        &route,
                        NewValue::map([("i", NewValue::int(1)), ("j", NewValue::seq([]))]),
                    )
                }),
                Box::new(|p| p.append(doc, &route.clone().key("list"), NewValue::str("x"))),
                Box::new(|p| p.remove(doc, &route)),
            ];
            for op in ops {
                let Ok(mut p) = Patch::new(text) else {
                    continue;
                };
                if op(&mut p).is_err() {
                    continue;
                }
                match p.finish() {
                    Ok(out) => {
                        check_preserved(text, &out.text, &out.edits)
                            .unwrap_or_else(|e| panic!("{text:?} at {route}: {e}"));
                        ok += 1;
                    }
                    // Refusals are fine; an edit that breaks the file or overlaps is an engine bug.
                    Err(e @ (EditError::Verify { .. } | EditError::Overlap { .. })) => {
                        panic!("{text:?} at {route}: {e}")
                    }
                    Err(_) => {}
                }
            }
        }
    }
    assert!(ok > 200, "only {ok} edits succeeded");
}

#[test]
fn fill_empty_values_with_trailing_space_or_comment() {
    let out = edit("a:   \nb: 1\n", |p| p.set(0, &k("a"), s("x")));
    assert_eq!(out, "a: x\nb: 1\n");
    let out = edit("a: # later\nb: 1\n", |p| {
        p.set(0, &k("a.x"), NewValue::int(1))
    });
    assert_eq!(out, "a: # later\n  x: 1\nb: 1\n");
    let out = edit("a:\n- \n- x\n", |p| {
        p.set(
            0,
            &k("a").index(0),
            NewValue::map([("q", NewValue::int(1)), ("r", NewValue::int(2))]),
        )
    });
    assert_eq!(out, "a:\n- q: 1\n  r: 2\n- x\n");
}

#[test]
fn nested_sequences_and_items_on_their_own_line() {
    let out = edit("- - a\n  - b\n- c\n", |p| {
        p.append(0, &Route::root().index(0), s("z"))
    });
    assert_eq!(out, "- - a\n  - b\n  - z\n- c\n");
    let out = edit("- {a: 1}\n-\n  c: 1\n", |p| {
        p.set(0, &Route::root().index(1).key("d"), NewValue::int(1))
    });
    assert_eq!(out, "- {a: 1}\n-\n  c: 1\n  d: 1\n");
}

#[test]
fn flow_removal_with_comments_inside() {
    let out = edit("a: [1, 2, # c\n  3]\n", |p| p.remove(0, &k("a").index(2)));
    assert_eq!(out, "a: [1, 2]\n");
    let out = edit("a: [1, 2, # c\n  3]\n", |p| p.remove(0, &k("a").index(1)));
    assert_eq!(out, "a: [1, 3]\n");
}

#[test]
fn replace_a_whole_document_keeps_what_surrounds_it() {
    let t = "# keep me\n---\n# about the deployment\nkind: Deployment # old\nspec:\n  replicas: 1 # gone\n---\nkind: Service\n";
    let v = NewValue::map([
        ("kind", s("SpinApp")),
        ("spec", NewValue::map([("image", s("x"))])),
    ]);
    let out = edit(t, |p| p.replace_document(0, v));
    assert_eq!(
        out,
        "# keep me\n---\n# about the deployment\nkind: SpinApp\nspec:\n  image: x\n---\nkind: Service\n"
    );
}

#[test]
fn set_quoted_scalar_keeps_its_trailing_comment() {
    // The parser's span of a quoted scalar runs on over a trailing comment: the edit must stop
    // at the closing quote.
    let t = "m:\n  a: \"3000\" # c\n  b: 'it''s' # d\n  e: \"x\\\" y\" # f\n";
    let out = edit(t, |p| {
        p.set(0, &k("m.a"), s("80"))?;
        p.set(0, &k("m.b"), s("z"))?;
        p.set(0, &k("m.e"), s("w"))
    });
    assert_eq!(out, "m:\n  a: \"80\" # c\n  b: 'z' # d\n  e: \"w\" # f\n");
}
