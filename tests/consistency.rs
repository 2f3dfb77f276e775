//! Every output tells the same story: on many generated repositories
//! (seeded, so a failure can be replayed), the gate's offenders are the same
//! set in `check`'s table, JSON, GitHub and JUnit forms and in the report's
//! gate section; each dashboard figure equals the length of the list behind
//! it; and `--framework` / `--owner` views are subsets of the whole.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use common::{Fixture, commit_all, git, json, stdout};
use serde_json::Value;

const AS_OF: &str = "2025-06-01";
const REPOSITORIES: u64 = 32;

#[path = "../examples/support/rng.rs"]
mod rng;

use rng::Rng;

/// Picks one of `words`.
fn pick<'a>(rng: &mut Rng, words: &[&'a str]) -> &'a str {
    words[rng.below(words.len())]
}

/// True `percent` times in a hundred.
fn chance(rng: &mut Rng, percent: usize) -> bool {
    rng.below(100) < percent
}

const RISKS: &[&str] = &["critical", "high", "medium", "low"];
const OWNERS: &[&str] = &["Security", "Ops", "Legal & Security", "People"];
/// Days relative to the as-of date, spread around every state boundary.
const OFFSETS: &[i64] = &[-400, -120, -30, -1, 0, 1, 7, 14, 15, 90];

fn day(offset: i64) -> String {
    let as_of = chrono::NaiveDate::parse_from_str(AS_OF, "%Y-%m-%d").unwrap_or_default();
    (as_of + chrono::Duration::days(offset)).to_string()
}

/// A list of up to two evidence paths from `pool` (half of which exist),
/// noting each path used in `used`.
fn evidence(rng: &mut Rng, pool: &[String], used: &mut BTreeSet<String>) -> String {
    let n = rng.below(3);
    let paths: Vec<&str> = (0..n)
        .map(|_| pool[rng.below(pool.len())].as_str())
        .collect();
    used.extend(paths.iter().map(|p| (*p).to_string()));
    format!("[{}]", paths.join(", "))
}

/// The same list in flow style, every entry on one line
/// (`items: [{id: A, ...}, {id: B, ...}]`), so that several records share a
/// line. `block` is `head` lines, then `key:`, then `  - k: v` entries with
/// `    k: v` continuations.
fn to_flow(block: &str) -> String {
    let mut out = String::new();
    let mut entries: Vec<Vec<String>> = Vec::new();
    for line in block.lines() {
        if let Some(pair) = line.strip_prefix("  - ") {
            entries.push(vec![pair.to_string()]);
        } else if let Some(pair) = line.strip_prefix("    ") {
            if let Some(entry) = entries.last_mut() {
                entry.push(pair.to_string());
            }
        } else if line.trim() != "[]" {
            out.push_str(line);
            out.push('\n');
        }
    }
    let maps: Vec<String> = entries
        .iter()
        .map(|pairs| format!("{{{}}}", pairs.join(", ")))
        .collect();
    // `out` ends with the list's key and a newline: the list follows it.
    out.pop();
    out.push_str(&format!(" [{}]\n", maps.join(", ")));
    out
}

/// A generated repository, with what it is checked with.
struct Generated {
    repo: Fixture,
    frameworks: Vec<String>,
    fail_on_stale: bool,
}

fn generate(seed: u64) -> Generated {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let pool: Vec<String> = (0..8).map(|i| format!("evidence/e{i}.md")).collect();
    let mut repo = Fixture::new();
    let mut config = String::from("name: Generated\n");
    if chance(&mut rng, 50) {
        config.push_str("max_age_days: 60\n");
    }
    repo = repo.file("comply.yaml", &config);
    for (i, path) in pool.iter().enumerate() {
        if i % 2 == 0 {
            repo = repo.file(path, "proof\n");
        }
    }
    let frameworks: Vec<String> = (0..1 + rng.below(3)).map(|i| format!("fw{i}")).collect();
    let flow = chance(&mut rng, 30);
    let styled = |text: &str| {
        if flow {
            to_flow(text)
        } else {
            text.to_string()
        }
    };
    let mut controls_of: Vec<(String, String)> = Vec::new();
    let mut targets: Vec<String> = Vec::new();
    let mut used: BTreeSet<String> = BTreeSet::new();
    // Items due in the past, which acceptances target more often.
    let mut late: Vec<String> = Vec::new();
    // Applicable controls of the first framework, and mappings from them
    // onto controls of the others that carry no status of their own.
    let mut sources: Vec<String> = Vec::new();
    let mut mappings: Vec<(String, String, String, &str)> = Vec::new();
    for fw in &frameworks {
        let mut text = format!("framework: {fw}\nname: Framework {fw}\ncontrols:\n");
        for c in 0..2 + rng.below(5) {
            // Control ids repeat across frameworks, so bare ids can be
            // ambiguous; acceptances then use `framework:id`.
            let id = format!("C{c}");
            let status = pick(
                &mut rng,
                &[
                    "implemented",
                    "partial",
                    "planned",
                    "missing",
                    "not-applicable",
                ],
            );
            let inherits = fw != "fw0" && !sources.is_empty() && chance(&mut rng, 30);
            let status_line = if inherits {
                let source = sources[rng.below(sources.len())].clone();
                let relation = pick(&mut rng, &["equal", "subset", "superset", "intersects"]);
                mappings.push((fw.clone(), source, id.clone(), relation));
                String::new()
            } else {
                if fw == "fw0" && status != "not-applicable" {
                    sources.push(id.clone());
                }
                format!("    status: {status}\n")
            };
            let _ = write!(
                text,
                "  - id: {id}\n    title: \"Control {c} <of> {fw} | & *\"\n{status_line}    owner: {}\n    evidence: {}\n",
                pick(&mut rng, OWNERS),
                evidence(&mut rng, &pool, &mut used)
            );
            if chance(&mut rng, 60) {
                let _ = writeln!(text, "    severity: {}", pick(&mut rng, RISKS));
            }
            if chance(&mut rng, 20) {
                text.push_str("    cadence: monthly\n");
            }
            targets.push(format!("{fw}:{id}"));
            controls_of.push((fw.clone(), id));
        }
        repo = repo.file(&format!("controls/{fw}.yaml"), &text);
        let mut items = format!("framework: {fw}\nitems:\n");
        for n in 0..rng.below(8) {
            let id = format!("{}-{n}", fw.to_uppercase());
            let status = pick(
                &mut rng,
                &["open", "in-progress", "done", "wont-do", "blocked"],
            );
            let _ = write!(
                items,
                "  - id: {id}\n    title: \"Item {n} [x](y) `z`\"\n    risk: {}\n    status: {status}\n    owner: {}\n    evidence: {}\n",
                pick(&mut rng, RISKS),
                pick(&mut rng, OWNERS),
                evidence(&mut rng, &pool, &mut used)
            );
            if chance(&mut rng, 80) {
                let offset = OFFSETS[rng.below(OFFSETS.len())];
                let _ = writeln!(items, "    due: {}", day(offset));
                if offset < 0 {
                    late.push(id.clone());
                }
            }
            if status == "done" {
                let _ = writeln!(items, "    done: {}", day(-10));
            }
            if chance(&mut rng, 40) && !controls_of.is_empty() {
                let (cfw, cid) = &controls_of[rng.below(controls_of.len())];
                let _ = writeln!(items, "    controls: [\"{cfw}:{cid}\"]");
            }
            targets.push(id);
        }
        if items.ends_with("items:\n") {
            items.push_str("  []\n");
        }
        repo = repo.file(&format!("backlog/{fw}.yaml"), &styled(&items));
    }
    let mut reviews = String::from("reviews:\n");
    for r in 0..rng.below(4) {
        let id = format!("REV-{r}");
        let _ = write!(
            reviews,
            "  - id: {id}\n    title: Review {r}\n    cadence: {}\n    risk: {}\n    owner: {}\n",
            pick(&mut rng, &["monthly", "quarterly", "annual"]),
            pick(&mut rng, &["critical", "high", "medium"]),
            pick(&mut rng, OWNERS)
        );
        let _ = writeln!(
            reviews,
            "    framework: {}",
            frameworks[rng.below(frameworks.len())]
        );
        if chance(&mut rng, 80) {
            let _ = writeln!(reviews, "    last_done: {}", day(-(rng.below(500) as i64)));
        }
        late.push(id.clone());
        targets.push(id);
    }
    if reviews.len() > "reviews:\n".len() {
        repo = repo.file("reviews/r.yaml", &styled(&reviews));
    }
    targets.extend(used);
    let mut exceptions = String::from("exceptions:\n");
    for _ in 0..rng.below(6) {
        let target = if !late.is_empty() && chance(&mut rng, 70) {
            &late[rng.below(late.len())]
        } else {
            &targets[rng.below(targets.len())]
        };
        let expires = OFFSETS[rng.below(OFFSETS.len())];
        let _ = write!(
            exceptions,
            "  - target: \"{target}\"\n    reason: Accepted <risk> & co\n    approved_by: CISO\n    approved_on: {}\n    expires: {}\n",
            day(expires.min(0) - 100),
            day(expires)
        );
    }
    if exceptions.len() > "exceptions:\n".len() {
        repo = repo.file("exceptions/x.yaml", &styled(&exceptions));
    }
    let mut by_target: BTreeMap<&str, String> = BTreeMap::new();
    for (fw, source, target, relation) in &mappings {
        let text = by_target
            .entry(fw.as_str())
            .or_insert_with(|| format!("source: fw0\ntarget: {fw}\nmappings:\n"));
        let _ = writeln!(
            text,
            "  - {{ source: {source}, target: {target}, relation: {relation} }}"
        );
    }
    for (fw, text) in by_target {
        repo = repo.file(&format!("mappings/fw0-{fw}.yaml"), &text);
    }
    git(repo.path(), &["init", "-q"], None);
    commit_all(repo.path(), "2025-01-01");
    Generated {
        repo,
        frameworks,
        fail_on_stale: chance(&mut rng, 50),
    }
}

type Key = (String, String, String);

/// (kind, id, reason) of each offender in a JSON list, sorted: a multiset,
/// since two risk acceptances of one target are two offenders.
fn keys(list: &Value) -> Vec<Key> {
    let mut keys: Vec<Key> = list
        .as_array()
        .into_iter()
        .flatten()
        .map(|o| {
            let text = |k: &str| o[k].as_str().unwrap_or_default().to_string();
            (text("kind"), text("id"), text("reason"))
        })
        .collect();
    keys.sort();
    keys
}

/// Whether every element of `part` is in `whole`, as many times.
fn is_sub_multiset(part: &[Key], whole: &[Key]) -> bool {
    let mut rest = whole.to_vec();
    part.iter().all(|k| match rest.iter().position(|w| w == k) {
        Some(at) => {
            rest.remove(at);
            true
        }
        None => false,
    })
}

/// The reason code of an offender's description in words.
fn reason_of(description: &str) -> String {
    for (prefix, reason) in [
        ("overdue", "overdue"),
        ("done, but evidence", "done-without-evidence"),
        ("evidence is stale", "stale-evidence"),
        ("recurring, but its evidence", "evidence-missing"),
        ("risk acceptance expired", "acceptance-expired"),
    ] {
        if description.starts_with(prefix) {
            return reason.to_string();
        }
    }
    panic!("unknown description `{description}`");
}

/// Offenders from `check`'s table: `file:line: ID [risk] title: why`.
fn from_table(out: &str, json: &[Key]) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for line in out
        .lines()
        .filter(|l| !l.starts_with("accepted: ") && !l.starts_with("gate "))
    {
        let rest = line.split_once(": ").map_or("", |(_, r)| r);
        let id = rest.split(' ').next().unwrap_or_default().to_string();
        let why = json
            .iter()
            .filter(|(_, i, _)| *i == id)
            .map(|(_, _, r)| r.clone())
            .find(|r| rest.contains(&format!(": {}", describe_start(r))))
            .unwrap_or_else(|| panic!("table line names no known offence: {line}"));
        found.push((id, why));
    }
    found.sort();
    found
}

fn describe_start(reason: &str) -> &'static str {
    match reason {
        "overdue" => "overdue",
        "done-without-evidence" => "done, but evidence",
        "stale-evidence" => "evidence is stale",
        "evidence-missing" => "recurring, but its evidence",
        _ => "risk acceptance expired",
    }
}

/// Offenders from GitHub annotations: `::error ...title=comply%3A KIND ID
/// (RISK risk)::TITLE: WHY`.
fn from_github(out: &str) -> Vec<Key> {
    let mut found: Vec<Key> = out
        .lines()
        .filter(|l| l.starts_with("::error file="))
        .map(|l| {
            let title = l.split("title=comply%3A ").nth(1).unwrap_or_default();
            let mut words = title.split(' ');
            let kind = words.next().unwrap_or_default().to_string();
            let id = words
                .next()
                .unwrap_or_default()
                .replace("%3A", ":")
                .replace("%2C", ",")
                .replace("%25", "%");
            let message = l.split_once(")::").map_or("", |x| x.1);
            let why = message.rsplit_once(": ").map_or("", |(_, w)| w);
            // The title may hold ": " too: take the last known description.
            let why = [
                "overdue",
                "done, but evidence",
                "evidence is stale",
                "recurring, but its evidence",
                "risk acceptance expired",
            ]
            .iter()
            .filter_map(|p| message.rfind(&format!(": {p}")).map(|at| (at, *p)))
            .max()
            .map_or(why.to_string(), |(at, _)| message[at + 2..].to_string());
            (kind, id, reason_of(&why))
        })
        .collect();
    found.sort();
    found
}

/// Offenders from JUnit: each `<failure type=...>` inside its test case.
fn from_junit(xml: &str) -> (Vec<Key>, usize) {
    let mut found = Vec::new();
    let mut current = (String::new(), String::new());
    let mut failed_cases = 0;
    let mut case_failed = false;
    for line in xml.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("<testcase classname=\"") {
            let classname = rest.split('"').next().unwrap_or_default();
            let kind = classname.rsplit('.').next().unwrap_or_default().to_string();
            let name = rest
                .split("name=\"")
                .nth(1)
                .and_then(|r| r.split('"').next());
            let name = name.unwrap_or_default();
            // An acceptance's case is named `TARGET (FILE:LINE)`.
            let id = match kind.as_str() {
                "acceptance" => name.rsplit_once(" (").map_or(name, |(id, _)| id),
                _ => name,
            };
            current = (kind, id.to_string());
            case_failed = false;
        } else if let Some(rest) = line.strip_prefix("<failure type=\"") {
            let reason = rest.split('"').next().unwrap_or_default().to_string();
            found.push((current.0.clone(), current.1.clone(), reason));
            if !case_failed {
                failed_cases += 1;
                case_failed = true;
            }
        }
    }
    found.sort();
    (found, failed_cases)
}

fn run_json(repo: &Fixture, args: &[&str], code: i32) -> Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json", "--as-of", AS_OF]);
    json(&repo.run(&all).code(code))
}

fn ids(list: &Value) -> BTreeSet<String> {
    list.as_array()
        .into_iter()
        .flatten()
        .filter_map(|x| x["id"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn every_output_agrees_on_generated_repositories() {
    // What the generated repositories exercised, so the test cannot pass by
    // generating nothing of interest.
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut checked: u64 = 0;
    for seed in 1..=REPOSITORIES {
        let Generated {
            repo,
            frameworks,
            fail_on_stale,
        } = generate(seed);
        let context = format!("seed {seed} ({})", repo.path().display());
        let validate = repo.run(&["validate"]);
        let output = validate.get_output();
        if output.status.code() != Some(0) {
            // Generated acceptances may name an ambiguous bare id; that is
            // `validate`'s business, tested elsewhere.
            let err = String::from_utf8_lossy(&output.stderr);
            assert!(
                err.contains("which names several things"),
                "{context}: {err}"
            );
            continue;
        }
        let stale_flag: &[&str] = if fail_on_stale {
            &["--fail-on-stale"]
        } else {
            &[]
        };
        let mut check_args = vec!["check", "--as-of", AS_OF];
        check_args.extend(stale_flag);
        let table = repo.run(&check_args);
        let code = table.get_output().status.code().unwrap_or(-1);
        assert!(code == 0 || code == 1, "{context}: exit {code}");
        let check = {
            let mut args = vec!["check"];
            args.extend(stale_flag);
            run_json(&repo, &args, code)
        };
        let offenders = keys(&check["offenders"]);
        checked += 1;
        for (kind, _, reason) in &offenders {
            seen.insert(format!("offender {kind}"));
            seen.insert(format!("reason {reason}"));
        }
        for (kind, _, _) in keys(&check["accepted"]) {
            seen.insert(format!("accepted {kind}"));
        }
        assert_eq!(check["passed"], offenders.is_empty(), "{context}");
        assert_eq!(code == 0, offenders.is_empty(), "{context}");

        let from_table = from_table(&stdout(&table), &offenders);
        let mut expected: Vec<(String, String)> = offenders
            .iter()
            .map(|(_, id, r)| (id.clone(), r.clone()))
            .collect();
        expected.sort();
        assert_eq!(from_table, expected, "{context}: table");

        let mut args = check_args.clone();
        args.extend(["--format", "github"]);
        let github = from_github(&stdout(&repo.run(&args).code(code)));
        assert_eq!(github, offenders, "{context}: github");

        let mut args = check_args.clone();
        args.extend(["--format", "junit"]);
        let xml = stdout(&repo.run(&args).code(code));
        let (junit, failed_cases) = from_junit(&xml);
        assert_eq!(junit, offenders, "{context}: junit");
        assert!(
            xml.contains(&format!("failures=\"{failed_cases}\"")),
            "{context}: junit failures attribute"
        );
        // One case per failing subject; each expired acceptance is its own.
        let list = check["offenders"].as_array().cloned().unwrap_or_default();
        let text = |o: &Value, k: &str| o[k].as_str().unwrap_or_default().to_string();
        let subjects: BTreeSet<(String, String, String)> = list
            .iter()
            .filter(|o| o["kind"] != "acceptance")
            .map(|o| (text(o, "kind"), text(o, "framework"), text(o, "id")))
            .collect();
        let expired = list.iter().filter(|o| o["kind"] == "acceptance").count();
        assert_eq!(
            failed_cases,
            subjects.len() + expired,
            "{context}: junit cases"
        );
        let accepted = keys(&check["accepted"]);
        let skipped = xml.matches("<skipped ").count();
        assert_eq!(skipped, accepted.len(), "{context}: junit skipped");

        if !fail_on_stale {
            let report = run_json(&repo, &["report"], 0);
            assert_eq!(
                keys(&report["gate"]["offenders"]),
                offenders,
                "{context}: report"
            );
            assert_eq!(
                keys(&report["gate"]["accepted"]),
                accepted,
                "{context}: report"
            );
            let markdown = stdout(&repo.run(&["report", "--as-of", AS_OF]).code(0));
            let gate = markdown
                .split("## <a id=\"gate\"></a>Gate")
                .nth(1)
                .and_then(|s| s.split("### <a id=\"gate-accepted\"").next())
                .unwrap_or_default();
            let rows = gate
                .lines()
                .filter(|l| l.starts_with("| [") || l.starts_with("| "))
                .count();
            let rows = rows.saturating_sub(usize::from(!offenders.is_empty()));
            assert_eq!(rows, offenders.len(), "{context}: report gate rows\n{gate}");
        }

        let status = run_json(&repo, &["status"], 0);
        let due = run_json(&repo, &["due"], 0);
        let gaps = run_json(&repo, &["gaps"], 0);
        let missing = run_json(&repo, &["evidence", "--missing"], 0);
        let figures = status["frameworks"].as_array().cloned().unwrap_or_default();
        let per = |list: &Value, fw: &str| {
            list.as_array()
                .map_or(0, |a| a.iter().filter(|x| x["framework"] == fw).count())
        };
        let mut evidence_missing = 0;
        for f in &figures {
            let fw = f["id"].as_str().unwrap_or_default();
            for (figure, list) in [("gaps", &gaps["gaps"]), ("unproven", &gaps["unproven"])] {
                assert_eq!(f[figure], per(list, fw), "{context}: {figure} of `{fw}`");
            }
            // A framework's item figures count the items that serve it (its
            // own and those linked to its controls, directly or through
            // mappings): what `due --framework` lists and what the report
            // narrowed to it counts.
            let served = run_json(&repo, &["due", "--framework", fw], 0);
            let narrowed = run_json(&repo, &["report", "--framework", fw], 0);
            let row = &narrowed["frameworks"][0];
            for figure in ["overdue", "due_soon", "unscheduled"] {
                let listed = served[figure].as_array().map_or(0, Vec::len);
                assert_eq!(f[figure], listed, "{context}: {figure} of `{fw}`");
                assert_eq!(row[figure], listed, "{context}: report {figure} of `{fw}`");
            }
            let open = narrowed["items"]
                .as_array()
                .map_or(0, |a| a.iter().filter(|i| i["state"] != "closed").count());
            assert_eq!(f["items_open"], open, "{context}: items_open of `{fw}`");
            assert_eq!(
                row["items_open"], open,
                "{context}: report items_open of `{fw}`"
            );
            evidence_missing += f["evidence_missing"].as_u64().unwrap_or(0);
        }
        assert_eq!(
            evidence_missing,
            missing["evidence"].as_array().map_or(0, |a| a.len() as u64),
            "{context}: evidence missing"
        );
        // Every open item serves some framework, so counts in some row.
        let items: u64 = figures
            .iter()
            .filter_map(|f| f["items_open"].as_u64())
            .sum();
        let open = status["items"].as_array().map_or(0, |a| {
            a.iter().filter(|i| i["state"] != "closed").count() as u64
        });
        assert!(items >= open, "{context}: an open item counts in no row");

        let whole_overdue = ids(&due["overdue"]);
        let whole_offenders = keys(&run_json(&repo, &["report"], 0)["gate"]["offenders"]);
        let views = frameworks
            .iter()
            .map(|fw| ("--framework", fw.as_str()))
            .chain([("--owner", "Security"), ("--owner", "Ops")]);
        for (flag, value) in views {
            let probe = repo.run(&["due", flag, value, "--as-of", AS_OF]);
            if probe.get_output().status.code() == Some(2) {
                // An owner who owns nothing here is refused, not shown empty.
                let err = String::from_utf8_lossy(&probe.get_output().stderr).into_owned();
                assert!(err.contains("owns nothing"), "{context}: {err}");
                continue;
            }
            let view = run_json(&repo, &["due", flag, value], 0);
            assert!(
                ids(&view["overdue"]).is_subset(&whole_overdue),
                "{context}: due {flag} {value}"
            );
            let report = run_json(&repo, &["report", flag, value], 0);
            assert!(
                is_sub_multiset(&keys(&report["gate"]["offenders"]), &whole_offenders),
                "{context}: report {flag} {value}"
            );
        }
    }
    assert!(
        checked * 4 >= REPOSITORIES * 3,
        "only {checked} repositories validated"
    );
    for wanted in [
        "offender item",
        "offender review",
        "offender control",
        "offender acceptance",
        "reason overdue",
        "reason done-without-evidence",
        "reason stale-evidence",
        "reason acceptance-expired",
        "reason evidence-missing",
        "accepted item",
        "accepted review",
    ] {
        assert!(
            seen.contains(wanted),
            "no repository had an `{wanted}`: {seen:?}"
        );
    }
}
