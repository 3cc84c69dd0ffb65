//! Kubernetes rules (`WM3xx`): pod specs, their containers and volumes, and well-known images.

use crate::Rule;

mod host_network;
mod net_caps;
mod privileged;

pub use host_network::HostNetwork;
pub use net_caps::NetCaps;
pub use privileged::Privileged;

pub static RULES: &[&dyn Rule] = &[&HostNetwork, &Privileged, &NetCaps];
