//! libyaml's event stream with its marks: the same parser serde_yaml deserializes with
//! (unsafe-libyaml, already its dependency), so that every position and every syntax
//! error describes exactly the text serde_yaml read. All `unsafe` of the YAML reading is
//! in this file.

use std::marker::PhantomData;
use std::mem::MaybeUninit;
use unsafe_libyaml as unsafe_sys;

/// A place in the text: byte offset, 0-based line, 0-based column in characters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Mark {
    pub index: usize,
    pub line: u32,
    pub column: u32,
}

impl Mark {
    fn of(mark: unsafe_sys::yaml_mark_t) -> Mark {
        Mark {
            index: usize::try_from(mark.index).unwrap_or(usize::MAX),
            line: u32::try_from(mark.line).unwrap_or(u32::MAX),
            column: u32::try_from(mark.column).unwrap_or(u32::MAX),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarStyle {
    Plain,
    Quoted,
    /// `|` or `>`: the value starts on the lines after the indicator.
    Block,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Event {
    DocumentStart,
    DocumentEnd,
    Alias,
    Scalar { value: String, style: ScalarStyle },
    SequenceStart,
    SequenceEnd,
    MappingStart,
    MappingEnd,
}

/// Which of libyaml's stages refused the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Bytes that are not text (bad encoding, control characters).
    Reader,
    /// A token cannot be read: an unclosed quote, a tab, a key without its colon.
    Scanner,
    /// Tokens in an order the grammar does not allow: a bad indentation, an unclosed bracket.
    Parser,
}

/// libyaml's own account of a syntax error: what went wrong where, and the construct it
/// was reading when it did (`context`), with the mark where that construct began.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub stage: Stage,
    pub problem: String,
    pub at: Mark,
    pub context: Option<(String, Mark)>,
}

/// The events of a text, each with its start and end mark.
pub struct Events<'text> {
    parser: Box<unsafe_sys::yaml_parser_t>,
    finished: bool,
    /// Whether an event so far carried what the events do not tell (see `decorated`).
    decorated: bool,
    text: PhantomData<&'text str>,
}

impl<'text> Events<'text> {
    pub fn new(text: &'text str) -> Events<'text> {
        // The parser refers to itself once initialised, so it lives in a box and never moves.
        let mut parser: Box<MaybeUninit<unsafe_sys::yaml_parser_t>> = Box::new(MaybeUninit::uninit());
        // SAFETY: `yaml_parser_initialize` fills the whole struct (it zeroes it first); it
        // fails only when it cannot allocate, which aborts like any allocation failure. The
        // input is borrowed for 'text, which the returned value carries, so it outlives
        // every read the parser makes of it.
        let parser = unsafe {
            let raw = parser.as_mut_ptr();
            if unsafe_sys::yaml_parser_initialize(raw).fail {
                std::alloc::handle_alloc_error(std::alloc::Layout::new::<unsafe_sys::yaml_parser_t>());
            }
            unsafe_sys::yaml_parser_set_encoding(raw, unsafe_sys::YAML_UTF8_ENCODING);
            unsafe_sys::yaml_parser_set_input_string(raw, text.as_ptr(), text.len() as u64);
            Box::from_raw(Box::into_raw(parser).cast::<unsafe_sys::yaml_parser_t>())
        };
        Events {
            parser,
            finished: false,
            decorated: false,
            text: PhantomData,
        }
    }

    /// Whether a node read so far has an anchor or a tag, or a scalar is not UTF-8: what
    /// the events leave out and serde_yaml would act on, so that a value built from the
    /// events alone could differ from the one it reads.
    pub fn decorated(&self) -> bool {
        self.decorated
    }

    fn problem(&self) -> Problem {
        let parser = &*self.parser;
        let stage = match parser.error {
            unsafe_sys::YAML_READER_ERROR => Stage::Reader,
            unsafe_sys::YAML_SCANNER_ERROR => Stage::Scanner,
            _ => Stage::Parser,
        };
        // SAFETY: libyaml sets `problem` and `context` to static C strings or null.
        let text = |ptr: *const std::ffi::c_char| {
            (!ptr.is_null()).then(|| unsafe { std::ffi::CStr::from_ptr(ptr) }.to_string_lossy().into_owned())
        };
        let at = match stage {
            // The reader counts no lines: its offset is all it knows.
            Stage::Reader => Mark {
                index: usize::try_from(parser.problem_offset).unwrap_or(usize::MAX),
                ..Mark::default()
            },
            _ => Mark::of(parser.problem_mark),
        };
        Problem {
            stage,
            problem: text(parser.problem).unwrap_or_else(|| "the text cannot be read".to_string()),
            at,
            context: text(parser.context).map(|context| (context, Mark::of(parser.context_mark))),
        }
    }
}

impl Iterator for Events<'_> {
    type Item = Result<(Event, Mark, Mark), Problem>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.finished {
                return None;
            }
            let mut event = MaybeUninit::<unsafe_sys::yaml_event_t>::uninit();
            // SAFETY: the parser was initialised in `new` and is used from this one place;
            // a successful `yaml_parser_parse` initialises `event`, which is read only
            // then, and deleted exactly once after its data has been copied out.
            let (step, start, end) = unsafe {
                let parser: *mut unsafe_sys::yaml_parser_t = &mut *self.parser;
                if unsafe_sys::yaml_parser_parse(parser, event.as_mut_ptr()).fail {
                    self.finished = true;
                    return Some(Err(self.problem()));
                }
                let event = event.as_mut_ptr();
                self.decorated |= decorated(&*event);
                let step = convert(&*event);
                let marks = (Mark::of((*event).start_mark), Mark::of((*event).end_mark));
                unsafe_sys::yaml_event_delete(event);
                (step, marks.0, marks.1)
            };
            match step {
                Step::Event(event) => return Some(Ok((event, start, end))),
                Step::Skip => continue,
                Step::End => self.finished = true,
            }
        }
    }
}

/// What one libyaml event means to a reader of the tree.
enum Step {
    Event(Event),
    /// The stream's start: nothing to tell.
    Skip,
    End,
}

/// Whether an event names an anchor or a tag, or holds a scalar that is not UTF-8.
/// SAFETY: `event` must have been filled by a successful `yaml_parser_parse`.
unsafe fn decorated(event: &unsafe_sys::yaml_event_t) -> bool {
    // SAFETY: each arm reads the union field its event type makes active.
    unsafe {
        match event.type_ {
            unsafe_sys::YAML_SCALAR_EVENT => {
                let scalar = event.data.scalar;
                let bytes = if scalar.value.is_null() {
                    &[][..]
                } else {
                    std::slice::from_raw_parts(scalar.value, scalar.length as usize)
                };
                !scalar.anchor.is_null() || !scalar.tag.is_null() || std::str::from_utf8(bytes).is_err()
            }
            unsafe_sys::YAML_SEQUENCE_START_EVENT => {
                !event.data.sequence_start.anchor.is_null() || !event.data.sequence_start.tag.is_null()
            }
            unsafe_sys::YAML_MAPPING_START_EVENT => {
                !event.data.mapping_start.anchor.is_null() || !event.data.mapping_start.tag.is_null()
            }
            _ => false,
        }
    }
}

/// SAFETY: `event` must have been filled by a successful `yaml_parser_parse`.
unsafe fn convert(event: &unsafe_sys::yaml_event_t) -> Step {
    let event = match event.type_ {
        unsafe_sys::YAML_STREAM_START_EVENT => return Step::Skip,
        unsafe_sys::YAML_STREAM_END_EVENT | unsafe_sys::YAML_NO_EVENT => return Step::End,
        unsafe_sys::YAML_DOCUMENT_START_EVENT => Event::DocumentStart,
        unsafe_sys::YAML_DOCUMENT_END_EVENT => Event::DocumentEnd,
        unsafe_sys::YAML_ALIAS_EVENT => Event::Alias,
        unsafe_sys::YAML_SCALAR_EVENT => {
            // SAFETY: for a scalar event, `data.scalar` is the active field and `value`
            // points at `length` bytes of UTF-8 (the input was declared UTF-8).
            let scalar = unsafe { event.data.scalar };
            let bytes = if scalar.value.is_null() {
                &[][..]
            } else {
                unsafe { std::slice::from_raw_parts(scalar.value, scalar.length as usize) }
            };
            Event::Scalar {
                value: String::from_utf8_lossy(bytes).into_owned(),
                style: match scalar.style {
                    unsafe_sys::YAML_SINGLE_QUOTED_SCALAR_STYLE | unsafe_sys::YAML_DOUBLE_QUOTED_SCALAR_STYLE => {
                        ScalarStyle::Quoted
                    }
                    unsafe_sys::YAML_LITERAL_SCALAR_STYLE | unsafe_sys::YAML_FOLDED_SCALAR_STYLE => ScalarStyle::Block,
                    _ => ScalarStyle::Plain,
                },
            }
        }
        unsafe_sys::YAML_SEQUENCE_START_EVENT => Event::SequenceStart,
        unsafe_sys::YAML_SEQUENCE_END_EVENT => Event::SequenceEnd,
        unsafe_sys::YAML_MAPPING_START_EVENT => Event::MappingStart,
        unsafe_sys::YAML_MAPPING_END_EVENT => Event::MappingEnd,
        _ => return Step::End,
    };
    Step::Event(event)
}

impl Drop for Events<'_> {
    fn drop(&mut self) {
        // SAFETY: initialised in `new`, deleted once, here.
        unsafe { unsafe_sys::yaml_parser_delete(&mut *self.parser) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(text: &str) -> Vec<Result<(Event, Mark, Mark), Problem>> {
        Events::new(text).collect()
    }

    #[test]
    fn scalars_carry_their_marks_and_style() {
        let found = events("a: \"b\"\n");
        let scalars: Vec<_> = found
            .iter()
            .filter_map(|e| match e {
                Ok((Event::Scalar { value, style }, start, end)) => {
                    Some((value.clone(), *style, start.column, end.column))
                }
                _ => None,
            })
            .collect();
        assert_eq!(
            scalars,
            [
                ("a".to_string(), ScalarStyle::Plain, 0, 1),
                ("b".to_string(), ScalarStyle::Quoted, 3, 6)
            ]
        );
    }

    #[test]
    fn an_unclosed_quote_is_a_scanner_problem_with_the_quote_as_context() {
        let problem = events("a: 1\nb: \"open\n").into_iter().find_map(Result::err).unwrap();
        assert_eq!(problem.stage, Stage::Scanner);
        let (_, opened) = problem.context.unwrap();
        assert_eq!((opened.line, opened.column), (1, 3));
    }

    #[test]
    fn columns_count_characters_and_indexes_count_bytes() {
        let found = events("é: x\n");
        let Some(Ok((_, start, _))) = found
            .iter()
            .find(|e| matches!(e, Ok((Event::Scalar { value, .. }, _, _)) if value == "x"))
        else {
            panic!("{found:?}")
        };
        assert_eq!((start.column, start.index), (3, 4));
    }

    #[test]
    fn anchors_and_tags_are_noticed() {
        for text in ["a: &x 1\nb: *x\n", "a: !!str 1\n", "a: !custom {b: 1}\n", "&top [1]\n"] {
            let mut events = Events::new(text);
            events.by_ref().for_each(drop);
            assert!(events.decorated(), "{text:?}");
        }
        let mut events = Events::new("a: [1, \"two\", {b: c}]\nd: >-\n  e\n");
        events.by_ref().for_each(drop);
        assert!(!events.decorated());
    }

    #[test]
    fn the_stream_ends_after_a_problem() {
        let found = events("[");
        assert!(found.last().unwrap().is_err(), "{found:?}");
    }
}
