//! Which folder `build` may replace. Publishing replaces the output folder whole, so the
//! folder must be one Evident made: each build marks its output with a small file, and a
//! folder that is not empty and carries no mark is refused unless `--force` names it.
//! Some folders are refused even then: the site itself and any folder holding it.

use std::path::{Component, Path, PathBuf};

/// The file that marks a folder as Evident's output.
pub const MARKER: &str = ".evident-output";

const MARKER_TEXT: &str = "This folder is a site built by Evident. Each build replaces it whole:\n\
keep nothing else here.\n";

/// Folders of a site whose insides are never an output folder unless forced.
const SITE_FOLDERS: [&str; 6] = ["content", "references", "templates", "theme", "people", ".git"];

/// Writes the marker into `dir`.
pub fn mark(dir: &Path) -> std::io::Result<()> {
    std::fs::write(dir.join(MARKER), MARKER_TEXT)
}

/// Whether `dir` carries the marker (a regular file, not a link to one).
pub fn is_marked(dir: &Path) -> bool {
    std::fs::symlink_metadata(dir.join(MARKER)).is_ok_and(|m| m.file_type().is_file())
}

/// Why a folder will not be replaced: what to tell the editor, and what to do instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub message: String,
    pub hint: String,
}

/// How far `--force` may move the rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Overridable {
    Yes,
    Never,
}

/// The output folder `out` (as given, relative to the working folder) for the site at
/// `root`, checked against the rules, as the absolute path to publish at: the folder the
/// last name of `out` stands for, in the real (link-free) folder that holds it.
/// `force` must name the same folder for an overridable refusal to be overridden.
pub fn output_folder(root: &Path, out: &Path, force: Option<&Path>) -> Result<PathBuf, Refusal> {
    let shown = out.display().to_string();
    let target = resolve(out);
    if let Some(forced) = force {
        let forced_target = resolve(forced);
        if forced_target != target {
            return Err(Refusal {
                message: format!(
                    "`--force {}` does not name the output folder `{shown}`",
                    forced.display()
                ),
                hint: format!("`--force` takes the output folder itself: `--out {shown} --force {shown}`"),
            });
        }
    }
    match judge(root, &target, &shown) {
        Ok(()) => Ok(target),
        Err((Overridable::Yes, _)) if force.is_some() => Ok(target),
        Err((_, refusal)) => Err(refusal),
    }
}

fn judge(root: &Path, target: &Path, shown: &str) -> Result<(), (Overridable, Refusal)> {
    let refuse = |overridable, message: String, hint: String| Err((overridable, Refusal { message, hint }));
    let root = resolve(root);
    if root.starts_with(target) {
        let what = if root == target {
            "is the site's own folder"
        } else {
            "holds the site"
        };
        return refuse(
            Overridable::Never,
            format!("the output folder `{shown}` {what}: publishing there would delete the site"),
            "build into a folder of its own, e.g. `--out public` (the default)".into(),
        );
    }
    if std::env::var_os("HOME").is_some_and(|home| resolve(Path::new(&home)) == target) {
        return refuse(
            Overridable::Never,
            format!("the output folder `{shown}` is your home folder"),
            "build into a folder of its own, e.g. `--out public` (the default)".into(),
        );
    }
    let meta = match std::fs::symlink_metadata(target) {
        Ok(meta) => Some(meta),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
        Err(error) => {
            return refuse(
                Overridable::Never,
                format!("cannot look at the output folder `{shown}`: {error}"),
                "check the permissions of the folders on the way to it".into(),
            );
        }
    };
    if let Some(meta) = &meta {
        if meta.file_type().is_symlink() {
            let to = std::fs::read_link(target).map_or_else(|_| "?".to_string(), |p| p.display().to_string());
            return refuse(
                Overridable::Never,
                format!(
                    "the output folder `{shown}` is a symbolic link (to `{to}`): publishing replaces the folder \
                     by renaming, which would replace the link"
                ),
                format!("name the folder the link points to: `--out {to}`"),
            );
        }
        if !meta.is_dir() {
            return refuse(
                Overridable::Never,
                format!("the output `{shown}` is a file, not a folder"),
                "name a folder for the site, e.g. `--out public`".into(),
            );
        }
    }
    if let Some(folder) = SITE_FOLDERS.iter().find(|folder| target.starts_with(root.join(folder))) {
        return refuse(
            Overridable::Yes,
            format!("the output folder `{shown}` is inside the site's `{folder}/` folder"),
            format!("build into a folder of its own, e.g. `--out public`; or pass `--force {shown}` to use it anyway"),
        );
    }
    if meta.is_none() {
        return Ok(());
    }
    for name in [crate::config::CONFIG_FILE, ".git"] {
        if std::fs::symlink_metadata(target.join(name)).is_ok() {
            return refuse(
                Overridable::Yes,
                format!("the output folder `{shown}` holds `{name}`: it looks like a site or a repository"),
                format!("build into a folder of its own, e.g. `--out public`; or pass `--force {shown}` to replace it"),
            );
        }
    }
    if !is_marked(target) {
        let empty = std::fs::read_dir(target).is_ok_and(|mut entries| entries.next().is_none());
        if !empty {
            return refuse(
                Overridable::Yes,
                format!("the output folder `{shown}` holds files Evident did not write (it has no `{MARKER}` file)"),
                format!(
                    "build into a new or empty folder; delete this one if it holds only an earlier build; \
                     or pass `--force {shown}` to replace everything in it"
                ),
            );
        }
    }
    if !is_writable(target) {
        return refuse(
            Overridable::Never,
            format!("the output folder `{shown}` is read-only: the previous site in it could not be removed"),
            format!("make it writable (`chmod -R u+w {shown}`), or build into another folder"),
        );
    }
    Ok(())
}

/// Whether this process may change what `dir` holds.
fn is_writable(dir: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(path) = std::ffi::CString::new(dir.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: `path` is a valid NUL-terminated string that outlives the call.
    unsafe { libc::access(path.as_ptr(), libc::W_OK) == 0 }
}

/// `path` made absolute, with every link on the way to its last name resolved and `.` and
/// `..` taken out; the last name itself is kept as it is (a link there is judged as one).
pub fn resolve(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    // `..` and `.` as last names stand for folders whose own name must be found first.
    let ends_in_name = matches!(absolute.components().next_back(), Some(Component::Normal(_)));
    let (parent, name) = match (absolute.parent(), absolute.file_name()) {
        (Some(parent), Some(name)) if ends_in_name => (parent.to_path_buf(), Some(name.to_os_string())),
        _ => (absolute.clone(), None),
    };
    let mut resolved = real_prefix(&parent);
    if let Some(name) = name {
        resolved.push(name);
    }
    resolved
}

/// `path` with the longest existing part made canonical and the rest added by name.
fn real_prefix(path: &Path) -> PathBuf {
    let parts: Vec<Component> = path.components().collect();
    for known in (1..=parts.len()).rev() {
        let Ok(mut resolved) = std::fs::canonicalize(parts[..known].iter().collect::<PathBuf>()) else {
            continue;
        };
        // What does not exist yet cannot be a link: its `..` is plain arithmetic.
        for part in &parts[known..] {
            match part {
                Component::ParentDir => {
                    resolved.pop();
                }
                Component::Normal(name) => resolved.push(name),
                _ => {}
            }
        }
        return resolved;
    }
    path.to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Site {
        _temp: tempfile::TempDir,
        root: PathBuf,
    }

    fn site() -> Site {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path().canonicalize().unwrap().join("site");
        std::fs::create_dir_all(root.join("content/heart")).unwrap();
        std::fs::write(root.join("evident.yaml"), "title: T\n").unwrap();
        std::fs::write(root.join("content/heart/a.md"), "---\n").unwrap();
        Site { _temp: temp, root }
    }

    fn refused(root: &Path, out: &Path, force: Option<&Path>) -> Refusal {
        output_folder(root, out, force).expect_err("refused")
    }

    #[test]
    fn new_empty_and_marked_folders_are_accepted() {
        let site = site();
        let public = site.root.join("public");
        assert_eq!(output_folder(&site.root, &public, None).unwrap(), public);
        std::fs::create_dir(&public).unwrap();
        assert_eq!(output_folder(&site.root, &public, None).unwrap(), public);
        std::fs::write(public.join("index.html"), "old").unwrap();
        assert!(
            refused(&site.root, &public, None)
                .message
                .contains("no `.evident-output` file")
        );
        mark(&public).unwrap();
        assert_eq!(output_folder(&site.root, &public, None).unwrap(), public);
    }

    #[test]
    fn the_site_and_what_holds_it_are_never_replaced() {
        let site = site();
        let parent = site.root.parent().unwrap().to_path_buf();
        for out in [
            site.root.clone(),
            site.root.join("."),
            parent.clone(),
            site.root.join("content/.."),
        ] {
            for force in [None, Some(out.as_path())] {
                let refusal = refused(&site.root, &out, force);
                assert!(refusal.message.contains("site"), "{out:?}: {refusal:?}");
            }
        }
        assert!(
            refused(&site.root, Path::new("/"), Some(Path::new("/")))
                .message
                .contains("holds the site")
        );
    }

    #[test]
    fn site_folders_are_replaced_only_when_forced() {
        let site = site();
        for out in [
            "content",
            "content/heart",
            "content/new",
            "references",
            "templates",
            "theme",
            "people",
            ".git",
        ] {
            let out = site.root.join(out);
            let refusal = refused(&site.root, &out, None);
            assert!(refusal.message.contains("inside the site's"), "{refusal:?}");
            assert!(refusal.hint.contains("--force"), "{refusal:?}");
            assert_eq!(output_folder(&site.root, &out, Some(&out)).unwrap(), out);
        }
        let other = site.root.join("elsewhere");
        let refusal = refused(&site.root, &site.root.join("content"), Some(&other));
        assert!(
            refusal.message.contains("does not name the output folder"),
            "{refusal:?}"
        );
    }

    #[test]
    fn folders_of_other_sites_and_repositories_are_refused() {
        let site = site();
        for name in ["evident.yaml", ".git"] {
            let out = site.root.parent().unwrap().join(format!("other-{name}"));
            std::fs::create_dir(&out).unwrap();
            std::fs::write(out.join(name), "").unwrap();
            mark(&out).unwrap();
            let refusal = refused(&site.root, &out, None);
            assert!(refusal.message.contains(name), "{refusal:?}");
            assert!(output_folder(&site.root, &out, Some(&out)).is_ok());
        }
    }

    #[test]
    fn links_and_files_are_never_the_output() {
        let site = site();
        let deploy = site.root.parent().unwrap().join("deploy");
        std::fs::create_dir(&deploy).unwrap();
        mark(&deploy).unwrap();
        let link = site.root.join("public");
        std::os::unix::fs::symlink(&deploy, &link).unwrap();
        for force in [None, Some(link.as_path())] {
            let refusal = refused(&site.root, &link, force);
            assert!(refusal.message.contains("symbolic link"), "{refusal:?}");
            assert!(refusal.hint.contains(&deploy.display().to_string()), "{refusal:?}");
        }
        let file = site.root.join("out.txt");
        std::fs::write(&file, "notes").unwrap();
        for force in [None, Some(file.as_path())] {
            assert!(refused(&site.root, &file, force).message.contains("is a file"));
        }
        // A link on the way is resolved: the folder is judged, and published, where it is.
        let via = site.root.parent().unwrap().join("via");
        std::os::unix::fs::symlink(site.root.parent().unwrap(), &via).unwrap();
        assert_eq!(output_folder(&site.root, &via.join("deploy"), None).unwrap(), deploy);
    }

    #[test]
    fn paths_resolve_without_following_the_last_name() {
        let site = site();
        assert_eq!(resolve(&site.root.join("content/../public")), site.root.join("public"));
        assert_eq!(resolve(&site.root.join("new/../x/./y")), site.root.join("x/y"));
        assert_eq!(resolve(&site.root.join("content/heart/..")), site.root.join("content"));
    }
}
