//! The file I/O every command shares: bounded reads (a program, a script,
//! stdin) and safe writes (`:save`, `:export`, `:record`).
//!
//! Reads refuse what is not a regular file (a FIFO with no writer would
//! block forever, `/dev/zero` never ends) and stop at `MAX_INPUT_BYTES`
//! with a clear message instead of reading until memory runs out. Writes
//! never overwrite an existing file unless told, and go to a temporary file
//! in the same folder that is renamed into place, so a failed write (a full
//! disk) leaves the original intact and no partial file. Messages are
//! plain sentences without the `error:` prefix; the caller locates them.
//! Must not print or know about commands.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// The largest program, script or stdin adtrace reads: far above any real
/// lecture script (a million-statement program is about 25 MB), well
/// below what would exhaust memory (parsing costs a few times the size).
pub const MAX_INPUT_BYTES: u64 = 256 << 20;

/// `MAX_INPUT_BYTES` as users read it.
pub const MAX_INPUT_TEXT: &str = "256 MB";

/// Read all of `r`, failing once it passes `limit` bytes.
pub fn read_bounded(r: impl Read, limit: u64, what: &str) -> Result<Vec<u8>, String> {
    let mut buf = Vec::new();
    r.take(limit + 1)
        .read_to_end(&mut buf)
        .map_err(|e| format!("cannot read {what}: {e}"))?;
    if buf.len() as u64 > limit {
        return Err(too_large(what));
    }
    Ok(buf)
}

fn too_large(what: &str) -> String {
    format!("{what} is larger than {MAX_INPUT_TEXT}, the most adtrace reads")
}

/// Read a regular file of at most `MAX_INPUT_BYTES`; FIFOs, devices and
/// directories are refused before they are opened (opening a FIFO with no
/// writer blocks).
pub fn read_file(path: &Path) -> Result<Vec<u8>, String> {
    let shown = format!("'{}'", path.display());
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
    if !meta.is_file() {
        return Err(format!(
            "cannot read {shown}: it is {}, not a regular file",
            kind(&meta)
        ));
    }
    if meta.len() > MAX_INPUT_BYTES {
        return Err(too_large(&shown));
    }
    let f = File::open(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
    read_bounded(f, MAX_INPUT_BYTES, &shown)
}

/// What a non-regular file is, for the message.
fn kind(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if meta.is_dir() {
        "a directory"
    } else {
        "a special file"
    }
}

/// The same file whether or not it exists yet: the canonical folder and
/// the name (so `a.adt`, `./a.adt` and `/tmp/x/../x/a.adt` are one file).
pub fn identity(path: &Path) -> PathBuf {
    if let Ok(p) = path.canonicalize() {
        return p;
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    match (dir.canonicalize(), path.file_name()) {
        (Ok(d), Some(n)) => d.join(n),
        _ => path.to_path_buf(),
    }
}

/// Why a file was not written.
#[derive(Debug)]
pub enum WriteError {
    /// The file exists and overwriting was not asked for.
    Exists,
    /// It exists and is not a regular file (a device, a FIFO, a folder).
    NotRegular(&'static str),
    Io(io::Error),
}

/// A file being written next to its destination, renamed into place by
/// `commit`; dropped without a commit it is removed.
pub struct Staged {
    dest: PathBuf,
    tmp: PathBuf,
    file: Option<File>,
    id: u64,
}

/// A staged file still open, as a terminating signal finds it.
struct Open {
    id: u64,
    tmp: PathBuf,
    dest: PathBuf,
    /// Renamed into place at a signal (a recording), else removed.
    keep: bool,
}

/// The staged files not yet committed or dropped (`settle_on_exit`).
static OPEN: Mutex<Vec<Open>> = Mutex::new(Vec::new());

fn open_files() -> std::sync::MutexGuard<'static, Vec<Open>> {
    OPEN.lock().unwrap_or_else(|e| e.into_inner())
}

/// The process is ending on a signal (SIGTERM, SIGHUP: the terminal was
/// closed): no temporary file is left behind. A recording is renamed into
/// place with every line it was given, as the end of a session would; any
/// other half-written file is removed. The registry stays locked, so no
/// write completes after this; the caller ends the process.
pub fn settle_on_exit() {
    let open = open_files();
    for f in open.iter() {
        if f.keep {
            let _ = place(&f.tmp, &f.dest);
        } else {
            let _ = std::fs::remove_file(&f.tmp);
        }
    }
    std::mem::forget(open);
}

/// Rename `tmp` over `dest`, keeping an overwritten file's permissions.
fn place(tmp: &Path, dest: &Path) -> io::Result<()> {
    if let Ok(m) = std::fs::metadata(dest) {
        std::fs::set_permissions(tmp, m.permissions())?;
    }
    std::fs::rename(tmp, dest)
}

impl Staged {
    /// Start writing `dest`: refused when it exists unless `overwrite`.
    pub fn create(dest: &Path, overwrite: bool) -> Result<Staged, WriteError> {
        match std::fs::metadata(dest) {
            Ok(m) if !m.is_file() => return Err(WriteError::NotRegular(kind(&m))),
            Ok(_) if !overwrite => return Err(WriteError::Exists),
            _ => {}
        }
        static COUNT: AtomicU64 = AtomicU64::new(0);
        let dir = match dest.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let name = dest
            .file_name()
            .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
        let id = COUNT.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!(".{name}.{}-{id}.adtrace-tmp", std::process::id()));
        // Registered before it exists, so a signal never misses it.
        let mut open = open_files();
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .map_err(WriteError::Io)?;
        open.push(Open {
            id,
            tmp: tmp.clone(),
            dest: dest.to_path_buf(),
            keep: false,
        });
        Ok(Staged {
            dest: dest.to_path_buf(),
            tmp,
            file: Some(file),
            id,
        })
    }

    /// A terminating signal renames this file into place rather than
    /// removing it (`settle_on_exit`): a recording is kept, line by line.
    pub fn keep_on_exit(&self) {
        if let Some(f) = open_files().iter_mut().find(|f| f.id == self.id) {
            f.keep = true;
        }
    }

    /// No longer the signal's to settle (committed or dropped).
    fn forget(&self) {
        open_files().retain(|f| f.id != self.id);
    }

    /// Append and flush (a recording keeps every line it was given).
    pub fn append(&mut self, bytes: &[u8]) -> io::Result<()> {
        let f = self
            .file
            .as_mut()
            .ok_or_else(|| io::Error::other("closed"))?;
        f.write_all(bytes)?;
        f.flush()
    }

    /// Sync and rename into place, keeping an overwritten file's
    /// permissions. On error the destination is untouched.
    pub fn commit(mut self) -> io::Result<()> {
        self.forget();
        let done = self.finish();
        if done.is_err() {
            let _ = std::fs::remove_file(&self.tmp);
        }
        done
    }

    fn finish(&mut self) -> io::Result<()> {
        let f = self.file.take().ok_or_else(|| io::Error::other("closed"))?;
        f.sync_all()?;
        drop(f);
        place(&self.tmp, &self.dest)
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if self.file.take().is_some() {
            self.forget();
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Write `body` to `dest` atomically (see `Staged`).
pub fn write_atomic(dest: &Path, body: &[u8], overwrite: bool) -> Result<(), WriteError> {
    let mut s = Staged::create(dest, overwrite)?;
    s.append(body).map_err(WriteError::Io)?;
    s.commit().map_err(WriteError::Io)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(tag: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("adtrace-fsio-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    fn names(d: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn bounded_read_stops_one_byte_past_the_limit() {
        assert_eq!(read_bounded(&b"abcd"[..], 4, "x").unwrap(), b"abcd");
        let e = read_bounded(&b"abcde"[..], 4, "stdin").unwrap_err();
        assert!(e.contains("stdin is larger than 256 MB"), "{e}");
        // An endless reader ends at the limit.
        let e = read_bounded(io::repeat(0), 1000, "'/dev/zero'").unwrap_err();
        assert!(e.contains("larger than"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_folders_are_refused_before_reading() {
        let e = read_file(Path::new("/dev/zero")).unwrap_err();
        assert!(e.contains("a device, not a regular file"), "{e}");
        let e = read_file(Path::new("/")).unwrap_err();
        assert!(e.contains("a directory"), "{e}");
    }

    #[test]
    fn a_sparse_file_over_the_limit_is_refused_unread() {
        let d = dir("sparse");
        let p = d.join("big.adt");
        File::create(&p)
            .unwrap()
            .set_len(MAX_INPUT_BYTES + 1)
            .unwrap();
        let e = read_file(&p).unwrap_err();
        assert!(e.contains("larger than 256 MB"), "{e}");
        std::fs::write(&p, "x").unwrap();
        assert_eq!(read_file(&p).unwrap(), b"x");
    }

    #[test]
    fn writes_refuse_to_overwrite_unless_told_and_leave_no_temporary() {
        let d = dir("write");
        let p = d.join("a.adt");
        write_atomic(&p, b"one", false).unwrap();
        assert!(matches!(
            write_atomic(&p, b"two", false),
            Err(WriteError::Exists)
        ));
        assert_eq!(std::fs::read(&p).unwrap(), b"one");
        write_atomic(&p, b"two", true).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        assert_eq!(names(&d), ["a.adt"]);
        // An abandoned staged write leaves the original and no partial file.
        let mut s = Staged::create(&p, true).unwrap();
        s.append(b"partial").unwrap();
        drop(s);
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        assert_eq!(names(&d), ["a.adt"]);
        // So does a commit that fails (its folder is gone).
        let sub = d.join("sub");
        std::fs::create_dir(&sub).unwrap();
        let mut s = Staged::create(&sub.join("b.adt"), false).unwrap();
        s.append(b"x").unwrap();
        std::fs::remove_dir_all(&sub).unwrap();
        assert!(s.commit().is_err());
        assert_eq!(names(&d), ["a.adt"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_device_is_never_replaced() {
        assert!(matches!(
            write_atomic(Path::new("/dev/null"), b"x", true),
            Err(WriteError::NotRegular("a device"))
        ));
    }

    #[test]
    fn identity_is_the_same_for_spellings_of_one_path() {
        let d = dir("ident");
        std::fs::create_dir_all(d.join("sub")).unwrap();
        let a = identity(&d.join("new.adt"));
        assert_eq!(a, identity(&d.join("sub/../new.adt")));
        std::fs::write(d.join("new.adt"), "").unwrap();
        assert_eq!(a, identity(&d.join("sub/../new.adt")));
        assert!(a.ends_with("new.adt"));
    }
}
