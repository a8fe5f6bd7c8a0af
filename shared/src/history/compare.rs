//! What changed on a board since a version (a decision's): projects added and removed, the
//! ones whose rank among the projects of both versions changed, and fields changed old → new.

use crate::board::{BoardSnapshot, Project};

use super::format_number;

/// What changed between two snapshots of one board.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Comparison {
    /// Names of projects that are new since.
    pub added: Vec<String>,
    /// Names (as they were) of projects deleted since.
    pub removed: Vec<String>,
    /// Projects whose rank among the projects on both versions changed, in today's order.
    pub reranked: Vec<Rerank>,
    /// Fields of projects on both versions set to something else, in today's order.
    pub fields: Vec<FieldChange>,
}

impl Comparison {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.reranked.is_empty() && self.fields.is_empty()
    }
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
        ("name", project.name.clone()),
        ("stage", project.stage.label().to_owned()),
        ("phase", project.phase.label().to_owned()),
        ("budget", format_number(project.budget)),
        ("sponsor", text(&project.sponsor)),
        ("manager", text(&project.manager)),
        ("start", date(project.start)),
        ("end", date(project.end)),
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
    Comparison { added, removed, reranked, fields: changed }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        board::{NewProject, Stage},
        Board, ProjectId,
    };

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
                change("Zeus", "stage", "Proposed 提案", "Approved 已立项"),
                change("Zeus", "budget", "100,000", "250,000"),
            ]
        );
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
