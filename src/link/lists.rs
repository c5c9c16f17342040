//! One list per article held as a single flat array with offsets: a `Vec` per article costs
//! its own 24 bytes and an allocation, which at a hundred thousand articles is more than the
//! few indices most of them hold.

use std::ops::Index;

#[derive(Clone, Debug, PartialEq)]
pub struct Lists<T> {
    /// `items[starts[i]..starts[i + 1]]` is list `i`; one more start than lists.
    starts: Box<[u32]>,
    items: Box<[T]>,
}

impl<T> Lists<T> {
    /// No lists at all.
    pub fn new() -> Lists<T> {
        Lists {
            starts: vec![0].into_boxed_slice(),
            items: Box::new([]),
        }
    }

    /// The lists `each` yields, in order.
    pub fn collect<L: IntoIterator<Item = T>>(each: impl IntoIterator<Item = L>) -> Lists<T> {
        let mut starts = vec![0u32];
        let mut items = Vec::new();
        for list in each {
            items.extend(list);
            starts.push(offset(items.len()));
        }
        Lists {
            starts: starts.into_boxed_slice(),
            items: items.into_boxed_slice(),
        }
    }

    /// How many lists.
    pub fn len(&self) -> usize {
        self.starts.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether every list lies within the items, in order: true of lists this module made,
    /// checked of lists read back (the build cache).
    pub fn is_well_formed(&self) -> bool {
        self.starts.first() == Some(&0)
            && self.starts.windows(2).all(|pair| pair[0] <= pair[1])
            && self.starts.last().is_some_and(|&end| end as usize == self.items.len())
    }

    /// Each list in order.
    pub fn iter(&self) -> impl Iterator<Item = &[T]> + '_ {
        (0..self.len()).map(move |i| &self[i])
    }

    /// Where each list starts (one more start than lists) and every item, end to end: the
    /// form the build cache keeps them in (`link::kept`).
    pub fn parts(&self) -> (&[u32], &[T]) {
        (&self.starts, &self.items)
    }

    /// The lists `parts` gave; `None` unless they hold together (`is_well_formed`).
    pub fn from_parts(starts: Vec<u32>, items: Vec<T>) -> Option<Lists<T>> {
        let lists = Lists {
            starts: starts.into_boxed_slice(),
            items: items.into_boxed_slice(),
        };
        lists.is_well_formed().then_some(lists)
    }
}

impl<T> Default for Lists<T> {
    fn default() -> Lists<T> {
        Lists::new()
    }
}

impl<T> Index<usize> for Lists<T> {
    type Output = [T];

    fn index(&self, list: usize) -> &[T] {
        &self.items[self.starts[list] as usize..self.starts[list + 1] as usize]
    }
}

/// Offsets are `u32`: four billion entries is far beyond any site a build can hold.
fn offset(len: usize) -> u32 {
    u32::try_from(len).unwrap_or_else(|_| panic!("more than {} list entries", u32::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_list_comes_back_as_it_went_in_empty_ones_included() {
        let lists = Lists::collect(vec![vec![1, 2], vec![], vec![3]]);
        assert_eq!(lists.len(), 3);
        assert_eq!(&lists[0], &[1, 2]);
        assert!(lists[1].is_empty());
        assert_eq!(&lists[2], &[3]);
        let all: Vec<&[i32]> = lists.iter().collect();
        assert_eq!(all, [&[1, 2][..], &[][..], &[3][..]]);
    }

    #[test]
    fn no_lists_is_empty() {
        let lists: Lists<u8> = Lists::new();
        assert!(lists.is_empty());
        assert_eq!(lists.iter().count(), 0);
    }
}
