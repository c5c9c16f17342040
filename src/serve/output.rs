//! The folder `serve` builds into and serves from: `.evident/serve/<address>/` in the site,
//! never `public/`, so a preview never replaces what `build` publishes.
//!
//! A save is published into the served generation in place, as `build` publishes into its
//! output folder (`write`'s commit in place): only the files that changed are moved in, each
//! by a rename that a request sees whole, before or after. Where `write` will not publish in
//! place (the first build; a served folder holding what its record does not name) the build
//! goes into a new numbered generation beside the served one, which is then served from its
//! next request on: a request never sees a half-swapped folder.

use anyhow::{Context as _, Result};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

pub struct Generations {
    base: PathBuf,
    next: u64,
    /// The served generation, and the one before (kept until the next swap, for requests
    /// that found a path in it just before the swap).
    current: PathBuf,
    previous: Option<PathBuf>,
}

impl Generations {
    /// Clears what an earlier server on the same address left, and starts with an empty
    /// generation (served while the first build runs or has failed). Folders of servers
    /// that no longer run, on other addresses, are removed in the background.
    pub fn create(root: &Path, address: SocketAddr) -> Result<Generations> {
        let serve_dir = root.join(".evident").join("serve");
        // Addresses contain `:`, which some file systems refuse in names.
        let name = address.to_string().replace([':', '[', ']'], "_");
        let base = serve_dir.join(name);
        ensure_ours(root, &base)?;
        if base.exists() {
            std::fs::remove_dir_all(&base).with_context(|| format!("cannot clear {}", base.display()))?;
        }
        remove_abandoned(&serve_dir);
        std::fs::create_dir_all(&base).with_context(|| format!("cannot create {}", base.display()))?;
        crate::write::target::mark(&base).with_context(|| format!("cannot write {}", base.display()))?;
        std::fs::write(base.join(ADDRESS_FILE), address.to_string())
            .with_context(|| format!("cannot write {}", base.join(ADDRESS_FILE).display()))?;
        // Keeps the preview out of version control without touching the site's .gitignore.
        let ignore = serve_dir.join(".gitignore");
        if !ignore.exists() {
            std::fs::write(&ignore, "# evident serve's preview output\n*\n")
                .with_context(|| format!("cannot write {}", ignore.display()))?;
        }
        let current = base.join("0");
        std::fs::create_dir(&current).with_context(|| format!("cannot create {}", current.display()))?;
        Ok(Generations {
            base,
            next: 1,
            current,
            previous: None,
        })
    }

    pub fn current(&self) -> &Path {
        &self.current
    }

    /// Where the next build goes that is not published in place (it does not exist yet).
    pub fn next_dir(&self) -> PathBuf {
        self.base.join(self.next.to_string())
    }

    /// Makes the folder `next_dir` named the served one. The generation before the previous
    /// is deleted in the background: nothing can still be reading it.
    pub fn advance(&mut self) -> PathBuf {
        let new = self.next_dir();
        self.next += 1;
        let previous = std::mem::replace(&mut self.current, new.clone());
        if let Some(old) = self.previous.replace(previous) {
            std::thread::spawn(move || {
                let _ = std::fs::remove_dir_all(old);
            });
        }
        new
    }
}

/// Names, in each server's folder, the address it listens on.
const ADDRESS_FILE: &str = "address";

/// The preview folder follows the rule of `build`'s output folder: it is cleared only when
/// Evident made it (its marker, or the address file of earlier versions) or it is empty,
/// and no link on the way (`.evident`, `.evident/serve`, the folder) is followed, so that
/// clearing it never reaches files elsewhere.
fn ensure_ours(root: &Path, base: &Path) -> Result<()> {
    let evident = root.join(".evident");
    for path in [evident.clone(), evident.join("serve"), base.to_path_buf()] {
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() || !meta.is_dir() => anyhow::bail!(
                "{} is not a folder (it is a file or a symbolic link): the preview will not be written through it;                  remove it, and `evident serve` makes the folder it needs",
                path.display()
            ),
            Ok(_) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(error) => return Err(error).with_context(|| format!("cannot look at {}", path.display())),
        }
    }
    let empty = std::fs::read_dir(base).is_ok_and(|mut entries| entries.next().is_none());
    let ours = crate::write::target::is_marked(base)
        || std::fs::symlink_metadata(base.join(ADDRESS_FILE)).is_ok_and(|m| m.is_file());
    if !(empty || ours) {
        anyhow::bail!(
            "{} holds files Evident did not write (it has no `{}` file): the preview will not replace it;              move them elsewhere",
            base.display(),
            crate::write::MARKER
        );
    }
    Ok(())
}

/// Removes, in the background, the folders of servers that stopped (a server killed, or
/// one started with `--port 0` each time, leaves a whole site behind). A folder is judged
/// by its address: where nothing answers there, its server is gone; where something
/// answers, it is kept, whatever answers. Folders without an address are left alone.
fn remove_abandoned(serve_dir: &Path) {
    let Ok(entries) = std::fs::read_dir(serve_dir) else {
        return;
    };
    let abandoned: Vec<PathBuf> = entries
        // Real folders only: a link is never followed into.
        .filter_map(|entry| {
            entry
                .ok()
                .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                .map(|e| e.path())
        })
        .filter(|dir| {
            let address = std::fs::read_to_string(dir.join(ADDRESS_FILE)).ok();
            match address.and_then(|a| a.trim().parse::<SocketAddr>().ok()) {
                Some(mut address) => {
                    // A server on every interface answers on loopback, where a connection to
                    // the unspecified address itself is refused on some systems.
                    if address.ip().is_unspecified() {
                        address.set_ip(match address {
                            SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
                            SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
                        });
                    }
                    std::net::TcpStream::connect_timeout(&address, std::time::Duration::from_millis(500)).is_err()
                }
                None => false,
            }
        })
        .collect();
    if !abandoned.is_empty() {
        std::thread::spawn(move || {
            for dir in abandoned {
                let _ = std::fs::remove_dir_all(dir);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generations_advance_and_keep_one_behind() {
        let temp = tempfile::tempdir().unwrap();
        let address: SocketAddr = "127.0.0.1:4000".parse().unwrap();
        let mut generations = Generations::create(temp.path(), address).unwrap();
        let first = generations.current().to_path_buf();
        assert!(first.is_dir());
        assert!(temp.path().join(".evident/serve/.gitignore").is_file());
        std::fs::create_dir(generations.next_dir()).unwrap();
        let second = generations.advance();
        assert_eq!(generations.current(), second);
        assert!(first.exists(), "the previous generation stays for late readers");
        std::fs::create_dir(generations.next_dir()).unwrap();
        generations.advance();
        for _ in 0..100 {
            if !first.exists() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert!(!first.exists());
        assert!(second.exists());
    }

    #[test]
    fn only_a_preview_folder_evident_made_is_cleared() {
        let temp = tempfile::tempdir().unwrap();
        let address: SocketAddr = "127.0.0.1:4000".parse().unwrap();
        let base = temp.path().join(".evident/serve/127.0.0.1_4000");
        std::fs::create_dir_all(&base).unwrap();
        std::fs::write(base.join("notes.txt"), "mine").unwrap();
        let error = Generations::create(temp.path(), address).err().expect("refused");
        assert!(
            format!("{error:#}").contains("holds files Evident did not write"),
            "{error:#}"
        );
        assert!(base.join("notes.txt").exists());

        // Marked by the first server: cleared by the next.
        std::fs::remove_file(base.join("notes.txt")).unwrap();
        drop(Generations::create(temp.path(), address).unwrap());
        assert!(crate::write::target::is_marked(&base));
        std::fs::write(base.join("0/page.html"), "old preview").unwrap();
        drop(Generations::create(temp.path(), address).unwrap());
        assert!(!base.join("0/page.html").exists());
    }

    #[test]
    fn the_preview_is_never_written_through_a_link() {
        let temp = tempfile::tempdir().unwrap();
        let site = temp.path().join("site");
        let elsewhere = temp.path().join("elsewhere");
        std::fs::create_dir_all(elsewhere.join("serve/127.0.0.1_4000")).unwrap();
        std::fs::write(elsewhere.join("serve/127.0.0.1_4000/address"), "127.0.0.1:4000").unwrap();
        std::fs::create_dir(&site).unwrap();
        std::os::unix::fs::symlink(&elsewhere, site.join(".evident")).unwrap();
        let address: SocketAddr = "127.0.0.1:4000".parse().unwrap();
        let error = Generations::create(&site, address).err().expect("refused");
        assert!(format!("{error:#}").contains("symbolic link"), "{error:#}");
        assert!(elsewhere.join("serve/127.0.0.1_4000/address").exists());
    }
}
