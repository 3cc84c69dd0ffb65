//! What the conversion shapes share: the generated-file mark and header, the YAML style of new
//! files, and path helpers. The shapes live beside it: [`crate::spinapp`] (a SpinApp in place of
//! a Deployment), [`crate::overlay`] (a Kustomize overlay next to an untouched base) and
//! [`crate::runtimeclass`] (the RuntimeClass manifests the converted workloads need).

use analyzer::Repo;

use crate::plan::{self, ObjectEdit};
use crate::yamledit::DocStyle;

pub(crate) use crate::overlay::patch_file;
pub use crate::overlay::{json_patch, kustomize, to_new};
pub use crate::runtimeclass::runtime_classes;
pub use crate::spinapp::spinapp;

/// Every file `convert` generates says so on its first line; an existing file without this mark
/// is never overwritten. One constant shared with the scanner, which recognises generated files
/// by it (at the paths convert writes, `analyzer::generated`).
pub const GENERATED_MARK: &str = analyzer::generated::MARK;

pub(crate) const STYLE: DocStyle = DocStyle {
    unit: 2,
    seq_indent: 0,
};

/// The first line of a generated file.
pub(crate) fn header(what: &str) -> String {
    format!("# {what}, {GENERATED_MARK}.\n")
}

pub(crate) fn node_of<'a>(
    repo: &'a Repo,
    oe: &ObjectEdit,
) -> Option<(&'a analyzer::yaml::YamlDoc, analyzer::yaml::YRef<'a>)> {
    let doc = repo.yaml.get(&oe.file)?.docs.get(oe.doc)?;
    let root = plan::lookup(doc.root()?, &oe.prefix)?;
    Some((doc, root))
}

pub(crate) fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

pub(crate) fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}
