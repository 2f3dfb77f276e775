//! Cross-file checks on a decoded repository: ids, references, done dates.
//!
//! Pure: takes the model, returns diagnostics. Per-field problems are found
//! earlier, in `decode`.

use std::cell::{OnceCell, RefCell};
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use crate::acceptance::{Targets, Unresolved};
use crate::crosswalk::Crosswalk;
use crate::diag::{Code, Diagnostic, Location, suggest};
use crate::evidence::{Lexical, lexical};
use crate::model::{ItemStatus, Reference, Repository, Source};

/// Every cross-file problem in `repo`.
///
/// When some file could not be read at all (`complete` is false), references
/// are not checked: what they point at may sit in the unreadable file, and
/// one syntax error would otherwise bury itself under dozens of false
/// "does not exist" errors.
pub(crate) fn check(repo: &Repository, complete: bool) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let index = Index::new(repo, &mut out);
    if complete {
        index.references(repo, &mut out);
        mappings(repo, &mut out);
    }
    for item in &repo.items {
        match (item.status, item.done) {
            (ItemStatus::Done, None) => out.push(
                Diagnostic::error(
                    Code::DoneDate,
                    at(&item.source),
                    format!("item `{}` is done but has no `done` date", item.id),
                )
                .with_hint("add `done: YYYY-MM-DD`"),
            ),
            (status, Some(_)) if status != ItemStatus::Done => out.push(Diagnostic::warning(
                Code::DoneDate,
                at(&item.source),
                format!(
                    "item `{}` has a `done` date but its status is `{status}`",
                    item.id
                ),
            )),
            _ => {}
        }
    }
    for exception in &repo.exceptions {
        let days = (exception.expires - exception.approved_on).num_days();
        let limit = repo.config.max_exception_days;
        if days < 0 {
            out.push(Diagnostic::error(
                Code::BadDate,
                at(&exception.source),
                format!(
                    "risk acceptance of `{}` expires before it was approved",
                    exception.target.id
                ),
            ));
        } else if days > i64::from(limit) {
            out.push(
                Diagnostic::error(
                    Code::BadDate,
                    at(&exception.source),
                    format!(
                        "risk acceptance of `{}` runs {days} days, over the limit of {limit} days",
                        exception.target.id
                    ),
                )
                .with_hint(
                    "accept risks for a year at most, or raise `max_exception_days` in comply.yaml",
                ),
            );
        }
    }
    owners(repo, &mut out);
    for evidence in repo.evidence() {
        if let Lexical::Outside(why) = lexical(&evidence.path) {
            out.push(Diagnostic::warning(
                Code::BadValue,
                at(&evidence.source),
                format!(
                    "evidence `{}` is outside the repository ({why}); comply will not read it",
                    evidence.path
                ),
            ));
        }
        if evidence.pattern.is_none() && evidence.path.contains(crate::format::PERIOD) {
            out.push(Diagnostic::warning(
                Code::BadValue,
                at(&evidence.source),
                format!(
                    "evidence `{}` holds `{}`, which only a `pattern` fills in; write \
                     `pattern:` for one file per period",
                    evidence.path,
                    crate::format::PERIOD
                ),
            ));
        }
    }
    out.extend(audit_fields_without_periods(repo));
    out
}

/// Warnings for `pattern` and `covers` where no audit grid reads them: on
/// a backlog item, or a control without a cadence (or not applicable).
fn audit_fields_without_periods(repo: &Repository) -> Vec<Diagnostic> {
    let items = repo.items.iter().map(|i| (&i.evidence, "a backlog item"));
    let controls = repo
        .frameworks
        .iter()
        .flat_map(|f| &f.controls)
        .filter(|c| c.cadence.is_none() || !c.applicable)
        .map(|c| {
            (
                &c.evidence,
                "a control without a cadence (or not applicable)",
            )
        });
    let mut out = Vec::new();
    for (list, whose) in items.chain(controls) {
        for evidence in list {
            let field = match (&evidence.pattern, &evidence.covers) {
                (Some(_), _) => "pattern",
                (None, Some(_)) => "covers",
                (None, None) => continue,
            };
            out.push(Diagnostic::warning(
                Code::BadValue,
                at(&evidence.source),
                format!(
                    "`{field}` on the evidence of {whose} has no periods to fill: only \
                     reviews and controls with a cadence are cut into audit periods"
                ),
            ));
        }
    }
    out
}

impl Index<'_> {
    /// Checks every reference between controls, items, reviews, frameworks
    /// and risk acceptances.
    fn references(&self, repo: &Repository, out: &mut Vec<Diagnostic>) {
        for review in &repo.reviews {
            if let Some(framework) = &review.framework
                && !self.controls.contains_key(framework.as_str())
            {
                out.push(unknown(
                    &review.source,
                    format!(
                        "review `{}` names unknown framework `{framework}`",
                        review.id
                    ),
                    self.hint(&review.source, framework, &self.candidates().frameworks),
                ));
            }
        }
        if let Some(targets) = Targets::for_acceptances(repo) {
            for exception in &repo.exceptions {
                let target = exception.target.id.as_str();
                match targets.resolve(target) {
                    Ok(_) => {}
                    Err(Unresolved::Unknown) => out.push(unknown(
                        &exception.target.source,
                        format!(
                            "risk acceptance names `{target}`, which is no item id, review id, \
                             control id (bare or `framework:id`) or evidence path written in an entry"
                        ),
                        None,
                    )),
                    Err(Unresolved::Ambiguous(names)) => out.push(
                        Diagnostic::error(
                            Code::UnknownReference,
                            at(&exception.target.source),
                            format!(
                                "risk acceptance names `{target}`, which names several things: {}",
                                names.join(", ")
                            ),
                        )
                        .with_hint(
                            "write `framework:id` for a control; an item or review sharing a \
                             control's id cannot be accepted by its bare id",
                        ),
                    ),
                }
            }
        }
        for framework in &repo.frameworks {
            for control in &framework.controls {
                for reference in &control.backlog {
                    self.item_reference(reference, out);
                }
                for reference in control.maps_to.iter().chain(&control.satisfies) {
                    self.mapping(reference, out);
                }
            }
        }
        for mapping in &repo.mappings {
            for end in [&mapping.source, &mapping.target] {
                let reference = Reference {
                    id: end.to_string(),
                    source: mapping.at.clone(),
                };
                self.mapping(&reference, out);
            }
        }
        for item in &repo.items {
            if !self.controls.contains_key(item.framework.as_str()) {
                out.push(unknown(
                    &item.source,
                    format!(
                        "item `{}` names unknown framework `{}`",
                        item.id, item.framework
                    ),
                    self.hint(&item.source, &item.framework, &self.candidates().frameworks),
                ));
            }
            for reference in &item.controls {
                self.control_reference(&item.framework, reference, out);
            }
        }
    }
}

/// Checks what follows from the mappings: no control satisfies itself
/// through a cycle, a mapping onto a control that does not apply is a
/// warning, and an applicable control without a status needs some
/// applicable control that satisfies it.
fn mappings(repo: &Repository, out: &mut Vec<Diagnostic>) {
    let crosswalk = Crosswalk::new(repo);
    for cycle in crosswalk.cycles() {
        let ring: Vec<String> = cycle
            .controls
            .iter()
            .chain(cycle.controls.first())
            .map(ToString::to_string)
            .collect();
        out.push(
            Diagnostic::error(
                Code::MappingCycle,
                at(&cycle.closing.at),
                format!(
                    "control `{}` satisfies itself through a cycle: {}",
                    cycle
                        .controls
                        .first()
                        .map(ToString::to_string)
                        .unwrap_or_default(),
                    ring.join(" -> ")
                ),
            )
            .with_hint("remove one of these mappings; a control cannot prove itself"),
        );
    }
    if let Some(mapping) = crosswalk.over_limit() {
        out.push(
            Diagnostic::error(
                Code::TooLarge,
                at(&mapping.at),
                format!(
                    "following the mappings onto `{}` passes more than {} links of evidence \
                     and items between controls, the limit",
                    mapping.target,
                    crate::crosswalk::MAX_INHERITED
                ),
            )
            .with_hint(
                "shorten chains of mappings, or map the shared controls onto targets directly",
            ),
        );
    }
    for (first, again) in crosswalk.repeated() {
        let first_at = format!(
            "{}:{}:{}",
            first.at.file, first.at.pos.line, first.at.pos.column
        );
        out.push(if first.relation == again.relation {
            Diagnostic::warning(
                Code::Mapping,
                at(&again.at),
                format!(
                    "`{}` is mapped onto `{}` again (first at {first_at}); it counts once",
                    again.source, again.target
                ),
            )
            .with_hint("remove the repeated mapping")
        } else {
            Diagnostic::error(
                Code::Mapping,
                at(&again.at),
                format!(
                    "`{}` is mapped onto `{}` as `{}` here and as `{}` at {first_at}; one pair \
                     of controls has one relation",
                    again.source, again.target, again.relation, first.relation
                ),
            )
            .with_hint("keep the mapping whose relation is right and remove the other")
        });
    }
    for mapping in crosswalk.onto_not_applicable() {
        out.push(Diagnostic::warning(
            Code::Mapping,
            at(&mapping.at),
            format!(
                "`{}` is mapped onto `{}`, which is not applicable; the mapping has no effect",
                mapping.source, mapping.target
            ),
        ));
    }
    for framework in &repo.frameworks {
        for control in &framework.controls {
            if control.applicable
                && control.status.is_none()
                && !crosswalk.is_satisfied(&framework.id, &control.id)
            {
                out.push(
                    Diagnostic::error(
                        Code::MissingField,
                        at(&control.source),
                        format!(
                            "control `{}` has no `status` and no applicable control satisfies it",
                            control.id
                        ),
                    )
                    .with_hint(
                        "write its `status`, or map a control onto it with `satisfies:` or \
                         a file under mappings/",
                    ),
                );
            }
        }
    }
}

/// Warns on owners that `owners` in comply.yaml does not declare (by name or
/// team), when it declares any.
fn owners(repo: &Repository, out: &mut Vec<Diagnostic>) {
    let declared = &repo.config.owners;
    if declared.is_empty() {
        return;
    }
    let mut names: Vec<&str> = declared
        .iter()
        .flat_map(|o| std::iter::once(o.name.as_str()).chain(o.team.as_deref()))
        .collect();
    names.sort_unstable();
    names.dedup();
    // Looked up once per owner, whatever the number declared.
    // Compared in NFC without regard to ASCII case, as ids are.
    let key = |name: &str| crate::decode::nfc(name.to_string()).to_ascii_lowercase();
    let known: HashSet<String> = names.iter().map(|n| key(n)).collect();
    let mut hints = Hints::default();
    let controls = repo
        .frameworks
        .iter()
        .flat_map(|f| &f.controls)
        .map(|c| (&c.owner, &c.source));
    let items = repo.items.iter().map(|i| (&i.owner, &i.source));
    let reviews = repo.reviews.iter().map(|r| (&r.owner, &r.source));
    for (owner, source) in controls.chain(items).chain(reviews) {
        let Some(owner) = owner else { continue };
        let undeclared: Vec<&str> = crate::model::owner_names(owner)
            .into_iter()
            .filter(|part| !known.contains(&key(part)))
            .collect();
        for part in undeclared {
            let mut d = Diagnostic::warning(
                Code::UnknownReference,
                at(source),
                format!("owner `{part}` is not declared in `owners` in comply.yaml"),
            );
            if let Some(s) = hints.suggest(source, part, &names) {
                d = d.with_hint(format!("did you mean `{s}`?"));
            }
            out.push(d);
        }
    }
}

/// "Did you mean" is worked out for the first few unknown names of each
/// file only: a file of 20,000 bad references costs three searches, not
/// 20,000.
const HINTS_PER_FILE: usize = 3;

/// Most "did you mean" searches in one run, over every file: each costs a
/// pass over the candidates, so their number must not grow with the input.
const HINTS_PER_RUN: usize = 200;

/// How many "did you mean" searches each file, and the run, have had.
#[derive(Default)]
struct Hints {
    per_file: HashMap<Arc<str>, usize>,
    total: usize,
}

impl Hints {
    /// The closest of `candidates` to `word`, while `source`'s file has
    /// searches left.
    fn suggest<'c>(
        &mut self,
        source: &Source,
        word: &str,
        candidates: &[&'c str],
    ) -> Option<&'c str> {
        let used = self.per_file.entry(Arc::clone(&source.file)).or_default();
        if *used >= HINTS_PER_FILE || self.total >= HINTS_PER_RUN {
            return None;
        }
        *used += 1;
        self.total += 1;
        suggest(word, candidates)
    }
}

/// Ids defined in the repository, for reference checks.
struct Index<'r> {
    /// Control ids per framework id.
    controls: BTreeMap<&'r str, HashMap<&'r str, &'r Source>>,
    /// Item ids.
    items: HashMap<&'r str, &'r Source>,
    /// The same ids, sorted, as "did you mean" candidates: sorted the first
    /// time a name is not found (a valid estate never needs them).
    candidates: OnceCell<Candidates<'r>>,
    hints: RefCell<Hints>,
}

/// Sorted id lists for "did you mean", built once.
struct Candidates<'r> {
    frameworks: Vec<&'r str>,
    controls: BTreeMap<&'r str, Vec<&'r str>>,
    items: Vec<&'r str>,
}

impl<'r> Candidates<'r> {
    fn new(
        controls: &BTreeMap<&'r str, HashMap<&'r str, &'r Source>>,
        items: &HashMap<&'r str, &'r Source>,
    ) -> Candidates<'r> {
        let sorted = |ids: &HashMap<&'r str, &'r Source>| {
            let mut ids: Vec<&'r str> = ids.keys().copied().collect();
            ids.sort_unstable();
            ids
        };
        Candidates {
            frameworks: controls.keys().copied().collect(),
            controls: controls
                .iter()
                .map(|(fw, ids)| (*fw, sorted(ids)))
                .collect(),
            items: sorted(items),
        }
    }
}

impl<'r> Index<'r> {
    /// Indexes ids, reporting malformed and duplicate ones.
    fn new(repo: &'r Repository, out: &mut Vec<Diagnostic>) -> Index<'r> {
        let mut frameworks: HashMap<String, &Source> = HashMap::new();
        let mut controls: BTreeMap<&str, HashMap<&str, &Source>> = BTreeMap::new();
        for framework in &repo.frameworks {
            check_id("framework", &framework.id, &framework.source, out);
            unique(
                &mut frameworks,
                "framework",
                &framework.id,
                &framework.source,
                out,
            );
            let mut seen = HashMap::with_capacity(framework.controls.len());
            let ids = controls.entry(framework.id.as_str()).or_default();
            ids.reserve(framework.controls.len());
            for control in &framework.controls {
                check_id("control", &control.id, &control.source, out);
                unique(&mut seen, "control", &control.id, &control.source, out);
                ids.insert(control.id.as_str(), &control.source);
            }
        }
        // Sized once: growing a table of half a million ids rehashes it
        // again and again, each time out of cache.
        let mut seen = HashMap::with_capacity(repo.items.len() + repo.reviews.len());
        let mut items = HashMap::with_capacity(repo.items.len());
        for item in &repo.items {
            check_id("item", &item.id, &item.source, out);
            unique(&mut seen, "item", &item.id, &item.source, out);
            items.insert(item.id.as_str(), &item.source);
        }
        for review in &repo.reviews {
            check_id("review", &review.id, &review.source, out);
            unique(&mut seen, "item or review", &review.id, &review.source, out);
        }
        Index {
            controls,
            items,
            candidates: OnceCell::new(),
            hints: RefCell::default(),
        }
    }

    /// The sorted ids, for "did you mean".
    fn candidates(&self) -> &Candidates<'r> {
        self.candidates
            .get_or_init(|| Candidates::new(&self.controls, &self.items))
    }

    /// A "did you mean" among `candidates`, within the file's allowance.
    fn hint(&self, source: &Source, word: &str, candidates: &[&'r str]) -> Option<&'r str> {
        self.hints.borrow_mut().suggest(source, word, candidates)
    }

    fn control_ids(&self, framework: &str) -> &[&'r str] {
        self.candidates()
            .controls
            .get(framework)
            .map_or(&[], Vec::as_slice)
    }

    fn item_reference(&self, reference: &Reference, out: &mut Vec<Diagnostic>) {
        if !self.items.contains_key(reference.id.as_str()) {
            out.push(unknown(
                &reference.source,
                format!("backlog item `{}` does not exist", reference.id),
                self.hint(&reference.source, &reference.id, &self.candidates().items),
            ));
        }
    }

    /// A control named by an item: `ID` in the item's framework, or `fw:ID`.
    fn control_reference(&self, framework: &str, reference: &Reference, out: &mut Vec<Diagnostic>) {
        let (framework, id) = match reference.id.split_once(':') {
            Some((fw, id)) => (fw, id),
            None => (framework, reference.id.as_str()),
        };
        let Some(controls) = self.controls.get(framework) else {
            // An unknown framework is already reported on the item itself
            // when it is the item's own; a qualified one is reported here.
            if reference.id.contains(':') {
                out.push(unknown(
                    &reference.source,
                    format!(
                        "framework `{framework}` in `{}` does not exist",
                        reference.id
                    ),
                    self.hint(&reference.source, framework, &self.candidates().frameworks),
                ));
            }
            return;
        };
        if !controls.contains_key(id) {
            out.push(unknown(
                &reference.source,
                format!("control `{id}` does not exist in framework `{framework}`"),
                self.hint(&reference.source, id, self.control_ids(framework)),
            ));
        }
    }

    /// A `maps_to` entry: `fw:ID`. Frameworks the repository does not track
    /// are allowed, with a warning.
    fn mapping(&self, reference: &Reference, out: &mut Vec<Diagnostic>) {
        let Some((framework, id)) = reference.id.split_once(':') else {
            out.push(
                Diagnostic::error(
                    Code::BadValue,
                    at(&reference.source),
                    format!("`{}` is not a `framework:control` reference", reference.id),
                )
                .with_hint("write for example `iso27001:A.5.24`"),
            );
            return;
        };
        match self.controls.get(framework) {
            None => out.push(Diagnostic::warning(
                Code::ExternalReference,
                at(&reference.source),
                format!(
                    "`{}` maps to framework `{framework}`, which this repository does not track",
                    reference.id
                ),
            )),
            Some(controls) if !controls.contains_key(id) => {
                out.push(unknown(
                    &reference.source,
                    format!("control `{id}` does not exist in framework `{framework}`"),
                    self.hint(&reference.source, id, self.control_ids(framework)),
                ));
            }
            Some(_) => {}
        }
    }
}

fn at(source: &Source) -> Location {
    Location::at(std::path::Path::new(&*source.file), source.pos)
}

fn unknown(source: &Source, message: String, suggestion: Option<&str>) -> Diagnostic {
    let d = Diagnostic::error(Code::UnknownReference, at(source), message);
    match suggestion {
        Some(s) => d.with_hint(format!("did you mean `{s}`?")),
        None => d,
    }
}

/// Ids are single words: no spaces, no `:` (it qualifies references), no
/// control characters, and nothing invisible (zero-width or bidi controls)
/// that would let two ids look alike.
fn check_id(kind: &str, id: &str, source: &Source, out: &mut Vec<Diagnostic>) {
    if let Some(what) = id_flaw(id) {
        out.push(
            Diagnostic::error(
                Code::BadValue,
                at(source),
                format!("{kind} id `{}` contains {what}", id.escape_debug()),
            )
            .with_hint("ids are single words such as `POPIA-001` or `A.5.24`"),
        );
    }
}

/// What makes `id` not an id, said as "a space, ..." or "an invisible
/// character (U+200B)"; `None` for a good id. The rule of `comply
/// validate`, which `import catalog` applies too.
pub(crate) fn id_flaw(id: &str) -> Option<String> {
    let bad = |c: char| c.is_whitespace() || c == ':' || c.is_control() || is_invisible(c);
    let c = id.chars().find(|c| bad(*c))?;
    Some(if is_invisible(c) {
        format!("an invisible character (U+{:04X})", u32::from(c))
    } else {
        "a space, `:` or a control character".to_string()
    })
}

/// What two ids must not share to be told apart: the id in Unicode normal
/// form C, lower-cased (`cc6.1` and `CC6.1`, `É` typed either way, are one
/// id).
pub(crate) fn id_key(id: &str) -> String {
    // ASCII is in normal form C already, and lower-cases byte by byte: one
    // copy, not three (half a million ids in a large estate).
    if id.is_ascii() {
        return id.to_ascii_lowercase();
    }
    crate::decode::nfc(id.to_string()).to_lowercase()
}

/// Zero-width, joiner, bidi-control and the other format characters
/// (Unicode category Cf), and the blank fillers (Hangul fillers, the blank
/// braille pattern): what prints as nothing or reorders the text around it.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{0600}'..='\u{0605}'
            | '\u{061C}'
            | '\u{06DD}'
            | '\u{070F}'
            | '\u{0890}'..='\u{0891}'
            | '\u{08E2}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{2800}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFFB}'
            | '\u{110BD}'
            | '\u{110CD}'
            | '\u{13430}'..='\u{1345F}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

/// Reports an id already seen, comparing without regard to case so that
/// `cc6.1` and `CC6.1` cannot both exist.
fn unique<'r>(
    seen: &mut HashMap<String, &'r Source>,
    kind: &str,
    id: &str,
    source: &'r Source,
    out: &mut Vec<Diagnostic>,
) {
    match seen.entry(id_key(id)) {
        Entry::Occupied(first) => {
            let first = first.get();
            let place = format!("{}:{}", first.file, first.pos.line);
            out.push(Diagnostic::error(
                Code::DuplicateId,
                at(source),
                format!("duplicate {kind} id `{id}` (first defined at {place})"),
            ));
        }
        Entry::Vacant(slot) => {
            slot.insert(source);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_keys_of_ascii_ids_take_the_short_way_to_the_same_key() {
        let ids = [
            "POPIA-001",
            "cc6.1",
            "CC6.1",
            "A.5.24",
            "",
            "ITEM-\u{7f}",
            "Ünïcode",
            "E\u{301}",
            "\u{c9}",
            "\u{212a}",
            "K",
            "ß",
            "İ",
        ];
        for id in ids {
            let full = crate::decode::nfc(id.to_string()).to_lowercase();
            assert_eq!(id_key(id), full, "{id:?}");
        }
        assert_eq!(id_key("\u{212a}"), id_key("K"));
        assert_eq!(id_key("E\u{301}"), id_key("\u{c9}"));
    }
}
