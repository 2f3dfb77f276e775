//! The fast reader against saphyr's events: for every text here, the fast
//! reader either declines or builds exactly the same tree, positions and
//! cost. The texts are the repository's own YAML, the benchmark
//! generator's shapes, seeded random documents over a hostile alphabet, and
//! random edits of real files.

use std::fmt::Write as _;
use std::path::Path;

use super::{fast, fast_path_agrees, parse_events};

/// Fails with both readings when the fast reader disagrees with saphyr.
fn check(text: &str) {
    assert!(
        fast_path_agrees(text),
        "the fast reader disagrees with saphyr on {text:?}\nfast: {:#?}\nsaphyr: {:#?}",
        fast::parse(text),
        parse_events(text)
    );
}

/// A seeded xorshift generator: the same cases on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True `percent` times in a hundred.
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'s>(&mut self, from: &[&'s str]) -> &'s str {
        from[self.below(from.len())]
    }
}

/// Every YAML file of the repository: the worked example, the `init`
/// templates, settings and CI files, and test fixtures.
fn repository_files() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in [
        "controls",
        "backlog",
        "reviews",
        "exceptions",
        "mappings",
        "evidence",
        "src/init",
        "tests",
        "benches",
        "ci",
    ] {
        for entry in walkdir::WalkDir::new(root.join(dir)).sort_by_file_name() {
            let entry = entry.unwrap_or_else(|e| panic!("{e}"));
            let path = entry.path();
            if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml")
            ) {
                let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{e}"));
                files.push((path.display().to_string(), text));
            }
        }
    }
    for name in [
        "comply.yaml",
        "action.yml",
        "comply.gitlab-ci.yml",
        ".pre-commit-hooks.yaml",
    ] {
        let text = std::fs::read_to_string(root.join(name)).unwrap_or_else(|e| panic!("{e}"));
        files.push((name.to_string(), text));
    }
    files
}

/// Whether `name` is a comply file (not a CI or hook definition).
fn is_comply_file(name: &str) -> bool {
    [
        "controls/",
        "backlog/",
        "reviews/",
        "exceptions/",
        "mappings/",
        "src/init/",
    ]
    .iter()
    .any(|dir| name.contains(dir))
        || name == "comply.yaml"
}

#[test]
fn repository_files_read_the_same_and_comply_files_take_the_fast_path() {
    let files = repository_files();
    assert!(files.len() > 20, "{}", files.len());
    for (name, text) in &files {
        check(text);
        if is_comply_file(name) {
            assert!(
                fast::parse(text).is_some(),
                "{name} is not read by the fast reader"
            );
        }
    }
}

/// A backlog file and a control matrix in the shapes the benchmark
/// generator (`examples/gen.rs`) writes.
fn generated_shapes(rng: &mut Rng, items: usize) -> [String; 2] {
    let mut backlog = String::from("framework: fw1\nitems:\n");
    let mut matrix = String::from("framework: fw1\nname: Framework 1\ncontrols:\n");
    for n in 0..items {
        let status = rng.pick(&["open", "in-progress", "blocked", "done", "planned"]);
        let _ = write!(
            backlog,
            "  - id: ITEM-{n:06}\n    title: Remediate finding {n} from the yearly review\n    controls: [C{:05}]\n    risk: {}\n    owner: Security & Platform\n    due: 2025-{:02}-17\n    status: {status}\n",
            rng.below(2000),
            rng.pick(&["low", "medium", "high", "critical"]),
            1 + rng.below(12),
        );
        if status == "done" {
            backlog.push_str("    done: 2025-03-04\n");
        }
        let _ = write!(
            backlog,
            "    summary: >-\n      Close the gap found in review {n}: document the procedure, assign an\n      owner and keep the evidence current.\n    evidence:\n      - path: evidence/e{:03}/file-{n:06}.md\n        note: Signed record\n",
            n / 500
        );
        let _ = write!(
            matrix,
            "  - id: C{n:05}\n    title: Control {n} of framework 1\n    status: {status}\n    severity: high\n    owner: Engineering\n"
        );
        if n % 4 == 0 {
            let _ = writeln!(matrix, "    evidence: [evidence/e000/file-{n:06}.md]");
        }
    }
    [backlog, matrix]
}

#[test]
fn generated_shapes_take_the_fast_path() {
    let mut rng = Rng(0x5eed);
    for items in [1, 2, 7, 40] {
        for text in generated_shapes(&mut rng, items) {
            check(&text);
            assert!(fast::parse(&text).is_some(), "{text}");
        }
    }
}

/// Fragments of scalars, chosen to hit every rule of the plain, quoted and
/// block styles.
const FRAGMENTS: &[&str] = &[
    "a",
    "id",
    "x y",
    "5.10",
    "2025-01-02",
    "~",
    "null",
    "Null",
    "NULL",
    "",
    ": ",
    ":",
    " :",
    ":x",
    " #",
    "#",
    "x#y",
    "-",
    "- ",
    "--",
    "---",
    "...",
    "'",
    "\"",
    "''",
    "\\\"",
    "\\",
    "\\n",
    "\\t",
    "\\x41",
    "\\u00e9",
    "\\U0001F600",
    "\\q",
    "\\ud800",
    "[",
    "]",
    "{",
    "}",
    "{}",
    "[]",
    ",",
    ", ",
    "&a",
    "*a",
    "!t",
    "|",
    ">",
    "|-",
    ">+",
    "%",
    "@",
    "`",
    "?",
    "? ",
    "\t",
    " ",
    "  ",
    "é",
    "日本語",
    "😀",
    "\u{85}",
    "\u{feff}",
    "\u{2028}",
    "\r",
    "true",
    "0x1F",
    "+1",
    ".5",
    "=",
];

/// Fragments of ordinary scalars, with the characters that are fine
/// inside them.
const TAME: &[&str] = &[
    "a",
    "id",
    "x y",
    "5.10",
    "2025-01-02",
    "Control 12",
    "é",
    "日本語",
    "~",
    "null",
    "x-y",
    "a:b",
    "a#b",
    "it's",
    "(s8)",
    "A.5.1",
    "   ",
    "ü ü",
];

/// A random document writer: `nasty` is the percentage of choices that
/// come from the hostile alphabet or bend the structure.
struct Gen {
    rng: Rng,
    nasty: usize,
}

impl Gen {
    fn fragment(&mut self) -> &'static str {
        if self.rng.chance(self.nasty) {
            self.rng.pick(FRAGMENTS)
        } else {
            self.rng.pick(TAME)
        }
    }

    /// True `percent` times in a hundred, scaled by how nasty the document
    /// is.
    fn bent(&mut self, percent: usize) -> bool {
        self.rng.below(100 * 100) < percent * self.nasty
    }
}

/// A scalar of one to four fragments, sometimes quoted.
fn scalar(g: &mut Gen) -> String {
    let mut text = String::new();
    for _ in 0..1 + g.rng.below(4) {
        text.push_str(g.fragment());
    }
    match g.rng.below(10) {
        0 => format!("'{text}'"),
        1 => format!("\"{text}\""),
        2 => format!("'{}'", text.replace('\'', "''")),
        3 => format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\"")),
        _ => text,
    }
}

/// A key: mostly a plain word, sometimes anything a scalar can be.
fn key(g: &mut Gen) -> String {
    if g.rng.chance(80) {
        g.rng
            .pick(&[
                "id", "title", "a", "b", "owner", "due", "x y", "null", "é", "日本", "5.10",
            ])
            .to_string()
    } else {
        scalar(g)
    }
}

/// Spaces for `indent`, now and then one more or one fewer.
fn indentation(g: &mut Gen, indent: usize) -> String {
    let indent = if g.bent(5) {
        [indent + 1, indent.saturating_sub(1)][g.rng.below(2)]
    } else {
        indent
    };
    " ".repeat(indent)
}

/// Maybe a comment, a blank line or a line of spaces between lines.
fn filler(g: &mut Gen, out: &mut String) {
    match g.rng.below(12) {
        0 => out.push('\n'),
        1 => {
            let spaces = " ".repeat(g.rng.below(6));
            let _ = writeln!(out, "{spaces}# {}", g.fragment());
        }
        2 => {
            let _ = writeln!(out, "{}", " ".repeat(g.rng.below(6)));
        }
        _ => {}
    }
}

/// What follows `: ` or `- ` on a line, and the lines it owns, for a node
/// inside a collection at `indent`.
fn value(g: &mut Gen, out: &mut String, indent: usize, depth: usize) {
    match g.rng.below(14) {
        0 | 1 if depth < 5 => {
            // A nested collection on the next lines.
            if g.rng.chance(20) {
                let _ = write!(out, " # {}", g.fragment());
            }
            out.push('\n');
            filler(g, out);
            let step = [1, 2, 2, 2, 3, 4][g.rng.below(6)];
            collection(g, out, indent + step, depth + 1);
        }
        2 if depth < 5 => {
            // A sequence at its key's indentation (only valid after a key).
            out.push('\n');
            sequence(g, out, indent, depth + 1);
        }
        3 => {
            out.push('\n');
        }
        4 => {
            let _ = writeln!(out, " # {}", scalar(g));
        }
        5 | 6 => block_scalar(g, out, indent),
        7 => {
            let items: Vec<String> = (0..g.rng.below(4))
                .map(|_| match g.rng.below(8) {
                    0 => "[x, y]".to_string(),
                    1 => format!("{{a: {}}}", scalar(g)),
                    _ => scalar(g),
                })
                .collect();
            let _ = writeln!(out, " [{}]", items.join(g.rng.pick(&[", ", ",", " , "])));
        }
        8 => {
            let entries: Vec<String> = (0..g.rng.below(4))
                .map(|_| format!("{}: {}", key(g), scalar(g)))
                .collect();
            let _ = writeln!(out, " {{{}}}{}", entries.join(", "), trailing(g));
        }
        _ => {
            let _ = writeln!(out, " {}{}", scalar(g), trailing(g));
        }
    }
}

/// What may end a line after a value.
fn trailing(g: &mut Gen) -> String {
    match g.rng.below(8) {
        0 => format!(" # {}", g.fragment()),
        1 => "   ".to_string(),
        2 if g.bent(100) => g.fragment().to_string(),
        _ => String::new(),
    }
}

/// A literal or folded block scalar with random header and content lines.
fn block_scalar(g: &mut Gen, out: &mut String, indent: usize) {
    let style = g.rng.pick(&["|", ">"]);
    let header = if g.bent(20) {
        g.rng.pick(&["0", "--", "x", "#c", "2 x"])
    } else {
        g.rng.pick(&["", "-", "+", "1", "2", "-2", "2+", " # c"])
    };
    let _ = writeln!(out, " {style}{header}");
    let content = indent + 1 + g.rng.below(3);
    for _ in 0..g.rng.below(5) {
        let extra = match g.rng.below(6) {
            0 => 1 + g.rng.below(2),
            _ => 0,
        };
        match g.rng.below(6) {
            0 => out.push('\n'),
            1 => {
                let _ = writeln!(out, "{}", " ".repeat(g.rng.below(content + 3)));
            }
            _ => {
                let _ = writeln!(out, "{}{}", " ".repeat(content + extra), scalar(g));
            }
        }
    }
}

/// A block mapping or sequence at `indent`.
fn collection(g: &mut Gen, out: &mut String, indent: usize, depth: usize) {
    if g.rng.chance(60) {
        mapping(g, out, indent, depth);
    } else {
        sequence(g, out, indent, depth);
    }
}

fn mapping(g: &mut Gen, out: &mut String, indent: usize, depth: usize) {
    for n in 0..1 + g.rng.below(4) {
        if n > 0 {
            out.push_str(&indentation(g, indent));
        }
        let _ = write!(out, "{}:", key(g));
        value(g, out, indent, depth);
        filler(g, out);
    }
}

fn sequence(g: &mut Gen, out: &mut String, indent: usize, depth: usize) {
    for _ in 0..1 + g.rng.below(4) {
        let gap = " ".repeat(1 + usize::from(g.rng.chance(10)) * g.rng.below(3));
        let _ = write!(out, "{}-", indentation(g, indent));
        if g.rng.chance(35) && depth < 5 {
            // A compact mapping: `- key: value`, its other keys below.
            out.push_str(&gap);
            let inner = indent + 1 + gap.len();
            let _ = write!(out, "{}:", key(g));
            value(g, out, inner, depth + 1);
            for _ in 0..g.rng.below(3) {
                let _ = write!(out, "{}{}:", indentation(g, inner), key(g));
                value(g, out, inner, depth + 1);
            }
        } else if g.rng.chance(5) {
            out.push('\n');
        } else {
            value(g, out, indent, depth);
        }
        filler(g, out);
    }
}

/// A random document: a leading comment or `---` now and then, a root
/// collection, and sometimes no trailing line break.
fn document(g: &mut Gen) -> String {
    let mut out = String::new();
    if g.rng.chance(10) {
        out.push_str("# leading comment\n");
    }
    if g.rng.chance(10) {
        out.push_str(g.rng.pick(&["---\n", "--- # c\n", "---  \n"]));
    }
    if g.bent(10) {
        out.push_str(
            g.rng
                .pick(&["--- a\n", "...\n", "%YAML 1.2\n---\n", "\u{feff}"]),
        );
    }
    let indent = usize::from(g.rng.chance(10)) * g.rng.below(3);
    out.push_str(&" ".repeat(indent));
    collection(g, &mut out, indent, 0);
    if g.rng.chance(10) {
        out.pop();
    }
    if g.bent(3) {
        out.push_str(g.rng.pick(&["---\nb: 1\n", "...\n", "\t\n", "# end"]));
    }
    out
}

/// How many random documents to check; `COMPLY_YAML_CASES` asks for more.
fn cases(default: usize) -> usize {
    std::env::var("COMPLY_YAML_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

/// The generator's seed: `seed`, or another one from `COMPLY_YAML_SEED`
/// (never zero, which xorshift cannot leave).
fn seed(seed: u64) -> Rng {
    let seed = std::env::var("COMPLY_YAML_SEED")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(seed);
    Rng(seed.max(1))
}

#[test]
fn random_documents_read_the_same() {
    let mut g = Gen {
        rng: seed(0x9E37_79B9_7F4A_7C15),
        nasty: 0,
    };
    let total = cases(30_000);
    let mut accepted = 0;
    for _ in 0..total {
        g.nasty = [0, 2, 10, 30, 100][g.rng.below(5)];
        let text = document(&mut g);
        check(&text);
        accepted += usize::from(fast::parse(&text).is_some());
    }
    // The generator must reach the fast reader, not only saphyr.
    assert!(
        accepted * 5 > total,
        "{accepted} of {total} taken by the fast reader"
    );
}

/// Edits that break or bend YAML.
const EDITS: &[&str] = &[
    ": ", ":", "\t", "#", " #", "'", "\"", "-", "- ", " ", "  ", "\n", "|", ">", "[", "]", "{",
    "}", ",", "é", "\r", "&", "*", "!", "?", "~", "\\",
];

/// `text` with one random edit: a character deleted or inserted, a line
/// dropped, doubled, or indented differently.
fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut at = rng.below(text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let (before, after) = text.split_at(at);
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line_end = after.find('\n').map_or(text.len(), |i| at + i + 1);
    match rng.below(6) {
        0 => {
            let mut rest = after.chars();
            rest.next();
            format!("{before}{}", rest.as_str())
        }
        1 | 2 => format!("{before}{}{after}", rng.pick(EDITS)),
        3 => format!("{}{}", &text[..line_start], &text[line_end..]),
        4 => format!("{}{}", &text[..line_end], &text[line_start..]),
        _ => {
            let line = &text[line_start..line_end];
            let line = if rng.chance(50) {
                format!("{}{line}", " ".repeat(1 + rng.below(2)))
            } else {
                line.strip_prefix(' ').unwrap_or(line).to_string()
            };
            format!("{}{line}{}", &text[..line_start], &text[line_end..])
        }
    }
}

/// Up to `lines` lines of `text` from a random line on.
fn window(rng: &mut Rng, text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.split_inclusive('\n').collect();
    let start = rng.below(all.len().max(1));
    all.iter().skip(start).take(lines).copied().collect()
}

#[test]
fn edited_real_files_read_the_same() {
    let mut rng = seed(0xC0FF_EE00_D15E_A5E5);
    let mut sources: Vec<String> = repository_files()
        .into_iter()
        .filter(|(name, _)| is_comply_file(name))
        .map(|(_, text)| text)
        .collect();
    sources.extend(generated_shapes(&mut rng, 3));
    let total = cases(30_000) / 2;
    for n in 0..total {
        let source = &sources[n % sources.len()];
        let lines = 12 + rng.below(30);
        let text = window(&mut rng, source, lines);
        let mut text = mutate(&mut rng, &text);
        if rng.chance(30) {
            text = mutate(&mut rng, &text);
        }
        check(&text);
    }
}

#[test]
fn hand_picked_shapes_read_the_same() {
    for text in [
        "",
        "\n\n",
        "# c\n",
        "   \n",
        "---\n",
        "--- # c\na: 1\n",
        "---\n- a\n",
        "a: 1\n...\n",
        "  a: 1\n  b: 2\n",
        "a:\n- x\n- y\nb: 2\n",
        "a:\n  - x\n  -   y\n",
        "- a: 1\n  b:\n  - x\n- c\n",
        "a: |\n  x\n\n  y\n\n\nb: 1\n",
        "a: >\n  x\n  y\n\n  z\n   more\n  w\n",
        "a: |+\n  x\n\n",
        "a: >-\n  x\n  y",
        "a: |2\n   x\n  y\n",
        "- |1\n  x\n",
        "a: |\n  x\n  ",
        "a: \"x\\ty\\u00e9\\\"\"\nb: 'it''s'\n",
        "a: [x, 'y', \"z\", ~, null]\nb: []\nc: {}\n",
        "- [a, b]\n- [c]\n",
        "\"k\": 1\n'j': 2\n",
        "é: ü\nü: [é, ü]\n- x\n",
        "日本: 語 # c\nb: 日本: x\n",
        "a: b\n  c\n",
        "a: b\n# c\n  d: e\n",
        "a:\n  b\n",
        "a: b # c\n  d\n",
        "a: 'x\n  y'\n",
        "a: x\tb\n",
        "a: x\r\nb: y\r\n",
        "\u{feff}a: 1\n",
        "a: &x 1\nb: *x\n",
    ] {
        check(text);
    }
}

#[test]
fn limits_read_the_same_on_both_sides_of_the_line() {
    use super::{MAX_DEPTH, MAX_ENTRIES, MAX_VALUE_BYTES};
    let mut texts = Vec::new();
    for depth in [MAX_DEPTH - 2, MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1] {
        let mut nested = String::new();
        for level in 0..depth {
            let _ = writeln!(nested, "{}k{level}:", " ".repeat(level));
        }
        let _ = writeln!(nested, "{}last: x", " ".repeat(depth));
        texts.push(nested);
        texts.push(format!("a: {}x{}\n", "[".repeat(depth), "]".repeat(depth)));
        texts.push(format!(
            "- {}x{}\n",
            "{a: ".repeat(depth),
            "}".repeat(depth)
        ));
    }
    for bytes in [MAX_VALUE_BYTES, MAX_VALUE_BYTES + 1] {
        texts.push(format!("a: {}\n", "x".repeat(bytes)));
        texts.push(format!("a: |\n  {}\n", "x".repeat(bytes - 1)));
    }
    for bytes in [990, 1000, 1001, 1030] {
        texts.push(format!("{}: x\n", "k".repeat(bytes)));
        texts.push(format!("- \"{}\": x\n", "k".repeat(bytes)));
    }
    for entries in [MAX_ENTRIES, MAX_ENTRIES + 1] {
        texts.push("- x\n".repeat(entries));
    }
    // One line of a hundred thousand nodes (no more than linear work).
    let long = format!("a: [{}x]\n", "é, ".repeat(super::MAX_FLOW_INDICATORS - 2));
    assert!(fast::parse(&long).is_some());
    texts.push(long);
    for text in &texts {
        check(text);
    }
    // The limits are reached by the fast reader, not only declined early.
    assert!(fast::parse(&texts[0]).is_some());
    assert!(fast::parse(&"- x\n".repeat(MAX_ENTRIES)).is_some());
}
