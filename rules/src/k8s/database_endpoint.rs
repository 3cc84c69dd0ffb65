//! `WM330` database-endpoint: an env value is the address of a database or broker, so the
//! container is a client of a non-HTTP protocol.

use crate::k8s::common::container_label;
use crate::k8s::manifest_signals::{env_vars, signals, span_of};
use crate::k8s::pod::LazyWasm;
use crate::knowledge::ports;
use crate::{ObjectCx, Rule, RuleMeta, Severity, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags an environment variable whose literal value is the address of a database or
    /// broker: a URL whose scheme is one of a non-HTTP client protocol (`postgres://`,
    /// `mysql://`, `redis://`, `amqp://`, `mongodb://`, `kafka://`, `nats://`, ...; `jdbc:`
    /// prefixes included: the `client-scheme` entries of `rules/data/manifest-signals.toml`),
    /// or a `host:PORT` (also in a comma-separated list, or as a URL's authority) whose port is
    /// a well-known TCP port of such a protocol in `rules/data/ports.toml` (5432, 3306, 6379,
    /// 9092, 5672, 27017, ...). Listen addresses (`0.0.0.0:5432`, variables named `*LISTEN*` or
    /// `*BIND*`) are not client addresses and do not fire. The message never repeats a
    /// password written in the URL.
    ///
    /// In a workload that already runs Wasm (a Wasm `runtimeClassName`, a SpinApp, a Wasm node
    /// selector or toleration, a Wasm image) the address is a note: the module already reaches
    /// the server, through `wasi:sockets` TCP or its runtime's outbound API.
    ///
    /// ## Why it matters for Wasm
    /// The program opens raw TCP connections and speaks the server's own protocol through a
    /// driver. `wasi:sockets` gives TCP to wasip2 command components, but HTTP-triggered Wasm
    /// apps (`wasi:http/proxy`, Spin) have no sockets, and drivers that wrap a native library
    /// (libpq, librdkafka) do not build for WASI.
    ///
    /// ## Example
    /// ```yaml
    /// env:
    ///   - name: DATABASE_URL
    ///     value: postgres://app@orders-db:5432/orders
    ///   - name: KAFKA_BROKERS
    ///     value: kafka-0.kafka:9092,kafka-1.kafka:9092
    /// ```
    ///
    /// ## How to fix
    /// Reach the server through a platform binding (Spin's PostgreSQL, MySQL, Redis and MQTT
    /// outbound APIs, its key-value store) or a sidecar such as Dapr, or use a pure-code driver
    /// on `wasi:sockets` where the runtime allows outbound TCP.
    pub struct DatabaseEndpoint {
        code: "WM330",
        name: "database-endpoint",
        category: RawSocket,
        severity: Warning,
        penalty: 15,
        summary: "an env value is the address of a database or broker",
        help: "reach the server through a platform binding (Spin's PostgreSQL, MySQL, Redis and MQTT outbound APIs) or a sidecar such as Dapr, or use a pure-code driver on wasi:sockets",
    }
}

/// What an address item is: `(protocol, address shown without credentials or path)`.
fn classify(item: &str) -> Option<(String, String)> {
    let item = item.trim().trim_matches(|c| c == '"' || c == '\'');
    let lower = item.to_ascii_lowercase();
    let lower = lower.strip_prefix("jdbc:").unwrap_or(&lower);
    let (scheme, rest) = match lower.split_once("://") {
        Some((s, r)) => (Some(s), r),
        None => (None, lower),
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let authority = authority.rsplit_once('@').map_or(authority, |(_, a)| a);
    if let Some(s) = scheme
        && let Some(e) = signals().client_scheme.iter().find(|e| e.scheme == s)
    {
        return Some((e.protocol.clone(), format!("{s}://{authority}")));
    }
    if scheme.is_some_and(|s| !matches!(s, "tcp" | "tls" | "ssl")) {
        // http://, grpc://, s3://: whatever the port, the scheme says what is spoken.
        return None;
    }
    let (host, port) = authority.rsplit_once(':')?;
    let port: u16 = port.parse().ok()?;
    let host_ok = !host.is_empty()
        && host.chars().any(|c| c.is_ascii_alphabetic())
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        && !matches!(host, "0.0.0.0" | "localhost.invalid");
    if !host_ok {
        return None;
    }
    let info = ports().by_number(port).filter(|p| p.transport == "tcp")?;
    let shown = match scheme {
        Some(s) => format!("{s}://{authority}"),
        None => authority.to_string(),
    };
    Some((info.reason.clone(), shown))
}

impl Rule for DatabaseEndpoint {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_object(&self, cx: &ObjectCx<'_>, sink: &mut Sink<'_>) {
        let Some(spec) = cx.pod_spec() else { return };
        let wasm = LazyWasm::new(cx.repo, cx.object, cx.doc);
        for c in spec.containers() {
            let who = container_label(&c);
            for v in env_vars(&c) {
                let upper = v.name.to_ascii_uppercase();
                if upper.contains("LISTEN") || upper.contains("BIND") {
                    continue;
                }
                let Some((value, node)) = v.value else {
                    continue;
                };
                let hit = value
                    .split(|ch: char| ch == ',' || ch == ';' || ch.is_whitespace())
                    .find_map(|item| classify(item).map(|k| (item, k)));
                let Some((item, (protocol, shown))) = hit else {
                    continue;
                };
                let hit = sink.report(
                    cx.object.file,
                    span_of(cx.file, node, item),
                    format!(
                        "{who} sets env `{}` to the address `{shown}` ({protocol}), so it is a client of a non-HTTP protocol over raw TCP",
                        v.name
                    ),
                );
                if let Some(why) = wasm.get() {
                    hit.severity(Severity::Note).help(format!(
                        "the workload already runs Wasm ({why}): the module reaches this server through `wasi:sockets` or its runtime's outbound API (WASM-FACTS.md §5)"
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::classify;
    use crate::k8s::manifest_signals::testing::{deployment, findings, places};

    #[test]
    fn addresses_are_classified() {
        let p = |s: &str| classify(s).map(|(p, a)| format!("{p} | {a}"));
        assert_eq!(
            p("postgres://app:s3cret@orders-db:5432/orders?sslmode=disable").as_deref(),
            Some("PostgreSQL | postgres://orders-db:5432")
        );
        assert_eq!(
            p("jdbc:mysql://db/app").as_deref(),
            Some("MySQL | mysql://db")
        );
        assert_eq!(
            p("redis-master.cache:6379").as_deref(),
            Some("Redis protocol (RESP) | redis-master.cache:6379")
        );
        assert_eq!(
            p("tcp://mq:5672").as_deref(),
            Some("AMQP (RabbitMQ) | tcp://mq:5672")
        );
        for other in [
            "http://db:5432/",
            "12:30",
            "0.0.0.0:5432",
            ":6379",
            "api:8080",
            "redis",
            "https://example.com",
        ] {
            assert_eq!(p(other), None, "{other}");
        }
    }

    #[test]
    fn endpoints_fire_at_their_line_and_column() {
        let yaml = deployment(
            "env:\n  - name: DATABASE_URL\n    value: postgres://app:s3cret@orders-db:5432/orders\n  - name: KAFKA_BROKERS\n    value: \"kafka-0.kafka:9092,kafka-1.kafka:9092\"\n  - name: LISTEN_ADDR\n    value: \"db:5432\"\n  - name: API\n    value: http://api:8080",
        );
        let got = findings("WM330", &yaml);
        let at = places(&got);
        assert_eq!(
            at,
            [
                ("WM330", 13, 22, "raw-socket"),
                ("WM330", 15, 23, "raw-socket")
            ],
            "{got:#?}"
        );
        assert!(
            got[0].4.contains(
                "env `DATABASE_URL` to the address `postgres://orders-db:5432` (PostgreSQL)"
            ),
            "{}",
            got[0].4
        );
        assert!(got.iter().all(|g| !g.4.contains("s3cret")));
        assert!(
            got[1]
                .4
                .contains("`kafka-0.kafka:9092` (Kafka broker protocol)"),
            "{}",
            got[1].4
        );
    }
}
