//! A Go text/template interpreter for Helm charts, with source maps from output to template.
