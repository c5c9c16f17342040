//! Kept parses of one configuration in one file, a pack, with an index of where each is:
//! a build after one edit reads its ten thousand unchanged parses from one open file, one
//! read each, instead of opening ten thousand files and hashing each with SHA-256.
//!
//! The pack starts with a tag, the identity of the binary that wrote it and a random id;
//! then records, each whole in one write at the end: the entry's name (a SHA-256 of its
//! inputs, `articles::ArticleCache::key`), its length, its bytes and a 64-bit checksum of
//! all three. The index (a file beside the pack) names, for the pack of one id, each live
//! entry's place and the day a build last used it; it is written through a temporary file
//! and renamed into place, with a checksum of its own. An entry is read only when the
//! index is of this binary and of the pack it is read from, and the record found where it
//! says has the name asked for and its checksum: anything else (a damaged, cut or foreign
//! pack, an index of a pack since replaced) is not read, and the file is parsed again.
//! The checksum is not cryptographic: whoever can write the cache can write `content/`;
//! it finds damage, and the name stays a SHA-256 of everything the parse read.
//!
//! Builds of one site may run at once (`serve` beside `build`): records are only ever
//! appended (`O_APPEND`, one write each, so two builds' records never interleave), and a
//! pack is never changed in place otherwise, so what one build read stays as it read it.
//! When dead records (of edited articles, or damaged) outweigh the live ones, the build
//! writes a new pack of what it used and renames it, then its index, into place; a build
//! still reading the old pack keeps its open file. Losing a race (an index written over
//! another build's, records appended to a pack just replaced) loses entries, to be parsed
//! again, never makes a wrong one read. Not read back whole: at 100,000 articles a pack is
//! 600 MB, a build's whole peak memory again.

use crate::fast_hash::FxHasher;
use crate::packed::Spill;
use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::hash::Hasher;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

const PACK_TAG: &[u8] = b"evident-kept-parses pack 1\n";
const INDEX_TAG: &[u8] = b"evident-kept-parses index 1\n";

/// A name, a length, then the bytes, then the checksum.
const RECORD_HEAD: usize = 32 + 4;
const CHECKSUM: usize = 8;
/// What the index says of each entry: name, offset, length, day last used.
const INDEX_ENTRY: usize = 32 + 8 + 4 + 4;

/// An entry unused for this many days leaves the index (and its record the pack, at the
/// next compaction).
pub const UNUSED_FOR_DAYS: u32 = 7;

pub type Name = [u8; 32];

/// Where an entry's record is in its pack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Place {
    offset: u64,
    /// The whole record's.
    length: u32,
    /// Days since 1970 that a build last used it.
    used_on: u32,
}

/// The pack this build read, as it was when opened.
struct Opened {
    id: [u8; 16],
    /// Read through `Spill`, so that recalled texts are held where they are in it.
    file: Arc<Spill>,
    /// The same open file, appended to (`None` when it cannot be written).
    appender: Option<File>,
    /// The entries its index named.
    entries: HashMap<Name, Place>,
}

/// What this build appended, and to which pack.
#[derive(Default)]
struct Appending {
    /// The pack records go to: the one opened, or a new one when there was none this
    /// binary could read.
    to: Option<(File, [u8; 16])>,
    added: Vec<(Name, Place)>,
    /// Set when an append failed: the pack may end in a cut record, which nothing reads,
    /// and the index is written all the same for what was added.
    tried: bool,
}

/// One configuration's pack, opened.
pub struct Pack {
    pack: PathBuf,
    index: PathBuf,
    binary: String,
    opened: Option<Opened>,
    appending: Mutex<Appending>,
}

/// A record read back and checked: its bytes, and where they are in the pack.
pub struct Entry {
    record: Vec<u8>,
    offset: u64,
    file: Arc<Spill>,
}

impl Entry {
    pub fn bytes(&self) -> &[u8] {
        &self.record[RECORD_HEAD..self.record.len() - CHECKSUM]
    }

    /// The file it was read from and where its bytes start in it: `bytes()[n]` is at
    /// `start + n`.
    pub fn place(&self) -> (&Arc<Spill>, u64) {
        (&self.file, self.offset + RECORD_HEAD as u64)
    }
}

impl Pack {
    /// The pack at `path` (its index beside it, `.index` for `.pack`), read by this build;
    /// appended to when `writing`. A pack or index that cannot be read, or is not this
    /// binary's, is as none.
    pub fn open(path: &Path, writing: bool) -> Pack {
        let binary = crate::embedded::binary_identity();
        let index = path.with_extension("index");
        let opened = open_pack(path, writing, &binary).map(|(id, file, appender, length)| {
            let entries = std::fs::read(&index)
                .ok()
                .and_then(|bytes| read_index(&bytes, &binary, &id, length))
                .unwrap_or_default();
            Opened {
                id,
                file: Spill::holding(file),
                appender,
                entries,
            }
        });
        Pack {
            pack: path.to_path_buf(),
            index,
            binary,
            opened,
            appending: Mutex::new(Appending::default()),
        }
    }

    /// The entry named `name`, when the index knows it and its record is whole and is its.
    pub fn read(&self, name: &Name) -> Option<Entry> {
        let opened = self.opened.as_ref()?;
        let place = opened.entries.get(name)?;
        let record = opened.file.read(place.offset, place.length).ok()?;
        check_record(&record, name)?;
        Some(Entry {
            record,
            offset: place.offset,
            file: opened.file.clone(),
        })
    }

    /// Appends the entry `name` whose bytes are `parts`, one after another; false when it
    /// could not be written.
    pub fn append(&self, name: &Name, parts: &[&[u8]]) -> bool {
        let record = record_of(name, parts);
        let Ok(length) = u32::try_from(record.len()) else {
            return false;
        };
        let Ok(mut appending) = self.appending.lock() else {
            return false;
        };
        appending.tried = true;
        if appending.to.is_none() {
            appending.to = match &self.opened {
                Some(Opened {
                    appender: Some(file),
                    id,
                    ..
                }) => file.try_clone().ok().map(|file| (file, *id)),
                // None this binary could read: a new one, in its place.
                _ => self.create().ok(),
            };
        }
        let Some((file, _)) = appending.to.as_mut() else {
            return false;
        };
        // With O_APPEND the write lands at the end as one, whatever another build appends;
        // where it landed is where the file's offset is now, less its length.
        let written = file.write_all(&record).and_then(|()| {
            use std::io::Seek;
            file.stream_position()
        });
        let Some(offset) = written.ok().and_then(|end| end.checked_sub(record.len() as u64)) else {
            return false;
        };
        appending.added.push((
            *name,
            Place {
                offset,
                length,
                used_on: today(),
            },
        ));
        true
    }

    /// A new empty pack in place of what is at `self.pack`, open to be appended to.
    fn create(&self) -> std::io::Result<(File, [u8; 16])> {
        let id = new_id();
        let temporary = temporary_beside(&self.pack);
        if let Some(dir) = self.pack.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut file = File::options()
            .read(true)
            .append(true)
            .create_new(true)
            .open(&temporary)?;
        let renamed = file
            .write_all(&head_of(&self.binary, &id))
            .and_then(|()| std::fs::rename(&temporary, &self.pack));
        if let Err(error) = renamed {
            let _ = std::fs::remove_file(&temporary);
            return Err(error);
        }
        Ok((file, id))
    }

    /// Ends the build's use of the pack: the entries `used` (read or appended) are marked
    /// used today, those unused for a week leave the index, and when what no entry kept
    /// outweighs what is kept, the pack is written anew with the kept entries alone. Only
    /// written when something changed; failing to write fails nothing.
    pub fn finish(&self, used: &HashSet<Name>) {
        let Ok(appending) = self.appending.lock() else {
            return;
        };
        let today = today();
        let (file, id, mut live) = match (&appending.to, &self.opened) {
            (Some((file, id)), Some(opened)) if *id == opened.id => (file, *id, opened.entries.clone()),
            (Some((file, id)), _) => (file, *id, HashMap::new()),
            (None, Some(opened)) => match &opened.appender {
                Some(file) => (file, opened.id, opened.entries.clone()),
                None => return,
            },
            (None, None) => return,
        };
        let mut changed = appending.tried;
        live.retain(|name, place| {
            if used.contains(name) {
                changed |= place.used_on != today;
                place.used_on = today;
            }
            let keep = today.saturating_sub(place.used_on) < UNUSED_FOR_DAYS;
            changed |= !keep;
            keep
        });
        // Appended after what the index read: the latest of one name is the one kept.
        live.extend(appending.added.iter().copied());
        if !changed {
            return;
        }
        let Ok(length) = file.metadata().map(|m| m.len()) else {
            return;
        };
        let kept: u64 = live.values().map(|place| u64::from(place.length)).sum();
        let head = head_of(&self.binary, &id).len() as u64;
        if length.saturating_sub(head + kept) > kept {
            let _ = self.compact(file, &live);
        } else if self.holds_pack(&id) {
            let _ = self.write_index(&id, &live);
            // The index's time says the pack is in use: the daily search of the folder
            // removes packs whose index no build has written for a week.
        }
    }

    /// Whether the pack at `self.pack` is still the one of `id` (not replaced since by
    /// another build's compaction), so that an index of it is not written over its own.
    fn holds_pack(&self, id: &[u8; 16]) -> bool {
        let Ok(file) = File::open(&self.pack) else {
            return false;
        };
        let head = head_of(&self.binary, id);
        let mut found = vec![0; head.len()];
        crate::packed::read_at(&file, &mut found, 0).is_ok() && found == head
    }

    /// Writes a new pack of the `live` entries of `from`, then its index, each renamed into
    /// place: a build killed midway leaves a temporary file, which nothing reads, or a new
    /// pack whose index is still the old one's, which names another id and is not read.
    fn compact(&self, from: &File, live: &HashMap<Name, Place>) -> std::io::Result<()> {
        let id = new_id();
        let temporary = temporary_beside(&self.pack);
        let mut places = HashMap::with_capacity(live.len());
        let written = File::create_new(&temporary).and_then(|file| {
            let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
            let head = head_of(&self.binary, &id);
            out.write_all(&head)?;
            let mut at = head.len() as u64;
            // In the order they are in the old pack: one pass forward over it.
            let mut order: Vec<(&Name, &Place)> = live.iter().collect();
            order.sort_by_key(|(_, place)| place.offset);
            let mut record = Vec::new();
            for (name, place) in order {
                record.resize(place.length as usize, 0);
                // Damaged since it was read or appended: left out, parsed again when asked.
                if crate::packed::read_at(from, &mut record, place.offset).is_err()
                    || check_record(&record, name).is_none()
                {
                    continue;
                }
                out.write_all(&record)?;
                places.insert(*name, Place { offset: at, ..*place });
                at += u64::from(place.length);
            }
            out.flush()
        });
        let renamed = written.and_then(|()| std::fs::rename(&temporary, &self.pack));
        if let Err(error) = renamed {
            let _ = std::fs::remove_file(&temporary);
            return Err(error);
        }
        self.write_index(&id, &places)
    }

    fn write_index(&self, id: &[u8; 16], entries: &HashMap<Name, Place>) -> std::io::Result<()> {
        let bytes = index_of(&self.binary, id, entries);
        let temporary = temporary_beside(&self.index);
        let written = std::fs::write(&temporary, &bytes).and_then(|()| std::fs::rename(&temporary, &self.index));
        if written.is_err() {
            let _ = std::fs::remove_file(&temporary);
        }
        written
    }
}

/// The pack at `path` when it is this binary's: its id, the file (open to append when
/// `writing` and it can be), the same file again to append through, and its length.
fn open_pack(path: &Path, writing: bool, binary: &str) -> Option<([u8; 16], File, Option<File>, u64)> {
    let appendable = writing
        .then(|| File::options().read(true).append(true).open(path).ok())
        .flatten();
    let file = match appendable {
        Some(file) => file,
        None => File::open(path).ok()?,
    };
    let length = file.metadata().ok()?.len();
    let mut head = vec![0; head_of(binary, &[0; 16]).len()];
    crate::packed::read_at(&file, &mut head, 0).ok()?;
    let id = head_id(&head, binary)?;
    let appender = match writing {
        true => file.try_clone().ok(),
        false => None,
    };
    Some((id, file, appender, length))
}

/// Whether the file at `path` starts as a pack or an index does: one of the cache's own.
pub fn is_ours(path: &Path) -> bool {
    use std::io::Read;
    let mut start = [0; INDEX_TAG.len()];
    let Ok(read) = File::open(path).and_then(|mut file| file.read(&mut start)) else {
        return false;
    };
    start[..read].starts_with(PACK_TAG) || start[..read] == *INDEX_TAG
}

/// What starts a pack: tag, binary, id.
fn head_of(binary: &str, id: &[u8; 16]) -> Vec<u8> {
    let mut head = Vec::with_capacity(PACK_TAG.len() + 8 + binary.len() + 16);
    head.extend_from_slice(PACK_TAG);
    head.extend_from_slice(&(binary.len() as u64).to_le_bytes());
    head.extend_from_slice(binary.as_bytes());
    head.extend_from_slice(id);
    head
}

/// The id in `head` when it starts a pack of `binary`.
fn head_id(head: &[u8], binary: &str) -> Option<[u8; 16]> {
    let (start, id) = head.split_last_chunk::<16>()?;
    (start == &head_of(binary, &[0; 16])[..start.len()]).then_some(*id)
}

fn record_of(name: &Name, parts: &[&[u8]]) -> Vec<u8> {
    let length: usize = parts.iter().map(|part| part.len()).sum();
    let mut record = Vec::with_capacity(RECORD_HEAD + length + CHECKSUM);
    record.extend_from_slice(name);
    // Too long for a record: no length fits it, so it is written with one that can never
    // check (`append` refuses it before).
    record.extend_from_slice(&u32::try_from(length).unwrap_or(u32::MAX).to_le_bytes());
    for part in parts {
        record.extend_from_slice(part);
    }
    let sum = checksum(&record);
    record.extend_from_slice(&sum.to_le_bytes());
    record
}

/// `Some` when `record` is a whole record of the entry `name`, its checksum intact.
fn check_record(record: &[u8], name: &Name) -> Option<()> {
    let (sealed, sum) = record.split_last_chunk::<CHECKSUM>()?;
    let (head, bytes) = sealed.split_at_checked(RECORD_HEAD)?;
    let (written_name, length) = head.split_at(32);
    let length = u32::from_le_bytes(length.try_into().ok()?);
    (written_name == name
        && usize::try_from(length).ok()? == bytes.len()
        && checksum(sealed) == u64::from_le_bytes(*sum))
    .then_some(())
}

/// The Fx hash of the bytes and their length: not cryptographic, but any one word changed
/// always changes it (each step is a bijection of the state), and it costs a multiply per
/// eight bytes where SHA-256 cost a tenth of a warm build.
fn checksum(bytes: &[u8]) -> u64 {
    let mut hasher = FxHasher::default();
    hasher.write_usize(bytes.len());
    hasher.write(bytes);
    hasher.finish()
}

fn index_of(binary: &str, id: &[u8; 16], entries: &HashMap<Name, Place>) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(INDEX_TAG.len() + 8 + binary.len() + 24 + entries.len() * INDEX_ENTRY + 8);
    bytes.extend_from_slice(INDEX_TAG);
    bytes.extend_from_slice(&(binary.len() as u64).to_le_bytes());
    bytes.extend_from_slice(binary.as_bytes());
    bytes.extend_from_slice(id);
    bytes.extend_from_slice(&(entries.len() as u64).to_le_bytes());
    // In the pack's order: the index's bytes depend on the entries alone.
    let mut order: Vec<(&Name, &Place)> = entries.iter().collect();
    order.sort_by_key(|(_, place)| place.offset);
    for (name, place) in order {
        bytes.extend_from_slice(name);
        bytes.extend_from_slice(&place.offset.to_le_bytes());
        bytes.extend_from_slice(&place.length.to_le_bytes());
        bytes.extend_from_slice(&place.used_on.to_le_bytes());
    }
    let sum = checksum(&bytes);
    bytes.extend_from_slice(&sum.to_le_bytes());
    bytes
}

/// The entries of an index of the pack `id` of `binary`, `length` bytes long, that lie in
/// the pack: `None` unless the index is whole and intact.
fn read_index(bytes: &[u8], binary: &str, id: &[u8; 16], length: u64) -> Option<HashMap<Name, Place>> {
    let (sealed, sum) = bytes.split_last_chunk::<CHECKSUM>()?;
    if checksum(sealed) != u64::from_le_bytes(*sum) {
        return None;
    }
    let rest = sealed.strip_prefix(INDEX_TAG)?;
    let (size, rest) = rest.split_first_chunk::<8>()?;
    let (written_by, rest) = rest.split_at_checked(usize::try_from(u64::from_le_bytes(*size)).ok()?)?;
    let (of, rest) = rest.split_first_chunk::<16>()?;
    let (count, rest) = rest.split_first_chunk::<8>()?;
    if written_by != binary.as_bytes() || of != id {
        return None;
    }
    let count = usize::try_from(u64::from_le_bytes(*count)).ok()?;
    if rest.len() != count.checked_mul(INDEX_ENTRY)? {
        return None;
    }
    let mut entries = HashMap::with_capacity(count);
    for entry in rest.chunks_exact(INDEX_ENTRY) {
        let (name, entry) = entry.split_first_chunk::<32>()?;
        let (offset, entry) = entry.split_first_chunk::<8>()?;
        let (record_length, used_on) = entry.split_first_chunk::<4>()?;
        let place = Place {
            offset: u64::from_le_bytes(*offset),
            length: u32::from_le_bytes(*record_length),
            used_on: u32::from_le_bytes(used_on.try_into().ok()?),
        };
        // Past the end of a pack cut short: that entry alone is lost.
        if place
            .offset
            .checked_add(u64::from(place.length))
            .is_some_and(|end| end <= length)
        {
            entries.insert(*name, place);
        }
    }
    Some(entries)
}

/// Where a file is written before it is renamed over `path`: a dot file beside it, named
/// by the process, which the daily search of the folder removes when a build left it.
fn temporary_beside(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    path.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

/// An id no other pack has: the time, the process and a counter, digested.
fn new_id() -> [u8; 16] {
    use sha2::Digest;
    static COUNT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let count = COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let digest = sha2::Sha256::digest(format!("{now} {} {count}", std::process::id()));
    let mut id = [0; 16];
    id.copy_from_slice(&digest[..16]);
    id
}

/// Days since 1970, by the system's clock (not `--as-of`: this is when the cache was
/// used, not the day the site is built for).
fn today() -> u32 {
    let seconds = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    u32::try_from(seconds / (24 * 60 * 60)).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(n: u8) -> Name {
        [n; 32]
    }

    #[test]
    fn an_entry_appended_reads_back_after_finish_from_a_new_opening() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.pack");
        let pack = Pack::open(&path, true);
        assert!(pack.read(&name(1)).is_none());
        assert!(pack.append(&name(1), &[b"warfarin ", b"5 mg"]));
        assert!(pack.append(&name(2), &[b"statins"]));
        pack.finish(&HashSet::from([name(1), name(2)]));
        let again = Pack::open(&path, false);
        let entry = again.read(&name(1)).expect("kept");
        assert_eq!(entry.bytes(), b"warfarin 5 mg");
        let (file, at) = entry.place();
        assert_eq!(file.read(at + 9, 4).unwrap(), b"5 mg");
        assert_eq!(again.read(&name(2)).expect("kept").bytes(), b"statins");
        assert!(again.read(&name(3)).is_none());
    }

    #[test]
    fn a_damaged_record_or_index_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.pack");
        let pack = Pack::open(&path, true);
        pack.append(&name(1), &[&[7; 100]]);
        pack.append(&name(2), &[&[8; 100]]);
        pack.finish(&HashSet::new());
        let bytes = std::fs::read(&path).unwrap();
        let first = head_of(&crate::embedded::binary_identity(), &[0; 16]).len();
        // A byte of the first record's bytes flipped: that entry alone is lost.
        let mut flipped = bytes.clone();
        flipped[first + RECORD_HEAD + 50] ^= 1;
        std::fs::write(&path, &flipped).unwrap();
        let pack = Pack::open(&path, false);
        assert!(pack.read(&name(1)).is_none());
        assert!(pack.read(&name(2)).is_some());
        // Cut in the second record: that one is lost.
        std::fs::write(&path, &bytes[..bytes.len() - 10]).unwrap();
        let pack = Pack::open(&path, false);
        assert!(pack.read(&name(1)).is_some());
        assert!(pack.read(&name(2)).is_none());
        std::fs::write(&path, &bytes).unwrap();
        assert!(Pack::open(&path, false).read(&name(2)).is_some());
        let index = path.with_extension("index");
        let mut damaged = std::fs::read(&index).unwrap();
        let at = damaged.len() / 2;
        damaged[at] ^= 1;
        std::fs::write(&index, damaged).unwrap();
        assert!(Pack::open(&path, false).read(&name(1)).is_none());
    }

    #[test]
    fn compaction_keeps_what_was_used_when_the_dead_outweigh_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.pack");
        let pack = Pack::open(&path, true);
        for n in 0..10 {
            pack.append(&name(n), &[&[n; 1000]]);
        }
        pack.finish(&(0..10).map(name).collect());
        let full = std::fs::metadata(&path).unwrap().len();
        // Four of ten used: not yet outweighed.
        let pack = Pack::open(&path, true);
        let used: HashSet<Name> = (0..4).map(name).collect();
        pack.finish(&used);
        assert_eq!(std::fs::metadata(&path).unwrap().len(), full);
        // Unused for a week, the six leave the index; their bytes outweigh the four's.
        let mut entries = read_index(
            &std::fs::read(path.with_extension("index")).unwrap(),
            &crate::embedded::binary_identity(),
            &Pack::open(&path, false).opened.unwrap().id,
            full,
        )
        .unwrap();
        for (n, place) in entries.iter_mut() {
            if !used.contains(n) {
                place.used_on -= UNUSED_FOR_DAYS;
            }
        }
        let opened = Pack::open(&path, true);
        opened
            .write_index(&opened.opened.as_ref().unwrap().id, &entries)
            .unwrap();
        let pack = Pack::open(&path, true);
        pack.finish(&used);
        assert!(std::fs::metadata(&path).unwrap().len() < full / 2);
        let pack = Pack::open(&path, false);
        for n in 0..10 {
            assert_eq!(pack.read(&name(n)).is_some(), n < 4, "entry {n}");
        }
        assert_eq!(pack.read(&name(3)).unwrap().bytes(), [3; 1000]);
    }

    #[test]
    fn a_pack_of_another_binary_is_replaced_not_appended_to() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.pack");
        let mut foreign = head_of("evident 0.0.0 another", &[1; 16]);
        foreign.extend(record_of(&name(1), &[b"x"]));
        std::fs::write(&path, &foreign).unwrap();
        let pack = Pack::open(&path, true);
        assert!(pack.read(&name(1)).is_none());
        assert!(pack.append(&name(2), &[b"y"]));
        pack.finish(&HashSet::from([name(2)]));
        let pack = Pack::open(&path, false);
        assert_eq!(pack.read(&name(2)).unwrap().bytes(), b"y");
        assert!(!std::fs::read(&path).unwrap().windows(9).any(|w| w == b"another"));
    }
}
