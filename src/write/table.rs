//! The output's record held compactly: a map from `/`-separated output paths to a small
//! value, with every path in one string and every value in one array, sorted by path and
//! read by binary search.
//!
//! A site's output holds about two files an article (212,000 at 100,000 articles), and a
//! build holds its record of them from start to end (what the last build wrote, what this
//! one writes, what the commit leaves), with its folders' readings: as `HashMap<String, _>`,
//! each path was an allocation of its own beside a bucket sized for growth, and a cached
//! build at 100,000 articles held 71 MB before it read its configuration, most of it this
//! record (50 MB with tables). Here a file costs its path's bytes, one offset and its value.

use std::borrow::Borrow;

/// Two tables are equal when they map the same paths to equal values: each is held in one
/// form only (sorted, each path once), so comparing the parts compares the maps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathTable<V> {
    /// Every path, one after another, in order.
    paths: String,
    /// Where each path ends in `paths`: path `i` is `paths[ends[i - 1]..ends[i]]`.
    ends: Vec<usize>,
    values: Vec<V>,
}

impl<V> Default for PathTable<V> {
    fn default() -> Self {
        PathTable {
            paths: String::new(),
            ends: Vec::new(),
            values: Vec::new(),
        }
    }
}

impl<V> PathTable<V> {
    /// The table of `entries` in any order; where a path comes twice, the later entry
    /// stands (as inserting into a map would leave it).
    pub fn from_entries(mut entries: Vec<(String, V)>) -> PathTable<V> {
        // Stable: of equal paths the later stays later, and is the one kept.
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let mut kept: Vec<(String, V)> = Vec::with_capacity(entries.len());
        for entry in entries {
            match kept.last_mut() {
                Some(last) if last.0 == entry.0 => *last = entry,
                _ => kept.push(entry),
            }
        }
        let mut table = PathTable::with_capacity(kept.len(), kept.iter().map(|(path, _)| path.len()).sum());
        for (path, value) in kept {
            table.push(&path, value);
        }
        table
    }

    /// An empty table with room for `len` paths of `path_bytes` bytes in all, for `push`.
    pub fn with_capacity(len: usize, path_bytes: usize) -> PathTable<V> {
        PathTable {
            paths: String::with_capacity(path_bytes),
            ends: Vec::with_capacity(len),
            values: Vec::with_capacity(len),
        }
    }

    /// Adds `path`, which must come after every path the table has: a table is made this
    /// way from what is already in path order, with no copy of a path of its own (the
    /// commit's record of 212,000 files at 100,000 articles was copied and sorted twice).
    pub fn push(&mut self, path: &str, value: V) {
        debug_assert!(
            self.is_empty() || self.path(self.len() - 1) < path,
            "{path} out of order"
        );
        self.paths.push_str(path);
        self.ends.push(self.paths.len());
        self.values.push(value);
    }

    /// The bytes of all its paths together.
    pub fn path_bytes(&self) -> usize {
        self.paths.len()
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    fn path(&self, index: usize) -> &str {
        let start = index.checked_sub(1).map_or(0, |before| self.ends[before]);
        &self.paths[start..self.ends[index]]
    }

    /// The place of `path` in path order, when the table has it.
    pub fn index_of(&self, path: &str) -> Option<usize> {
        let mut low = 0;
        let mut high = self.len();
        while low < high {
            let middle = (low + high) / 2;
            match self.path(middle).cmp(path) {
                std::cmp::Ordering::Less => low = middle + 1,
                std::cmp::Ordering::Greater => high = middle,
                std::cmp::Ordering::Equal => return Some(middle),
            }
        }
        None
    }

    /// The path and value at `index` (below `len`).
    pub fn entry(&self, index: usize) -> (&str, &V) {
        (self.path(index), &self.values[index])
    }

    /// The value at `index` (below `len`).
    pub fn value(&self, index: usize) -> &V {
        &self.values[index]
    }

    pub fn get<Q: Borrow<str> + ?Sized>(&self, path: &Q) -> Option<&V> {
        self.index_of(path.borrow()).map(|index| &self.values[index])
    }

    pub fn contains_key<Q: Borrow<str> + ?Sized>(&self, path: &Q) -> bool {
        self.index_of(path.borrow()).is_some()
    }

    /// The paths, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).map(|index| self.path(index))
    }

    /// Each path with its value, in order of path.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &V)> {
        self.keys().zip(&self.values)
    }

    /// The paths of this table that `other` lacks, in order: one walk of both, since both
    /// are sorted.
    pub fn paths_missing_from<'a, W>(&'a self, other: &'a PathTable<W>) -> impl Iterator<Item = &'a str> + 'a {
        let mut theirs = other.keys().peekable();
        self.keys().filter(move |&path| {
            while theirs.next_if(|&their| their < path).is_some() {}
            theirs.peek() != Some(&path)
        })
    }

    /// The table without the paths `drop` names.
    pub fn without(self, drop: impl Fn(&str) -> bool) -> PathTable<V> {
        let mut kept = PathTable::default();
        let mut start = 0;
        for (end, value) in self.ends.into_iter().zip(self.values) {
            let path = &self.paths[start..end];
            start = end;
            if !drop(path) {
                kept.push(path, value);
            }
        }
        kept
    }
}

impl<V> FromIterator<(String, V)> for PathTable<V> {
    fn from_iter<I: IntoIterator<Item = (String, V)>>(entries: I) -> Self {
        PathTable::from_entries(entries.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::PathTable;

    fn table(entries: &[(&str, u32)]) -> PathTable<u32> {
        entries.iter().map(|&(path, value)| (path.to_string(), value)).collect()
    }

    #[test]
    fn every_path_is_found_with_its_value_and_no_other_is() {
        let paths = [
            "q/a/index.html",
            "index.html",
            "q-a/index.html",
            "q/index.html",
            "a",
            "",
        ];
        let entries: Vec<(&str, u32)> = paths.iter().enumerate().map(|(i, &p)| (p, i as u32)).collect();
        let table = table(&entries);
        assert_eq!(table.len(), paths.len());
        for (i, path) in paths.iter().enumerate() {
            assert_eq!(table.get(*path), Some(&(i as u32)), "{path}");
        }
        for absent in ["q", "q/a", "index.htm", "b", "q/a/index.html/x"] {
            assert!(!table.contains_key(absent), "{absent}");
        }
        let keys: Vec<&str> = table.keys().collect();
        let mut sorted = paths.to_vec();
        sorted.sort();
        assert_eq!(keys, sorted);
    }

    #[test]
    fn a_path_given_twice_keeps_its_later_value() {
        let table = table(&[("b", 1), ("a", 2), ("b", 3), ("b", 4), ("a", 5)]);
        assert_eq!(table.len(), 2);
        assert_eq!(table.get("a"), Some(&5));
        assert_eq!(table.get("b"), Some(&4));
    }

    #[test]
    fn a_table_pushed_to_in_order_is_the_one_made_from_any_order() {
        // `-` sorts before `/`.
        let entries = [("a", 1), ("a-b", 3), ("a/b", 2), ("b", 4)];
        let mut pushed = PathTable::with_capacity(entries.len(), 8);
        for (path, value) in entries {
            pushed.push(path, value);
        }
        let mut shuffled = entries;
        shuffled.reverse();
        assert_eq!(pushed, table(&shuffled));
        assert_eq!(pushed.get("a-b"), Some(&3));
        assert_eq!(pushed.path_bytes(), 8);
    }

    #[test]
    fn the_paths_missing_from_another_table_are_those_it_lacks_in_order() {
        let mine = table(&[("a", 0), ("b/c", 0), ("b/d", 0), ("e", 0), ("f", 0)]);
        let theirs = table(&[("0", 0), ("b/c", 0), ("b/e", 0), ("f", 0), ("g", 0)]);
        assert_eq!(mine.paths_missing_from(&theirs).collect::<Vec<_>>(), ["a", "b/d", "e"]);
        assert_eq!(theirs.paths_missing_from(&mine).collect::<Vec<_>>(), ["0", "b/e", "g"]);
        assert_eq!(mine.paths_missing_from(&mine).count(), 0);
        let none = PathTable::<u32>::default();
        assert_eq!(mine.paths_missing_from(&none).count(), 5);
        assert_eq!(none.paths_missing_from(&mine).count(), 0);
    }

    #[test]
    fn paths_dropped_are_gone_and_the_rest_stay_found() {
        let table = table(&[("a/x", 1), ("b", 2), ("a/y", 3), ("c", 4)]).without(|path| path.starts_with("a/"));
        assert_eq!(table.iter().collect::<Vec<_>>(), [("b", &2), ("c", &4)]);
        assert_eq!(table.get("c"), Some(&4));
        assert!(!table.contains_key("a/x"));
        assert!(PathTable::<u32>::default().get("a").is_none());
    }
}
