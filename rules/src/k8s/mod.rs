//! Kubernetes rules (`WM3xx`): pod specs, their containers and volumes, and well-known images.

use crate::Rule;

mod common;

mod daemonset;
mod exec_probe;
mod gpu;
mod host_network;
mod hostpath;
mod init_container;
mod large_memory;
mod net_caps;
mod non_http_port;
mod persistent_volume;
mod privileged;
mod shell_command;
mod statefulset;
mod udp;
mod wasm_module;
mod writes_filesystem;

pub use daemonset::Daemonset;
pub use exec_probe::ExecProbe;
pub use gpu::Gpu;
pub use host_network::HostNetwork;
pub use hostpath::Hostpath;
pub use init_container::InitContainer;
pub use large_memory::LargeMemory;
pub use net_caps::NetCaps;
pub use non_http_port::NonHttpPort;
pub use persistent_volume::PersistentVolume;
pub use privileged::Privileged;
pub use shell_command::ShellCommand;
pub use statefulset::Statefulset;
pub use udp::Udp;
pub use wasm_module::WasmModule;
pub use writes_filesystem::WritesFilesystem;

pub static RULES: &[&dyn Rule] = &[
    &HostNetwork,
    &Privileged,
    &NetCaps,
    &Hostpath,
    &PersistentVolume,
    &Statefulset,
    &Daemonset,
    &InitContainer,
    &ExecProbe,
    &ShellCommand,
    &NonHttpPort,
    &Udp,
    &Gpu,
    &LargeMemory,
    &WritesFilesystem,
    &WasmModule,
];
