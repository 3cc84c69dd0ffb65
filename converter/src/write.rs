//! `convert --write`: each file is written atomically (a temporary file in the same directory,
//! then a rename), keeps its permissions, and is refused when it would land outside the scan
//! root, go through a symlink, overwrite a file that changed since it was scanned, or replace a
//! read-only file (the user made it so; `sed -i` would replace it, we do not).
//!
//! The temporary file has no name while it is written (Linux `O_TMPFILE`): it is linked under its
//! `.NAME.wasm-migrate-PID.tmp` name only once complete, and renamed over the target at once, so a
//! run killed while writing leaves nothing behind. Where `O_TMPFILE` is not available, and for the
//! instant between link and rename, leftovers of a run that was killed are removed by the next
//! `--write` (a temporary file of ours whose process is gone).

use std::fs;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use crate::convert::FileChange;

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("`{path}`: refusing to write outside the scan root")]
    OutsideRoot { path: String },
    #[error("`{path}` is a symlink: refusing to write through it")]
    Symlink { path: String },
    #[error("`{path}` changed since it was scanned: run convert again")]
    Changed { path: String },
    #[error("`{path}` is read-only: not replaced (make it writable to convert it)")]
    ReadOnly { path: String },
    #[error("`{path}`: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

fn io(path: &str) -> impl Fn(std::io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_string(),
        source,
    }
}

/// The absolute target of a repo-relative path, refusing anything that escapes `root`.
fn target(root: &Path, rel: &str) -> Result<PathBuf, WriteError> {
    let p = Path::new(rel);
    if rel.is_empty() || p.components().any(|c| !matches!(c, Component::Normal(_))) {
        return Err(WriteError::OutsideRoot {
            path: rel.to_string(),
        });
    }
    Ok(root.join(p))
}

/// Write every change. Every target is checked first (inside the root, no symlink on the way,
/// unchanged since the scan), so a refusal writes nothing; an I/O error while writing stops
/// there (files already written stay written, each one complete: a rename never leaves a
/// half-written file).
pub fn write_all(root: &Path, files: &[FileChange]) -> Result<Vec<String>, WriteError> {
    let root_real = fs::canonicalize(root).map_err(io("."))?;
    let checked = files
        .iter()
        .map(|f| check_one(&root_real, f).map(|t| (f, t)))
        .collect::<Result<Vec<_>, _>>()?;
    for (_, t) in &checked {
        if let Some(dir) = t.path.parent() {
            sweep_leftovers(dir, &t.path);
        }
    }
    let mut written = Vec::new();
    for (f, t) in checked {
        write_one(&root_real, f, t)?;
        written.push(f.path.clone());
    }
    Ok(written)
}

/// A checked target: its path, and the metadata of the file it replaces.
struct Target {
    path: PathBuf,
    meta: Option<fs::Metadata>,
}

/// Refuse a path whose existing directories leave the root (through a symlink) before anything
/// is created: `create_dir_all` on `link/new/x` would otherwise make `new` wherever `link` points.
fn check_dirs(root: &Path, rel: &str) -> Result<(), WriteError> {
    let mut cur = root.to_path_buf();
    let parent = Path::new(rel).parent().unwrap_or(Path::new(""));
    for c in parent.components() {
        cur.push(c);
        match fs::symlink_metadata(&cur) {
            Ok(m) if m.file_type().is_symlink() => {
                let real = fs::canonicalize(&cur).map_err(io(rel))?;
                if !real.starts_with(root) {
                    return Err(WriteError::OutsideRoot {
                        path: rel.to_string(),
                    });
                }
            }
            Ok(_) => {}
            // The rest does not exist yet and is created inside what was checked so far.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(io(rel)(e)),
        }
    }
    Ok(())
}

fn check_one(root: &Path, f: &FileChange) -> Result<Target, WriteError> {
    let path = target(root, &f.path)?;
    check_dirs(root, &f.path)?;
    let meta = fs::symlink_metadata(&path).ok();
    if meta.as_ref().is_some_and(|m| m.file_type().is_symlink()) {
        return Err(WriteError::Symlink {
            path: f.path.clone(),
        });
    }
    if meta.as_ref().is_some_and(|m| m.permissions().readonly()) {
        return Err(WriteError::ReadOnly {
            path: f.path.clone(),
        });
    }
    match (&f.original, &meta) {
        (Some(orig), Some(_)) => {
            // Read like any repository file: a FIFO swapped in since the scan cannot block here.
            let guard = analyzer::fsread::Root::new(root).map_err(io(&f.path))?;
            let limit = orig.len() as u64 + 1;
            let now = match analyzer::fsread::read_in_root(&guard, &path, limit) {
                Ok(bytes) => bytes,
                Err(analyzer::fsread::ReadError::Io(e)) => return Err(io(&f.path)(e)),
                Err(_) => {
                    return Err(WriteError::Changed {
                        path: f.path.clone(),
                    });
                }
            };
            if now != orig.as_bytes() {
                return Err(WriteError::Changed {
                    path: f.path.clone(),
                });
            }
        }
        (Some(_), None) | (None, Some(_)) => {
            return Err(WriteError::Changed {
                path: f.path.clone(),
            });
        }
        (None, None) => {}
    }
    Ok(Target { path, meta })
}

fn write_one(root: &Path, f: &FileChange, t: Target) -> Result<(), WriteError> {
    let Target { path, meta } = t;
    let parent = path.parent().ok_or_else(|| WriteError::OutsideRoot {
        path: f.path.clone(),
    })?;
    if f.original.is_none() {
        fs::create_dir_all(parent).map_err(io(&f.path))?;
    }
    // Every directory on the way must resolve inside the root (checked again: it may have
    // changed since the check).
    let parent_real = fs::canonicalize(parent).map_err(io(&f.path))?;
    if !parent_real.starts_with(root) {
        return Err(WriteError::OutsideRoot {
            path: f.path.clone(),
        });
    }
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = parent_real.join(tmp_name(name, std::process::id()));
    // A new file gets rw-r--r-- (an unnamed temporary file starts private, 0600).
    let mode = meta
        .as_ref()
        .map(|m| m.permissions())
        .or_else(default_permissions);
    let result = (|| {
        let (mut file, unnamed) = match open_unnamed(&parent_real)? {
            Some(file) => (file, true),
            None => (
                fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(&tmp)?,
                false,
            ),
        };
        file.write_all(f.text.as_bytes())?;
        file.sync_all()?;
        if let Some(p) = &mode {
            file.set_permissions(p.clone())?;
        }
        if unnamed {
            // Fails if the name exists: never rename a file that is not ours.
            link_unnamed(&file, &tmp)?;
        }
        fs::rename(&tmp, &path)
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(WriteError::Io {
            path: f.path.clone(),
            source: e,
        });
    }
    Ok(())
}

#[cfg(unix)]
fn default_permissions() -> Option<fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Some(fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn default_permissions() -> Option<fs::Permissions> {
    None
}

/// `.NAME.wasm-migrate-PID.tmp`: the temporary name of a file being written.
fn tmp_name(name: &str, pid: u32) -> String {
    format!(".{name}.wasm-migrate-{pid}.tmp")
}

/// Remove temporary files of ours beside `target` whose process is gone (a `--write` that was
/// killed). Only names of the exact `.NAME.wasm-migrate-PID.tmp` shape for this target are
/// touched, and only regular files.
fn sweep_leftovers(dir: &Path, target: &Path) {
    let Some(name) = target.file_name().and_then(|n| n.to_str()) else {
        return;
    };
    let prefix = format!(".{name}.wasm-migrate-");
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let file_name = e.file_name();
        let Some(n) = file_name.to_str() else {
            continue;
        };
        let Some(pid) = n
            .strip_prefix(&prefix)
            .and_then(|r| r.strip_suffix(".tmp"))
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        let alive = pid == std::process::id() || Path::new(&format!("/proc/{pid}")).exists();
        if !alive && e.file_type().is_ok_and(|t| t.is_file()) {
            let _ = fs::remove_file(e.path());
        }
    }
}

/// A file in `dir` with no name yet (`O_TMPFILE`), or `None` where the system has no such thing.
#[cfg(target_os = "linux")]
fn open_unnamed(dir: &Path) -> std::io::Result<Option<fs::File>> {
    use std::os::unix::fs::OpenOptionsExt;
    match fs::OpenOptions::new()
        .write(true)
        .custom_flags(libc::O_TMPFILE)
        .mode(0o600)
        .open(dir)
    {
        Ok(f) => Ok(Some(f)),
        // Not supported by this file system or kernel: fall back to a named temporary file.
        Err(e)
            if matches!(
                e.raw_os_error(),
                Some(libc::EOPNOTSUPP) | Some(libc::EISDIR) | Some(libc::EINVAL)
            ) =>
        {
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

#[cfg(not(target_os = "linux"))]
fn open_unnamed(_dir: &Path) -> std::io::Result<Option<fs::File>> {
    Ok(None)
}

/// Give an `O_TMPFILE` file the name `to` (it must not exist).
#[cfg(target_os = "linux")]
fn link_unnamed(file: &fs::File, to: &Path) -> std::io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::io::AsRawFd;
    let from = std::ffi::CString::new(format!("/proc/self/fd/{}", file.as_raw_fd()))?;
    let to = std::ffi::CString::new(to.as_os_str().as_bytes())?;
    // SAFETY: both are valid NUL-terminated paths that live across the call.
    let rc = unsafe {
        libc::linkat(
            libc::AT_FDCWD,
            from.as_ptr(),
            libc::AT_FDCWD,
            to.as_ptr(),
            libc::AT_SYMLINK_FOLLOW,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn link_unnamed(_file: &fs::File, _to: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(path: &str, original: Option<&str>, text: &str) -> FileChange {
        FileChange {
            path: path.into(),
            original: original.map(str::to_string),
            text: text.into(),
            edits: vec![],
            workloads: vec![],
        }
    }

    #[test]
    fn writes_atomically_and_keeps_the_mode() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.yaml");
        fs::write(&p, "a: 1\r\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&p, fs::Permissions::from_mode(0o640)).unwrap();
        }
        write_all(
            dir.path(),
            &[
                change("a.yaml", Some("a: 1\r\n"), "a: 2\r\n"),
                change("new/b.txt", None, "b\n"),
            ],
        )
        .unwrap();
        assert_eq!(fs::read_to_string(&p).unwrap(), "a: 2\r\n");
        assert_eq!(
            fs::read_to_string(dir.path().join("new/b.txt")).unwrap(),
            "b\n"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                fs::metadata(&p).unwrap().permissions().mode() & 0o777,
                0o640
            );
        }
        let leftovers: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
    }

    #[test]
    fn refuses_escapes_symlinks_and_stale_files() {
        let dir = tempfile::tempdir().unwrap();
        let e = write_all(dir.path(), &[change("../x", None, "x")]).unwrap_err();
        assert!(matches!(e, WriteError::OutsideRoot { .. }), "{e}");
        let e = write_all(dir.path(), &[change("/etc/x", None, "x")]).unwrap_err();
        assert!(matches!(e, WriteError::OutsideRoot { .. }), "{e}");
        fs::write(dir.path().join("a"), "now").unwrap();
        let e = write_all(dir.path(), &[change("a", Some("then"), "x")]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "`a` changed since it was scanned: run convert again"
        );
        #[cfg(unix)]
        {
            let out = tempfile::tempdir().unwrap();
            std::os::unix::fs::symlink(out.path(), dir.path().join("link")).unwrap();
            let e = write_all(dir.path(), &[change("link/x", None, "x")]).unwrap_err();
            assert!(matches!(e, WriteError::OutsideRoot { .. }), "{e}");
            std::os::unix::fs::symlink(dir.path().join("a"), dir.path().join("b")).unwrap();
            let e = write_all(dir.path(), &[change("b", Some("now"), "x")]).unwrap_err();
            assert!(matches!(e, WriteError::Symlink { .. }), "{e}");
            // A new file below a symlinked directory: refused before any directory is made.
            let e = write_all(dir.path(), &[change("link/new/x", None, "x")]).unwrap_err();
            assert_eq!(
                e.to_string(),
                "`link/new/x`: refusing to write outside the scan root"
            );
            assert!(
                !out.path().join("new").exists(),
                "no directory is created outside the root"
            );
        }
    }

    #[test]
    fn a_refused_file_means_nothing_is_written() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a.yaml"), "a: 1\n").unwrap();
        fs::write(dir.path().join("z.yaml"), "edited meanwhile\n").unwrap();
        let e = write_all(
            dir.path(),
            &[
                change("a.yaml", Some("a: 1\n"), "a: 2\n"),
                change("new/Dockerfile.wasm", None, "FROM scratch\n"),
                change("z.yaml", Some("z: 1\n"), "z: 2\n"),
            ],
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "`z.yaml` changed since it was scanned: run convert again"
        );
        assert_eq!(
            fs::read_to_string(dir.path().join("a.yaml")).unwrap(),
            "a: 1\n"
        );
        assert!(!dir.path().join("new").exists());
    }
}
