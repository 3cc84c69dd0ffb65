//! The Go-template engine for Helm charts: exact output of typical templates (checked against
//! `helm template` 3.10.1 on these fixtures), trimming, the source map back to the template and
//! to values.yaml, Unknown handling, and hostile templates that must stop quickly.

use std::path::Path;
use std::time::{Duration, Instant};

use wasm_migrate_analyzer::helm::template::{Limits, Rendered, Templates, UNRESOLVED, Val, Value};
use wasm_migrate_analyzer::source::FileId;
use wasm_migrate_analyzer::span::{LineIndex, Span};

const VALUES: FileId = FileId(100);

fn fixture(rel: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/helm_template")
        .join(rel);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn values(text: &str) -> Val {
    let s = wasm_migrate_analyzer::yaml::parse(text);
    assert!(s.error.is_none(), "{:?}", s.error);
    // Helm's `.Values` is a map even when values.yaml is empty.
    s.docs.first().map_or_else(
        || Val::map(Vec::<(String, Val)>::new()),
        |d| Val::from_yaml(d, VALUES),
    )
}

/// The `dot` Helm gives a chart's templates (what the lead's integration builds).
fn dot(values: Val, release: &str, template: &str) -> Val {
    Val::map([
        ("Values", values),
        (
            "Chart",
            Val::map([
                ("Name", Val::str("demo")),
                ("Version", Val::str("0.1.0")),
                ("AppVersion", Val::str("1.2.3")),
            ]),
        ),
        (
            "Release",
            Val::map([
                ("Name", Val::str(release)),
                ("Namespace", Val::str("default")),
                ("Service", Val::str("Helm")),
                ("IsInstall", Val::bool(true)),
            ]),
        ),
        (
            "Capabilities",
            Val::map([(
                "KubeVersion",
                Val::map([
                    ("Version", Val::str("v1.25.2")),
                    ("GitVersion", Val::str("v1.25.2")),
                    ("Major", Val::str("1")),
                    ("Minor", Val::str("25")),
                ]),
            )]),
        ),
        (
            "Template",
            Val::map([
                ("Name", Val::str(template)),
                ("BasePath", Val::str("demo/templates")),
            ]),
        ),
        (
            "Files",
            Val::map([("files/app.conf", Val::str("port = 8080\nmode = fast\n"))]),
        ),
    ])
}

/// The demo chart: helpers (FileId 1), deployment (2), ingress (3).
fn demo() -> Templates {
    let mut t = Templates::new(Limits::default());
    t.add(
        FileId(1),
        "demo/templates/_helpers.tpl",
        &fixture("demo/templates/_helpers.tpl"),
    )
    .unwrap();
    t.add(
        FileId(2),
        "demo/templates/deployment.yaml",
        &fixture("demo/templates/deployment.yaml"),
    )
    .unwrap();
    t.add(
        FileId(3),
        "demo/templates/ingress.yaml",
        &fixture("demo/templates/ingress.yaml"),
    )
    .unwrap();
    t
}

fn render_demo(file: FileId, values_text: &str) -> Rendered {
    let t = demo();
    let name = t.name(file).unwrap().to_string();
    let r = t.render(file, &dot(values(values_text), "rel", &name));
    assert!(r.error.is_none(), "{:?}", r.error);
    r
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    LineIndex::new(text).line_col(text, offset).line
}

fn only(t: &str, text: &str) -> Rendered {
    let mut ts = Templates::new(Limits::default());
    ts.add(FileId(1), "t", t).unwrap();
    let r = ts.render(FileId(1), &Val::map([("Values", values(text))]));
    assert!(r.error.is_none(), "{t}: {:?}", r.error);
    r
}

fn out(t: &str, text: &str) -> String {
    only(t, text).text
}

const DEPLOYMENT: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: rel-demo
  labels:
    helm.sh/chart: demo-0.1.0
    app.kubernetes.io/name: demo
    app.kubernetes.io/instance: rel
    app.kubernetes.io/version: "1.2.3"
    app.kubernetes.io/managed-by: Helm
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: demo
      app.kubernetes.io/instance: rel
  template:
    metadata:
      labels:
        app.kubernetes.io/name: demo
        app.kubernetes.io/instance: rel
    spec:
      containers:
        - name: demo
          image: "ghcr.io/example/demo:1.2.3"
          imagePullPolicy: IfNotPresent
          ports:
            - name: http
              containerPort: 8080
              protocol: TCP
            - name: metrics
              containerPort: 9090
              protocol: TCP
          resources:
            limits:
              cpu: 500m
              memory: 128Mi
      nodeSelector:
        kubernetes.io/os: linux
"#;

#[test]
fn deployment_renders_like_helm() {
    let r = render_demo(FileId(2), &fixture("demo/values.yaml"));
    assert_eq!(r.text, DEPLOYMENT);
    assert!(r.unresolved.is_empty(), "{:?}", r.unresolved);
    // Every output byte is covered, in order, without overlap.
    let mut pos = 0;
    for s in &r.segments {
        assert_eq!(s.out.start, pos, "{s:?}");
        pos = s.out.end;
    }
    assert_eq!(pos, r.text.len());
}

#[test]
fn disabled_ingress_renders_nothing_and_enabled_renders_the_host() {
    let base = fixture("demo/values.yaml");
    let r = render_demo(FileId(3), &base);
    assert_eq!(r.text, "\n");
    let on = base.replace("  enabled: false\n  host", "  enabled: true\n  host");
    let r = render_demo(FileId(3), &on);
    assert_eq!(
        r.text,
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: rel-demo\nspec:\n  rules:\n    - host: \"demo.example.com\"\n"
    );
}

#[test]
fn a_value_maps_to_its_template_line_and_its_values_line() {
    let values_text = fixture("demo/values.yaml");
    let tpl = fixture("demo/templates/deployment.yaml");
    let r = render_demo(FileId(2), &values_text);
    // `containerPort: 9090` is on output line 32, from the template's line 26 (inside the
    // range) and from values.yaml line 14.
    let at = r.text.find("9090").unwrap();
    assert_eq!(line_of(&r.text, at), 32);
    let (file, span) = r.map_span(at..at + 4).unwrap();
    assert_eq!(file, FileId(2));
    assert_eq!(&tpl[span.start..span.end], "{{ .port }}");
    assert_eq!(line_of(&tpl, span.start), 26);
    let (vf, vspan) = r.origin_at(at).unwrap();
    assert_eq!(vf, VALUES);
    assert_eq!(&values_text[vspan.start..vspan.end], "9090");
    assert_eq!(line_of(&values_text, vspan.start), 14);

    // The image: repository from values, tag defaulted to the chart's appVersion.
    let at = r.text.find("ghcr.io").unwrap();
    let (_, span) = r.map_span(at..at + 7).unwrap();
    assert_eq!(&tpl[span.start..span.end], "{{ .Values.image.repository }}");
    let (_, vspan) = r.origin_at(at).unwrap();
    assert_eq!(&values_text[vspan.start..vspan.end], "ghcr.io/example/demo");

    // Literal text maps byte-for-byte.
    let at = r.text.find("imagePullPolicy").unwrap();
    let (_, span) = r.map_span(at..at + 15).unwrap();
    assert_eq!(&tpl[span.start..span.end], "imagePullPolicy");
    assert_eq!(r.origin_at(at), None);

    // toYaml | nindent: each emitted line keeps its values.yaml node.
    let at = r.text.find("memory: 128Mi").unwrap();
    let (_, vspan) = r.origin_at(at).unwrap();
    assert_eq!(&values_text[vspan.start..vspan.end], "128Mi");
    let (_, span) = r.map_span(at..at + 6).unwrap();
    assert_eq!(
        &tpl[span.start..span.end],
        "{{- toYaml .Values.resources | nindent 12 }}"
    );
}

#[test]
fn included_text_maps_to_the_define_in_helpers() {
    let helpers = fixture("demo/templates/_helpers.tpl");
    let r = render_demo(FileId(2), &fixture("demo/values.yaml"));
    // `app.kubernetes.io/instance: ` under metadata.labels comes from demo.selectorLabels.
    let at = r.text.find("app.kubernetes.io/instance").unwrap();
    let (file, span) = r.map_span(at..at + 26).unwrap();
    assert_eq!(file, FileId(1));
    assert_eq!(&helpers[span.start..span.end], "app.kubernetes.io/instance");
    assert_eq!(line_of(&helpers, span.start), 30);
    // The release name in it maps to the action inside the define.
    let at = r.text.find("instance: rel").unwrap() + "instance: ".len();
    let (file, span) = r.map_span(at..at + 3).unwrap();
    assert_eq!(file, FileId(1));
    assert_eq!(&helpers[span.start..span.end], "{{ .Release.Name }}");
}

#[test]
fn trimming_follows_go() {
    assert_eq!(out("a  \n  {{- 1 }}  \n  b", ""), "a1  \n  b");
    assert_eq!(out("a  {{ 1 -}}  \n\t b", ""), "a  1b");
    assert_eq!(out("x\n{{- /* gone */ -}}\ny", ""), "xy");
    assert_eq!(out("x {{/* gone */}} y", ""), "x  y");
    assert_eq!(out("{{- if true }}\nyes\n{{- end }}\n", ""), "\nyes\n");
    assert_eq!(out("{{-3}}", ""), "-3");
}

#[test]
fn control_structures() {
    let v = "list: [a, b, c]\nm: {z: 1, a: 2}\nempty: []\nname: x\nzero: 0\n";
    assert_eq!(
        out(
            "{{ range $i, $e := .Values.list }}{{ $i }}={{ $e }};{{ end }}",
            v
        ),
        "0=a;1=b;2=c;"
    );
    assert_eq!(
        out(
            "{{ range $k, $v := .Values.m }}{{ $k }}{{ $v }}{{ end }}",
            v
        ),
        "a2z1"
    );
    assert_eq!(
        out("{{ range .Values.empty }}x{{ else }}none{{ end }}", v),
        "none"
    );
    assert_eq!(
        out(
            "{{ range .Values.list }}{{ if eq . \"b\" }}{{ continue }}{{ end }}{{ if eq . \"c\" }}{{ break }}{{ end }}{{ . }}{{ end }}",
            v
        ),
        "a"
    );
    assert_eq!(
        out("{{ with .Values.name }}{{ . }}{{ else }}no{{ end }}", v),
        "x"
    );
    assert_eq!(
        out("{{ with .Values.zero }}{{ . }}{{ else }}no{{ end }}", v),
        "no"
    );
    assert_eq!(
        out(
            "{{ if .Values.zero }}a{{ else if .Values.name }}b{{ else }}c{{ end }}",
            v
        ),
        "b"
    );
    assert_eq!(
        out("{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}", v),
        "2"
    );
    assert_eq!(
        out(
            "{{ $.Values.name }}{{ with .Values.m }}{{ $.Values.name }}{{ .a }}{{ end }}",
            v
        ),
        "xx2"
    );
    assert_eq!(
        out(
            "{{ define \"t\" }}[{{ . }}]{{ end }}{{ template \"t\" .Values.name }}{{ block \"b\" 1 }}({{ . }}){{ end }}",
            v
        ),
        "[x](1)"
    );
}

#[test]
fn functions_charts_use() {
    let v = "port: 8080\nbig: 1000000\nname: My-App\ntags: [b, a, b]\nres: {cpu: 1}\nurl: 'https://x'\n";
    let cases = [
        ("{{ .Values.port }}", "8080"),
        ("{{ .Values.big }}", "1e+06"),
        ("{{ .Values.port | int }}", "8080"),
        ("{{ printf \"%d\" (.Values.port | int) }}", "8080"),
        (
            "{{ printf \"%s:%v\" .Values.name .Values.port }}",
            "My-App:8080",
        ),
        ("{{ .Values.name | lower | quote }}", "\"my-app\""),
        ("{{ .Values.name | upper | squote }}", "'MY-APP'"),
        ("{{ .Values.missing | default \"d\" }}", "d"),
        ("{{ .Values.name | trunc 2 }}", "My"),
        (
            "{{ \"a-b-\" | trimSuffix \"-\" | replace \"-\" \"_\" }}",
            "a_b",
        ),
        (
            "{{ add 1 2 3 }} {{ sub 5 2 }} {{ mul 2 3 }} {{ div 7 2 }} {{ mod 7 2 }}",
            "6 3 6 3 1",
        ),
        ("{{ max 1 5 3 }} {{ min 4 2 }}", "5 2"),
        (
            "{{ len .Values.tags }} {{ first .Values.tags }} {{ last .Values.tags }}",
            "3 b b",
        ),
        ("{{ .Values.tags | uniq | sortAlpha | join \",\" }}", "a,b"),
        (
            "{{ has \"a\" .Values.tags }} {{ without .Values.tags \"b\" }}",
            "true [a]",
        ),
        ("{{ list 1 \"x\" | toJson }}", "[1,\"x\"]"),
        (
            "{{ dict \"b\" 1 \"a\" (list 2) | toYaml }}",
            "a:\n- 2\nb: 1",
        ),
        (
            "{{ $d := dict \"a\" 1 }}{{ $_ := set $d \"b\" 2 }}{{ keys $d | join \",\" }}",
            "a,b",
        ),
        (
            "{{ $d := dict \"a\" 1 \"b\" 2 }}{{ $_ := unset $d \"a\" }}{{ hasKey $d \"a\" }}",
            "false",
        ),
        (
            "{{ merge (dict \"a\" 1) (dict \"a\" 2 \"b\" 3) | toJson }}",
            "{\"a\":1,\"b\":3}",
        ),
        (
            "{{ mergeOverwrite (dict \"a\" 1) (dict \"a\" 2) | toJson }}",
            "{\"a\":2}",
        ),
        (
            "{{ pick (dict \"a\" 1 \"b\" 2) \"b\" | toJson }} {{ omit (dict \"a\" 1 \"b\" 2) \"b\" | toJson }}",
            "{\"b\":2} {\"a\":1}",
        ),
        (
            "{{ get .Values.res \"cpu\" }} {{ index .Values.tags 1 }} {{ index .Values \"name\" }}",
            "1 a My-App",
        ),
        (
            "{{ split \":\" \"a:b\" | toJson }} {{ splitList \":\" \"a:b\" }}",
            "{\"_0\":\"a\",\"_1\":\"b\"} [a b]",
        ),
        (
            "{{ ternary \"y\" \"n\" true }} {{ coalesce \"\" 0 \"z\" }}",
            "y z",
        ),
        (
            "{{ kindIs \"map\" .Values.res }} {{ kindIs \"string\" .Values.name }} {{ typeIs \"float64\" .Values.port }}",
            "true true true",
        ),
        (
            "{{ regexMatch \"^https?://\" .Values.url }} {{ regexReplaceAll \"[aeiou]\" \"banana\" \"_\" }}",
            "true b_n_n_",
        ),
        ("{{ semverCompare \">=1.19-0\" \"v1.25.2\" }}", "true"),
        (
            "{{ \"hello\" | b64enc }} {{ \"aGVsbG8=\" | b64dec }}",
            "aGVsbG8= hello",
        ),
        ("{{ \"abc\" | sha256sum | trunc 8 }}", "ba7816bf"),
        ("{{ and 1 0 }} {{ or 0 \"\" 3 }} {{ not 0 }}", "0 3 true"),
        (
            "{{ eq 1 2 1 }} {{ ne \"a\" \"b\" }} {{ lt 1 2 }} {{ ge 2.5 2.5 }}",
            "true true true true",
        ),
        (
            "{{ empty .Values.missing }} {{ empty .Values.tags }}",
            "true false",
        ),
        (
            "{{ \"  x \" | trim }}|{{ \"a\\nb\" | indent 2 }}|{{ \"a\" | nindent 2 }}",
            "x|  a\n  b|\n  a",
        ),
        (
            "{{ contains \"pp\" .Values.name }} {{ hasPrefix \"My\" .Values.name }} {{ hasSuffix \"x\" .Values.name }}",
            "true true false",
        ),
        (
            "{{ title \"hello world\" }} {{ toString 12 }} {{ atoi \"42\" }} {{ float64 \"1.5\" }}",
            "Hello World 12 42 1.5",
        ),
        (
            "{{ append .Values.tags \"c\" | last }} {{ concat (list 1) (list 2) }}",
            "c [1 2]",
        ),
        ("{{ (fromYaml \"a: {b: 3}\").a.b }}", "3"),
        ("{{ print 1 2 \"x\" }}|{{ println \"a\" }}", "1 2x|a\n"),
        ("{{ deepCopy .Values.res | toJson }}", "{\"cpu\":1}"),
        ("{{ tpl \"{{ .Values.name }}!\" . }}", "My-App!"),
        (
            "{{ 'a' }} {{ `raw\\n` }} {{ 0x10 }} {{ 1e3 }}",
            "97 raw\\n 16 1000",
        ),
    ];
    for (t, want) in cases {
        assert_eq!(out(t, v), want, "{t}");
    }
}

#[test]
fn files_and_capabilities() {
    let mut t = Templates::new(Limits::default());
    t.add(
        FileId(1),
        "demo/templates/cm.yaml",
        "data:\n  {{- .Files.Get \"files/app.conf\" | nindent 2 }}\n{{ (.Files.Glob \"files/*\").AsConfig }}\n{{ .Capabilities.KubeVersion.Minor }} {{ .Capabilities.APIVersions.Has \"apps/v1\" }} {{ .Template.Name }}",
    )
    .unwrap();
    let r = t.render(
        FileId(1),
        &dot(
            Val::map(Vec::<(String, Val)>::new()),
            "rel",
            "demo/templates/cm.yaml",
        ),
    );
    assert!(r.error.is_none(), "{:?}", r.error);
    assert_eq!(
        r.text,
        "data:\n  port = 8080\n  mode = fast\n  \napp.conf: |\n  port = 8080\n  mode = fast\n25 true demo/templates/cm.yaml"
    );
}

#[test]
fn unknown_values_print_a_placeholder_and_take_the_false_branch() {
    let t = "a: {{ lookup \"v1\" \"Secret\" \"ns\" \"x\" }}\n{{ if (lookup \"v1\" \"Secret\" \"ns\" \"x\") }}yes{{ else }}no{{ end }}\nb: {{ randAlphaNum 5 | quote }}\nc: {{ frobnicate 1 }}";
    let r = only(t, "");
    // `lookup` reads as empty, as `helm template` has it without a cluster (and is noted);
    // randomness and unknown functions are unresolved.
    assert_eq!(
        r.text,
        format!("a: map[]\nno\nb: {UNRESOLVED}\nc: {UNRESOLVED}")
    );
    let reasons: Vec<&str> = r.unresolved.iter().map(|u| u.reason.as_str()).collect();
    assert!(reasons.iter().any(|r| r.contains("lookup")), "{reasons:?}");
    // The condition on an empty `lookup` is decided (false), as helm decides it.
    assert!(
        !reasons
            .iter()
            .any(|r| r.starts_with("condition not decided")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|r| r.contains("randAlphaNum")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|r| r.contains("frobnicate")),
        "{reasons:?}"
    );
    // Each points at its action.
    let c = r
        .unresolved
        .iter()
        .find(|u| u.reason.contains("frobnicate"))
        .unwrap();
    assert_eq!(&t[c.span.start..c.span.end], "{{ frobnicate 1 }}");
    let c = r
        .unresolved
        .iter()
        .find(|u| u.reason.contains("lookup"))
        .unwrap();
    assert!(t[c.span.start..c.span.end].contains("lookup"));
}

#[test]
fn required_and_fail() {
    let r = only(
        "x: {{ required \"image.tag is required\" .Values.tag }}",
        "",
    );
    assert_eq!(r.text, format!("x: {UNRESOLVED}"));
    assert!(r.unresolved[0].reason.contains("image.tag is required"));
    let r = only("x: {{ required \"set\" .Values.tag }}", "tag: v1");
    assert_eq!(r.text, "x: v1");

    let mut t = Templates::new(Limits::default());
    t.add(FileId(1), "t", "a\n{{ fail \"bad values\" }}\nb")
        .unwrap();
    let r = t.render(FileId(1), &Val::map([("Values", Val::null())]));
    assert_eq!(r.text, "a\n");
    let e = r.error.unwrap();
    assert!(e.message.contains("bad values"));
    assert_eq!(e.span, Span::new(5, 22), "the `fail` command");
}

#[test]
fn go_errors_stop_the_render() {
    for (t, msg) in [
        ("{{ eq .Values.port 80 }}", "incompatible types"),
        ("{{ template \"nope\" }}", "no template"),
        ("{{ $y }}", "undefined variable"),
        ("{{ div 1 0 }}", "divide by zero"),
    ] {
        let mut ts = Templates::new(Limits::default());
        ts.add(FileId(1), "t", t).unwrap();
        let r = ts.render(FileId(1), &Val::map([("Values", values("port: 80\n"))]));
        let e = r.error.unwrap_or_else(|| panic!("{t} should fail"));
        assert!(e.message.contains(msg), "{t}: {}", e.message);
    }
}

#[test]
fn parse_errors_are_returned() {
    for t in [
        "{{ if }}",
        "{{ end }}",
        "{{ if .x }}",
        "{{ .x | }}",
        "{{ \"a }}",
        "{{ define \"x\" }}",
        "{{ (1 }}",
    ] {
        let mut ts = Templates::new(Limits::default());
        assert!(ts.add(FileId(1), "t", t).is_err(), "{t}");
    }
}

fn quick(t: &str, limits: Limits) -> Rendered {
    let start = Instant::now();
    let mut ts = Templates::new(limits);
    let r = match ts.add(FileId(1), "t", t) {
        Ok(()) => ts.render(
            FileId(1),
            &Val::map([("Values", values("n: 3\nlist: [1, 2]\n"))]),
        ),
        Err(e) => Rendered {
            error: Some(e),
            ..Rendered::default()
        },
    };
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "took {:?}",
        start.elapsed()
    );
    r
}

#[test]
fn hostile_templates_stop_quickly_with_an_error() {
    // Infinite include recursion.
    let r = quick(
        "{{ define \"a\" }}{{ include \"a\" . }}{{ end }}{{ include \"a\" . }}",
        Limits::default(),
    );
    assert!(r.error.unwrap().message.contains("nested"));
    // Mutual recursion through `template`.
    let r = quick(
        "{{ define \"a\" }}x{{ template \"b\" . }}{{ end }}{{ define \"b\" }}{{ template \"a\" . }}{{ end }}{{ template \"a\" . }}",
        Limits::default(),
    );
    assert!(r.error.is_some());
    // A huge range: ranges nest, steps run out.
    let r = quick(
        "{{ range until 100000 }}{{ range until 100000 }}x{{ end }}{{ end }}",
        Limits::default(),
    );
    assert!(r.error.unwrap().message.contains("steps"));
    // Output that doubles: the output cap.
    let r = quick(
        "{{ $s := \"xxxxxxxxxxxxxxxx\" }}{{ range until 40 }}{{ $s = printf \"%s%s\" $s $s }}{{ end }}{{ $s }}",
        Limits::default(),
    );
    assert!(r.error.is_some());
    // Lists that double.
    let r = quick(
        "{{ $l := list 1 }}{{ range until 60 }}{{ $l = concat $l $l }}{{ end }}{{ len $l }}",
        Limits::default(),
    );
    assert!(r.error.is_some());
    // Deep nesting of control structures and parentheses.
    let deep = "{{ if true }}".repeat(5000) + &"{{ end }}".repeat(5000);
    assert!(quick(&deep, Limits::default()).error.is_some());
    let parens = "{{ ".to_string() + &"(".repeat(5000) + "1" + &")".repeat(5000) + " }}";
    assert!(quick(&parens, Limits::default()).error.is_some());
    // 1 MB of `{{`.
    assert!(
        quick(&"{{".repeat(500_000), Limits::default())
            .error
            .is_some()
    );
    // A regex too large to compile.
    let r = quick(
        "{{ regexMatch \"(a{1000}){1000}\" \"a\" }}",
        Limits::default(),
    );
    assert!(r.error.is_some());
    // Nested data built in a loop.
    let r = quick(
        "{{ $d := dict }}{{ range until 100000 }}{{ $d = dict \"a\" $d }}{{ end }}{{ toJson $d | len }}",
        Limits::default(),
    );
    assert!(r.error.is_some() || r.text.len() < 1000);
    // Functions whose result grows past the limit from a string within it.
    let big = "{{ $s := \"a\\n\" }}{{ range until 16 }}{{ $s = printf \"%s%s\" $s $s }}{{ end }}";
    for f in [
        "{{ $s | indent 10000 | len }}",
        "{{ replace \"a\" (repeat 1000 \"b\") $s | len }}",
        "{{ regexReplaceAll \"a\" $s (repeat 1000 \"b\") | len }}",
        "{{ regexReplaceAllLiteral \"a\" $s (repeat 1000 \"b\") | len }}",
        "{{ splitList \"\" $s | len }}",
        "{{ $t := printf \"%s%s\" $s $s }}{{ split \"\\n\" $t | len }}",
    ] {
        let r = quick(&format!("{big}{f}"), Limits::default());
        assert!(r.error.is_some(), "{f}: {}", r.text);
    }
    // Output larger than the limit.
    let r = quick(
        "{{ range until 100000 }}xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx{{ end }}",
        Limits {
            max_output: 1000,
            ..Limits::default()
        },
    );
    assert!(r.error.unwrap().message.contains("output larger"));
}

#[test]
fn unknown_values_inside_containers_print_placeholders() {
    let r = only("{{ dict \"a\" (randAlphaNum 8) \"b\" 1 | toYaml }}", "");
    assert_eq!(r.text, format!("a: {UNRESOLVED}\nb: 1"));
    let v = Val::unknown("x");
    assert_eq!(v.truth(), None);
    assert!(matches!(v.v, Value::Unknown(_)));
}

/// Outputs checked against `helm template` 3.10.1 on a chart of our own with these values.
const CHECKED_VALUES: &str = "image:\n  name: x\nbig: 1000000\nf: 1.5e-7\nzero: 0\ns:\n  a: \"multi\\nline\"\n  b: \"trailing \\nspace\"\n  c: \"  lead\"\n  d: \"x: y\"\n  e: \"#c\"\n  f: \"@at\"\n  g: \"1.5\"\n  h: \"null\"\n  i: \"it's\"\n  j: \"\"\n  k: \"a\\ttab\"\n";

#[test]
fn nil_fields_and_comparisons_match_helm() {
    // A missing key inside one field chain stops helm ("nil pointer evaluating interface
    // {}.a"); the static reader goes on with the field unresolved and says which value the
    // chart expects from outside...
    let mut ts = Templates::new(Limits::default());
    ts.add(FileId(1), "t", "c: {{ .Values.nope.a }}").unwrap();
    let r = ts.render(FileId(1), &Val::map([("Values", values(CHECKED_VALUES))]));
    assert!(r.error.is_none(), "{:?}", r.error);
    assert_eq!(r.text, format!("c: {UNRESOLVED}"));
    assert!(
        r.unresolved[0]
            .reason
            .contains("`.Values.nope.a` is not set"),
        "{:?}",
        r.unresolved
    );
    // ...but a nil a pipeline produced has nil fields.
    assert_eq!(
        out("d: {{ $x := .Values.nope }}{{ $x.a }}", CHECKED_VALUES),
        "d: "
    );
    assert_eq!(out("e: {{ (.Values.nope).a }}", CHECKED_VALUES), "e: ");
    assert_eq!(
        out("f: {{ (index .Values \"nope\").a.b }}", CHECKED_VALUES),
        "f: "
    );
    assert_eq!(
        out(
            "a: {{ ternary .Values.image (index .Values \"\").image true }}",
            CHECKED_VALUES
        ),
        "a: map[name:x]"
    );
    assert_eq!(
        out(
            "b: {{ (index .Values \"nope\") }}|{{ .Values.nope }}|{{ toString .Values.nope }}|{{ printf \"%v\" .Values.nope }}",
            CHECKED_VALUES
        ),
        "b: ||<nil>|<nil>"
    );
    assert_eq!(
        out(
            "i: {{ eq 1 nil }}{{ eq .Values.nope \"x\" }}",
            CHECKED_VALUES
        ),
        "i: falsefalse"
    );
    assert_eq!(
        out("m: {{ default \"x\" .Values.zero }}", CHECKED_VALUES),
        "m: x"
    );
}

#[test]
fn numbers_print_like_helm() {
    assert_eq!(
        out(
            "j: {{ 1000000 }} {{ .Values.big }} {{ .Values.f }} {{ .Values.big | toString }} {{ .Values.big | int }} {{ .Values.big | toYaml }} {{ .Values.f | toJson }}",
            CHECKED_VALUES
        ),
        "j: 1000000 1e+06 1.5e-07 1e+06 1000000 1000000 1.5e-7"
    );
    assert_eq!(
        out(
            "l: {{ printf \"%s %d\" .Values.big .Values.big }}",
            CHECKED_VALUES
        ),
        "l: %!s(float64=1e+06) %!d(float64=1e+06)"
    );
    assert_eq!(
        out(
            "n: {{ \"a  b\" | title }} {{ \"hello_world-x\" | title }}",
            ""
        ),
        "n: A  B Hello_world-X"
    );
}

#[test]
fn to_yaml_quotes_strings_like_helm() {
    assert_eq!(
        out("{{ toYaml .Values.s }}", CHECKED_VALUES),
        "a: |-\n  multi\n  line\nb: \"trailing \\nspace\"\nc: '  lead'\nd: 'x: y'\ne: '#c'\nf: '@at'\ng: \"1.5\"\nh: \"null\"\ni: it's\nj: \"\"\nk: \"a\\ttab\""
    );
}

#[test]
fn a_file_is_a_template_by_its_name() {
    let mut t = Templates::new(Limits::default());
    t.add(
        FileId(1),
        "demo/templates/configmap.yaml",
        "data: {{ .Values.x }}\n",
    )
    .unwrap();
    t.add(
        FileId(2),
        "demo/templates/deployment.yaml",
        "checksum: {{ include (print $.Template.BasePath \"/configmap.yaml\") . | sha256sum }}",
    )
    .unwrap();
    let d = Val::map([
        ("Values", values("x: 1\n")),
        (
            "Template",
            Val::map([("BasePath", Val::str("demo/templates"))]),
        ),
    ]);
    let r = t.render(FileId(2), &d);
    assert!(r.error.is_none(), "{:?}", r.error);
    // sha256 of "data: 1\n" (coreutils sha256sum).
    assert_eq!(
        r.text,
        "checksum: 6d6db3bcfbbcd573c1437a161044639dfccce68b267eccd30a84db220009fb47"
    );
}

#[test]
fn deepest_allowed_nesting_fits_the_stack() {
    // Nested parentheses and control structures just under the parser's limit, inside a
    // define that includes itself until the evaluator stops it; run on a 2 MiB stack, the size
    // of a test (and rayon) thread.
    let parens = "(".repeat(45) + "include \"d\" ." + &")".repeat(45);
    let ifs = "{{ if true }}".repeat(45);
    let ends = "{{ end }}".repeat(45);
    let t = format!(
        "{{{{ define \"d\" }}}}{ifs}{{{{ {parens} }}}}{ends}{{{{ end }}}}{{{{ include \"d\" . }}}}"
    );
    let r = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || quick(&t, Limits::default()))
        .unwrap()
        .join()
        .expect("no stack overflow");
    let e = r.error.unwrap();
    assert!(
        e.message.contains("templates nested too deeply"),
        "{}",
        e.message
    );
}

#[test]
fn an_image_built_by_a_helper_keeps_each_part_origin() {
    let helpers = "{{- define \"img\" -}}\n{{- printf \"%s/%s:%s\" .Values.image.registry .Values.image.repository (.Values.image.tag | toString) | trunc 63 | trimSuffix \"-\" -}}\n{{- end }}";
    let deploy = "image: {{ include \"img\" . | quote }}\n";
    let vals = "image:\n  registry: ghcr.io\n  repository: acme/api\n  tag: 1.5\n";
    let mut t = Templates::new(Limits::default());
    t.add(FileId(1), "c/templates/_helpers.tpl", helpers)
        .unwrap();
    t.add(FileId(2), "c/templates/deploy.yaml", deploy).unwrap();
    let r = t.render(FileId(2), &Val::map([("Values", values(vals))]));
    assert!(r.error.is_none(), "{:?}", r.error);
    assert_eq!(r.text, "image: \"ghcr.io/acme/api:1.5\"\n");
    for (part, line) in [("ghcr.io", 2), ("acme/api", 3), ("1.5", 4)] {
        let at = r.text.find(part).unwrap();
        let (f, span) = r.origin_at(at).unwrap();
        assert_eq!(f, VALUES);
        assert_eq!(&vals[span.start..span.end], part);
        assert_eq!(line_of(vals, span.start), line);
        // The template location is the printf action in the helper.
        let (tf, tspan) = r.map_span(at..at + part.len()).unwrap();
        assert_eq!(tf, FileId(1));
        assert!(helpers[tspan.start..tspan.end].starts_with("{{- printf"));
    }
}

#[test]
fn templates_can_be_shared_across_threads() {
    fn shared<T: Send + Sync>() {}
    shared::<Templates>();
    shared::<Rendered>();
    // Files rendered in parallel give the same text as one by one.
    let t = demo();
    let v = values(&fixture("demo/values.yaml"));
    let outs: Vec<String> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..4)
            .map(|_| s.spawn(|| t.render(FileId(2), &dot(v.clone(), "rel", "d")).text))
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(outs.iter().all(|o| o == DEPLOYMENT));
}

/// `{{ toYaml .Values }}` of these values, byte-for-byte as helm template 3.10.1 printed it.
const TOYAML_VALUES: &str = r##"containers:
  - name: app
    args: ["--port", "8080", "--flag=true", "yes", "a b", "-v"]
    env:
      - name: A
        value: "1"
      - name: B
        valueFrom:
          secretKeyRef: {name: s, key: k}
    resources: {}
    ports: []
    script: |
      #!/bin/sh
      echo hi
    nested: [[1, 2], [], {a: 1}]
"key with: colon": 1
"on": x
"8080": y
weird: "~"
tilde: ~
dash: "-"
star: "*x"
amp: "&a"
pct: "%x"
q: "'quoted'"
dq: 'say "hi"'
url: "http://x:80/y#z"
hash: "a #b"
float: 2.50
neg: -3
sci: 1e10
date: 2024-01-01
empty_str: ""
sp: " x"
unicode: "héllo wörld"
"##;

const TOYAML_HELM: &str = r##""8080": true
amp: '&a'
containers:
- args:
  - --port
  - "8080"
  - --flag=true
  - "yes"
  - a b
  - -v
  env:
  - name: A
    value: "1"
  - name: B
    valueFrom:
      secretKeyRef:
        key: k
        name: s
  name: app
  nested:
  - - 1
    - 2
  - []
  - a: 1
  ports: []
  resources: {}
  script: |
    #!/bin/sh
    echo hi
dash: '-'
date: "2024-01-01"
dq: say "hi"
empty_str: ""
float: 2.5
hash: 'a #b'
'key with: colon': 1
neg: -3
"on": x
pct: '%x'
q: '''quoted'''
sci: 10000000000
sp: ' x'
star: '*x'
tilde: null
unicode: héllo wörld
url: http://x:80/y#z
weird: "~"
---
{"8080":true,"amp":"\u0026a","containers":[{"args":["--port","8080","--flag=true","yes","a b","-v"],"env":[{"name":"A","value":"1"},{"name":"B","valueFrom":{"secretKeyRef":{"key":"k","name":"s"}}}],"name":"app","nested":[[1,2],[],{"a":1}],"ports":[],"resources":{},"script":"#!/bin/sh\necho hi\n"}],"dash":"-","date":"2024-01-01","dq":"say \"hi\"","empty_str":"","float":2.5,"hash":"a #b","key with: colon":1,"neg":-3,"on":"x","pct":"%x","q":"'quoted'","sci":10000000000,"sp":" x","star":"*x","tilde":null,"unicode":"héllo wörld","url":"http://x:80/y#z","weird":"~"}
"##;

#[test]
fn to_yaml_and_to_json_of_values_match_helm_byte_for_byte() {
    let r = only(
        "{{ toYaml .Values }}\n---\n{{ toJson .Values }}\n",
        TOYAML_VALUES,
    );
    assert_eq!(r.text, TOYAML_HELM);
    // The env var's value line maps back to its values.yaml node.
    let at = r.text.find("value: \"1\"").unwrap();
    let (_, span) = r.origin_at(at).unwrap();
    assert_eq!(&TOYAML_VALUES[span.start..span.end], "\"1\"");
}

#[test]
fn functions_match_helm_on_edge_cases() {
    // Each expected output was printed by helm template 3.10.1 for the same template.
    let v = "port: 80\ntags: [b, a]\n";
    let cases: &[(&str, &str)] = &[
        (
            r#"{{ print nil }}|{{ printf "%q" 3 }}|{{ printf "%v" (list "a" 1) }}"#,
            r#"<nil>|'\x03'|[a 1]"#,
        ),
        (
            r#"{{ join "-" (list 1 nil "x") }}|{{ cat "a" nil 1 }}"#,
            "1-x|a 1",
        ),
        (
            r#"{{ get (dict "a" 1) "b" }}|{{ pluck "a" (dict "a" 1) (dict "a" 2) }}"#,
            "|[1 2]",
        ),
        (
            r#"{{ max 1.5 2 }} {{ mul 1.5 2 }} {{ div 7 2.0 }} {{ add 1 "2" }}"#,
            "2 2 3 3",
        ),
        (
            r#"{{ trunc 3 "héllo" }}|{{ title "élan vital" }}|{{ len "héllo" }}"#,
            "hé|Élan Vital|6",
        ),
        (
            r#"{{ merge (dict "a" (dict "b" 1)) (dict "a" (dict "c" 2) "d" 3) | toJson }}"#,
            r#"{"a":{"b":1,"c":2},"d":3}"#,
        ),
        (
            r#"{{ without (list 1 2 1) 1 }} {{ uniq (list 1 "1" 1) }} {{ has 1 (list 1.0) }}"#,
            "[2] [1 1] false",
        ),
        (
            r#"{{ semverCompare "^1.20" "v1.20.5" }} {{ semverCompare "~1.20.0" "1.21.0" }} {{ semverCompare ">1.19" "1.19.9" }}"#,
            "true false false",
        ),
        (
            r#"{{ regexReplaceAll "(a)(b)" "abab" "${2}$1" }}|{{ regexFindAll "[0-9]+" "a1b22" -1 }}"#,
            "baba|[1 22]",
        ),
        (
            r#"{{ printf "%5.2f|%-4d|%x|%t" 3.14159 7 255 true }}"#,
            " 3.14|7   |ff|true",
        ),
        (
            r#"{{ "x" | indent 2 }}|{{ "" | nindent 2 }}|{{ "a\n\nb" | indent 2 }}"#,
            "  x|\n  |  a\n  \n  b",
        ),
        (
            r#"{{ toString 1.5 }} {{ int "12abc" }} {{ atoi "x" }} {{ float64 3 }}"#,
            "1.5 0 0 3",
        ),
        (
            r#"{{ hasKey .Values "port" }} {{ empty (dict) }} {{ empty " " }} {{ kindOf .Values.tags }} {{ typeOf .Values.tags }} {{ typeOf 1 }}"#,
            "true true false slice []interface {} int",
        ),
        (
            r#"{{ list 1 2 | toString }}|{{ dict "a" nil | toYaml }}|{{ default (list) .Values.nope | len }}"#,
            "[1 2]|a: null|0",
        ),
        (
            r#"{{ $x := 1 }}{{ range until 2 }}{{ $x = add $x 1 }}{{ end }}{{ $x }}"#,
            "3",
        ),
        (
            r#"{{ toJson "<&>" }}|{{ toPrettyJson (dict "a" (list 1)) }}"#,
            "\"\\u003c\\u0026\\u003e\"|{\n  \"a\": [\n    1\n  ]\n}",
        ),
        (
            r#"{{ eq "a" "a" "b" }} {{ ne 1 2 }} {{ lt "a" "b" }}"#,
            "true true true",
        ),
    ];
    for (t, want) in cases {
        assert_eq!(out(t, v), *want, "{t}");
    }
}

#[test]
fn unknown_propagates_through_functions() {
    // `lookup` reads as empty (as `helm template` has it); randomness is what stays unknown.
    let l = r#"(randAlphaNum 8)"#;
    for t in [
        format!("{{{{ first {l} }}}}"),
        format!("{{{{ {l} | keys | join \",\" }}}}"),
        format!("{{{{ len {l} }}}}"),
        format!("{{{{ {l}.data.key | upper }}}}"),
        format!("{{{{ index {l} \"data\" }}}}"),
        format!("{{{{ {l} | default \"d\" }}}}"),
        format!("{{{{ empty {l} }}}}"),
        format!("{{{{ ternary \"a\" \"b\" {l} }}}}"),
    ] {
        let r = only(&t, "");
        assert_eq!(r.text, UNRESOLVED, "{t}");
        assert!(
            r.unresolved[0].reason.contains("randAlphaNum"),
            "{t}: {:?}",
            r.unresolved
        );
    }
    // Inside a string, the placeholder is written and the call is listed.
    let r = only(&format!("{{{{ printf \"%s-x\" {l} }}}}"), "");
    assert_eq!(r.text, format!("{UNRESOLVED}-x"));
    assert_eq!(r.unresolved.len(), 1);
    // An Unknown nobody uses reports nothing.
    let r = only(&format!("{{{{ $x := {l} }}}}ok"), "");
    assert_eq!(r.text, "ok");
    assert!(r.unresolved.is_empty());
}

#[test]
fn files_given_apart_from_dot_are_read_without_copies_and_map_to_the_file() {
    let conf = "port = 8080\n";
    let files = Val::map([(
        "files/app.conf",
        Val::with_origin(
            Value::Str(conf.to_string()),
            Some((FileId(50), Span::new(0, conf.len()))),
        ),
    )]);
    let mut t = Templates::new(Limits::default());
    t.add(
        FileId(1),
        "c/templates/_h.tpl",
        "{{ define \"conf\" }}{{ .Files.Get \"files/app.conf\" }}{{ end }}",
    )
    .unwrap();
    t.add(
        FileId(2),
        "c/templates/cm.yaml",
        "a: {{ include \"conf\" . | quote }}\n{{ with .Values }}b: {{ $.Files.Get \"files/app.conf\" | trim }}{{ end }}\nc: {{ len (.Files.Glob \"files/*\") }}",
    )
    .unwrap();
    let d = Val::map([("Values", values("x: 1\n"))]);
    let r = t.render_with_files(FileId(2), &d, &files);
    assert!(r.error.is_none(), "{:?}", r.error);
    assert_eq!(r.text, "a: \"port = 8080\\n\"\nb: port = 8080\nc: 1");
    let at = r.text.find("b: port").unwrap() + 3;
    assert_eq!(
        r.origin_at(at),
        Some((FileId(50), Span::new(0, conf.len())))
    );
}
