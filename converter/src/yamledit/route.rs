//! Routes: the address of a node as mapping keys and sequence indexes, printed the way users
//! read them (`spec.template.spec.containers[0].image`, `metadata.annotations["dapr.io/app-id"]`).

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Seg {
    Key(String),
    Index(usize),
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Route(pub Vec<Seg>);

impl Route {
    pub fn root() -> Self {
        Route(Vec::new())
    }

    /// A route of mapping keys only.
    pub fn keys(keys: &[&str]) -> Self {
        Route(keys.iter().map(|k| Seg::Key((*k).to_string())).collect())
    }

    #[must_use]
    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.0.push(Seg::Key(key.into()));
        self
    }

    #[must_use]
    pub fn index(mut self, index: usize) -> Self {
        self.0.push(Seg::Index(index));
        self
    }

    /// This route followed by `other`.
    #[must_use]
    pub fn join(&self, other: &Route) -> Self {
        let mut r = self.clone();
        r.0.extend(other.0.iter().cloned());
        r
    }

    pub fn segs(&self) -> &[Seg] {
        &self.0
    }

    pub fn prefix(&self, len: usize) -> Route {
        Route(self.0.iter().take(len).cloned().collect())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }
}

impl fmt::Display for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("(document root)");
        }
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Index(n) => write!(f, "[{n}]")?,
                Seg::Key(k) if is_simple_key(k) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    f.write_str(k)?;
                }
                Seg::Key(k) => write!(f, "[{k:?}]")?,
            }
        }
        Ok(())
    }
}

fn is_simple_key(k: &str) -> bool {
    !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_like_a_user_reads_it() {
        let r = Route::keys(&["spec", "containers"]).index(0).key("image");
        assert_eq!(r.to_string(), "spec.containers[0].image");
        let a = Route::keys(&["metadata", "annotations", "dapr.io/app-id"]);
        assert_eq!(a.to_string(), "metadata.annotations[\"dapr.io/app-id\"]");
        assert_eq!(Route::root().to_string(), "(document root)");
    }
}
