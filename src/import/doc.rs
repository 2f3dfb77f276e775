//! A Markdown page read structurally by pulldown-cmark into the few block
//! kinds the importer looks at: headings, tables, lists and paragraphs, each
//! with its line number.

use pulldown_cmark::{Event, MetadataBlockKind, Options, Parser, Tag, TagEnd};

/// Inline content of a table cell, list item or heading.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Inline {
    /// All text, markup removed, whitespace collapsed.
    pub(crate) text: String,
    /// The contents of code spans, in order.
    pub(crate) code: Vec<String>,
    /// Link texts and destinations, in order.
    pub(crate) links: Vec<(String, String)>,
    /// The text of a leading `**Strong**` run, if the content starts with one.
    pub(crate) lead_strong: Option<String>,
    /// `~~Struck-through~~` parts, left out of `text`.
    pub(crate) struck: Vec<String>,
}

/// One item of a list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ListItem {
    /// Line of the item, from 1.
    pub(crate) line: usize,
    /// `Some(true)` for `- [x]`, `Some(false)` for `- [ ]`, else `None`.
    pub(crate) checked: Option<bool>,
    /// The item's own content (nested lists excluded).
    pub(crate) inline: Inline,
    /// Nested items.
    pub(crate) children: Vec<ListItem>,
}

/// One table row.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct TableRow {
    /// Line of the row.
    pub(crate) line: usize,
    /// Its cells.
    pub(crate) cells: Vec<Inline>,
}

/// A block the importer recognises.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Block {
    /// `#` to `######`.
    Heading {
        /// 1 to 6.
        level: usize,
        /// The heading's content.
        inline: Inline,
        /// Line.
        line: usize,
    },
    /// A GFM table.
    Table {
        /// Header cells.
        header: TableRow,
        /// Body rows.
        rows: Vec<TableRow>,
    },
    /// A bullet or numbered list (top level).
    List {
        /// Its items.
        items: Vec<ListItem>,
    },
    /// A block of raw HTML (`<table>...`), which is not read.
    Html {
        /// Its first line.
        line: usize,
        /// Its first tag, for the note (`<table>`).
        tag: String,
    },
    /// A paragraph.
    Paragraph {
        /// Its content.
        inline: Inline,
        /// Its lines, each with its own leading `**Strong**` run
        /// (`**Status:** Done` then `**Owner:** Ops` in one paragraph).
        lines: Vec<Inline>,
        /// Line.
        line: usize,
    },
}

/// A parsed page.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Document {
    /// The YAML front matter's text, if any.
    pub(crate) front_matter: Option<String>,
    /// Line where the front matter starts.
    pub(crate) front_matter_line: usize,
    /// The blocks, in order.
    pub(crate) blocks: Vec<Block>,
}

/// Parses `text` (already repaired) into a [`Document`].
pub(crate) fn parse(text: &str) -> Document {
    let lines = LineIndex::new(text);
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_STRIKETHROUGH;
    let mut doc = Document::default();
    let mut builder = Builder::default();
    for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
        let line = lines.line(range.start);
        builder.event(event, line, &mut doc);
    }
    doc
}

/// Maps byte offsets to line numbers.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset)
    }
}

/// Where inline content is being collected.
#[derive(Default)]
struct Builder {
    inline: Option<Inline>,
    inline_line: usize,
    strong_depth: usize,
    strong_text: Option<String>,
    at_start: bool,
    link: Option<(String, String)>,
    in_code: bool,
    struck: Option<String>,
    html: Option<(usize, String)>,
    metadata: bool,
    heading: Option<usize>,
    table: Option<(TableRow, Vec<TableRow>)>,
    in_head: bool,
    row: Option<TableRow>,
    lists: Vec<Vec<ListItem>>,
    items: Vec<ListItem>,
    paragraph: Option<(usize, Vec<(usize, Inline)>)>,
}

impl Builder {
    fn event(&mut self, event: Event<'_>, line: usize, doc: &mut Document) {
        match event {
            Event::Start(Tag::MetadataBlock(MetadataBlockKind::YamlStyle)) => {
                self.metadata = true;
                doc.front_matter_line = line;
            }
            Event::End(TagEnd::MetadataBlock(_)) => self.metadata = false,
            Event::Text(t) if self.metadata => {
                doc.front_matter
                    .get_or_insert_with(String::new)
                    .push_str(&t);
            }
            Event::Start(Tag::Heading { level, .. }) => {
                self.heading = Some(level as usize);
                self.begin_inline(line);
            }
            Event::End(TagEnd::Heading(_)) => {
                let inline = self.end_inline();
                if let Some(level) = self.heading.take() {
                    doc.blocks.push(Block::Heading {
                        level,
                        inline,
                        line: self.inline_line,
                    });
                }
            }
            Event::Start(Tag::Paragraph) if self.items.is_empty() && self.table.is_none() => {
                self.paragraph = Some((line, Vec::new()));
                self.begin_inline(line);
            }
            Event::End(TagEnd::Paragraph) if self.items.is_empty() && self.table.is_none() => {
                let last = self.end_inline();
                let (first_line, mut lines) = self.paragraph.take().unwrap_or_default();
                lines.push((self.inline_line, last));
                let lines: Vec<Inline> = lines.into_iter().map(|(_, l)| l).collect();
                let inline = Inline {
                    text: collapse(
                        &lines
                            .iter()
                            .map(|l| l.text.as_str())
                            .collect::<Vec<_>>()
                            .join(" "),
                    ),
                    code: lines.iter().flat_map(|l| l.code.clone()).collect(),
                    links: lines.iter().flat_map(|l| l.links.clone()).collect(),
                    lead_strong: lines.first().and_then(|l| l.lead_strong.clone()),
                    struck: lines.iter().flat_map(|l| l.struck.clone()).collect(),
                };
                doc.blocks.push(Block::Paragraph {
                    inline,
                    lines,
                    line: first_line,
                });
            }
            Event::SoftBreak | Event::HardBreak
                if self.paragraph.is_some() && self.strong_depth == 0 && self.link.is_none() =>
            {
                let done = self.end_inline();
                let at = self.inline_line;
                if let Some((_, lines)) = &mut self.paragraph {
                    lines.push((at, done));
                }
                self.begin_inline(line + 1);
            }
            Event::Start(Tag::Table(_)) => self.table = Some((TableRow::default(), Vec::new())),
            Event::End(TagEnd::Table) => {
                if let Some((header, rows)) = self.table.take() {
                    doc.blocks.push(Block::Table { header, rows });
                }
            }
            Event::Start(Tag::TableHead) => {
                self.in_head = true;
                self.row = Some(TableRow {
                    line,
                    cells: Vec::new(),
                });
            }
            Event::Start(Tag::TableRow) => {
                self.row = Some(TableRow {
                    line,
                    cells: Vec::new(),
                });
            }
            Event::End(TagEnd::TableHead | TagEnd::TableRow) => {
                let row = self.row.take().unwrap_or_default();
                if let Some((header, rows)) = &mut self.table {
                    if self.in_head {
                        *header = row;
                    } else {
                        rows.push(row);
                    }
                }
                self.in_head = false;
            }
            Event::Start(Tag::TableCell) => self.begin_inline(line),
            Event::End(TagEnd::TableCell) => {
                let cell = self.end_inline();
                if let Some(row) = &mut self.row {
                    row.cells.push(cell);
                }
            }
            Event::Start(Tag::List(_)) => {
                self.flush_item_inline();
                self.lists.push(Vec::new());
            }
            Event::End(TagEnd::List(_)) => {
                let items = self.lists.pop().unwrap_or_default();
                match self.items.last_mut() {
                    Some(parent) => parent.children.extend(items),
                    None => doc.blocks.push(Block::List { items }),
                }
            }
            Event::Start(Tag::Item) => {
                self.items.push(ListItem {
                    line,
                    ..ListItem::default()
                });
                self.begin_inline(line);
            }
            Event::End(TagEnd::Item) => {
                self.flush_item_inline();
                if let Some(item) = self.items.pop()
                    && let Some(list) = self.lists.last_mut()
                {
                    list.push(item);
                }
            }
            Event::TaskListMarker(checked) => {
                if let Some(item) = self.items.last_mut() {
                    item.checked = Some(checked);
                }
            }
            Event::Start(Tag::Strong) => {
                if self.at_start && self.strong_depth == 0 {
                    self.strong_text = Some(String::new());
                }
                self.strong_depth += 1;
            }
            Event::End(TagEnd::Strong) => {
                self.strong_depth = self.strong_depth.saturating_sub(1);
                if self.strong_depth == 0
                    && let (Some(inline), Some(strong)) =
                        (&mut self.inline, self.strong_text.take())
                    && inline.lead_strong.is_none()
                {
                    inline.lead_strong = Some(collapse(&strong));
                }
            }
            Event::Start(Tag::HtmlBlock) => self.html = Some((line, String::new())),
            Event::Html(html) => {
                if let Some((_, text)) = &mut self.html {
                    text.push_str(&html);
                }
            }
            Event::End(TagEnd::HtmlBlock) => {
                if let Some((at, text)) = self.html.take() {
                    let trimmed = text.trim();
                    if !trimmed.is_empty() && !trimmed.starts_with("<!--") {
                        let tag: String = trimmed
                            .chars()
                            .take_while(|c| *c != '>' && !c.is_whitespace())
                            .chain(std::iter::once('>'))
                            .collect();
                        doc.blocks.push(Block::Html { line: at, tag });
                    }
                }
            }
            // `<evidence/charter.pdf>`: a path in angle brackets, which
            // CommonMark reads as HTML (an autolink needs a scheme).
            Event::InlineHtml(html) => {
                let inner = html.trim().trim_start_matches('<').trim_end_matches('>');
                if !inner.is_empty()
                    && !inner.contains(char::is_whitespace)
                    && inner.contains(['/', '.'])
                    && !inner.starts_with('/')
                    && let Some(inline) = &mut self.inline
                {
                    inline.links.push((inner.to_string(), inner.to_string()));
                    inline.text.push_str(inner);
                    self.at_start = false;
                }
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                self.link = Some((String::new(), dest_url.to_string()));
            }
            Event::End(TagEnd::Image) => {
                if let (Some(link), Some(inline)) = (self.link.take(), &mut self.inline) {
                    inline.links.push((collapse(&link.0), link.1));
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                self.link = Some((String::new(), dest_url.to_string()));
            }
            Event::End(TagEnd::Link) => {
                if let (Some(link), Some(inline)) = (self.link.take(), &mut self.inline) {
                    inline.links.push((collapse(&link.0), link.1));
                }
            }
            Event::Code(code) => {
                self.text(&code);
                if let Some(inline) = &mut self.inline {
                    inline.code.push(code.to_string());
                }
            }
            Event::Text(t) => self.text(&t),
            Event::SoftBreak | Event::HardBreak => self.text(" "),
            Event::Start(Tag::Strikethrough) => self.struck = Some(String::new()),
            Event::End(TagEnd::Strikethrough) => {
                if let (Some(struck), Some(inline)) = (self.struck.take(), &mut self.inline) {
                    inline.struck.push(collapse(&struck));
                    inline.text.push(' ');
                }
            }
            Event::Start(Tag::CodeBlock(_)) => self.in_code = true,
            Event::End(TagEnd::CodeBlock) => self.in_code = false,
            _ => {}
        }
    }

    fn begin_inline(&mut self, line: usize) {
        self.inline = Some(Inline::default());
        self.inline_line = line;
        self.at_start = true;
    }

    fn end_inline(&mut self) -> Inline {
        let mut inline = self.inline.take().unwrap_or_default();
        inline.text = collapse(&inline.text);
        inline
    }

    /// Moves the collected text into the innermost list item (before a
    /// nested list starts, and when the item ends).
    fn flush_item_inline(&mut self) {
        if self.items.is_empty() || self.inline.is_none() {
            return;
        }
        let inline = self.end_inline();
        if let Some(item) = self.items.last_mut()
            && item.inline == Inline::default()
        {
            item.inline = inline;
        }
    }

    fn text(&mut self, text: &str) {
        if self.in_code || self.metadata {
            return;
        }
        if let Some(struck) = &mut self.struck {
            struck.push_str(text);
            return;
        }
        if let Some(inline) = &mut self.inline {
            inline.text.push_str(text);
        }
        if let Some(strong) = &mut self.strong_text {
            strong.push_str(text);
        }
        if let Some(link) = &mut self.link {
            link.0.push_str(text);
        }
        if !text.trim().is_empty() && self.strong_depth == 0 {
            self.at_start = false;
        }
    }
}

/// Collapses runs of whitespace to one space and trims.
pub(crate) fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_tables_lists_and_lines() {
        let doc = parse(
            "---\ntitle: T\n---\n\n# Title\n\n| A | B |\n|---|---|\n| `x` | [l](d) |\n\n- [x] done (Owner: O)\n- **Risk**: High\n  - nested\n",
        );
        assert_eq!(doc.front_matter.as_deref(), Some("title: T\n"));
        let Block::Table { header, rows } = &doc.blocks[1] else {
            panic!("{:?}", doc.blocks)
        };
        assert_eq!(header.cells[1].text, "B");
        assert_eq!(rows[0].line, 9);
        assert_eq!(rows[0].cells[0].code, ["x"]);
        assert_eq!(rows[0].cells[1].links, [("l".to_string(), "d".to_string())]);
        let Block::List { items } = &doc.blocks[2] else {
            panic!("{:?}", doc.blocks)
        };
        assert_eq!(items[0].checked, Some(true));
        assert_eq!(items[0].line, 11);
        assert_eq!(items[1].inline.lead_strong.as_deref(), Some("Risk"));
        assert_eq!(items[1].inline.text, "Risk: High");
        assert_eq!(items[1].children[0].inline.text, "nested");
    }
}
