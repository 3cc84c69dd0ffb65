//! Kubernetes rules (`WM3xx`): pod specs, their containers and volumes, and well-known images.

use crate::Rule;

mod common;

mod daemonset;
mod exec_probe;
mod host_network;
mod hostpath;
mod init_container;
mod net_caps;
mod persistent_volume;
mod privileged;
mod shell_command;
mod statefulset;

pub use daemonset::Daemonset;
pub use exec_probe::ExecProbe;
pub use host_network::HostNetwork;
pub use hostpath::Hostpath;
pub use init_container::InitContainer;
pub use net_caps::NetCaps;
pub use persistent_volume::PersistentVolume;
pub use privileged::Privileged;
pub use shell_command::ShellCommand;
pub use statefulset::Statefulset;

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
];
