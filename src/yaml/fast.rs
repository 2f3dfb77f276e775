//! A fast reader for the plain block YAML that comply files are written in.
//!
//! saphyr-parser reads any YAML, but it costs most of the time `comply
//! check` spends. This module reads the common subset byte by byte, borrows
//! scalars from the text, and builds exactly the tree, positions and
//! [`Cost`] that the general path ([`super::parse_events`]) builds for the
//! same text. Anything outside the subset, anything it is not sure of, every
//! syntax error and every limit overrun makes it answer `None`, and the
//! general path reads the text instead, so errors and their messages always
//! come from saphyr.
//!
//! The subset: block mappings and sequences by indentation (compact
//! `- key: value` mappings, sequences at their key's indentation), plain
//! scalars on one line, single- and double-quoted scalars on one line,
//! literal and folded block scalars, flow sequences of scalars on one line,
//! `{}`, comments, blank lines and a leading `---`. Not in it: tabs, carriage
//! returns, anchors, aliases, tags, complex keys, directives, a second
//! document, multi-line plain or quoted scalars, and keys that are not
//! one-line scalars.

use std::borrow::Cow;

use super::{
    Cost, MAX_DEPTH, MAX_ENTRIES, MAX_NODES, MAX_SCALAR_BYTES, MAX_VALUE_BYTES, Node, Pos, Value,
    check_flow_collections, is_null,
};

/// The tree and cost of `text` if it is in the subset this module reads,
/// identical to what [`super::parse_events`] gives; `None` otherwise.
pub(super) fn parse(text: &str) -> Option<(Node<'_>, Cost)> {
    if check_flow_collections(text).is_err() {
        return None;
    }
    let mut reader = Reader {
        text,
        b: text.as_bytes(),
        pos: 0,
        line: 1,
        line_start: 0,
        indent: 0,
        eof: false,
        cost: Cost::default(),
        column_mark: (0, 0, 0),
        entries: Vec::new(),
        items: Vec::new(),
    };
    let root = reader.document()?;
    if reader.cost.nodes > MAX_NODES || reader.cost.scalar_bytes > MAX_SCALAR_BYTES {
        return None;
    }
    Some((root, reader.cost))
}

/// Byte classes: a set bit stops the scan of a plain scalar.
const STOPS_BLOCK: u8 = 1;
/// Stops a plain scalar inside a flow sequence.
const STOPS_FLOW: u8 = 2;
/// Not allowed anywhere in the subset (control characters, tab, CR).
const REFUSED: u8 = 4;
/// Stops the scan of a line's text: its end, refused bytes, and bytes of
/// non-ASCII characters (to be looked at).
const ENDS_TEXT: u8 = 8;

/// The class of every byte.
static CLASS: [u8; 256] = classes();

const fn classes() -> [u8; 256] {
    let mut table = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let byte = c as u8;
        table[c] = match byte {
            b'\n' => STOPS_BLOCK | STOPS_FLOW | ENDS_TEXT,
            b':' | b'#' => STOPS_BLOCK | STOPS_FLOW,
            b',' | b'[' | b']' | b'{' | b'}' => STOPS_FLOW,
            0..=0x1f | 0x7f => STOPS_BLOCK | STOPS_FLOW | REFUSED | ENDS_TEXT,
            0x80.. => STOPS_BLOCK | STOPS_FLOW | ENDS_TEXT,
            _ => 0,
        };
        c += 1;
    }
    table
}

/// Whether the character starting at `b[i]` (a byte of 0x80 or more) is one
/// the subset leaves to saphyr: C1 controls (NEL among them), the line and
/// paragraph separators, the byte order mark and the non-characters
/// U+FFFE and U+FFFF.
fn refused_char(b: &[u8], i: usize) -> bool {
    match b[i] {
        0xC2 => matches!(b.get(i + 1), Some(0x80..=0x9F)),
        0xE2 => b.get(i + 1) == Some(&0x80) && matches!(b.get(i + 2), Some(0xA8 | 0xA9)),
        0xEF => matches!(
            (b.get(i + 1), b.get(i + 2)),
            (Some(0xBB), Some(0xBF)) | (Some(0xBF), Some(0xBE | 0xBF))
        ),
        _ => false,
    }
}

/// Whether a plain scalar may start with `c` here (the indicators may not;
/// `-`, `?` and `:` could before a non-space, but the subset declines them).
fn plain_start(c: u8) -> bool {
    CLASS[c as usize] & (STOPS_FLOW | REFUSED) == 0
        && !matches!(
            c,
            b' ' | b'-'
                | b'?'
                | b'|'
                | b'>'
                | b'\''
                | b'"'
                | b'%'
                | b'@'
                | b'`'
                | b'&'
                | b'*'
                | b'!'
        )
        || c >= 0x80
}

/// Longest implicit key, in bytes, the subset reads (saphyr refuses keys
/// over 1,024 characters).
const MAX_KEY_BYTES: usize = 1000;

/// What ended a plain scalar on its line.
#[derive(PartialEq)]
enum Stop {
    /// A `:` followed by a space or the end of the line: the scalar is a key.
    Colon,
    /// The end of the line or a comment.
    Line,
}

/// A scalar that may turn out to be a key.
enum Scanned<'a> {
    /// A key; the cursor is past its `:`, which sits at the position given.
    Key(Node<'a>, Pos),
    /// A value; the cursor is just past it.
    Value(Node<'a>),
}

/// The cursor over the text, one content line at a time.
struct Reader<'a> {
    text: &'a str,
    b: &'a [u8],
    /// The current byte.
    pos: usize,
    /// The current line, from 1.
    line: usize,
    /// Where the current line starts.
    line_start: usize,
    /// The indentation of the current content line.
    indent: usize,
    /// No content line is left.
    eof: bool,
    cost: Cost,
    /// The start of the line of the last byte whose column was counted, that
    /// byte, and its column from 0.
    column_mark: (usize, usize, usize),
    /// Entries of the mappings being read, innermost last.
    entries: Vec<(Node<'a>, Node<'a>)>,
    /// Items of the sequences being read, innermost last.
    items: Vec<Node<'a>>,
}

impl<'a> Reader<'a> {
    /// The position of byte `i` on the current line.
    fn pos_at(&mut self, i: usize) -> Pos {
        // Count from the last position asked for on this line, so that a
        // long line of many nodes costs no more than its length.
        let (line, mut from, mut column) = self.column_mark;
        if line != self.line_start || from > i {
            (from, column) = (self.line_start, 0);
        }
        let before = &self.b[from..i];
        column += if before.is_ascii() {
            before.len()
        } else {
            before.iter().filter(|c| (**c as i8) >= -0x40).count()
        };
        self.column_mark = (self.line_start, i, column);
        Pos {
            line: self.line,
            column: column + 1,
        }
    }

    /// Counts one node holding `bytes` of text.
    fn count(&mut self, bytes: usize) {
        self.cost.nodes += 1;
        self.cost.scalar_bytes += bytes;
    }

    /// The document: one block mapping or sequence, or nothing at all.
    fn document(&mut self) -> Option<Node<'a>> {
        self.settle(true)?;
        let started = !self.eof && self.indent == 0 && self.b[self.pos..].starts_with(b"---");
        if started {
            self.pos += 3;
            self.rest_of_line()?;
            self.next_line()?;
        }
        if self.eof {
            // Only comments and blank lines (an empty `---` document is
            // left to saphyr).
            return (!started).then_some(Node {
                pos: Pos { line: 1, column: 1 },
                value: Value::Null,
            });
        }
        let node = self.block_node(0)?;
        self.eof.then_some(node)
    }

    /// Moves from the start of a line to the next content line, over blank
    /// and comment lines; `first` allows a `---` there.
    fn settle(&mut self, first: bool) -> Option<()> {
        let b = self.b;
        loop {
            self.line_start = self.pos;
            let mut i = self.pos;
            while i < b.len() && b[i] == b' ' {
                i += 1;
            }
            if i == b.len() {
                self.pos = i;
                self.eof = true;
                return Some(());
            }
            match b[i] {
                b'\n' => {}
                b'#' => {
                    i = self.line_end(i)?;
                    if i == b.len() {
                        self.pos = i;
                        self.eof = true;
                        return Some(());
                    }
                }
                c if CLASS[c as usize] & REFUSED != 0 => return None,
                _ => {
                    self.indent = i - self.line_start;
                    self.pos = i;
                    let marker = self.indent == 0
                        && (b[i..].starts_with(b"---") || b[i..].starts_with(b"..."))
                        && matches!(b.get(i + 3), None | Some(b' ' | b'\n'));
                    return (!marker || (first && b[i] == b'-')).then_some(());
                }
            }
            self.pos = i + 1;
            self.line += 1;
        }
    }

    /// The end of the line from `i` (its `\n` or the end of the text),
    /// refusing characters outside the subset.
    fn line_end(&self, mut i: usize) -> Option<usize> {
        let b = self.b;
        loop {
            while i < b.len() && CLASS[b[i] as usize] & ENDS_TEXT == 0 {
                i += 1;
            }
            let Some(&c) = b.get(i) else { return Some(i) };
            if c == b'\n' {
                return Some(i);
            }
            if c < 0x80 || refused_char(b, i) {
                return None;
            }
            i += 1;
        }
    }

    /// Past the content of a line: only spaces and a comment may follow.
    fn rest_of_line(&mut self) -> Option<()> {
        let b = self.b;
        let mut i = self.pos;
        while i < b.len() && b[i] == b' ' {
            i += 1;
        }
        if i < b.len() && b[i] == b'#' && i > 0 && b[i - 1] == b' ' {
            i = self.line_end(i)?;
        }
        self.pos = i;
        (i == b.len() || b[i] == b'\n').then_some(())
    }

    /// From the end of a line (its `\n` or the end of the text) to the next
    /// content line.
    fn next_line(&mut self) -> Option<()> {
        if self.pos >= self.b.len() {
            self.eof = true;
            return Some(());
        }
        self.pos += 1;
        self.line += 1;
        self.settle(false)
    }

    /// After a value that ends its line: the next content line may not be
    /// deeper than the collection the value is in (saphyr would continue a
    /// plain scalar there, or refuse the text).
    fn end_value(&mut self, block_indent: usize) -> Option<()> {
        self.rest_of_line()?;
        self.next_line()?;
        (self.eof || self.indent <= block_indent).then_some(())
    }

    /// Whether the cursor is at a `-` that starts a sequence entry.
    fn at_entry(&self) -> bool {
        self.b[self.pos] == b'-' && matches!(self.b.get(self.pos + 1), None | Some(b' ' | b'\n'))
    }

    /// A block mapping or sequence starting at the cursor, indented by
    /// `self.indent`.
    fn block_node(&mut self, depth: usize) -> Option<Node<'a>> {
        let indent = self.indent;
        if self.at_entry() {
            return self.sequence(indent, false, depth);
        }
        match self.scalar(depth + 1, true)? {
            Scanned::Key(key, colon) => self.mapping(indent, key, colon, depth),
            Scanned::Value(_) => None,
        }
    }

    /// A block mapping at `indent` whose first key has been read.
    fn mapping(
        &mut self,
        indent: usize,
        first: Node<'a>,
        colon: Pos,
        depth: usize,
    ) -> Option<Node<'a>> {
        if depth > MAX_DEPTH {
            return None;
        }
        let pos = first.pos;
        let base = self.entries.len();
        let (mut key, mut colon) = (first, colon);
        loop {
            let value = self.map_value(indent, colon, depth + 1)?;
            self.entries.push((key, value));
            if self.entries.len() - base > MAX_ENTRIES {
                return None;
            }
            if self.eof || self.indent < indent {
                break;
            }
            if self.indent > indent || self.at_entry() {
                return None;
            }
            match self.scalar(depth + 1, true)? {
                Scanned::Key(k, c) => (key, colon) = (k, c),
                Scanned::Value(_) => return None,
            }
        }
        self.count(0);
        let entries = self.entries.drain(base..).collect();
        Some(Node {
            pos,
            value: Value::Map(entries),
        })
    }

    /// The value after a key's `:` in a mapping at `indent`.
    fn map_value(&mut self, indent: usize, colon: Pos, depth: usize) -> Option<Node<'a>> {
        let b = self.b;
        while self.pos < b.len() && b[self.pos] == b' ' {
            self.pos += 1;
        }
        if self.pos < b.len() && !matches!(b[self.pos], b'\n' | b'#') {
            return self.inline_value(indent, depth);
        }
        self.rest_of_line()?;
        self.next_line()?;
        if !self.eof && self.indent > indent {
            return self.block_node(depth);
        }
        if !self.eof && self.indent == indent && self.at_entry() {
            return self.sequence(indent, true, depth);
        }
        if depth > MAX_DEPTH {
            return None;
        }
        self.count(0);
        Some(Node {
            pos: colon,
            value: Value::Null,
        })
    }

    /// A block sequence whose first `-` is at the cursor, at `indent`;
    /// `indentless` when it is a mapping value at its key's indentation.
    fn sequence(&mut self, indent: usize, indentless: bool, depth: usize) -> Option<Node<'a>> {
        if depth > MAX_DEPTH {
            return None;
        }
        let b = self.b;
        let mut pos = self.pos_at(self.pos);
        let base = self.items.len();
        loop {
            // Past the `-` and the spaces after it.
            self.pos += 1;
            while self.pos < b.len() && b[self.pos] == b' ' {
                self.pos += 1;
            }
            if self.pos == b.len() || matches!(b[self.pos], b'\n' | b'#') {
                return None;
            }
            if indentless && self.items.len() == base {
                pos = self.pos_at(self.pos);
            }
            let item = if self.at_entry() {
                return None;
            } else if matches!(b[self.pos], b'"' | b'\'') || plain_start(b[self.pos]) {
                let column = self.pos - self.line_start;
                // A key is one level deeper than a value here; the
                // shallower value is declined at that depth too.
                match self.scalar(depth + 2, true)? {
                    Scanned::Key(key, colon) => self.mapping(column, key, colon, depth + 1)?,
                    Scanned::Value(node) => {
                        self.end_value(indent)?;
                        node
                    }
                }
            } else {
                self.inline_value(indent, depth + 1)?
            };
            self.items.push(item);
            if self.items.len() - base > MAX_ENTRIES {
                return None;
            }
            if self.eof || self.indent < indent {
                break;
            }
            if self.indent > indent {
                return None;
            }
            if !self.at_entry() {
                if indentless {
                    break;
                }
                return None;
            }
        }
        self.count(0);
        let items = self.items.drain(base..).collect();
        Some(Node {
            pos,
            value: Value::Seq(items),
        })
    }

    /// A value starting on the current line, in a collection at
    /// `block_indent`; the cursor ends on the next content line.
    fn inline_value(&mut self, block_indent: usize, depth: usize) -> Option<Node<'a>> {
        if depth > MAX_DEPTH {
            return None;
        }
        let node = match self.b[self.pos] {
            b'|' | b'>' => return self.block_scalar(block_indent),
            b'[' | b'{' => self.flow_collection(depth)?,
            _ => match self.scalar(depth, false)? {
                Scanned::Value(node) => node,
                Scanned::Key(..) => return None,
            },
        };
        self.end_value(block_indent)?;
        Some(node)
    }

    /// A plain or quoted scalar on the current line; with `key_allowed`, a
    /// `:` after it makes it a key.
    fn scalar(&mut self, depth: usize, key_allowed: bool) -> Option<Scanned<'a>> {
        if depth > MAX_DEPTH {
            return None;
        }
        let start = self.pos;
        let pos = self.pos_at(start);
        let (value, bytes) = match self.b[start] {
            q @ (b'"' | b'\'') => {
                let text = self.quoted(q)?;
                let bytes = text.len();
                let b = self.b;
                if b.get(self.pos) == Some(&b':')
                    && matches!(b.get(self.pos + 1), None | Some(b' ' | b'\n'))
                {
                    if !key_allowed || self.pos - start > MAX_KEY_BYTES {
                        return None;
                    }
                    let colon = self.pos_at(self.pos);
                    self.pos += 1;
                    self.count(bytes);
                    let node = Node {
                        pos,
                        value: Value::Scalar(text),
                    };
                    return Some(Scanned::Key(node, colon));
                }
                (Value::Scalar(text), bytes)
            }
            c if plain_start(c) => {
                let (end, stop, after) = self.plain_block(start)?;
                let text = &self.text[start..end];
                let value = if is_null(text) {
                    Value::Null
                } else {
                    Value::Scalar(Cow::Borrowed(text))
                };
                if stop == Stop::Colon {
                    if !key_allowed || after - start > MAX_KEY_BYTES {
                        return None;
                    }
                    let colon = self.pos_at(after);
                    self.pos = after + 1;
                    self.count(text.len());
                    return Some(Scanned::Key(Node { pos, value }, colon));
                }
                self.pos = end;
                (value, text.len())
            }
            _ => return None,
        };
        if bytes > MAX_VALUE_BYTES {
            return None;
        }
        self.count(bytes);
        Some(Scanned::Value(Node { pos, value }))
    }

    /// Scans a plain scalar in block context from `start`: where its text
    /// ends (trailing spaces trimmed), what stopped it, and where.
    fn plain_block(&self, start: usize) -> Option<(usize, Stop, usize)> {
        let b = self.b;
        let mut i = start;
        let stop = loop {
            while i < b.len() && CLASS[b[i] as usize] & STOPS_BLOCK == 0 {
                i += 1;
            }
            if i == b.len() {
                break Stop::Line;
            }
            match b[i] {
                b'\n' => break Stop::Line,
                b':' if matches!(b.get(i + 1), None | Some(b' ' | b'\n')) => break Stop::Colon,
                b'#' if b[i - 1] == b' ' => break Stop::Line,
                b':' | b'#' => {}
                c if c >= 0x80 && !refused_char(b, i) => {}
                _ => return None,
            }
            i += 1;
        };
        let mut end = i;
        while end > start && b[end - 1] == b' ' {
            end -= 1;
        }
        Some((end, stop, i))
    }

    /// A quoted scalar on one line starting at the cursor (quote `q`); the
    /// cursor ends past the closing quote.
    fn quoted(&mut self, q: u8) -> Option<Cow<'a, str>> {
        let b = self.b;
        let start = self.pos + 1;
        let mut i = start;
        let mut escaped = false;
        loop {
            let c = *b.get(i)?;
            if c == q {
                if q == b'\'' && b.get(i + 1) == Some(&b'\'') {
                    escaped = true;
                    i += 2;
                    continue;
                }
                break;
            }
            if c == b'\\' && q == b'"' {
                // An escaped line break continues the scalar on the next
                // line: not in the subset.
                let next = *b.get(i + 1)?;
                if next == b'\n' || CLASS[next as usize] & REFUSED != 0 {
                    return None;
                }
                escaped = true;
                i += 2;
                continue;
            }
            if CLASS[c as usize] & REFUSED != 0 || c == b'\n' || (c >= 0x80 && refused_char(b, i)) {
                return None;
            }
            i += 1;
        }
        self.pos = i + 1;
        let raw = &self.text[start..i];
        if !escaped {
            return Some(Cow::Borrowed(raw));
        }
        if q == b'\'' {
            return Some(Cow::Owned(raw.replace("''", "'")));
        }
        unescape(raw).map(Cow::Owned)
    }

    /// A flow sequence or mapping on one line (`[a, "b", [c]]`,
    /// `{ id: x, title: "y" }`), the cursor at its bracket.
    fn flow_collection(&mut self, depth: usize) -> Option<Node<'a>> {
        if depth > MAX_DEPTH {
            return None;
        }
        let b = self.b;
        let pos = self.pos_at(self.pos);
        let mapping = b[self.pos] == b'{';
        let close = if mapping { b'}' } else { b']' };
        let (items, entries) = (self.items.len(), self.entries.len());
        self.pos += 1;
        self.skip_spaces();
        if b.get(self.pos) == Some(&close) {
            self.pos += 1;
        } else {
            loop {
                if mapping {
                    let (key, colon) = self.flow_scalar(depth + 1)?;
                    if !colon
                        || b.get(self.pos) != Some(&b':')
                        || b.get(self.pos + 1) != Some(&b' ')
                    {
                        return None;
                    }
                    self.pos += 1;
                    self.skip_spaces();
                    let value = self.flow_node(depth + 1)?;
                    self.entries.push((key, value));
                } else {
                    let item = self.flow_node(depth + 1)?;
                    self.items.push(item);
                }
                if self.items.len() - items > MAX_ENTRIES
                    || self.entries.len() - entries > MAX_ENTRIES
                {
                    return None;
                }
                self.skip_spaces();
                match b.get(self.pos) {
                    Some(b',') => {
                        self.pos += 1;
                        self.skip_spaces();
                        if b.get(self.pos) == Some(&close) {
                            // A trailing comma: left to saphyr.
                            return None;
                        }
                    }
                    Some(c) if *c == close => {
                        self.pos += 1;
                        break;
                    }
                    _ => return None,
                }
            }
        }
        self.count(0);
        let value = if mapping {
            Value::Map(self.entries.drain(entries..).collect())
        } else {
            Value::Seq(self.items.drain(items..).collect())
        };
        Some(Node { pos, value })
    }

    /// A value inside a flow collection: a scalar or a nested collection,
    /// never followed by a `:`.
    fn flow_node(&mut self, depth: usize) -> Option<Node<'a>> {
        if matches!(self.b.get(self.pos), Some(b'[' | b'{')) {
            return self.flow_collection(depth);
        }
        let (node, colon) = self.flow_scalar(depth)?;
        (!colon).then_some(node)
    }

    /// A plain or quoted scalar inside a flow collection, and whether a `:`
    /// that makes it a key follows (the cursor is then at the `:`).
    fn flow_scalar(&mut self, depth: usize) -> Option<(Node<'a>, bool)> {
        if depth > MAX_DEPTH {
            return None;
        }
        let b = self.b;
        let start = self.pos;
        let pos = self.pos_at(start);
        let c = *b.get(start)?;
        let (value, bytes, colon) = if c == b'"' || c == b'\'' {
            let text = self.quoted(c)?;
            let bytes = text.len();
            (Value::Scalar(text), bytes, b.get(self.pos) == Some(&b':'))
        } else if plain_start(c) {
            let mut i = start;
            let colon = loop {
                let Some(&c) = b.get(i) else { break false };
                if c == b'-'
                    && b[i - 1] == b' '
                    && matches!(b.get(i + 1), Some(b',' | b'[' | b']' | b'{' | b'}'))
                {
                    // saphyr refuses a word of a flow scalar that starts
                    // with `-` and a flow indicator.
                    return None;
                }
                if CLASS[c as usize] & STOPS_FLOW == 0 || (c >= 0x80 && !refused_char(b, i)) {
                    i += 1;
                } else if c == b':' {
                    let next = b.get(i + 1).map_or(0, |n| CLASS[*n as usize]);
                    if next & STOPS_FLOW != 0 || b.get(i + 1) == Some(&b' ') {
                        break true;
                    }
                    i += 1;
                } else {
                    break false;
                }
            };
            if i == start {
                return None;
            }
            self.pos = i;
            let mut end = i;
            while b[end - 1] == b' ' {
                end -= 1;
            }
            if colon && i - start > MAX_KEY_BYTES {
                return None;
            }
            let text = &self.text[start..end];
            let value = if is_null(text) {
                Value::Null
            } else {
                Value::Scalar(Cow::Borrowed(text))
            };
            (value, text.len(), colon)
        } else {
            return None;
        };
        if bytes > MAX_VALUE_BYTES {
            return None;
        }
        self.count(bytes);
        Some((Node { pos, value }, colon))
    }

    fn skip_spaces(&mut self) {
        while self.pos < self.b.len() && self.b[self.pos] == b' ' {
            self.pos += 1;
        }
    }

    /// A literal (`|`) or folded (`>`) block scalar whose indicator is at
    /// the cursor, in a collection at `block_indent`; the cursor ends on the
    /// next content line. Follows saphyr's `scan_block_scalar`.
    fn block_scalar(&mut self, block_indent: usize) -> Option<Node<'a>> {
        let b = self.b;
        let literal = b[self.pos] == b'|';
        self.pos += 1;
        let mut chomp = b'c';
        let mut increment = 0;
        for _ in 0..2 {
            match b.get(self.pos) {
                Some(c @ (b'-' | b'+')) if chomp == b'c' => chomp = *c,
                Some(c @ b'1'..=b'9') if increment == 0 => increment = (c - b'0') as usize,
                _ => break,
            }
            self.pos += 1;
        }
        if !matches!(b.get(self.pos), None | Some(b' ' | b'\n')) {
            return None;
        }
        self.rest_of_line()?;
        if self.pos >= b.len() {
            return None;
        }
        self.pos += 1;
        self.line += 1;
        self.line_start = self.pos;

        // Leading empty lines; the indentation of the content.
        let mut trailing_breaks = 0usize;
        let indent = if increment > 0 {
            let indent = block_indent + increment;
            self.skip_indent(indent, &mut trailing_breaks);
            indent
        } else {
            let mut max_indent = 0;
            loop {
                let col = self.spaces();
                max_indent = max_indent.max(col);
                if b.get(self.pos) != Some(&b'\n') {
                    break;
                }
                self.break_line(&mut trailing_breaks);
            }
            max_indent.max(block_indent + 1)
        };
        let mut col = self.pos - self.line_start;
        if self.pos >= b.len() || col < indent {
            // No content line: left to saphyr.
            return None;
        }
        let pos = self.pos_at(self.pos);
        let mut string = String::new();
        let mut leading_break = false;
        let mut leading_blank = false;
        while col == indent && self.pos < b.len() && b[self.pos] != b'\n' {
            let trailing_blank = b[self.pos] == b' ';
            if !literal && leading_break && !leading_blank && !trailing_blank {
                if trailing_breaks == 0 {
                    string.push(' ');
                }
            } else if leading_break {
                string.push('\n');
            }
            push_breaks(&mut string, trailing_breaks);
            leading_break = false;
            trailing_breaks = 0;
            leading_blank = trailing_blank;
            let end = self.line_end(self.pos)?;
            string.push_str(&self.text[self.pos..end]);
            self.pos = end;
            if end == b.len() {
                break;
            }
            leading_break = true;
            self.pos += 1;
            self.line += 1;
            self.line_start = self.pos;
            self.skip_indent(indent, &mut trailing_breaks);
            col = self.pos - self.line_start;
        }
        if chomp != b'-' {
            if leading_break {
                string.push('\n');
            }
            if self.pos == b.len() && col >= indent.max(1) {
                string.push('\n');
            }
        }
        if chomp == b'+' {
            push_breaks(&mut string, trailing_breaks);
        }
        if string.len() > MAX_VALUE_BYTES {
            return None;
        }
        self.count(string.len());
        let node = Node {
            pos,
            value: Value::Scalar(Cow::Owned(string)),
        };
        // The cursor is at the end of the text, or on the first line after
        // the scalar, past up to `indent` spaces: back to that line's start.
        if self.pos >= b.len() {
            self.eof = true;
        } else {
            self.pos = self.line_start;
            self.settle(false)?;
        }
        (self.eof || self.indent <= block_indent).then_some(node)
    }

    /// Skips the spaces at the cursor; how many there were.
    fn spaces(&mut self) -> usize {
        let start = self.pos;
        self.skip_spaces();
        self.pos - start
    }

    /// Past a `\n` at the cursor, counting it.
    fn break_line(&mut self, breaks: &mut usize) {
        *breaks += 1;
        self.pos += 1;
        self.line += 1;
        self.line_start = self.pos;
    }

    /// Skips up to `indent` spaces of each empty line, counting the lines.
    fn skip_indent(&mut self, indent: usize, breaks: &mut usize) {
        let b = self.b;
        loop {
            while self.pos - self.line_start < indent && b.get(self.pos) == Some(&b' ') {
                self.pos += 1;
            }
            if b.get(self.pos) != Some(&b'\n') {
                return;
            }
            self.break_line(breaks);
        }
    }
}

/// Appends `n` line breaks.
fn push_breaks(string: &mut String, n: usize) {
    string.extend(std::iter::repeat_n('\n', n));
}

/// The text of a double-quoted scalar with its escapes resolved, as saphyr
/// resolves them; `None` for an escape it would refuse.
fn unescape(raw: &str) -> Option<String> {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let escape = chars.next()?;
        let digits = match escape {
            'x' => 2,
            'u' => 4,
            'U' => 8,
            _ => {
                out.push(simple_escape(escape)?);
                continue;
            }
        };
        let mut value = 0u32;
        for _ in 0..digits {
            value = (value << 4) + chars.next()?.to_digit(16)?;
        }
        out.push(char::from_u32(value)?);
    }
    Some(out)
}

/// The character a one-letter escape (`\n`, `\"`, ...) stands for.
fn simple_escape(c: char) -> Option<char> {
    Some(match c {
        '0' => '\0',
        'a' => '\x07',
        'b' => '\x08',
        't' => '\t',
        'n' => '\n',
        'v' => '\x0b',
        'f' => '\x0c',
        'r' => '\r',
        'e' => '\x1b',
        ' ' => ' ',
        '"' => '"',
        '/' => '/',
        '\\' => '\\',
        'N' => '\u{85}',
        '_' => '\u{a0}',
        'L' => '\u{2028}',
        'P' => '\u{2029}',
        _ => return None,
    })
}
