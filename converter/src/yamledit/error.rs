//! Why an edit was refused: each variant names the document and the route so the caller can
//! report exactly which change could not be made.

use super::route::Route;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EditError {
    #[error("the file does not parse as YAML at line {line}, column {column}: {message}")]
    Parse {
        message: String,
        line: usize,
        column: usize,
    },
    #[error("document {doc} does not exist (the file has {count})")]
    NoDocument { doc: usize, count: usize },
    #[error("document {doc}: `{route}` does not exist")]
    NotFound { doc: usize, route: Route },
    #[error(
        "document {doc}: `{route}` goes through the alias `{alias}`; edit the anchored node instead"
    )]
    ThroughAlias {
        doc: usize,
        route: Route,
        alias: String,
    },
    #[error(
        "document {doc}: `{route}` is inside the anchored node `{anchor}`; editing it would change every alias of it"
    )]
    Anchored {
        doc: usize,
        route: Route,
        anchor: String,
    },
    #[error(
        "document {doc}: `{route}` may come from a `<<` merge key; write the key in the mapping itself first"
    )]
    MergeKey { doc: usize, route: Route },
    #[error("document {doc}: `{route}` is {found}, not {expected}")]
    WrongShape {
        doc: usize,
        route: Route,
        expected: &'static str,
        found: &'static str,
    },
    #[error("document {doc}: `{route}` already exists")]
    Exists { doc: usize, route: Route },
    #[error("document {doc}: conflicting edits at `{route}`: {detail}")]
    Conflict {
        doc: usize,
        route: Route,
        detail: String,
    },
    #[error(
        "line {line}: a tab in the indentation; YAML forbids tabs there, so the layout cannot be trusted"
    )]
    Tab { line: usize },
    #[error("document {doc}: `{route}`: {detail}")]
    Unsupported {
        doc: usize,
        route: Route,
        detail: String,
    },
    #[error("edits overlap at bytes {first_start}..{first_end} and {second_start}..{second_end}")]
    Overlap {
        first_start: usize,
        first_end: usize,
        second_start: usize,
        second_end: usize,
    },
    #[error("document {doc}: after editing, `{route}` {detail}")]
    Verify {
        doc: usize,
        route: Route,
        detail: String,
    },
}
