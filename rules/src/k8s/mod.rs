//! Kubernetes rules (`WM3xx`): pod specs, their containers and volumes, and well-known images.

use crate::Rule;

mod common;
pub mod images;
pub mod manifest_signals;
pub mod pod;
pub mod rbac;

mod broker_image;
mod container_script_program;
mod controller;
mod daemonset;
mod database_endpoint;
mod database_image;
mod dotnet_env;
mod dotnet_image;
mod exec_probe;
mod gpu;
mod grpc_port;
mod host_network;
mod hostpath;
mod init_container;
mod java_agent;
mod jvm_image;
mod jvm_options;
mod large_memory;
mod net_caps;
mod node_options;
mod non_http_port;
mod operator_workload;
mod persistent_volume;
mod privileged;
mod program_runtime;
mod proxy_image;
mod runtime_image;
mod shell_command;
mod shell_image;
mod statefulset;
mod udp;
mod wasm_module;
mod writes_filesystem;

pub use broker_image::BrokerImage;
pub use container_script_program::ContainerScriptProgram;
pub use controller::Controller;
pub use daemonset::Daemonset;
pub use database_endpoint::DatabaseEndpoint;
pub use database_image::DatabaseImage;
pub use dotnet_env::DotnetEnv;
pub use dotnet_image::DotnetImage;
pub use exec_probe::ExecProbe;
pub use gpu::Gpu;
pub use grpc_port::GrpcPort;
pub use host_network::HostNetwork;
pub use hostpath::Hostpath;
pub use init_container::InitContainer;
pub use java_agent::JavaAgent;
pub use jvm_image::JvmImage;
pub use jvm_options::JvmOptions;
pub use large_memory::LargeMemory;
pub use net_caps::NetCaps;
pub use node_options::NodeOptions;
pub use non_http_port::NonHttpPort;
pub use operator_workload::OperatorWorkload;
pub use persistent_volume::PersistentVolume;
pub use privileged::Privileged;
pub use program_runtime::ProgramRuntime;
pub use proxy_image::ProxyImage;
pub use runtime_image::RuntimeImage;
pub use shell_command::ShellCommand;
pub use shell_image::ShellImage;
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
    &ContainerScriptProgram,
    &ProgramRuntime,
    &NonHttpPort,
    &GrpcPort,
    &Controller,
    &Udp,
    &Gpu,
    &LargeMemory,
    &WritesFilesystem,
    &WasmModule,
    &OperatorWorkload,
    &DatabaseImage,
    &BrokerImage,
    &JvmImage,
    &DotnetImage,
    &ProxyImage,
    &ShellImage,
    &RuntimeImage,
    &JvmOptions,
    &JavaAgent,
    &NodeOptions,
    &DotnetEnv,
    &DatabaseEndpoint,
];
