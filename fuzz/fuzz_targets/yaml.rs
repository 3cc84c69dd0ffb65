//! YAML front-end: `analyzer::yaml::parse` on any text, then the Kubernetes object extraction and
//! the pod-spec / container walk the rules use. Property: nothing panics, spans stay in bounds.
#![no_main]

use analyzer::k8s;
use analyzer::source::FileId;
use analyzer::yaml;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let stream = yaml::parse(&text);
    if let Some(e) = &stream.error {
        assert!(e.offset <= text.len(), "error offset {} past end {}", e.offset, text.len());
    }
    for doc in &stream.docs {
        assert!(doc.span.start <= doc.span.end && doc.span.end <= text.len());
    }
    for obj in k8s::objects(FileId(0), &stream) {
        let Some(doc) = stream.docs.get(obj.doc) else { continue };
        let root = obj.root(doc);
        let span = root.span();
        assert!(span.end <= text.len());
        let _ = text.get(span.start..span.end);
        if let Some(pod) = obj.pod_spec(doc) {
            for c in pod.containers() {
                let _ = c.name();
                let _ = c.is_init();
                if let Some(image) = c.image().and_then(|i| i.as_str()) {
                    let name = k8s::ImageName::parse(image);
                    let _ = name.short_name();
                    let _ = name.path();
                }
            }
        }
    }
});
