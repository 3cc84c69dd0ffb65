//! The single pass over a `.wasm` file: validate every payload and collect the facts.

use wasmparser::{
    CanonicalFunction, ComponentExternName, Encoding, FuncValidatorAllocations, KnownCustom,
    MemoryType, Operator, Parser, Payload, TypeRef, ValidPayload, Validator, WasmFeatures,
};

use super::names::{InterfaceName, classify_core_import, classify_interface};
use super::{Export, Import, MAX_RECORDED_ITEMS, Memory, ModuleKind, Threads, WasmModule};
use crate::error::{ErrorKind, FileError};

const MAGIC: &[u8; 4] = b"\0asm";

/// Reads a `.wasm` file's bytes into a [`WasmModule`].
///
/// The bytes are fully validated (function bodies included) with every proposal enabled. Anything
/// that is not a well-formed module or component becomes a [`FileError`] of kind
/// [`ErrorKind::Wasm`] whose message names the problem and its byte offset. Never panics.
pub fn inspect(path: &str, bytes: &[u8]) -> Result<WasmModule, FileError> {
    let error = |message: String| FileError::new(path, ErrorKind::Wasm, message);
    if bytes.is_empty() {
        return Err(error("empty file, not a wasm module".to_string()));
    }
    if !bytes.starts_with(MAGIC) {
        let what = if bytes.len() < MAGIC.len() && MAGIC.starts_with(bytes) {
            "truncated wasm file: it ends inside the `\\0asm` magic bytes"
        } else {
            "not a wasm module: the file does not start with the `\\0asm` magic bytes"
        };
        return Err(error(what.to_string()));
    }
    walk(path, bytes).map_err(|e| {
        // wasmparser reports a cut-off file as "unexpected end-of-file" wherever it happens to stop.
        let what = if e.message().starts_with("unexpected end") {
            "truncated wasm module"
        } else {
            "invalid wasm module"
        };
        // Some wasmparser messages pad numbers (`{:#10x}`); one space reads better in a report.
        let message = e.message().split_whitespace().collect::<Vec<_>>().join(" ");
        error(format!("{what}: {message} (at byte offset {})", e.offset()))
    })
}

/// Where the walk is: the top-level module or component, or something nested in a component.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    TopCore,
    TopComponent,
    NestedCore,
    NestedComponent,
}

fn walk(path: &str, bytes: &[u8]) -> Result<WasmModule, wasmparser::BinaryReaderError> {
    let features = WasmFeatures::all();
    let mut validator = Validator::new_with_features(features);
    let mut parser = Parser::new(0);
    parser.set_features(features);
    let mut allocs = FuncValidatorAllocations::default();

    let mut module = WasmModule {
        path: path.to_string(),
        kind: ModuleKind::Core,
        size: bytes.len(),
        imports: Vec::new(),
        imports_total: 0,
        exports: Vec::new(),
        exports_total: 0,
        memories: Vec::new(),
        threads: Threads::default(),
        nested_modules: 0,
        nested_components: 0,
        languages: Vec::new(),
        processed_by: Vec::new(),
    };
    let mut stack: Vec<Level> = Vec::new();

    for payload in parser.parse_all(bytes) {
        let payload = payload?;
        let level = stack.last().copied();
        match &payload {
            Payload::Version { encoding, .. } => {
                let next = match (level, encoding) {
                    (None, Encoding::Module) => Level::TopCore,
                    (None, Encoding::Component) => {
                        module.kind = ModuleKind::Component;
                        Level::TopComponent
                    }
                    (Some(_), Encoding::Module) => {
                        module.nested_modules += 1;
                        Level::NestedCore
                    }
                    (Some(_), Encoding::Component) => {
                        module.nested_components += 1;
                        Level::NestedComponent
                    }
                };
                stack.push(next);
            }
            Payload::ImportSection(reader) => {
                for item in reader.clone().into_imports_with_offsets() {
                    let (offset, import) = item?;
                    if let TypeRef::Memory(ty) = import.ty {
                        add_memory(&mut module, ty, true, level, offset);
                    }
                    if level == Some(Level::TopCore) {
                        record_core_import(
                            &mut module,
                            import.module,
                            import.name,
                            import.ty,
                            offset,
                        );
                    } else if is_thread_spawn(import.module, import.name) {
                        module.threads.thread_spawn.get_or_insert(as_offset(offset));
                    }
                }
            }
            Payload::MemorySection(reader) => {
                for item in reader.clone().into_iter_with_offsets() {
                    let (offset, ty) = item?;
                    add_memory(&mut module, ty, false, level, offset);
                }
            }
            Payload::ExportSection(reader) if level == Some(Level::TopCore) => {
                for item in reader.clone().into_iter_with_offsets() {
                    let (offset, export) = item?;
                    record_export(&mut module, export.name, None, offset);
                }
            }
            Payload::ComponentImportSection(reader) if level == Some(Level::TopComponent) => {
                for item in reader.clone().into_iter_with_offsets() {
                    let (offset, import) = item?;
                    record_component_import(&mut module, &import.name, offset);
                }
            }
            Payload::ComponentExportSection(reader) if level == Some(Level::TopComponent) => {
                for item in reader.clone().into_iter_with_offsets() {
                    let (offset, export) = item?;
                    let full = export.name.full_name();
                    let implements = export.name.full_implements();
                    record_export(&mut module, &full, implements.as_deref(), offset);
                }
            }
            Payload::ComponentCanonicalSection(reader) => {
                for item in reader.clone().into_iter_with_offsets() {
                    let (offset, func) = item?;
                    if matches!(
                        func,
                        CanonicalFunction::ThreadSpawnRef { .. }
                            | CanonicalFunction::ThreadSpawnIndirect { .. }
                    ) {
                        module.threads.thread_spawn.get_or_insert(as_offset(offset));
                    }
                }
            }
            Payload::CustomSection(reader) => {
                if let KnownCustom::Producers(producers) = reader.as_known() {
                    record_producers(&mut module, producers)?;
                }
            }
            Payload::End(_) => {
                stack.pop();
            }
            _ => {}
        }

        match validator.payload(&payload)? {
            ValidPayload::Func(func, body) => {
                // Every atomic instruction starts with the 0xFE prefix byte; a body without that
                // byte anywhere has none, which skips the second decode for almost every function.
                if body.as_bytes().contains(&0xFE) {
                    let mut ops = body.get_operators_reader()?;
                    while !ops.eof() {
                        if is_atomic(&ops.read()?) {
                            module.threads.atomic_instructions += 1;
                        }
                    }
                }
                let mut func = func.into_validator(allocs);
                func.validate(&body)?;
                allocs = func.into_allocations();
            }
            ValidPayload::Ok | ValidPayload::Parser(_) | ValidPayload::End(_) => {}
        }
    }
    Ok(module)
}

fn as_offset(offset: u64) -> usize {
    usize::try_from(offset).unwrap_or(usize::MAX)
}

/// The imports that start a thread: wasi-threads' `wasi::thread-spawn` and WASIX's
/// `thread_spawn` / `thread_spawn_v2`.
fn is_thread_spawn(module: &str, name: &str) -> bool {
    (module == "wasi" && name == "thread-spawn")
        || (module.starts_with("wasix_") && name.starts_with("thread_spawn"))
}

fn record_core_import(module: &mut WasmModule, from: &str, name: &str, ty: TypeRef, offset: u64) {
    let mut class = classify_core_import(from, name);
    // wasi-threads modules import their shared memory as `env::memory` and the host creates it,
    // so that one `env` import is part of the wasi-threads ABI, not an unresolved dependency.
    if from == "env" && name == "memory" && matches!(ty, TypeRef::Memory(m) if m.shared) {
        class = super::ImportClass::WasiThreads;
    }
    if is_thread_spawn(from, name) {
        module.threads.thread_spawn.get_or_insert(as_offset(offset));
    }
    module.imports_total += 1;
    if module.imports.len() < MAX_RECORDED_ITEMS {
        module.imports.push(Import {
            module: from.to_string(),
            name: name.to_string(),
            interface: InterfaceName::parse(from),
            class,
            offset: as_offset(offset),
        });
    }
}

fn record_component_import(module: &mut WasmModule, name: &ComponentExternName<'_>, offset: u64) {
    // `(import "my-store" (implements "wasi:keyvalue/store@0.2.0"))` needs the interface it
    // implements; the plain name is only a label.
    let full = name.full_name();
    let interface = name
        .full_implements()
        .and_then(|i| InterfaceName::parse(&i))
        .or_else(|| InterfaceName::parse(&full));
    let class = match &interface {
        Some(i) => classify_interface(i),
        None => super::ImportClass::Other,
    };
    module.imports_total += 1;
    if module.imports.len() < MAX_RECORDED_ITEMS {
        module.imports.push(Import {
            module: full.into_owned(),
            name: String::new(),
            interface,
            class,
            offset: as_offset(offset),
        });
    }
}

fn record_export(module: &mut WasmModule, name: &str, implements: Option<&str>, offset: u64) {
    module.exports_total += 1;
    if module.exports.len() < MAX_RECORDED_ITEMS {
        let interface = implements
            .and_then(InterfaceName::parse)
            .or_else(|| InterfaceName::parse(name));
        module.exports.push(Export {
            name: name.to_string(),
            interface,
            offset: as_offset(offset),
        });
    }
}

fn add_memory(
    module: &mut WasmModule,
    ty: MemoryType,
    imported: bool,
    level: Option<Level>,
    offset: u64,
) {
    let offset = as_offset(offset);
    if ty.shared {
        module.threads.shared_memory.get_or_insert(offset);
    }
    if module.memories.len() >= MAX_RECORDED_ITEMS {
        return;
    }
    let page_size = ty
        .page_size_log2
        .and_then(|log2| 1u64.checked_shl(log2))
        .unwrap_or(65536);
    module.memories.push(Memory {
        initial_pages: ty.initial,
        maximum_pages: ty.maximum,
        page_size,
        shared: ty.shared,
        memory64: ty.memory64,
        imported,
        nested: matches!(level, Some(Level::NestedCore | Level::NestedComponent)),
        offset,
    });
}

fn record_producers(
    module: &mut WasmModule,
    producers: wasmparser::ProducersSectionReader<'_>,
) -> Result<(), wasmparser::BinaryReaderError> {
    for field in producers {
        let field = field?;
        let list = match field.name {
            "language" => &mut module.languages,
            "processed-by" => &mut module.processed_by,
            _ => continue,
        };
        for value in field.values {
            let value = value?;
            if list.len() < 64 && !list.iter().any(|v| v == value.name) {
                list.push(value.name.to_string());
            }
        }
    }
    Ok(())
}

/// Whether an instruction comes from the threads (or acquire-release atomics) proposal.
fn is_atomic(op: &Operator<'_>) -> bool {
    macro_rules! define_is_atomic {
        ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*))*) => {
            match op {
                $( Operator::$op { .. } => define_is_atomic!(@one $proposal), )*
                _ => false,
            }
        };
        (@one threads) => { true };
        (@one acquire_release_atomics) => { true };
        (@one $proposal:ident) => { false };
    }
    wasmparser::for_each_operator!(define_is_atomic)
}
