//! Lossless YAML editing: changes addressed by route, applied as byte-range edits to the original text.
//!
//! A [`Patch`] is built over one file's text. Each operation (set a value, insert a key, create a
//! missing mapping path, append to a sequence, remove a key) names a document and a [`Route`]
//! (`spec.template.spec.containers[0].image`) and is resolved against the span-keeping tree from
//! [`analyzer::yaml`]. Nothing is ever re-serialized: every operation becomes a `(byte range,
//! replacement)` [`Edit`], new text is rendered in the style found around it (indentation unit,
//! compact or indented sequences, block or flow collections, quoting, `\r\n` line breaks), and
//! all edits are applied in one pass. Overlapping edits are an error, never silent corruption;
//! after applying, the result is re-parsed and every route is checked to hold what was asked.
//!
//! Rules the engine keeps (each is tested in `tests.rs`):
//! - Bytes outside the edited ranges are identical ([`check_preserved`] proves it for any result).
//! - A route never goes through an alias or into an anchored node (its aliases would change too),
//!   and a key that may come from a `<<` merge is never shadowed silently: those are errors.
//! - Comments are never deleted unless they sit inside a value that is replaced or removed.
//! - Insertion after the last entry of a block mapping (or the last item of a block sequence)
//!   lands after the line that ends that entry (so its trailing `# comment` stays with it), then
//!   after the comment lines that belong to the collection: a comment indented deeper than the
//!   collection's keys (or dashes) always belongs to it; one at the same column belongs to it when
//!   no blank line separates it from what precedes. Anything else (a comment at a shallower
//!   column, or one after a blank line at the same column) belongs to what follows (the next key
//!   or the next document) and the insertion lands before it.

mod error;
mod layout;
mod patch;
mod preserve;
mod route;
mod text;
mod value;

#[cfg(test)]
mod tests;

pub use error::EditError;
pub use layout::DocStyle;
pub use patch::{Edit, Edited, Patch};
pub use preserve::check_preserved;
pub use route::{Route, Seg};
pub use value::{NewValue, Scalar};
