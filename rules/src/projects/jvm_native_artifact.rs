//! `WM802` jvm-native-artifact: a JVM dependency that loads a native library (JNI, JNA).

use analyzer::projects::Ecosystem;

use crate::projects::{ProjectCx, data, report_known};
use crate::{Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags each dependency of a Maven or Gradle project a workload builds that is in
    /// `rules/data/jvm-artifacts.toml`: artifacts that are not JVM bytecode but load a native
    /// library (Netty's epoll / kqueue / io_uring transports and tcnative, `grpc-netty-shaded`,
    /// `rocksdbjni`, `sqlite-jdbc`, JNA, JavaCPP, `zstd-jni`). Test-scoped dependencies are not
    /// read. The category and severity are the entry's.
    ///
    /// ## Why it matters for Wasm
    /// The JVM service is blocked already (`jvm-project`, WM801); these are the parts a rewrite
    /// must replace as well, because a native library built for Linux cannot be loaded by a Wasm
    /// module (WASM-FACTS.md §5, §8).
    ///
    /// ## Example
    /// ```kotlin
    /// implementation("org.rocksdb:rocksdbjni:8.10.0")
    /// ```
    ///
    /// ## How to fix
    /// Use the pure-Java alternative the finding names, or, in a rewrite, a host API of the Wasm
    /// runtime (key-value store, outbound HTTP) instead of the native library.
    pub struct JvmNativeArtifact {
        code: "WM802",
        name: "jvm-native-artifact",
        category: NativeLib,
        severity: Blocker,
        penalty: 30,
        summary: "a JVM dependency loads a native library through JNI or JNA",
        help: "use a pure-Java alternative, or a host API of the Wasm runtime in a rewrite",
    }
}

impl Rule for JvmNativeArtifact {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_project(&self, cx: &ProjectCx<'_>, sink: &mut Sink<'_>) {
        report_known(
            cx,
            Ecosystem::Jvm,
            data::jvm_artifacts(),
            "dependency",
            &Self::META,
            sink,
        );
    }
}
