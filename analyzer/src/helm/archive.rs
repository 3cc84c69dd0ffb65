//! Packaged subcharts (`charts/*.tgz`): unpacked in memory, bounded, never written to disk.
//!
//! A `.tgz` is a stranger's gzip stream: it can claim any size and expand a thousandfold, so the
//! compressed file, the bytes inflated, the number of entries and each entry are capped, and only
//! regular files with relative, `..`-free paths are kept. Anything else is skipped; a stream that
//! is not gzip'd tar is an error for the scan to report, not a panic.

use std::io::Read;

/// Largest `.tgz` read. A packaged chart is tens of KiB.
pub const MAX_ARCHIVE_BYTES: u64 = 8 * 1024 * 1024;
/// Most bytes inflated from one archive.
pub const MAX_UNPACKED_BYTES: u64 = 32 * 1024 * 1024;
/// Most entries read from one archive.
pub const MAX_ENTRIES: usize = 4096;
/// Largest single file kept.
pub const MAX_ENTRY_BYTES: u64 = 1024 * 1024;

/// One text file of an archive, by its path inside it (`redis/templates/master.yaml`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub path: String,
    pub text: String,
}

/// The text files of a gzip'd tar, within the caps above. Binary or non-UTF-8 entries are
/// skipped (a chart's templates and values are text).
pub fn unpack(bytes: &[u8]) -> Result<Vec<Entry>, String> {
    let gz = flate2::read::GzDecoder::new(bytes).take(MAX_UNPACKED_BYTES);
    let mut archive = tar::Archive::new(gz);
    let entries = archive
        .entries()
        .map_err(|e| format!("not a gzip'd tar archive: {e}"))?;
    let mut out = Vec::new();
    for (n, entry) in entries.enumerate() {
        if n >= MAX_ENTRIES {
            return Err(format!("more than {MAX_ENTRIES} entries"));
        }
        let mut entry = entry.map_err(|e| format!("unreadable archive: {e}"))?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let path = match entry.path() {
            Ok(p) => p.to_string_lossy().replace('\\', "/"),
            Err(_) => continue,
        };
        if path.starts_with('/') || path.split('/').any(|s| s == "..") {
            continue;
        }
        if entry.size() > MAX_ENTRY_BYTES {
            continue;
        }
        let mut buf = Vec::with_capacity(entry.size() as usize);
        (&mut entry)
            .take(MAX_ENTRY_BYTES)
            .read_to_end(&mut buf)
            .map_err(|e| format!("unreadable archive: {e}"))?;
        if buf.contains(&0) {
            continue;
        }
        if let Ok(text) = String::from_utf8(buf) {
            out.push(Entry { path, text });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tgz(files: &[(&str, &str)]) -> Vec<u8> {
        let mut b = tar::Builder::new(Vec::new());
        for (p, t) in files {
            let mut h = tar::Header::new_gnu();
            h.set_size(t.len() as u64);
            h.set_mode(0o644);
            h.set_cksum();
            b.append_data(&mut h, p, t.as_bytes()).unwrap();
        }
        let tar = b.into_inner().unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut gz, &tar).unwrap();
        gz.finish().unwrap()
    }

    #[test]
    fn unpacks_text_files() {
        let bytes = tgz(&[
            ("sub/Chart.yaml", "name: sub\n"),
            ("sub/values.yaml", "a: 1\n"),
        ]);
        let e = unpack(&bytes).unwrap();
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].path, "sub/Chart.yaml");
        assert_eq!(e[1].text, "a: 1\n");
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(unpack(b"not gzip at all").is_err());
        assert!(unpack(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3]).is_err());
    }

    #[test]
    fn a_bomb_stops_at_the_cap() {
        // 64 MiB of zeros in one entry compresses to ~64 KiB: inflating stops at the cap.
        let big = "0".repeat(64 * 1024 * 1024);
        let bytes = tgz(&[("sub/templates/x.yaml", &big)]);
        assert!(bytes.len() < 1024 * 1024);
        let e = unpack(&bytes).unwrap_or_default();
        assert!(e.is_empty());
    }
}
