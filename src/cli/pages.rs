//! Large inputs on Linux with glibc: malloc asked to back its large blocks
//! with transparent huge pages, by running the program once more with
//! `GLIBC_TUNABLES=glibc.malloc.hugetlb=1` before anything else happens.
//!
//! A 10 MB program touches about 500 MB of fresh memory: 120 000 page
//! faults of 4 KiB, a third of its running time on a virtual machine (the
//! issue-12 benchmark), against a few hundred of 2 MiB. glibc reads its
//! tunables only when a process starts, and `madvise` would need `unsafe`.
//!
//! Owns that decision alone. Must not change what the program does: the
//! same arguments (`argv[0]` too) and environment, plus the tunable; a
//! tunable the user set is left alone (and so the program never runs a
//! third time); if anything fails, the program simply goes on as it is.

/// Inputs from this size (bytes) are worth the second start (~1 ms).
#[cfg_attr(not(all(target_os = "linux", target_env = "gnu")), allow(dead_code))]
const LARGE: u64 = 4 << 20;

/// Run the program again with huge pages if an argument names a large
/// file (`FILE` or `@FILE`); returns only if it does not.
pub fn huge_pages_for_large_inputs() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        use std::os::unix::process::CommandExt;
        if std::env::var_os("GLIBC_TUNABLES").is_some() {
            return;
        }
        let mut args = std::env::args_os();
        let Some(arg0) = args.next() else {
            return;
        };
        let rest: Vec<std::ffi::OsString> = args.collect();
        if !rest
            .iter()
            .any(|a| a.to_str().is_some_and(names_large_file))
        {
            return;
        }
        let Ok(exe) = std::env::current_exe() else {
            return;
        };
        // `exec` returns only if it failed: then carry on in this process.
        let _ = std::process::Command::new(exe)
            .arg0(arg0)
            .args(&rest)
            .env("GLIBC_TUNABLES", "glibc.malloc.hugetlb=1")
            .exec();
    }
}

/// Whether `arg` (`FILE` or `@FILE`) is a regular file of `LARGE` bytes
/// or more.
#[cfg_attr(not(all(target_os = "linux", target_env = "gnu")), allow(dead_code))]
fn names_large_file(arg: &str) -> bool {
    let path = arg.strip_prefix('@').unwrap_or(arg);
    !path.is_empty() && std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() >= LARGE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_large_regular_files_count() {
        let dir = std::env::temp_dir().join(format!("adtrace-pages-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (small, large) = (dir.join("small.adt"), dir.join("large.adt"));
        std::fs::write(&small, "x at x = 1").unwrap();
        std::fs::File::create(&large)
            .unwrap()
            .set_len(LARGE)
            .unwrap();
        let (s, l) = (small.display().to_string(), large.display().to_string());
        assert!(names_large_file(&l));
        assert!(names_large_file(&format!("@{l}")));
        assert!(!names_large_file(&s));
        assert!(!names_large_file(&format!("@{s}")));
        assert!(!names_large_file(&dir.display().to_string()));
        assert!(!names_large_file("sin(x)*y at x = 1, y = 2"));
        assert!(!names_large_file("@"));
        assert!(!names_large_file(""));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
