//! The one place that opens files of a scanned repository: bounded, regular files only, never
//! through a symlink that leaves the scan root.
//!
//! A pull request can carry symlinks (git stores them) and special names, so every read of
//! repository content (manifests, sources, modules, `.wasm-migrate.toml`, ignore files) goes
//! through [`read_in_root`]. It refuses:
//! - a path whose canonical form is outside the canonical scan root (`ln -s /proc/self/environ
//!   .wasm-migrate.toml`, `ln -s ~/.aws/credentials k8s/x.yaml`): the content of such a file must
//!   never reach a diagnostic;
//! - anything but a regular file (a FIFO would block the scan forever, `/dev/zero` never ends);
//!   files are opened non-blocking and checked with `fstat` on the open descriptor, so a name
//!   swapped for a FIFO after the check still cannot block;
//! - more than `limit` bytes, checked on the size and again while reading (`take`), so a file that
//!   lies about its size or grows cannot make the read unbounded.
//!
//! Files the user names on the command line (`--config`, `--module`, `--baseline`) are the user's
//! choice and may live anywhere; they go through [`read_user_file`], which keeps the last two fences.

use std::io::Read;
use std::path::{Path, PathBuf};

/// Why a file was not read. The `Display` text names no content of the file.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("not read: it is a symbolic link to a file outside the scan root")]
    OutsideRoot,
    #[error("not read: it is not a regular file (a FIFO, device, socket or directory)")]
    NotRegular,
    #[error("skipped: {size} bytes is over the {limit} limit for this kind of file", limit = human_bytes(*.limit))]
    TooLarge { size: u64, limit: u64 },
    #[error("skipped: over the {limit} limit for this kind of file (it grew while read)", limit = human_bytes(*.limit))]
    Grew { limit: u64 },
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
}

/// A scan root, canonicalized once so every check compares real paths.
#[derive(Clone, Debug)]
pub struct Root {
    canonical: PathBuf,
}

impl Root {
    pub fn new(root: &Path) -> std::io::Result<Root> {
        Ok(Root {
            canonical: std::fs::canonicalize(root)?,
        })
    }

    /// True when `path` (which must exist) resolves to a place inside the root.
    pub fn contains(&self, path: &Path) -> std::io::Result<bool> {
        Ok(std::fs::canonicalize(path)?.starts_with(&self.canonical))
    }

    pub fn path(&self) -> &Path {
        &self.canonical
    }
}

/// Read a file of the scanned repository: inside `root` after resolving every symlink, a regular
/// file, at most `limit` bytes.
pub fn read_in_root(root: &Root, path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let real = std::fs::canonicalize(path)?;
    if !real.starts_with(&root.canonical) {
        return Err(ReadError::OutsideRoot);
    }
    read_regular(&real, limit)
}

/// Read a file the user named: a regular file, at most `limit` bytes, wherever it is.
pub fn read_user_file(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    read_regular(path, limit)
}

/// True when `path` exists as anything (a dangling symlink included), without following it.
pub fn exists_no_follow(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok()
}

fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let file = open_nonblocking(path)?;
    let meta = file.metadata()?;
    if !meta.file_type().is_file() {
        return Err(ReadError::NotRegular);
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge {
            size: meta.len(),
            limit,
        });
    }
    // procfs and sysfs files report size 0 and still have content: the capacity is a hint only.
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::Grew { limit });
    }
    Ok(bytes)
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever. It has no
    // effect on reads of regular files, the only kind read after the fstat check.
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// `4 MiB` for whole mebibytes, else bytes.
pub fn human_bytes(n: u64) -> String {
    if n >= 1024 * 1024 && n.is_multiple_of(1024 * 1024) {
        format!("{} MiB", n / (1024 * 1024))
    } else if n >= 1024 && n.is_multiple_of(1024) {
        format!("{} KiB", n / 1024)
    } else {
        format!("{n} bytes")
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn refuses_links_out_of_the_root_fifos_and_devices() {
        let dir = tempfile::tempdir().unwrap();
        let root = Root::new(dir.path()).unwrap();
        std::fs::write(dir.path().join("ok.yaml"), "a: 1\n").unwrap();
        std::os::unix::fs::symlink("ok.yaml", dir.path().join("inside.yaml")).unwrap();
        std::os::unix::fs::symlink("/etc/hostname", dir.path().join("out.yaml")).unwrap();
        std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.yaml")).unwrap();
        let fifo = dir.path().join("fifo.yaml");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );

        assert_eq!(
            read_in_root(&root, &dir.path().join("inside.yaml"), 100).unwrap(),
            b"a: 1\n"
        );
        assert!(matches!(
            read_in_root(&root, &dir.path().join("out.yaml"), 100),
            Err(ReadError::OutsideRoot)
        ));
        assert!(matches!(
            read_in_root(&root, &dir.path().join("zero.yaml"), 100),
            Err(ReadError::OutsideRoot)
        ));
        assert!(matches!(
            read_user_file(Path::new("/dev/zero"), 100),
            Err(ReadError::NotRegular)
        ));
        assert!(matches!(
            read_in_root(&root, &fifo, 100),
            Err(ReadError::NotRegular)
        ));
        assert!(matches!(
            read_in_root(&root, &dir.path().join("ok.yaml"), 3),
            Err(ReadError::TooLarge { size: 5, limit: 3 })
        ));
    }

    #[test]
    fn procfs_files_are_bounded_although_they_report_size_zero() {
        // /proc/self/maps reports 0 bytes; the read is still cut at the limit.
        assert!(matches!(
            read_user_file(Path::new("/proc/self/maps"), 16),
            Err(ReadError::Grew { limit: 16 })
        ));
    }
}

/// True when `p` is `root` or inside it (both canonicalized; `root` as given when it cannot be).
pub fn is_inside(root: &Path, p: &Path) -> bool {
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    p.canonicalize().is_ok_and(|c| c.starts_with(&root))
}

/// A fresh, empty directory `<prefix>-<pid>-<n>` for a program wasm-migrate runs on the
/// repository's behalf (`--cargo-metadata`, `--helm-render`): under the system's temporary
/// directory, or the first of `/tmp`, `/var/tmp`, `/dev/shm` when that one is inside the scan
/// root (`TMPDIR=repo/tmp`), so nothing the program reads from its working directory's
/// ancestors is the repository's.
pub fn scratch_dir_outside(scan_root: &Path, prefix: &str) -> Result<std::path::PathBuf, String> {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let base = [
        std::env::temp_dir(),
        std::path::PathBuf::from("/tmp"),
        std::path::PathBuf::from("/var/tmp"),
        std::path::PathBuf::from("/dev/shm"),
    ]
    .into_iter()
    .find(|b| b.is_dir() && !is_inside(scan_root, b))
    .ok_or_else(|| format!("no temporary directory outside the scan root to run {prefix} from"))?;
    let dir = base.join(format!(
        "wasm-migrate-{prefix}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir(&dir).map_err(|e| format!("cannot create a working directory: {e}"))?;
    Ok(dir)
}
