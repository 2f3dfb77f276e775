//! Cross-file checks on a decoded repository: ids, references, done dates.
//!
//! Pure: takes the model, returns diagnostics. Per-field problems are found
//! earlier, in `decode`.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};

use crate::acceptance::{Targets, Unresolved};
use crate::diag::{Code, Diagnostic, Location, suggest};
use crate::evidence::{Lexical, lexical};
use crate::model::{ItemStatus, Reference, Repository, Source};

/// Every cross-file problem in `repo`.
///
/// When some file could not be read at all (`complete` is false), references
/// are not checked: what they point at may sit in the unreadable file, and
/// one syntax error would otherwise bury itself under dozens of false
/// "does not exist" errors.
pub fn check(repo: &Repository, complete: bool) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let index = Index::new(repo, &mut out);
    if complete {
        index.references(repo, &mut out);
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
                    suggest(framework, &self.framework_ids()),
                ));
            }
        }
        let targets = Targets::new(repo);
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
        for framework in &repo.frameworks {
            for control in &framework.controls {
                for reference in &control.backlog {
                    self.item_reference(reference, out);
                }
                for reference in &control.maps_to {
                    self.mapping(reference, out);
                }
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
                    suggest(&item.framework, &self.framework_ids()),
                ));
            }
            for reference in &item.controls {
                self.control_reference(&item.framework, reference, out);
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
    let names: Vec<&str> = declared
        .iter()
        .flat_map(|o| std::iter::once(o.name.as_str()).chain(o.team.as_deref()))
        .collect();
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
            .filter(|part| !names.iter().any(|n| n.eq_ignore_ascii_case(part)))
            .collect();
        for part in undeclared {
            let mut d = Diagnostic::warning(
                Code::UnknownReference,
                at(source),
                format!("owner `{part}` is not declared in `owners` in comply.yaml"),
            );
            if let Some(s) = suggest(part, &names) {
                d = d.with_hint(format!("did you mean `{s}`?"));
            }
            out.push(d);
        }
    }
}

/// Ids defined in the repository, for reference checks.
struct Index<'r> {
    /// Control ids per framework id.
    controls: BTreeMap<&'r str, HashMap<&'r str, &'r Source>>,
    /// Item ids.
    items: HashMap<&'r str, &'r Source>,
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
            let mut seen = HashMap::new();
            for control in &framework.controls {
                check_id("control", &control.id, &control.source, out);
                unique(&mut seen, "control", &control.id, &control.source, out);
                controls
                    .entry(framework.id.as_str())
                    .or_default()
                    .insert(control.id.as_str(), &control.source);
            }
            controls.entry(framework.id.as_str()).or_default();
        }
        let mut seen = HashMap::new();
        let mut items = HashMap::new();
        for item in &repo.items {
            check_id("item", &item.id, &item.source, out);
            unique(&mut seen, "item", &item.id, &item.source, out);
            items.insert(item.id.as_str(), &item.source);
        }
        for review in &repo.reviews {
            check_id("review", &review.id, &review.source, out);
            unique(&mut seen, "item or review", &review.id, &review.source, out);
        }
        Index { controls, items }
    }

    fn framework_ids(&self) -> Vec<&'r str> {
        self.controls.keys().copied().collect()
    }

    fn item_reference(&self, reference: &Reference, out: &mut Vec<Diagnostic>) {
        if !self.items.contains_key(reference.id.as_str()) {
            let ids: Vec<&str> = self.items.keys().copied().collect();
            out.push(unknown(
                &reference.source,
                format!("backlog item `{}` does not exist", reference.id),
                suggest(&reference.id, &ids),
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
                    suggest(framework, &self.framework_ids()),
                ));
            }
            return;
        };
        if !controls.contains_key(id) {
            let ids: Vec<&str> = controls.keys().copied().collect();
            out.push(unknown(
                &reference.source,
                format!("control `{id}` does not exist in framework `{framework}`"),
                suggest(id, &ids),
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
                let ids: Vec<&str> = controls.keys().copied().collect();
                out.push(unknown(
                    &reference.source,
                    format!("control `{id}` does not exist in framework `{framework}`"),
                    suggest(id, &ids),
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

/// Ids are single words: no spaces, no `:` (it qualifies references).
fn check_id(kind: &str, id: &str, source: &Source, out: &mut Vec<Diagnostic>) {
    if id
        .chars()
        .any(|c| c.is_whitespace() || c == ':' || c.is_control())
    {
        out.push(
            Diagnostic::error(
                Code::BadValue,
                at(source),
                format!(
                    "{kind} id `{}` contains a space, `:` or a control character",
                    id.escape_debug()
                ),
            )
            .with_hint("ids are single words such as `POPIA-001` or `A.5.24`"),
        );
    }
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
    match seen.entry(id.to_lowercase()) {
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
