//! Generated article text for the search tests' corpora: a fixed xorshift sequence, so
//! that every run writes the same site, and sentences in which about one word in six is
//! a drug name.

pub struct Words<'a> {
    state: u64,
    drugs: &'a [&'a str],
    vocabulary: &'a [&'a str],
}

impl<'a> Words<'a> {
    pub fn new(drugs: &'a [&'a str], vocabulary: &'a [&'a str]) -> Words<'a> {
        Words {
            state: 0x9e37_79b9_7f4a_7c15,
            drugs,
            vocabulary,
        }
    }

    /// The next number below `n`.
    pub fn below(&mut self, n: usize) -> usize {
        self.state ^= self.state << 13;
        self.state ^= self.state >> 7;
        self.state ^= self.state << 17;
        (self.state % n as u64) as usize
    }

    /// `count` words joined by spaces.
    pub fn sentence(&mut self, count: usize) -> String {
        let picked: Vec<&str> = (0..count)
            .map(|_| {
                let list = if self.below(6) == 0 {
                    self.drugs
                } else {
                    self.vocabulary
                };
                list[self.below(list.len())]
            })
            .collect();
        picked.join(" ")
    }
}
