//! What changed on a board between two versions (a decision's, a baseline's, any point of its
//! history, or now): projects added and removed, the ones whose rank among the projects of both
//! versions changed, fields changed old → new, bookings changed, and the PMO KPIs then and now
//! ([`compare_kpis`]), and what the exact selection would choose on each
//! ([`compare_selection`]).

use std::collections::BTreeMap;

use crate::{
    board::{schema::project as field, BoardSnapshot, Project},
    dashboard,
    selection::{self, Limits, SelectionError, SelectionStatus},
    views::{self, dashboard::kpi_tiles},
    IsoWeek, PersonId, ProjectId,
};

use super::format_number;

/// What changed between two snapshots of one board.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Comparison {
    /// Names of projects that are new since.
    pub added: Vec<String>,
    /// Names (as they were) of projects deleted since.
    pub removed: Vec<String>,
    /// Projects whose rank among the projects on both versions changed, in today's order.
    pub reranked: Vec<Rerank>,
    /// Fields of projects on both versions set to something else, in today's order.
    pub fields: Vec<FieldChange>,
    /// Bookings (hours of one person in one week on one project) set, changed or cleared, by
    /// project in today's order (projects deleted since last), then person and week.
    pub bookings: Vec<BookingChange>,
}

impl Comparison {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.reranked.is_empty()
            && self.fields.is_empty()
            && self.bookings.is_empty()
    }
}

/// One booking then and now; 0 hours is no booking.
#[derive(Debug, Clone, PartialEq)]
pub struct BookingChange {
    /// The project's name now (as it was, if it was deleted since).
    pub project: String,
    pub person: String,
    pub week: IsoWeek,
    pub before: f64,
    pub after: f64,
}

/// One PMO KPI then and now, as the dashboard shows it (`None`: not enough data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KpiThenNow {
    /// As [`crate::views::dashboard::KpiTile::id`].
    pub id: &'static str,
    pub label: &'static str,
    pub zh: &'static str,
    pub then: Option<String>,
    pub now: Option<String>,
}

impl KpiThenNow {
    pub fn changed(&self) -> bool {
        self.then != self.now
    }
}

/// The six PMO KPIs of both versions, over the same planning `weeks`, in the dashboard's
/// order. Kept apart from [`compare`] because it computes two dashboards.
pub fn compare_kpis(then: &BoardSnapshot, now: &BoardSnapshot, weeks: &[IsoWeek]) -> Vec<KpiThenNow> {
    let before = kpi_tiles(&dashboard::compute(then, weeks));
    let after = kpi_tiles(&dashboard::compute(now, weeks));
    before
        .into_iter()
        .zip(after)
        .map(|(then, now)| KpiThenNow { id: now.id, label: now.label, zh: now.zh, then: then.figure, now: now.figure })
        .collect()
}

/// How many branch-and-bound nodes the comparison's selection may explore on each version.
///
/// A node budget rather than a time budget, so that the same two versions give the same answer
/// on every machine. The selection page searches until it proves the optimum (with progress
/// and Cancel); a comparison opens in one go, so it stops here and says how close to the best
/// possible its answer is proven to be ([`SelectionAt::gap`]). Most boards are proven optimal
/// well within it (200 candidates took 4,241 nodes to the proof; see BENCHMARKS.md).
pub const SELECTION_NODES: u64 = 2_000;

/// The limits [`compare_selection`] is meant to run with.
pub fn selection_limits() -> Limits<'static> {
    Limits::nodes(SELECTION_NODES)
}

/// What the exact selection chooses on one version of the board, with the selection page's
/// defaults: every project still in play a candidate worth its weighted score, the budget
/// envelope (else what they would all cost), the people's capacity per role over the planning
/// weeks, active projects kept.
#[derive(Debug, Clone, PartialEq)]
pub struct SelectionAt {
    /// The chosen projects' names in that version's priority order.
    pub chosen: Vec<String>,
    pub value: f64,
    pub cost: f64,
    pub budget: f64,
    pub status: SelectionStatus,
    /// The share of the best possible value the answer might miss (0 when proven optimal).
    pub gap: f64,
}

/// The exact selection on two versions, and the projects it chooses on one only.
#[derive(Debug, Clone, PartialEq)]
pub struct SelectionThenNow {
    pub then: SelectionAt,
    pub now: SelectionAt,
    /// Chosen then and not now, by their name now (as it was, if deleted since), in then's order.
    pub only_then: Vec<String>,
    /// Chosen now and not then, in today's order.
    pub only_now: Vec<String>,
}

impl SelectionThenNow {
    pub fn changed(&self) -> bool {
        !self.only_then.is_empty() || !self.only_now.is_empty() || self.then.value != self.now.value
    }
}

/// Runs the exact selection on both versions within `limits` (use [`selection_limits`]). The
/// two problems are solved once when they are the same, which is most comparisons of close
/// versions: whatever changed did not touch values, costs, the budget or capacity.
pub fn compare_selection(
    then: &BoardSnapshot,
    now: &BoardSnapshot,
    weeks: &[IsoWeek],
    limits: &Limits,
) -> Result<SelectionThenNow, SelectionError> {
    let problem = |board: &BoardSnapshot| {
        let values = views::selection::candidate_values(board);
        let setup = views::selection::Setup {
            budget: views::selection::default_budget(board),
            ..views::selection::Setup::default()
        };
        views::selection::build_problem(board, &values, &setup, weeks)
    };
    let (problem_then, problem_now) = (problem(then), problem(now));
    let solved_now = selection::select(&problem_now, limits)?;
    let solved_then =
        if problem_then == problem_now { solved_now.clone() } else { selection::select(&problem_then, limits)? };
    let at = |board: &BoardSnapshot, solved: selection::Selection, budget: f64| {
        let chosen: Vec<&Project> = board.projects.iter().filter(|p| solved.chosen.contains(&p.id)).collect();
        let ids: Vec<ProjectId> = chosen.iter().map(|p| p.id.clone()).collect();
        let at = SelectionAt {
            chosen: chosen.iter().map(|p| p.name.clone()).collect(),
            value: solved.total_value,
            cost: solved.total_cost,
            budget,
            status: solved.status,
            gap: solved.gap,
        };
        (at, ids)
    };
    let (then_at, then_ids) = at(then, solved_then, problem_then.budget);
    let (now_at, now_ids) = at(now, solved_now, problem_now.budget);
    let name_now =
        |id: &ProjectId| now.project(id).or_else(|| then.project(id)).map_or_else(String::new, |p| p.name.clone());
    let only_then = then_ids.iter().filter(|id| !now_ids.contains(id)).map(name_now).collect();
    let only_now = now_ids.iter().filter(|id| !then_ids.contains(id)).map(name_now).collect();
    Ok(SelectionThenNow { then: then_at, now: now_at, only_then, only_now })
}

/// A project that moved: its rank (1 is the top) then and now, among the projects on both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rerank {
    pub project: String,
    pub from: usize,
    pub to: usize,
}

/// One field of one project, then and now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    /// The project's name now.
    pub project: String,
    pub field: &'static str,
    pub before: String,
    pub after: String,
}

/// The fields compared, with how each is shown.
fn fields(project: &Project) -> [(&'static str, String); 8] {
    let date = |day: Option<chrono::NaiveDate>| day.map_or_else(|| "—".to_owned(), |day| day.to_string());
    let text = |text: &str| if text.is_empty() { "—".to_owned() } else { text.to_owned() };
    [
        (field::NAME, project.name.clone()),
        (field::STAGE, project.stage.as_str().to_owned()),
        (field::PHASE, project.phase.as_str().to_owned()),
        (field::BUDGET, format_number(project.budget)),
        (field::SPONSOR, text(&project.sponsor)),
        (field::MANAGER, text(&project.manager)),
        (field::START, date(project.start)),
        (field::END, date(project.end)),
    ]
}

/// What changed from `then` to `now`.
pub fn compare(then: &BoardSnapshot, now: &BoardSnapshot) -> Comparison {
    let added = now.projects.iter().filter(|p| then.project(&p.id).is_none()).map(|p| p.name.clone()).collect();
    let removed = then.projects.iter().filter(|p| now.project(&p.id).is_none()).map(|p| p.name.clone()).collect();
    let common_then: Vec<&Project> = then.projects.iter().filter(|p| now.project(&p.id).is_some()).collect();
    let common_now: Vec<&Project> = now.projects.iter().filter(|p| then.project(&p.id).is_some()).collect();
    let mut reranked = Vec::new();
    let mut changed = Vec::new();
    for (to, project) in common_now.iter().enumerate() {
        let Some(from) = common_then.iter().position(|p| p.id == project.id) else { continue };
        if from != to {
            reranked.push(Rerank { project: project.name.clone(), from: from + 1, to: to + 1 });
        }
        let before = fields(common_then[from]);
        for ((field, old), (_, new)) in before.into_iter().zip(fields(project)) {
            if old != new {
                changed.push(FieldChange { project: project.name.clone(), field, before: old, after: new });
            }
        }
    }
    let bookings = bookings(then, now);
    Comparison { added, removed, reranked, fields: changed, bookings }
}

fn bookings(then: &BoardSnapshot, now: &BoardSnapshot) -> Vec<BookingChange> {
    let table = |board: &BoardSnapshot| -> BTreeMap<(ProjectId, PersonId, IsoWeek), f64> {
        board.allocations.iter().map(|a| ((a.project.clone(), a.person.clone(), a.week), a.hours)).collect()
    };
    let (before, after) = (table(then), table(now));
    let mut keys: Vec<&(ProjectId, PersonId, IsoWeek)> = before.keys().chain(after.keys()).collect();
    keys.sort();
    keys.dedup();
    // Today's priority order, then projects deleted since in their order then.
    let rank = |project: &ProjectId| {
        now.projects
            .iter()
            .position(|p| &p.id == project)
            .or_else(|| then.projects.iter().position(|p| &p.id == project).map(|at| now.projects.len() + at))
            .unwrap_or(usize::MAX)
    };
    let project_name = |id: &ProjectId| {
        now.project(id).or_else(|| then.project(id)).map_or_else(|| id.to_string(), |p| p.name.clone())
    };
    let person_name =
        |id: &PersonId| now.person(id).or_else(|| then.person(id)).map_or_else(|| id.to_string(), |p| p.name.clone());
    let mut changes: Vec<(usize, BookingChange)> = keys
        .into_iter()
        .filter_map(|key| {
            let old = before.get(key).copied().unwrap_or(0.0);
            let new = after.get(key).copied().unwrap_or(0.0);
            (old != new).then(|| {
                let (project, person, week) = key;
                let change = BookingChange {
                    project: project_name(project),
                    person: person_name(person),
                    week: *week,
                    before: old,
                    after: new,
                };
                (rank(project), change)
            })
        })
        .collect();
    // Stable: within a project, the keys' order (person id, week) stays.
    changes.sort_by_key(|(rank, _)| *rank);
    changes.into_iter().map(|(_, change)| change).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        board::{NewPerson, NewProject, Stage},
        Board, ProjectId,
    };

    fn person(board: &mut Board, name: &str) -> PersonId {
        let id = PersonId::random();
        board
            .add_person(
                id.clone(),
                NewPerson {
                    name: name.into(),
                    role: "Engineer".into(),
                    team: "Core".into(),
                    capacity_hours_per_week: 40.0,
                },
            )
            .unwrap();
        id
    }

    fn week(text: &str) -> IsoWeek {
        text.parse().unwrap()
    }

    fn add(board: &mut Board, name: &str, budget: f64) -> ProjectId {
        let id = ProjectId::random();
        board.add_project(id.clone(), NewProject { name: name.into(), stage: Stage::Proposed, budget }).unwrap();
        id
    }

    #[test]
    fn the_same_version_has_nothing_changed() {
        let mut board = Board::new("P").unwrap();
        add(&mut board, "Apollo", 1.0);
        assert!(compare(&board.snapshot(), &board.snapshot()).is_empty());
    }

    /// Then: Apollo, Zeus, Hermes, Ares. Since: Hermes moved to the top, Ares deleted, Athena
    /// added second, Zeus's budget 100,000 → 250,000 and stage proposed → approved, Apollo
    /// renamed Apollo II.
    #[test]
    fn a_worked_example() {
        let mut board = Board::new("P").unwrap();
        let apollo = add(&mut board, "Apollo", 50_000.0);
        let zeus = add(&mut board, "Zeus", 100_000.0);
        let hermes = add(&mut board, "Hermes", 10_000.0);
        let ares = add(&mut board, "Ares", 5_000.0);
        let then = board.snapshot();
        board.move_project(&hermes, 0).unwrap();
        board.delete_project(&ares).unwrap();
        let athena = add(&mut board, "Athena", 1.0);
        board.move_project(&athena, 1).unwrap();
        board.set_project_budget(&zeus, 250_000.0).unwrap();
        board.set_project_stage(&zeus, Stage::Approved).unwrap();
        board.rename_project(&apollo, "Apollo II").unwrap();
        let now = board.snapshot();

        let comparison = compare(&then, &now);
        assert_eq!(comparison.added, ["Athena"]);
        assert_eq!(comparison.removed, ["Ares"]);
        // Among Apollo, Zeus, Hermes: then 1, 2, 3; now Hermes, Apollo, Zeus.
        assert_eq!(
            comparison.reranked,
            [
                Rerank { project: "Hermes".into(), from: 3, to: 1 },
                Rerank { project: "Apollo II".into(), from: 1, to: 2 },
                Rerank { project: "Zeus".into(), from: 2, to: 3 },
            ]
        );
        let change = |project: &str, field, before: &str, after: &str| FieldChange {
            project: project.into(),
            field,
            before: before.into(),
            after: after.into(),
        };
        assert_eq!(
            comparison.fields,
            [
                change("Apollo II", "name", "Apollo", "Apollo II"),
                change("Zeus", "stage", "proposed", "approved"),
                change("Zeus", "budget", "100,000", "250,000"),
            ]
        );
    }

    /// Then: Li Wei booked 16 h on Apollo in W03 and 8 h in W04, 10 h on Zeus in W03. Since:
    /// W03 on Apollo raised to 24 h, W04 cleared, a new 4 h in W05 on Zeus, Zeus's W03 unchanged.
    #[test]
    fn bookings_set_changed_and_cleared() {
        let mut board = Board::new("P").unwrap();
        let apollo = add(&mut board, "Apollo", 1.0);
        let zeus = add(&mut board, "Zeus", 1.0);
        let li = person(&mut board, "Li Wei");
        board.set_allocation(&apollo, &li, week("2027-W03"), 16.0).unwrap();
        board.set_allocation(&apollo, &li, week("2027-W04"), 8.0).unwrap();
        board.set_allocation(&zeus, &li, week("2027-W03"), 10.0).unwrap();
        let then = board.snapshot();
        board.set_allocation(&apollo, &li, week("2027-W03"), 24.0).unwrap();
        board.set_allocation(&apollo, &li, week("2027-W04"), 0.0).unwrap();
        board.set_allocation(&zeus, &li, week("2027-W05"), 4.0).unwrap();
        let comparison = compare(&then, &board.snapshot());
        let booking = |project: &str, week_text: &str, before: f64, after: f64| BookingChange {
            project: project.into(),
            person: "Li Wei".into(),
            week: week(week_text),
            before,
            after,
        };
        assert_eq!(
            comparison.bookings,
            [
                booking("Apollo", "2027-W03", 16.0, 24.0),
                booking("Apollo", "2027-W04", 8.0, 0.0),
                booking("Zeus", "2027-W05", 0.0, 4.0),
            ]
        );
        assert!(!comparison.is_empty());
        assert!(comparison.reranked.is_empty() && comparison.fields.is_empty());
    }

    /// One person of 40 h a week: 20 h booked in W03 then (50 % utilisation over that week),
    /// 30 h now (75 %). The other KPIs have no data on either version and did not change.
    #[test]
    fn kpis_then_and_now() {
        let mut board = Board::new("P").unwrap();
        let apollo = add(&mut board, "Apollo", 1.0);
        let li = person(&mut board, "Li Wei");
        board.set_allocation(&apollo, &li, week("2027-W03"), 20.0).unwrap();
        let then = board.snapshot();
        board.set_allocation(&apollo, &li, week("2027-W03"), 30.0).unwrap();
        let kpis = compare_kpis(&then, &board.snapshot(), &[week("2027-W03")]);
        assert_eq!(kpis.len(), 6, "the dashboard's six KPIs");
        let utilisation = kpis.iter().find(|kpi| kpi.id == "utilisation").unwrap();
        assert_eq!((utilisation.then.as_deref(), utilisation.now.as_deref()), (Some("50%"), Some("75%")));
        assert!(utilisation.changed());
        let changed: Vec<&str> = kpis.iter().filter(|kpi| kpi.changed()).map(|kpi| kpi.id).collect();
        assert_eq!(changed, ["utilisation"]);
    }

    /// One criterion; Apollo scores 10, Zeus 8, Hermes 6, Ares 0, so their values (100 × the
    /// min-max normalised score) are 100, 80, 60 and 0; they cost 60, 50, 40 and 20 against an
    /// envelope of 100. Then: Apollo + Hermes fit exactly (value 160; Apollo + Zeus would cost
    /// 110). Since, Apollo's budget rose to 70: Apollo + Hermes cost 110, and the best is Zeus +
    /// Hermes (value 140, cost 90) over Apollo + Ares (100) or Apollo alone.
    #[test]
    fn the_selection_then_and_now_a_worked_example() {
        use crate::{board::CriterionId, scoring::Direction};
        let mut board = Board::new("P").unwrap();
        let criterion = CriterionId::random();
        board.add_criterion(criterion.clone(), "Value", 1.0, Direction::HigherIsBetter).unwrap();
        let mut ids = Vec::new();
        for (name, score, cost) in
            [("Apollo", 10.0, 60.0), ("Zeus", 8.0, 50.0), ("Hermes", 6.0, 40.0), ("Ares", 0.0, 20.0)]
        {
            let id = add(&mut board, name, cost);
            board.set_score(&id, &criterion, Some(score)).unwrap();
            ids.push(id);
        }
        board.set_budget_envelope(Some(100.0)).unwrap();
        let then = board.snapshot();
        board.set_project_budget(&ids[0], 70.0).unwrap();
        let now = board.snapshot();
        let weeks = [week("2027-W03")];

        let selection = compare_selection(&then, &now, &weeks, &selection_limits()).unwrap();
        let expected_then = SelectionAt {
            chosen: vec!["Apollo".into(), "Hermes".into()],
            value: 160.0,
            cost: 100.0,
            budget: 100.0,
            status: SelectionStatus::Optimal,
            gap: 0.0,
        };
        assert_eq!(selection.then, expected_then);
        let expected_now =
            SelectionAt { chosen: vec!["Zeus".into(), "Hermes".into()], value: 140.0, cost: 90.0, ..expected_then };
        assert_eq!(selection.now, expected_now);
        assert_eq!((selection.only_then, selection.only_now), (vec!["Apollo".to_owned()], vec!["Zeus".to_owned()]));

        // The same version: the same choice, nothing changed.
        let same = compare_selection(&now, &now, &weeks, &selection_limits()).unwrap();
        assert!(!same.changed());
        assert_eq!(same.then, same.now);
    }

    #[test]
    fn adding_below_does_not_rerank_the_others() {
        let mut board = Board::new("P").unwrap();
        add(&mut board, "Apollo", 1.0);
        let then = board.snapshot();
        let zeus = add(&mut board, "Zeus", 1.0);
        board.move_project(&zeus, 0).unwrap();
        let comparison = compare(&then, &board.snapshot());
        assert_eq!(comparison.added, ["Zeus"]);
        assert!(comparison.reranked.is_empty(), "Apollo is still first among the projects of both");
    }
}
