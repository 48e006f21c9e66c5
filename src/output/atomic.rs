//! Durable output files: written to a temporary name beside the target, flushed and synced,
//! then renamed over it. A run that is interrupted or fails while writing leaves the previous
//! file (or none) and at most a `.NAME.tmp-PID` file, never a truncated file under the real name
//! that looks complete. The rename is atomic on POSIX file systems (same directory).

use std::fs::File;
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};

/// The temporary name `path` is written under: `.NAME.tmp-PID` in the same directory.
pub fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

/// Writes `path` through `body` via a temporary file and a rename. On any error the temporary
/// file is removed and `path` is left as it was.
pub fn write_file(
    path: &Path,
    body: impl FnOnce(&mut BufWriter<File>) -> io::Result<()>,
) -> io::Result<()> {
    let tmp = temp_path(path);
    let result = (|| {
        let mut w = BufWriter::new(File::create(&tmp)?);
        body(&mut w)?;
        let file = w.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn dir(test: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("balun-atomic-{test}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).expect("create temp dir");
        d
    }

    #[test]
    fn writes_then_renames() {
        let d = dir("ok");
        let path = d.join("out.csv");
        write_file(&path, |w| w.write_all(b"a,b\n1,2\n")).expect("write");
        assert_eq!(std::fs::read(&path).expect("read"), b"a,b\n1,2\n");
        assert!(!temp_path(&path).exists());
        let _ = std::fs::remove_dir_all(&d);
    }

    /// A writer that fails half-way leaves the previous file intact and no temporary behind.
    #[test]
    fn failure_keeps_the_previous_file() {
        let d = dir("fail");
        let path = d.join("out.raw");
        std::fs::write(&path, b"previous complete file").expect("seed");
        let err = write_file(&path, |w| {
            w.write_all(&[b'x'; 100_000])?;
            Err(io::Error::other("interrupted"))
        })
        .expect_err("body failed");
        assert_eq!(err.to_string(), "interrupted");
        assert_eq!(
            std::fs::read(&path).expect("read"),
            b"previous complete file"
        );
        assert!(!temp_path(&path).exists());
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn temp_name_is_hidden_and_beside_the_target() {
        let t = temp_path(Path::new("some/dir/out.json"));
        assert_eq!(t.parent(), Some(Path::new("some/dir")));
        let name = t.file_name().expect("name").to_string_lossy().into_owned();
        assert!(name.starts_with(".out.json.tmp-"), "{name}");
    }
}
