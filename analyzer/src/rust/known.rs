//! The table of Rust paths that prove a fact, longest prefix first.
//!
//! Paths are written fully qualified, the way `use` resolution produces them. A path matches an
//! entry when the entry is a prefix of it on segment boundaries (`std::net::TcpStream` matches
//! `std::net::TcpStream::connect`), and the longest matching entry wins, so exceptions can be
//! listed next to the rule they refine.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::rust::FactKind;

/// `(path, kind)`.
const TABLE: &[(&str, FactKind)] = {
    use FactKind::*;
    &[
        // Networking.
        ("std::net::TcpStream", TcpStream),
        ("std::net::TcpListener", TcpListener),
        ("std::net::UdpSocket", UdpSocket),
        ("std::os::unix::net", UnixSocket),
        ("std::os::fd::FromRawFd", RawFd),
        ("std::os::unix::io::FromRawFd", RawFd),
        ("tokio::net::TcpStream", TcpStream),
        ("tokio::net::TcpSocket", TcpStream),
        ("tokio::net::TcpListener", TcpListener),
        ("tokio::net::UdpSocket", UdpSocket),
        ("tokio::net::UnixStream", UnixSocket),
        ("tokio::net::UnixListener", UnixSocket),
        ("tokio::net::UnixDatagram", UnixSocket),
        ("tokio::net::unix", UnixSocket),
        ("tokio::net::UnixSocket", UnixSocket),
        ("smol::net::unix", UnixSocket),
        ("hyperlocal", UnixSocket),
        ("async_std::net::TcpStream", TcpStream),
        ("async_std::net::TcpListener", TcpListener),
        ("async_std::net::UdpSocket", UdpSocket),
        ("async_std::os::unix::net", UnixSocket),
        ("smol::net::TcpStream", TcpStream),
        ("smol::net::TcpListener", TcpListener),
        ("smol::net::UdpSocket", UdpSocket),
        ("mio::net::TcpStream", TcpStream),
        ("mio::net::TcpListener", TcpListener),
        ("mio::net::UdpSocket", UdpSocket),
        ("mio::net::UnixStream", UnixSocket),
        ("mio::net::UnixListener", UnixSocket),
        ("socket2", Socket2),
        ("libc::socket", RawSocket),
        ("libc::socketpair", RawSocket),
        ("libc::bind", RawSocket),
        ("libc::connect", RawSocket),
        ("libc::listen", RawSocket),
        ("libc::accept", RawSocket),
        ("libc::accept4", RawSocket),
        ("libc::setsockopt", RawSocket),
        ("libc::AF_PACKET", RawSocket),
        ("libc::SOCK_RAW", RawSocket),
        ("nix::sys::socket", RawSocket),
        // Processes.
        ("std::process::Command", ProcessSpawn),
        ("tokio::process::Command", ProcessSpawn),
        ("async_std::process::Command", ProcessSpawn),
        ("async_process::Command", ProcessSpawn),
        ("smol::process::Command", ProcessSpawn),
        ("duct::cmd", ProcessSpawn),
        ("subprocess", ProcessSpawn),
        ("std::os::unix::process::CommandExt", ProcessSpawn),
        ("libc::fork", Fork),
        ("libc::vfork", Fork),
        ("libc::posix_spawn", ProcessSpawn),
        ("libc::execv", Exec),
        ("libc::execve", Exec),
        ("libc::execvp", Exec),
        ("libc::execl", Exec),
        ("libc::execlp", Exec),
        ("libc::system", ProcessSpawn),
        ("nix::unistd::fork", Fork),
        ("nix::unistd::execv", Exec),
        ("nix::unistd::execve", Exec),
        ("nix::unistd::execvp", Exec),
        ("nix::unistd::execvpe", Exec),
        ("daemonize", Fork),
        // Threads.
        ("std::thread::spawn", ThreadSpawn),
        ("std::thread::scope", ThreadSpawn),
        ("std::thread::Builder", ThreadSpawn),
        ("crossbeam::thread", ThreadSpawn),
        ("crossbeam::scope", ThreadSpawn),
        ("crossbeam_utils::thread", ThreadSpawn),
        ("threadpool", ThreadSpawn),
        ("rayon", Rayon),
        (
            "tokio::runtime::Builder::new_multi_thread",
            MultiThreadRuntime,
        ),
        ("tokio::runtime::Runtime::new", MultiThreadRuntime),
        ("tokio::task::spawn_blocking", SpawnBlocking),
        ("tokio::task::block_in_place", SpawnBlocking),
        ("async_std::task::spawn_blocking", SpawnBlocking),
        // Signals.
        ("tokio::signal", Signal),
        ("signal_hook", Signal),
        ("signal_hook_tokio", Signal),
        ("signal_hook_async_std", Signal),
        ("ctrlc", Signal),
        ("async_ctrlc", Signal),
        ("libc::signal", Signal),
        ("libc::sigaction", Signal),
        ("libc::kill", Signal),
        ("nix::sys::signal", Signal),
        // Filesystem writes.
        ("std::fs::write", FsWrite),
        ("std::fs::File::create", FsWrite),
        ("std::fs::File::create_new", FsWrite),
        ("std::fs::create_dir", FsWrite),
        ("std::fs::create_dir_all", FsWrite),
        ("std::fs::remove_file", FsWrite),
        ("std::fs::remove_dir", FsWrite),
        ("std::fs::remove_dir_all", FsWrite),
        ("std::fs::rename", FsWrite),
        ("std::fs::copy", FsWrite),
        ("std::fs::hard_link", FsWrite),
        ("std::fs::set_permissions", FsWrite),
        ("std::fs::OpenOptions", OpenOptions),
        ("tokio::fs::write", FsWrite),
        ("tokio::fs::File::create", FsWrite),
        ("tokio::fs::create_dir", FsWrite),
        ("tokio::fs::create_dir_all", FsWrite),
        ("tokio::fs::remove_file", FsWrite),
        ("tokio::fs::remove_dir_all", FsWrite),
        ("tokio::fs::rename", FsWrite),
        ("tokio::fs::copy", FsWrite),
        ("tokio::fs::OpenOptions", OpenOptions),
        ("async_std::fs::write", FsWrite),
        ("async_std::fs::File::create", FsWrite),
        ("async_std::fs::OpenOptions", OpenOptions),
        ("tempfile", FsWrite),
        // Native code loaded at run time.
        ("libloading", Dlopen),
        ("libc::dlopen", Dlopen),
        ("dlopen", Dlopen),
        ("dlopen2", Dlopen),
        // Build scripts compiling or linking native code.
        ("cc::Build", BuildCc),
        ("cc::compile_library", BuildCc),
        ("cmake::Config", BuildCmake),
        ("cmake::build", BuildCmake),
        ("bindgen::Builder", BuildBindgen),
        ("bindgen::builder", BuildBindgen),
        ("pkg_config", BuildPkgConfig),
        ("vcpkg", BuildPkgConfig),
        // Wasm-native entry points (used to pick a runtime; they prove no problem).
        ("spin_sdk::http_component", SpinComponent),
        ("spin_sdk::http_router", SpinComponent),
        ("wstd::http_server", WasiHttpHandler),
        ("wstd::main", WasiCliMain),
        ("waki::handler", WasiHttpHandler),
        ("wasi::http::proxy::export", WasiHttpHandler),
        ("wasi::exports::http::incoming_handler", WasiHttpHandler),
        ("wasip2::http::proxy::export", WasiHttpHandler),
        ("wasmedge_wasi_socket", WasmEdgeSocket),
        ("tokio_wasi", WasmEdgeSocket),
        ("hyper_wasi", WasmEdgeSocket),
    ]
};

/// The crate roots that appear in [`TABLE`]; a path whose first segment is not one of these is
/// not looked up at all.
fn index() -> &'static (
    HashMap<&'static str, FactKind>,
    std::collections::HashSet<&'static str>,
) {
    static INDEX: OnceLock<(
        HashMap<&'static str, FactKind>,
        std::collections::HashSet<&'static str>,
    )> = OnceLock::new();
    INDEX.get_or_init(|| {
        let map: HashMap<_, _> = TABLE.iter().copied().collect();
        let roots = TABLE
            .iter()
            .filter_map(|(p, _)| p.split("::").next())
            .collect();
        (map, roots)
    })
}

/// True when a fully qualified path starting with `root` could be in the table.
pub fn is_known_root(root: &str) -> bool {
    index().1.contains(root)
}

/// The fact a fully qualified path proves, with the table entry that matched.
pub fn lookup(segments: &[String]) -> Option<(FactKind, &'static str)> {
    let (map, roots) = index();
    let first = segments.first()?;
    if !roots.contains(first.as_str()) {
        return None;
    }
    let mut joined = String::new();
    let mut prefixes = Vec::with_capacity(segments.len());
    for (i, s) in segments.iter().enumerate() {
        if i > 0 {
            joined.push_str("::");
        }
        joined.push_str(s);
        prefixes.push(joined.len());
    }
    for &len in prefixes.iter().rev() {
        let key = joined.get(..len)?;
        if let Some((k, v)) = map.get_key_value(key) {
            return Some((*v, *k));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Vec<String> {
        s.split("::").map(String::from).collect()
    }

    #[test]
    fn longest_prefix_wins() {
        assert_eq!(
            lookup(&p("std::net::TcpStream::connect")).map(|x| x.0),
            Some(FactKind::TcpStream)
        );
        assert_eq!(
            lookup(&p("tokio::runtime::Builder::new_multi_thread")).map(|x| x.0),
            Some(FactKind::MultiThreadRuntime)
        );
        assert_eq!(
            lookup(&p("tokio::runtime::Builder::new_current_thread")),
            None
        );
        assert_eq!(lookup(&p("std::net::IpAddr")), None);
        assert_eq!(lookup(&p("serde::Serialize")), None);
        assert_eq!(
            lookup(&p("rayon::prelude::ParallelIterator")).map(|x| x.1),
            Some("rayon")
        );
        assert_eq!(lookup(&[]), None);
    }

    #[test]
    fn every_entry_is_unique() {
        let mut seen = std::collections::HashSet::new();
        for (path, _) in TABLE {
            assert!(seen.insert(*path), "duplicate table entry {path}");
        }
    }
}
