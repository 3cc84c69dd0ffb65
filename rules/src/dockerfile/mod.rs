//! Dockerfile rules (`WM1xx`): what the final image installs, copies, exposes and starts, and
//! which language runtime it carries. Each rule reads the facts of
//! [`analyzer::dockerfile`] for the stages that make up the final image.

use crate::Rule;

pub(crate) mod common;
pub(crate) mod script_table;

mod apt_native_pkg;
mod copied_shared_library;
mod declared_volume;
mod dotnet_runtime;
mod expose_non_http_port;
mod expose_udp;
mod jvm_runtime;
mod language_runtime;
mod python_native_package;
mod script_command;
mod script_program;
mod shell_entrypoint;
mod wasm_image;

pub use apt_native_pkg::AptNativePkg;
pub use copied_shared_library::CopiedSharedLibrary;
pub use declared_volume::DeclaredVolume;
pub use dotnet_runtime::DotnetRuntime;
pub use expose_non_http_port::ExposeNonHttpPort;
pub use expose_udp::ExposeUdp;
pub use jvm_runtime::JvmRuntime;
pub use language_runtime::LanguageRuntime;
pub use python_native_package::PythonNativePackage;
pub use script_command::ScriptCommand;
pub use script_program::ScriptProgram;
pub use shell_entrypoint::ShellEntrypoint;
pub use wasm_image::WasmImage;

pub static RULES: &[&dyn Rule] = &[
    &AptNativePkg,
    &ShellEntrypoint,
    &ScriptCommand,
    &ScriptProgram,
    &CopiedSharedLibrary,
    &JvmRuntime,
    &DotnetRuntime,
    &PythonNativePackage,
    &LanguageRuntime,
    &ExposeNonHttpPort,
    &ExposeUdp,
    &DeclaredVolume,
    &WasmImage,
];
