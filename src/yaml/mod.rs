//! A small YAML document tree that keeps the position of every node.
//!
//! `serde_yaml` cannot say on which line a value sits once it has been
//! deserialised, and it stops at the first error in a file. comply needs both
//! the line of every id (duplicate ids, dangling references) and every problem
//! in a file at once, so it reads YAML through `saphyr-parser`'s event stream
//! (which carries line and column marks) into this tree and decodes the tree
//! by hand (see `decode`). Scalars stay strings: `5.10` is the control id
//! `5.10`, never the float `5.1`.
//!
//! The builder is bounded by what a tree costs, not by how it is written:
//! nesting depth, entries per list or mapping, and the nodes and scalar bytes
//! the tree holds once built, counting every copy an alias or an anchor makes
//! ("billion laughs", nested anchors, a flow list of millions of scalars).
//!
//! saphyr is general and costs most of the time comply spends on a large
//! estate, so the plain block YAML comply files are written in is first
//! offered to a hand-written reader (`fast`) that builds the same tree in a
//! fraction of the time; whatever it declines, saphyr reads.

use std::borrow::Cow;
use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

#[cfg(test)]
mod differential;
mod fast;

/// Deepest nesting of sequences and mappings accepted in one file.
pub(crate) const MAX_DEPTH: usize = 64;
/// Most nodes that aliases may copy into one file's tree.
pub(crate) const MAX_ALIAS_NODES: usize = 10_000;
/// Most entries in one list or mapping.
pub(crate) const MAX_ENTRIES: usize = 100_000;
/// Most nodes in one file's tree, counting the copies made by anchors and
/// aliases.
pub(crate) const MAX_NODES: usize = 2_000_000;
/// Most scalar bytes in one file's tree, counting the copies made by anchors
/// and aliases (a file without them holds no more than its own size).
pub(crate) const MAX_SCALAR_BYTES: usize = 32 * 1024 * 1024;

/// Most bytes in one scalar (a title, a summary, a path): every renderer
/// copies and escapes text, and a report repeats it, so one 30 MiB title
/// would cost gigabytes; a megabyte is far more than any real value.
pub(crate) const MAX_VALUE_BYTES: usize = 1024 * 1024;

/// Most flow indicators (`[`, `]`, `{`, `}`, `,`) in one outermost flow
/// collection. saphyr-parser holds every token of a flow collection that
/// might be a mapping key until the collection closes (a few hundred bytes
/// a token), before any event reaches the tree builder; this bounds that.
pub(crate) const MAX_FLOW_INDICATORS: usize = 100_000;

/// What a built tree holds: the figures the limits count.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Cost {
    /// Nodes, keys included.
    pub(crate) nodes: usize,
    /// Bytes of scalar text.
    pub(crate) scalar_bytes: usize,
}

/// What a list or mapping node costs by itself.
const ONE_NODE: Cost = Cost {
    nodes: 1,
    scalar_bytes: 0,
};

impl Cost {
    fn add(&mut self, other: Cost) {
        self.nodes = self.nodes.saturating_add(other.nodes);
        self.scalar_bytes = self.scalar_bytes.saturating_add(other.scalar_bytes);
    }
}

/// A position in a source file: 1-based line and column.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    /// Line, counted from 1.
    pub(crate) line: usize,
    /// Column in characters, counted from 1.
    pub(crate) column: usize,
}

impl Pos {
    fn of(span: Span) -> Pos {
        Pos {
            line: span.start.line(),
            column: span.start.col() + 1,
        }
    }
}

/// One YAML node with the position where it starts. Scalars borrow from the
/// text where they can (plain and simple quoted scalars), so a large file is
/// not copied twice.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Node<'a> {
    /// Where the node starts.
    pub(crate) pos: Pos,
    /// What the node holds.
    pub(crate) value: Value<'a>,
}

/// The content of a [`Node`].
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value<'a> {
    /// `~`, `null` or nothing at all.
    Null,
    /// Any other scalar, kept as written (quotes removed).
    Scalar(Cow<'a, str>),
    /// A sequence of nodes.
    Seq(Vec<Node<'a>>),
    /// A mapping; keys keep their own positions, in file order.
    Map(Vec<(Node<'a>, Node<'a>)>),
}

impl Node<'_> {
    /// A short name of the node's kind, for error messages.
    pub(crate) fn kind(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Scalar(_) => "a scalar",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }

    /// The scalar text, if the node is a scalar.
    pub(crate) fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar(s) => Some(s),
            _ => None,
        }
    }
}

/// A YAML text that could not be read into a tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    /// Where the parser stopped.
    pub(crate) pos: Pos,
    /// What went wrong.
    pub(crate) message: String,
}

/// Parses the first document of `text` into a [`Node`] tree.
///
/// An empty document gives a `Null` node. A second document in the same file
/// is an error: comply files hold one document each.
pub(crate) fn parse(text: &str) -> Result<Node<'_>, SyntaxError> {
    parse_counted(text).map(|(node, _)| node)
}

/// [`parse`], also returning what the tree holds (for limits over many
/// files).
pub(crate) fn parse_counted(text: &str) -> Result<(Node<'_>, Cost), SyntaxError> {
    match fast::parse(text) {
        Some(parsed) => Ok(parsed),
        None => parse_events(text),
    }
}

/// Whether the fast reader, when it reads `text` at all, builds exactly what
/// saphyr's events build: the same tree, positions and cost.
pub(crate) fn fast_path_agrees(text: &str) -> bool {
    fast::parse(text).is_none_or(|fast| parse_events(text) == Ok(fast))
}

/// [`parse_counted`] through saphyr-parser's events: any YAML, every error.
fn parse_events(text: &str) -> Result<(Node<'_>, Cost), SyntaxError> {
    check_flow_collections(text)?;
    let mut builder = Builder {
        parser: Parser::new_from_str(text),
        anchors: HashMap::new(),
        alias_nodes: 0,
        cost: Cost::default(),
    };
    let node = builder.document()?;
    Ok((node, builder.cost))
}

struct Builder<'a> {
    parser: Parser<'a, saphyr_parser::StrInput<'a>>,
    /// Anchored nodes with what one copy of each costs.
    anchors: HashMap<usize, (Node<'a>, Cost)>,
    alias_nodes: usize,
    /// Everything built so far, copies included.
    cost: Cost,
}

impl<'a> Builder<'a> {
    fn next(&mut self) -> Result<(Event<'a>, Span), SyntaxError> {
        match self.parser.next() {
            Some(Ok(event)) => Ok(event),
            Some(Err(e)) => Err(SyntaxError {
                pos: Pos {
                    line: e.marker().line(),
                    column: e.marker().col() + 1,
                },
                message: e.info().to_string(),
            }),
            None => Err(SyntaxError {
                pos: Pos::default(),
                message: "unexpected end of input".to_string(),
            }),
        }
    }

    fn document(&mut self) -> Result<Node<'a>, SyntaxError> {
        let mut root = None;
        loop {
            let (event, span) = self.next()?;
            match event {
                Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
                Event::DocumentStart(_) if root.is_some() => {
                    return Err(SyntaxError {
                        pos: Pos::of(span),
                        message: "a second YAML document; comply files hold one document".into(),
                    });
                }
                Event::DocumentStart(_) => {
                    let (event, span) = self.next()?;
                    root = Some(self.node(event, span, 0)?);
                }
                Event::StreamEnd => {
                    return Ok(root.unwrap_or(Node {
                        pos: Pos { line: 1, column: 1 },
                        value: Value::Null,
                    }));
                }
                _ => {
                    return Err(SyntaxError {
                        pos: Pos::of(span),
                        message: "unexpected content outside a document".into(),
                    });
                }
            }
        }
    }

    fn node(
        &mut self,
        event: Event<'a>,
        span: Span,
        depth: usize,
    ) -> Result<Node<'a>, SyntaxError> {
        let pos = Pos::of(span);
        if depth > MAX_DEPTH {
            return Err(SyntaxError {
                pos,
                message: format!("nesting deeper than the limit of {MAX_DEPTH} levels"),
            });
        }
        let (node, anchor) = match event {
            Event::Scalar(text, style, anchor, _tag) => {
                if text.len() > MAX_VALUE_BYTES {
                    return Err(SyntaxError {
                        pos,
                        message: format!(
                            "a value of {} bytes, over the limit of {MAX_VALUE_BYTES} bytes for one value",
                            text.len()
                        ),
                    });
                }
                self.spend(
                    Cost {
                        nodes: 1,
                        scalar_bytes: text.len(),
                    },
                    pos,
                )?;
                let value = if style == ScalarStyle::Plain && is_null(&text) {
                    Value::Null
                } else {
                    Value::Scalar(text)
                };
                (Node { pos, value }, anchor)
            }
            Event::SequenceStart(anchor, _tag) => {
                self.spend(ONE_NODE, pos)?;
                let mut items = Vec::new();
                loop {
                    let (event, span) = self.next()?;
                    if matches!(event, Event::SequenceEnd) {
                        break;
                    }
                    entries_limit(items.len(), Pos::of(span), "list")?;
                    items.push(self.node(event, span, depth + 1)?);
                }
                (
                    Node {
                        pos,
                        value: Value::Seq(items),
                    },
                    anchor,
                )
            }
            Event::MappingStart(anchor, _tag) => {
                self.spend(ONE_NODE, pos)?;
                let mut entries = Vec::new();
                loop {
                    let (event, span) = self.next()?;
                    if matches!(event, Event::MappingEnd) {
                        break;
                    }
                    entries_limit(entries.len(), Pos::of(span), "mapping")?;
                    let key = self.node(event, span, depth + 1)?;
                    let (event, span) = self.next()?;
                    let value = self.node(event, span, depth + 1)?;
                    entries.push((key, value));
                }
                (
                    Node {
                        pos,
                        value: Value::Map(entries),
                    },
                    anchor,
                )
            }
            Event::Alias(id) => return self.alias(id, pos),
            _ => {
                return Err(SyntaxError {
                    pos,
                    message: "unexpected YAML event".into(),
                });
            }
        };
        if anchor != 0 {
            // Keeping the anchored node costs a copy of it.
            let cost = cost(&node);
            self.spend(cost, pos)?;
            self.anchors.insert(anchor, (node.clone(), cost));
        }
        Ok(node)
    }

    /// Counts `cost` against the file's limits.
    fn spend(&mut self, cost: Cost, pos: Pos) -> Result<(), SyntaxError> {
        self.cost.add(cost);
        if self.cost.nodes > MAX_NODES {
            return Err(SyntaxError {
                pos,
                message: format!(
                    "the file's YAML tree holds more than the limit of {MAX_NODES} nodes (aliases and anchors count each copy)"
                ),
            });
        }
        if self.cost.scalar_bytes > MAX_SCALAR_BYTES {
            return Err(SyntaxError {
                pos,
                message: format!(
                    "the file's YAML tree holds more than the limit of {MAX_SCALAR_BYTES} bytes of text (aliases and anchors count each copy)"
                ),
            });
        }
        Ok(())
    }

    /// Copies the anchored node, counting what it costs against the budget.
    fn alias(&mut self, id: usize, pos: Pos) -> Result<Node<'a>, SyntaxError> {
        let Some((_, cost)) = self.anchors.get(&id) else {
            return Err(SyntaxError {
                pos,
                message: "alias to an unknown anchor".into(),
            });
        };
        let cost = *cost;
        self.alias_nodes = self.alias_nodes.saturating_add(cost.nodes);
        if self.alias_nodes > MAX_ALIAS_NODES {
            return Err(SyntaxError {
                pos,
                message: format!(
                    "aliases expand to more than the limit of {MAX_ALIAS_NODES} nodes"
                ),
            });
        }
        self.spend(cost, pos)?;
        let Some((target, _)) = self.anchors.get(&id) else {
            return Err(SyntaxError {
                pos,
                message: "alias to an unknown anchor".into(),
            });
        };
        let mut copy = target.clone();
        copy.pos = pos;
        Ok(copy)
    }
}

/// Refuses one more entry in a list or mapping that already has `len`.
fn entries_limit(len: usize, pos: Pos, what: &str) -> Result<(), SyntaxError> {
    if len >= MAX_ENTRIES {
        return Err(SyntaxError {
            pos,
            message: format!("a {what} with more than the limit of {MAX_ENTRIES} entries"),
        });
    }
    Ok(())
}

/// Refuses a flow collection (`[...]`, `{...}`) with more than
/// [`MAX_FLOW_INDICATORS`] indicators, before the parser buffers it.
///
/// A light lexer over the bytes: it finds where a flow collection starts (a
/// `[` or `{` where a node starts, not inside a quoted scalar, a comment or
/// a block scalar) and counts indicators to its end. Anything it does not
/// understand it leaves to the parser, which reports syntax errors.
fn check_flow_collections(text: &str) -> Result<(), SyntaxError> {
    let b = text.as_bytes();
    // A collection counts only these bytes, so a text with no more of them
    // than the limit cannot hold one over it: one pass instead of the lexer
    // for nearly every file. Counted per chunk of 64 into a byte, with
    // comparisons and no branch, so that the compiler vectorises it.
    let indicators: usize = b
        .chunks(64)
        .map(|chunk| {
            let in_chunk: u8 = chunk
                .iter()
                .map(|&c| {
                    u8::from(c == b'[')
                        + u8::from(c == b']')
                        + u8::from(c == b'{')
                        + u8::from(c == b'}')
                        + u8::from(c == b',')
                })
                .sum();
            usize::from(in_chunk)
        })
        .sum();
    if indicators <= MAX_FLOW_INDICATORS {
        return Ok(());
    }
    let mut lexer = Lexer { b, i: 0, line: 1 };
    let mut node_start = true;
    let mut line_indent = 0;
    let mut block_scalar: Option<usize> = None;
    let mut at_line_start = true;
    while lexer.i < b.len() {
        if at_line_start {
            at_line_start = false;
            let indent = b[lexer.i..].iter().take_while(|c| **c == b' ').count();
            let rest = b.get(lexer.i + indent).copied();
            let blank = matches!(rest, None | Some(b'\n' | b'\r'));
            if let Some(parent) = block_scalar {
                if blank || indent > parent {
                    lexer.skip_line();
                    if lexer.i < b.len() {
                        lexer.newline();
                    }
                    at_line_start = true;
                    continue;
                }
                block_scalar = None;
            }
            line_indent = indent;
            node_start = true;
            lexer.i += indent;
            continue;
        }
        let c = b[lexer.i];
        let next_is_space = matches!(
            b.get(lexer.i + 1),
            None | Some(b' ' | b'\t' | b'\n' | b'\r')
        );
        match c {
            b'\n' => {
                lexer.newline();
                at_line_start = true;
            }
            b' ' | b'\t' | b'\r' => lexer.i += 1,
            b'#' if lexer.after_space() => lexer.skip_line(),
            b'"' | b'\'' if node_start => {
                lexer.skip_quoted(c);
                node_start = false;
            }
            b'[' | b'{' if node_start => {
                lexer.flow_collection()?;
                node_start = false;
            }
            b'|' | b'>' if node_start => {
                block_scalar = Some(line_indent);
                lexer.skip_line();
            }
            b'-' | b'?' | b':' if next_is_space => {
                node_start = true;
                lexer.i += 1;
            }
            b'&' | b'!' if node_start => lexer.skip_word(),
            _ => {
                node_start = false;
                lexer.i += 1;
            }
        }
    }
    Ok(())
}

/// A cursor over YAML bytes for [`check_flow_collections`].
struct Lexer<'t> {
    b: &'t [u8],
    i: usize,
    line: usize,
}

impl Lexer<'_> {
    fn newline(&mut self) {
        self.line += 1;
        self.i += 1;
    }

    fn after_space(&self) -> bool {
        self.i == 0 || matches!(self.b[self.i - 1], b' ' | b'\t' | b'\n' | b'\r')
    }

    /// Moves to the line's newline (not past it).
    fn skip_line(&mut self) {
        while self.i < self.b.len() && self.b[self.i] != b'\n' {
            self.i += 1;
        }
    }

    fn skip_word(&mut self) {
        while self.i < self.b.len() && !matches!(self.b[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    /// Moves past a quoted scalar starting at the quote `q` (to the end of
    /// the text when it is not closed).
    fn skip_quoted(&mut self, q: u8) {
        self.i += 1;
        while self.i < self.b.len() {
            match self.b[self.i] {
                b'\\' if q == b'"' => self.i += 2,
                b'\'' if q == b'\'' && self.b.get(self.i + 1) == Some(&b'\'') => self.i += 2,
                c if c == q => {
                    self.i += 1;
                    return;
                }
                b'\n' => self.newline(),
                _ => self.i += 1,
            }
        }
    }

    /// Counts the indicators of the flow collection opening here.
    fn flow_collection(&mut self) -> Result<(), SyntaxError> {
        let start = Pos {
            line: self.line,
            column: column_of(self.b, self.i),
        };
        let mut depth = 0usize;
        let mut indicators = 0usize;
        let mut node_start = true;
        while self.i < self.b.len() {
            let c = self.b[self.i];
            match c {
                b'[' | b'{' | b']' | b'}' | b',' => {
                    indicators += 1;
                    if indicators > MAX_FLOW_INDICATORS {
                        return Err(SyntaxError {
                            pos: start,
                            message: format!(
                                "a flow collection (`[...]` or `{{...}}`) with more than the limit of {MAX_FLOW_INDICATORS} entries and brackets; write long lists in block style (`- item`)"
                            ),
                        });
                    }
                    if matches!(c, b'[' | b'{') {
                        depth += 1;
                    } else if matches!(c, b']' | b'}') {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            self.i += 1;
                            return Ok(());
                        }
                    }
                    node_start = c != b']' && c != b'}';
                    self.i += 1;
                }
                b'\n' => self.newline(),
                b' ' | b'\t' | b'\r' => self.i += 1,
                b'#' if self.after_space() => self.skip_line(),
                b'"' | b'\'' if node_start => {
                    self.skip_quoted(c);
                    node_start = false;
                }
                b':' | b'?' => {
                    node_start = true;
                    self.i += 1;
                }
                _ => {
                    node_start = false;
                    self.i += 1;
                }
            }
        }
        Ok(())
    }
}

/// The 1-based column, in characters, of byte `i`.
fn column_of(b: &[u8], i: usize) -> usize {
    let line_start = b[..i]
        .iter()
        .rposition(|c| *c == b'\n')
        .map_or(0, |p| p + 1);
    String::from_utf8_lossy(&b[line_start..i]).chars().count() + 1
}

fn is_null(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

/// What one copy of `node` holds.
fn cost(node: &Node) -> Cost {
    let mut total = Cost {
        nodes: 1,
        scalar_bytes: node.as_str().map_or(0, str::len),
    };
    match &node.value {
        Value::Null | Value::Scalar(_) => {}
        Value::Seq(items) => items.iter().for_each(|n| total.add(cost(n))),
        Value::Map(entries) => entries.iter().for_each(|(k, v)| {
            total.add(cost(k));
            total.add(cost(v));
        }),
    }
    total
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;

    fn scalar<'n>(node: &'n Node<'_>) -> &'n str {
        node.as_str().unwrap_or("<not a scalar>")
    }

    #[test]
    fn keeps_positions_and_strings() {
        let doc = parse("controls:\n  - id: 5.10\n    title: x\n").unwrap();
        let Value::Map(top) = &doc.value else {
            panic!("not a map")
        };
        let Value::Seq(items) = &top[0].1.value else {
            panic!("not a seq")
        };
        assert_eq!(items[0].pos, Pos { line: 2, column: 5 });
        let Value::Map(fields) = &items[0].value else {
            panic!("not a map")
        };
        assert_eq!(scalar(&fields[0].1), "5.10");
        assert_eq!(fields[1].0.pos, Pos { line: 3, column: 5 });
    }

    #[test]
    fn empty_text_is_null() {
        assert_eq!(parse("").unwrap().value, Value::Null);
        assert_eq!(parse("# only a comment\n").unwrap().value, Value::Null);
    }

    #[test]
    fn syntax_error_has_position() {
        let err = parse("a: [1, 2\nb: c\n").unwrap_err();
        assert!(err.pos.line >= 1, "{err:?}");
    }

    #[test]
    fn second_document_is_rejected() {
        let err = parse("a: 1\n---\nb: 2\n").unwrap_err();
        assert_eq!(err.pos.line, 2);
    }

    #[test]
    fn alias_bomb_hits_the_limit() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        let mut prev = 'a';
        for name in ['b', 'c', 'd', 'e', 'f', 'g'] {
            let _ = writeln!(
                text,
                "{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]"
            );
            prev = name;
        }
        let err = parse(&text).unwrap_err();
        assert!(err.message.contains("limit"), "{err:?}");
    }

    #[test]
    fn a_huge_flow_collection_is_refused_before_parsing() {
        let list = format!("a: 1\nb: [{}]\n", vec!["x"; MAX_FLOW_INDICATORS].join(","));
        let err = parse(&list).unwrap_err();
        assert_eq!(err.pos, Pos { line: 2, column: 4 }, "{err:?}");
        assert!(err.message.contains("flow collection"), "{err:?}");
        let nested = format!("- {}\n", "[x],".repeat(MAX_FLOW_INDICATORS / 2));
        assert!(parse(&format!("[{nested}]")).is_err());
        // At the limit (two brackets and the commas between the entries),
        // the collection is read.
        let at_limit = format!("b: [{}]\n", vec!["x"; MAX_FLOW_INDICATORS - 1].join(","));
        assert!(parse(&at_limit).is_ok());
    }

    #[test]
    fn brackets_in_text_are_not_flow_collections() {
        let commas = ",[{".repeat(MAX_FLOW_INDICATORS);
        for text in [
            format!("a: \"[{commas}\"\n"),
            format!("a: '[{commas}'\n"),
            format!("a: x [{commas}\n"),
            format!("a: 1 # [{commas}\n"),
            format!("a: |\n  [{commas}\n  - [{commas}\nb: 2\n"),
            format!("- >-\n    [{commas}\n- [\"{commas}\", '{commas}']\n"),
        ] {
            let node = parse(&text);
            assert!(node.is_ok(), "{:?}", node.err());
        }
    }

    #[test]
    fn deep_nesting_hits_the_limit() {
        let text = format!("{}{}", "[".repeat(200), "]".repeat(200));
        let err = parse(&text).unwrap_err();
        assert!(err.message.contains("nesting"), "{err:?}");
    }

    #[test]
    fn small_aliases_are_copied() {
        let doc = parse("a: &o Security\nb: *o\n").unwrap();
        let Value::Map(top) = &doc.value else {
            panic!("not a map")
        };
        assert_eq!(scalar(&top[1].1), "Security");
        assert_eq!(top[1].1.pos.line, 2);
    }
}
