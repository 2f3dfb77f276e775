//! Narrowing listings to some frameworks or one owner.

use std::collections::HashSet;

use crate::acceptance::{Acceptance, Target};
use crate::analysis::{Analysis, ControlView, ItemView, serving, summarise};
use crate::gate;
use crate::model::owner_names;

/// Which items and controls a listing keeps.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Filter {
    /// Framework ids to keep; empty keeps all.
    pub(crate) frameworks: Vec<String>,
    /// Owner to keep; `None` keeps all.
    pub(crate) owner: Option<String>,
    /// When `owner` names a declared team: its members, who are kept too.
    pub(crate) members: Vec<String>,
}

impl Filter {
    /// Whether the item passes.
    pub(crate) fn item(&self, item: &ItemView) -> bool {
        self.framework(&item.framework) && self.owned(item.owner.as_deref())
    }

    /// Which items of `analysis` pass: those that pass [`Filter::item`],
    /// and those of the owner kept that serve a kept framework: linked to
    /// one of its controls, directly or through a mapping (the control's
    /// `backlog`), each once.
    pub(crate) fn items_of<'a>(
        &'a self,
        analysis: &'a Analysis,
    ) -> impl Fn(&ItemView) -> bool + 'a {
        let reached = serving(&analysis.controls, |framework| {
            !self.frameworks.is_empty() && self.framework(framework)
        });
        move |i: &ItemView| {
            self.item(i) || (self.owned(i.owner.as_deref()) && reached.contains(i.id.as_str()))
        }
    }

    /// Whether the control passes.
    pub(crate) fn control(&self, control: &ControlView) -> bool {
        self.framework(&control.framework) && self.owned(control.owner.as_deref())
    }

    /// The analysis restricted to what passes: items, controls, the
    /// per-framework figures and the gate are all recomputed from the kept
    /// items and controls.
    ///
    /// An item that serves a kept framework (see [`Filter::items_of`]) is
    /// kept with it, once.
    pub(crate) fn narrow(&self, analysis: &Analysis) -> Analysis {
        let keep = self.items_of(analysis);
        let items: Vec<ItemView> = analysis.items.iter().filter(|i| keep(i)).cloned().collect();
        let controls: Vec<ControlView> = analysis
            .controls
            .iter()
            .filter(|c| self.control(c))
            .cloned()
            .collect();
        Analysis {
            as_of: analysis.as_of,
            due_soon_days: analysis.due_soon_days,
            frameworks: analysis
                .frameworks
                .iter()
                .filter(|f| self.framework(&f.id))
                .map(|f| summarise(&f.id, &f.name, &controls, &items, &analysis.controls))
                .collect(),
            gate: {
                let mut gate = gate::evaluate(
                    &items,
                    &controls,
                    &in_scope(&analysis.gate.acceptances, &items, &controls),
                    analysis.gate.fail_on,
                    analysis.gate.fail_on_stale,
                );
                if let Some(why) = &analysis.gate.undetermined {
                    gate.undetermine(why);
                }
                gate
            },
            items,
            controls,
        }
    }

    /// Whether something of framework `id` passes the framework filter.
    pub fn framework(&self, id: &str) -> bool {
        self.frameworks.is_empty() || self.frameworks.iter().any(|f| f.eq_ignore_ascii_case(id))
    }

    /// Whether something owned by `owner` passes the owner filter.
    pub(crate) fn owned(&self, owner: Option<&str>) -> bool {
        match (&self.owner, owner) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(wanted), Some(owner)) => {
                owner_matches(owner, wanted) || self.members.iter().any(|m| owner_matches(owner, m))
            }
        }
    }
}

/// The acceptances whose target is among the kept `items` and `controls`
/// (for an evidence path: listed by one of them), so that a view never
/// fails on an acceptance of something it does not show.
fn in_scope(
    acceptances: &[Acceptance],
    items: &[ItemView],
    controls: &[ControlView],
) -> Vec<Acceptance> {
    let mut kept: HashSet<Target> = HashSet::new();
    for item in items {
        kept.insert(item.subject());
        kept.extend(item.evidence.iter().map(|e| Target::Evidence {
            path: e.path.clone(),
        }));
    }
    for control in controls {
        kept.insert(control.subject());
        kept.extend(control.evidence.iter().map(|e| Target::Evidence {
            path: e.path.clone(),
        }));
    }
    acceptances
        .iter()
        .filter(|a| kept.contains(&a.subject))
        .cloned()
        .collect()
}

/// Whether `wanted` names `owner` or one of the owners it joins with `&`,
/// `,`, `/` or ` and `; case-insensitive. "Security" matches "Security &
/// Platform" but not "Security Champions".
pub(crate) fn owner_matches(owner: &str, wanted: &str) -> bool {
    owner.trim().eq_ignore_ascii_case(wanted.trim())
        || owner_names(owner)
            .iter()
            .any(|part| part.eq_ignore_ascii_case(wanted.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners_match_whole_names_or_parts() {
        assert!(owner_matches("Security & Platform", "security"));
        assert!(owner_matches("Security & Platform", "Security & Platform"));
        assert!(owner_matches("Leadership and People Ops", "people ops"));
        assert!(owner_matches("Support/Engineering", "engineering"));
        assert!(!owner_matches("Security Champions", "security"));
        assert!(!owner_matches("Platform", "plat"));
    }
}
