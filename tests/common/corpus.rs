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

/// What one generated article says, beside its number `i`.
pub struct Article<'a> {
    pub drug: &'a str,
    pub topic: &'a str,
    pub answer: &'a str,
    pub status: &'a str,
    pub reference_title: &'a str,
    pub body: &'a str,
}

impl Article<'_> {
    /// The file of article `i`: its question names the drug, the topic and `i`, and its one
    /// reference a DOI of its own.
    pub fn text(&self, i: usize) -> String {
        let Article {
            drug,
            topic,
            answer,
            status,
            reference_title,
            body,
        } = self;
        format!(
            "---\nquestion: \"What is the role of {drug} in {topic} case {i}?\"\nanswer: >-\n  {answer} [@r{i}].\n\
             topics: [{topic}]\ncreated: 2025-01-01\nreview:\n  status: {status}\nreferences:\n  - id: r{i}\n    \
             type: research\n    title: \"{reference_title}\"\n    journal: \"J Synth Med\"\n    year: 2020\n    doi: \"10.5555/synth.{i}\"\n---\n{body}"
        )
    }
}
