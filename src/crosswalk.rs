//! Mappings between controls, resolved once: which controls satisfy which,
//! the cycles among them, and for every control its effective status, the
//! controls whose evidence counts for it and the controls whose backlog
//! items reach it.
//!
//! Pure. The rules (docs/crosswalk.md):
//! - a control that does not apply takes nothing and gives nothing;
//! - a control's own status wins; without one it takes the weakest status
//!   of the controls that satisfy it (`missing` < `planned` < `partial` <
//!   `implemented`), a `subset` or `intersects` source counting at most
//!   `partial`; with neither it is `missing`;
//! - a control's own evidence wins; without any, the evidence of the
//!   sources that cover it (`equal`, `superset`, or `satisfies`) counts;
//! - the backlog items of every source reach it, each once.
//!
//! Chains are followed (A satisfies B satisfies C), in topological order,
//! so no recursion; controls on a cycle take nothing (validate reports the
//! cycle).

use std::collections::{BTreeSet, HashMap};

use crate::model::{Control, ControlKey, ControlStatus, Mapping, Repository};

/// Most links (a source control's evidence or items copied to a control it
/// satisfies, counted once per mapping followed) one repository's mappings
/// may pass; past it, validate reports `too-large`. A realistic crosswalk
/// passes a few thousand; long chains or wide fans could pass billions.
pub(crate) const MAX_INHERITED: usize = 1_000_000;

/// The mapping graph of a repository.
#[derive(Debug)]
pub(crate) struct Crosswalk<'r> {
    /// Every control, by index.
    controls: Vec<(&'r str, &'r Control)>,
    /// Index of a control by framework and id.
    index: HashMap<(&'r str, &'r str), usize>,
    /// Every mapping whose two ends exist.
    mappings: Vec<(usize, usize, Mapping)>,
    /// The mappings into each control (indices into `mappings`).
    incoming: Vec<Vec<usize>>,
    /// The ids of the backlog items whose `controls` name a control, in
    /// item order (an item naming it twice is listed twice): the control
    /// at `at` has `linked[starts[at]..starts[at + 1]]`.
    linked: Vec<&'r str>,
    /// Where each control's ids start in `linked`, and where the last ends.
    starts: Vec<usize>,
    /// Mappings of a pair of controls already mapped, with the index of the
    /// first (in `mappings`); they take no part in the resolution.
    repeated: Vec<(usize, Mapping)>,
}

/// What a control comes to once mappings are followed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Resolved {
    /// The effective status.
    pub(crate) status: ControlStatus,
    /// When the status is inherited: the sources that gave it (the weakest),
    /// sorted; empty when the control's own status (or `missing`).
    pub(crate) status_from: Vec<ControlKey>,
    /// The controls whose own evidence counts for this one: itself when it
    /// has evidence of its own, else the covering sources that have some.
    pub(crate) evidence_from: Vec<ControlKey>,
    /// The controls whose backlog items reach this one, itself first.
    pub(crate) items_from: Vec<ControlKey>,
    /// The applicable controls mapped straight onto this one, sorted.
    pub(crate) satisfied_by: Vec<ControlKey>,
}

/// A cycle of mappings: each control satisfies the next, the last the first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Cycle {
    /// The controls in order.
    pub(crate) controls: Vec<ControlKey>,
    /// The mapping that closes the cycle.
    pub(crate) closing: Mapping,
}

impl<'r> Crosswalk<'r> {
    /// The graph of `repo`'s mappings; those naming a control that does not
    /// exist are left out (validate reports them).
    #[must_use]
    pub(crate) fn new(repo: &'r Repository) -> Crosswalk<'r> {
        let controls: Vec<(&str, &Control)> = repo
            .frameworks
            .iter()
            .flat_map(|f| f.controls.iter().map(move |c| (f.id.as_str(), c)))
            .collect();
        let mut index = HashMap::with_capacity(controls.len());
        for (at, (framework, control)) in controls.iter().enumerate() {
            index.entry((*framework, control.id.as_str())).or_insert(at);
        }
        // One mapping per pair of controls: the first written; the others
        // are kept aside for validate.
        let mut mappings: Vec<(usize, usize, Mapping)> = Vec::new();
        let mut pairs: HashMap<(usize, usize), usize> = HashMap::new();
        let mut repeated = Vec::new();
        for m in repo.all_mappings() {
            let (Some(source), Some(target)) =
                (lookup(&index, &m.source), lookup(&index, &m.target))
            else {
                continue;
            };
            match pairs.get(&(source, target)) {
                Some(first) => repeated.push((*first, m)),
                None => {
                    pairs.insert((source, target), mappings.len());
                    mappings.push((source, target, m));
                }
            }
        }
        let (linked, starts) = links(repo, &index, controls.len());
        let mut incoming = vec![Vec::new(); controls.len()];
        for (at, (_, target, _)) in mappings.iter().enumerate() {
            incoming[*target].push(at);
        }
        Crosswalk {
            controls,
            index,
            mappings,
            incoming,
            linked,
            starts,
            repeated,
        }
    }

    /// The ids of the backlog items whose `controls` name the control `id`
    /// of `framework`, in item order.
    pub(crate) fn linked_items(&self, framework: &str, id: &str) -> &[&'r str] {
        self.index
            .get(&(framework, id))
            .and_then(|at| self.linked_at(*at))
            .unwrap_or_default()
    }

    /// The ids of the items linked to the control at `at`.
    fn linked_at(&self, at: usize) -> Option<&[&'r str]> {
        let (start, end) = (*self.starts.get(at)?, *self.starts.get(at + 1)?);
        self.linked.get(start..end)
    }

    /// Whether the control at `at` has backlog items of its own (its
    /// `backlog`, or an item's `controls` naming it), so that it has items
    /// to pass on.
    fn has_items(&self, at: usize) -> bool {
        self.linked_at(at).is_some_and(|ids| !ids.is_empty())
            || self
                .controls
                .get(at)
                .is_some_and(|(_, c)| !c.backlog.is_empty())
    }

    fn key(&self, at: usize) -> ControlKey {
        let (framework, control) = self.controls[at];
        ControlKey {
            framework: framework.to_string(),
            id: control.id.clone(),
        }
    }

    /// The controls in an order where every source comes before its
    /// targets (Kahn's algorithm); controls on or after a cycle are left
    /// out.
    fn order(&self) -> Vec<usize> {
        let mut waiting: Vec<usize> = self.incoming.iter().map(Vec::len).collect();
        let mut outgoing = vec![Vec::new(); self.controls.len()];
        for (source, target, _) in &self.mappings {
            outgoing[*source].push(*target);
        }
        let mut ready: Vec<usize> = (0..self.controls.len())
            .filter(|at| waiting[*at] == 0)
            .collect();
        let mut order = Vec::with_capacity(self.controls.len());
        while let Some(at) = ready.pop() {
            order.push(at);
            for target in &outgoing[at] {
                waiting[*target] -= 1;
                if waiting[*target] == 0 {
                    ready.push(*target);
                }
            }
        }
        order
    }

    /// Every cycle of mappings, each once, sorted by where it closes.
    #[must_use]
    pub(crate) fn cycles(&self) -> Vec<Cycle> {
        let mut done = vec![false; self.controls.len()];
        for at in self.order() {
            done[at] = true;
        }
        let mut cycles = Vec::new();
        for start in 0..self.controls.len() {
            if done[start] {
                continue;
            }
            // Walk backwards along mappings from controls still waiting: every
            // such control has one, so the walk comes back on itself.
            let mut path: Vec<(usize, usize)> = Vec::new();
            let mut on_path: HashMap<usize, usize> = HashMap::new();
            let mut at = start;
            let closed = loop {
                if done[at] {
                    break None;
                }
                if let Some(from) = on_path.get(&at) {
                    break Some(*from);
                }
                let Some(mapping) = self.incoming[at]
                    .iter()
                    .copied()
                    .find(|m| !done[self.mappings[*m].0])
                else {
                    break None;
                };
                on_path.insert(at, path.len());
                path.push((at, mapping));
                at = self.mappings[mapping].0;
            };
            for (control, _) in &path {
                done[*control] = true;
            }
            if let Some(from) = closed {
                let ring = &path[from..];
                // Backwards: ring[i] is satisfied by ring[i + 1]; forwards,
                // each control satisfies the one before it in the walk.
                let mut controls: Vec<ControlKey> =
                    ring.iter().rev().map(|(c, _)| self.key(*c)).collect();
                controls.rotate_right(1);
                cycles.push(Cycle {
                    controls,
                    closing: self.mappings[ring[0].1].2.clone(),
                });
            }
        }
        cycles.sort_by(|a, b| a.closing.at.cmp(&b.closing.at));
        cycles
    }

    /// Each mapping of a pair of controls mapped before, with the first
    /// mapping of that pair (the one followed), in the order written.
    pub(crate) fn repeated(&self) -> impl Iterator<Item = (&Mapping, &Mapping)> {
        self.repeated
            .iter()
            .map(|(first, m)| (&self.mappings[*first].2, m))
    }

    /// The mappings whose target does not apply.
    pub(crate) fn onto_not_applicable(&self) -> impl Iterator<Item = &Mapping> {
        self.mappings
            .iter()
            .filter(|(_, target, _)| !self.controls[*target].1.applicable)
            .map(|(_, _, m)| m)
    }

    /// Whether some applicable control satisfies the control
    /// `framework:id`.
    #[must_use]
    pub(crate) fn is_satisfied(&self, framework: &str, id: &str) -> bool {
        self.index.get(&(framework, id)).is_some_and(|at| {
            self.incoming[*at]
                .iter()
                .any(|m| self.controls[self.mappings[*m].0].1.applicable)
        })
    }

    /// Every control resolved, by framework and id.
    #[must_use]
    pub(crate) fn resolve(&self) -> HashMap<(&'r str, &'r str), Resolved> {
        let (mut resolved, _) = self.run();
        self.controls
            .iter()
            .enumerate()
            .map(|(at, (framework, control))| {
                let node = resolved[at]
                    .take()
                    .unwrap_or_else(|| Node::own(at, control, self.has_items(at)));
                ((*framework, control.id.as_str()), self.output(node))
            })
            .collect()
    }

    /// The mapping into the control where following mappings would pass
    /// [`MAX_INHERITED`] links; `None` within the limit.
    #[must_use]
    pub(crate) fn over_limit(&self) -> Option<&Mapping> {
        let (_, stopped) = self.run();
        let at = stopped?;
        self.incoming[at].first().map(|m| &self.mappings[*m].2)
    }

    /// Every control reached in topological order resolved, and where the
    /// work ran out of [`MAX_INHERITED`], if it did (the controls from there
    /// on are left unresolved: on their own).
    fn run(&self) -> (Vec<Option<Node>>, Option<usize>) {
        let mut resolved: Vec<Option<Node>> = vec![None; self.controls.len()];
        let mut budget = MAX_INHERITED;
        for at in self.order() {
            match self.node(at, &resolved, &mut budget) {
                Some(node) => resolved[at] = Some(node),
                None => return (resolved, Some(at)),
            }
        }
        (resolved, None)
    }

    /// One control resolved from its sources, all resolved before it;
    /// `None` when copying their links would overspend `budget`.
    fn node(&self, at: usize, resolved: &[Option<Node>], budget: &mut usize) -> Option<Node> {
        let control = self.controls[at].1;
        let mut node = Node::own(at, control, self.has_items(at));
        if !control.applicable {
            return Some(node);
        }
        let sources = self.incoming[at].iter().filter_map(|m| {
            let (source, _, mapping) = &self.mappings[*m];
            let from = resolved[*source].as_ref()?;
            self.controls[*source]
                .1
                .applicable
                .then_some((*source, mapping.relation, from))
        });
        let mut weakest: Option<(u8, Vec<usize>)> = None;
        let mut unassessed = false;
        let mut evidence = BTreeSet::new();
        for (source, relation, from) in sources {
            let cost = from.items.len() + from.evidence.len();
            *budget = budget.checked_sub(cost)?;
            node.items.extend(&from.items);
            if relation.covers() {
                evidence.extend(&from.evidence);
            }
            let Some(strength) = from.strength else {
                unassessed = true;
                continue;
            };
            let strength = strength.min(if relation.covers() { 3 } else { 2 });
            match &mut weakest {
                Some((least, _)) if strength > *least => {}
                Some((least, by)) if strength == *least => by.push(source),
                _ => weakest = Some((strength, vec![source])),
            }
        }
        // `not-assessed` is no status of its own: what satisfies the
        // control says more.
        if control
            .status
            .is_none_or(|s| s == ControlStatus::NotAssessed)
            && let Some((strength, by)) = weakest
        {
            node.strength = Some(strength);
            node.status_from = by;
        } else if control.status.is_none() && unassessed {
            // Only controls not assessed satisfy it: not assessed either.
            node.strength = None;
        }
        if control.evidence.is_empty() {
            node.evidence = evidence;
        }
        Some(node)
    }

    fn output(&self, node: Node) -> Resolved {
        let keys = |set: &mut dyn Iterator<Item = usize>| {
            let mut keys: Vec<ControlKey> = set.map(|at| self.key(at)).collect();
            keys.sort();
            keys.dedup();
            keys
        };
        let control = self.controls[node.at].1;
        let status = if !control.applicable {
            ControlStatus::NotApplicable
        } else if let Some(own) = control
            .status
            .filter(|s| *s != ControlStatus::NotAssessed || node.status_from.is_empty())
        {
            own
        } else {
            node.strength
                .map_or(ControlStatus::NotAssessed, from_strength)
        };
        let direct = self.incoming[node.at]
            .iter()
            .map(|m| self.mappings[*m].0)
            .filter(|source| self.controls[*source].1.applicable);
        let satisfied_by = keys(&mut direct.into_iter());
        let mut items_from = vec![self.key(node.at)];
        items_from.extend(keys(
            &mut node.items.into_iter().filter(|at| *at != node.at),
        ));
        Resolved {
            status,
            status_from: keys(&mut node.status_from.into_iter()),
            evidence_from: keys(&mut node.evidence.into_iter()),
            items_from,
            satisfied_by,
        }
    }
}

/// Every item's links to the controls of `index` (of `controls` controls),
/// grouped by control: the linked item ids, and where each control's ids
/// start (as [`Crosswalk`] keeps them). The links are found in item order and
/// written one after another, then placed by a counting sort: at half a
/// million items, a growing vector per control cost a cache miss or two
/// per link on top of the lookup.
fn links<'r>(
    repo: &'r Repository,
    index: &HashMap<(&str, &str), usize>,
    controls: usize,
) -> (Vec<&'r str>, Vec<usize>) {
    let mut found: Vec<(usize, &'r str)> = Vec::new();
    for item in &repo.items {
        for key in item.linked_controls() {
            if let Some(at) = index.get(&key) {
                found.push((*at, item.id.as_str()));
            }
        }
    }
    let mut starts = vec![0; controls + 1];
    for (at, _) in &found {
        starts[at + 1] += 1;
    }
    for at in 0..controls {
        starts[at + 1] += starts[at];
    }
    let mut next = starts.clone();
    let mut linked = vec![""; found.len()];
    for (at, id) in found {
        linked[next[at]] = id;
        next[at] += 1;
    }
    (linked, starts)
}

/// The index of the control `key`.
fn lookup(index: &HashMap<(&str, &str), usize>, key: &ControlKey) -> Option<usize> {
    by_key(index, key).copied()
}

/// The value of the control `key` in a map by framework and id.
pub(crate) fn by_key<'m, 'k, V>(
    map: &'m HashMap<(&'k str, &'k str), V>,
    key: &'k ControlKey,
) -> Option<&'m V> {
    map.get(&(key.framework.as_str(), key.id.as_str()))
}

/// A control being resolved, by index.
#[derive(Clone, Debug)]
struct Node {
    at: usize,
    /// Strength of the effective status (see [`ControlStatus::strength`]);
    /// `None` for a control not assessed, which passes no status on.
    strength: Option<u8>,
    status_from: Vec<usize>,
    evidence: BTreeSet<usize>,
    items: BTreeSet<usize>,
}

impl Node {
    /// A control on its own: its status (`missing` when none), its own
    /// evidence and items (itself, when it has any).
    fn own(at: usize, control: &Control, has_items: bool) -> Node {
        Node {
            at,
            strength: match control.status {
                Some(ControlStatus::NotAssessed) => None,
                status => Some(status.and_then(ControlStatus::strength).unwrap_or(0)),
            },
            status_from: Vec::new(),
            evidence: if control.evidence.is_empty() {
                BTreeSet::new()
            } else {
                BTreeSet::from([at])
            },
            items: if has_items {
                BTreeSet::from([at])
            } else {
                BTreeSet::new()
            },
        }
    }
}

/// The status of a strength (see [`ControlStatus::strength`]).
fn from_strength(strength: u8) -> ControlStatus {
    match strength {
        3 => ControlStatus::Implemented,
        2 => ControlStatus::Partial,
        1 => ControlStatus::Planned,
        _ => ControlStatus::Missing,
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::decode::Decoder;

    /// A repository of control matrices given as YAML texts.
    fn repo(files: &[&str]) -> Repository {
        let frameworks = files
            .iter()
            .map(|text| {
                let node = crate::yaml::parse(text).unwrap_or_else(|e| panic!("{e:?}"));
                let mut d = Decoder::new(Path::new("controls/x.yaml"));
                d.matrix(&node).unwrap_or_else(|| panic!("decoded"))
            })
            .collect();
        Repository {
            frameworks,
            ..Repository::default()
        }
    }

    /// Backlog items given as one YAML text, added to `repo`.
    fn with_items(mut repo: Repository, text: &str) -> Repository {
        let node = crate::yaml::parse(text).unwrap_or_else(|e| panic!("{e:?}"));
        let mut d = Decoder::new(Path::new("backlog/x.yaml"));
        repo.items = d.backlog(&node);
        assert!(d.into_diagnostics().is_empty());
        repo
    }

    #[test]
    fn linked_items_are_every_items_links_in_item_order() {
        let mut items = String::from("items:\n");
        // Bare ids (the item's framework), `framework:id`, a control named
        // twice by one item, controls that do not exist, and controls of
        // other frameworks, spread so that each control's items come from
        // all over the list.
        let names = [
            "A1", "A2", "b:B1", "b:B2", "a:A3", "b:A1", "Z9", "c:C1", "a:A1",
        ];
        for n in 0..400 {
            let framework = if n % 3 == 0 { "b" } else { "a" };
            let picks: Vec<&str> = (0..n % 4)
                .map(|k| names[(n * 7 + k * 5) % names.len()])
                .collect();
            items.push_str(&format!(
                "  - {{ id: I-{n:03}, title: t, framework: {framework}, risk: low, status: open, controls: [{}] }}\n",
                picks.join(", ")
            ));
        }
        let repo = with_items(
            repo(&[
                "framework: a\ncontrols:\n  - { id: A1, title: t }\n  - { id: A2, title: t }\n  - { id: A3, title: t }\n",
                "framework: b\ncontrols:\n  - { id: B1, title: t }\n  - { id: B2, title: t }\n  - { id: B3, title: t }\n",
            ]),
            &items,
        );
        let walk = Crosswalk::new(&repo);
        let mut seen = 0;
        for framework in &repo.frameworks {
            for control in &framework.controls {
                let expected: Vec<&str> = repo
                    .items
                    .iter()
                    .flat_map(|item| {
                        item.linked_controls()
                            .filter(|key| *key == (framework.id.as_str(), control.id.as_str()))
                            .map(|_| item.id.as_str())
                    })
                    .collect();
                let linked = walk.linked_items(&framework.id, &control.id);
                assert_eq!(linked, expected, "{}:{}", framework.id, control.id);
                let at = walk.index[&(framework.id.as_str(), control.id.as_str())];
                assert_eq!(walk.has_items(at), !expected.is_empty());
                seen += linked.len();
            }
        }
        // Every link to a control that exists, and none to one that does not.
        assert!(seen > 300, "{seen}");
        assert!(walk.linked_items("b", "B3").is_empty());
        assert!(walk.linked_items("a", "Z9").is_empty());
        assert!(walk.linked_items("c", "C1").is_empty());
    }

    fn key(text: &str) -> ControlKey {
        ControlKey::parse(text).unwrap_or_else(|| panic!("{text}"))
    }

    #[test]
    fn chains_are_followed_and_the_weakest_source_wins() {
        let repo = repo(&[
            "framework: a\ncontrols:\n  - { id: A, title: t, status: implemented, evidence: [e.md], backlog: [I-1], satisfies: [b:B] }\n  - { id: D, title: t, status: planned, backlog: [I-2], satisfies: [c:C] }\n  - { id: N, title: t, applicable: false, justification: j, satisfies: [c:C] }\n",
            "framework: b\ncontrols:\n  - { id: B, title: t, backlog: [I-3], satisfies: [c:C] }\n",
            "framework: c\ncontrols:\n  - { id: C, title: t }\n",
        ]);
        let walk = Crosswalk::new(&repo);
        assert!(walk.cycles().is_empty());
        let resolved = walk.resolve();
        let b = &resolved[&("b", "B")];
        assert_eq!(b.status, ControlStatus::Implemented);
        assert_eq!(b.evidence_from, [key("a:A")]);
        let c = &resolved[&("c", "C")];
        // B passes on A's `implemented`, D is `planned`; N does not apply.
        assert_eq!(c.status, ControlStatus::Planned);
        assert_eq!(c.status_from, [key("a:D")]);
        assert_eq!(c.evidence_from, [key("a:A")]);
        assert_eq!(
            c.items_from,
            [key("c:C"), key("a:A"), key("a:D"), key("b:B")]
        );
        assert_eq!(c.satisfied_by, [key("a:D"), key("b:B")]);
    }

    #[test]
    fn each_cycle_is_reported_once_in_order() {
        let repo = repo(&[
            "framework: a\ncontrols:\n  - { id: X, title: t, status: partial, satisfies: [a:Y] }\n  - { id: Y, title: t, satisfies: [a:Z] }\n  - { id: Z, title: t, satisfies: [a:X] }\n  - { id: W, title: t, satisfies: [a:W] }\n  - { id: V, title: t, status: partial, satisfies: [a:X] }\n",
        ]);
        let cycles: Vec<Vec<String>> = Crosswalk::new(&repo)
            .cycles()
            .iter()
            .map(|c| c.controls.iter().map(ToString::to_string).collect())
            .collect();
        assert_eq!(cycles.len(), 2, "{cycles:?}");
        assert!(cycles.contains(&vec!["a:W".to_string()]), "{cycles:?}");
        let ring = cycles
            .iter()
            .find(|c| c.len() == 3)
            .unwrap_or_else(|| panic!("{cycles:?}"));
        // Each satisfies the next, the last the first, from any start.
        let order = ["a:X", "a:Y", "a:Z"];
        let start = order.iter().position(|k| *k == ring[0]).unwrap_or(0);
        for (i, control) in ring.iter().enumerate() {
            assert_eq!(control, order[(start + i) % 3], "{ring:?}");
        }
    }
}
