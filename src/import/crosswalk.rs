//! A crosswalk in CSV (`source,target,relation`, RFC 4180) to mappings
//! files: one [`MappingsFile`] per pair of frameworks. Pure: text in,
//! files or the problems with their line numbers out.

use std::collections::BTreeMap;

use crate::diag::suggest;
use crate::format::{MappingEntry, MappingsFile, Spanned};
use crate::model::{ControlKey, Relation, Word};
use crate::yaml::MAX_ENTRIES;

/// The mappings files of `text`, by source and target framework; or every
/// problem, each naming its line. `name` is the file's name, for the files'
/// description.
pub(crate) fn mappings(text: &str, name: &str) -> Result<Vec<MappingsFile>, Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut columns = [0, 1, 2];
    let mut files: BTreeMap<(String, String), Vec<MappingEntry>> = BTreeMap::new();
    let mut seen: BTreeMap<(ControlKey, ControlKey), u64> = BTreeMap::new();
    let mut problems = Vec::new();
    let mut lines = Lines::default();
    for (row, record) in reader.records().enumerate() {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                let line = e.position().map_or(0, |p| lines.at(text, p.byte()));
                problems.push(format!("line {line}: not valid CSV: {e}"));
                continue;
            }
        };
        // The reader skips blank lines without counting them; the line is
        // found from where the record starts.
        let line = record.position().map_or(0, |p| lines.at(text, p.byte()));
        if record.iter().all(str::is_empty) {
            continue;
        }
        if record.len() == 1
            && let Some(separator) = [';', '\t', '|']
                .into_iter()
                .find(|c| record[0].contains(*c))
        {
            // The whole file is, most likely: one problem says it.
            return Err(vec![format!(
                "line {line}: one column only; the columns look separated by `{}`, and comply \
                 reads comma-separated CSV (`source,target,relation`)",
                separator.escape_default()
            )]);
        }
        if row == 0
            && let Some(found) = header(&record)
        {
            columns = found;
            continue;
        }
        let cell = |at: usize| record.get(columns[at]).unwrap_or_default();
        match entry(cell(0), cell(1), cell(2)) {
            Ok((source, target, relation)) => {
                if let Some(first) = seen.get(&(source.clone(), target.clone())) {
                    problems.push(format!(
                        "line {line}: `{source}` onto `{target}` is already mapped on line {first}"
                    ));
                    continue;
                }
                seen.insert((source.clone(), target.clone()), line);
                files
                    .entry((source.framework, target.framework))
                    .or_default()
                    .push(MappingEntry {
                        source: Spanned::from(source.id),
                        target: Spanned::from(target.id),
                        relation,
                    });
            }
            Err(why) => problems.push(format!("line {line}: {why}")),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    if files.is_empty() {
        return Err(vec!["holds no mappings".to_string()]);
    }
    let count = seen.len();
    if count > MAX_ENTRIES {
        return Err(vec![format!(
            "holds {count} mappings; comply reads at most {MAX_ENTRIES} in one file, and one \
             import writes at most that many (split the crosswalk into several imports, each \
             within the limit and the repository's)"
        )]);
    }
    Ok(files
        .into_iter()
        .map(|((source, target), mappings)| MappingsFile {
            source: Spanned::from(source),
            target: Spanned::from(target),
            description: Some(format!("Imported from {name}")),
            mappings,
        })
        .collect())
}

/// Line numbers of byte offsets met in increasing order, counted once
/// (records come in file order).
#[derive(Default)]
struct Lines {
    /// The last offset asked for and the newlines before it.
    at: usize,
    newlines: u64,
}

impl Lines {
    /// The line (from 1) of byte `offset` of `text`, skipping the line ends
    /// a record's position may start with (blank lines before it).
    fn at(&mut self, text: &str, offset: u64) -> u64 {
        let bytes = text.as_bytes();
        let mut end = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(bytes.len());
        while bytes.get(end).is_some_and(|b| *b == b'\n' || *b == b'\r') {
            end += 1;
        }
        if end < self.at {
            self.at = 0;
            self.newlines = 0;
        }
        let counted = bytes.get(self.at..end).unwrap_or_default();
        self.newlines += counted.iter().filter(|b| **b == b'\n').count() as u64;
        self.at = end;
        self.newlines + 1
    }
}

/// The columns of `source`, `target` and `relation` when `record` is a
/// header naming all three (in any order and case).
fn header(record: &csv::StringRecord) -> Option<[usize; 3]> {
    let find = |word: &str| record.iter().position(|c| c.eq_ignore_ascii_case(word));
    Some([find("source")?, find("target")?, find("relation")?])
}

/// One row read: both ends as `framework:id`, and a known relation.
fn entry(
    source: &str,
    target: &str,
    relation: &str,
) -> Result<(ControlKey, ControlKey, Relation), String> {
    let end = |text: &str, what: &str| {
        let key = ControlKey::parse(text)
            .filter(|k| crate::format::valid_framework(&k.framework) && valid_id(&k.id));
        key.ok_or_else(|| {
            format!("{what} `{text}` is not `framework:control` (for example `iso27001:A.8.15`)")
        })
    };
    let source = end(source, "source")?;
    let target = end(target, "target")?;
    if source == target {
        return Err(format!("`{source}` is mapped onto itself"));
    }
    let relation = relation
        .to_ascii_lowercase()
        .parse::<Relation>()
        .map_err(|()| {
            let words = Relation::WORDS;
            match suggest(&relation.to_ascii_lowercase(), words) {
                Some(s) => format!("relation `{relation}` is not known; did you mean `{s}`?"),
                None => format!("relation `{relation}` is not one of: {}", words.join(", ")),
            }
        })?;
    Ok((source, target, relation))
}

/// A control id: not empty, no whitespace, `:` or control character.
fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && !id
            .chars()
            .any(|c| c.is_whitespace() || c == ':' || c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_in_any_order_and_problems_with_lines() {
        let files = mappings(
            "Relation,Source,Target\nequal,common:LOG,iso27001:A.8.15\n\"superset\",common:LOG,soc2:CC7.2\n",
            "x.csv",
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(files.len(), 2);
        assert_eq!(files[0].target.value, "iso27001");
        assert_eq!(files[1].mappings[0].relation, Relation::Superset);
        let problems = mappings(
            "common:LOG,iso27001:A.8.15,equals\nLOG,iso27001:A.8.15,equal\ncommon:A,soc2:B,equal\ncommon:A,soc2:B,subset\n",
            "x.csv",
        )
        .err()
        .unwrap_or_default();
        assert_eq!(
            problems,
            [
                "line 1: relation `equals` is not known; did you mean `equal`?",
                "line 2: source `LOG` is not `framework:control` (for example `iso27001:A.8.15`)",
                "line 4: `common:A` onto `soc2:B` is already mapped on line 3",
            ]
        );
    }
}
