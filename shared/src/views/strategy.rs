//! The strategy page (战略对齐): objectives with their weights, the contribution matrix
//! projects × objectives, each project's alignment score ranked, and the objectives no
//! approved or active project serves.

use crate::{
    alignment::{self, Objective, ProjectContributions},
    board::{BoardSnapshot, ObjectiveId, ProjectId, Stage},
    views::scoring::RankingProblem,
};

/// Each objective's weight as a share of all weights, in the board's order; all 0 when no
/// weight is positive.
pub fn weight_shares(objectives: &[Objective]) -> Vec<f64> {
    let total: f64 = objectives.iter().map(|o| o.weight.max(0.0)).sum();
    objectives.iter().map(|o| if total > 0.0 { o.weight.max(0.0) / total } else { 0.0 }).collect()
}

/// One project's place in the alignment ranking.
#[derive(Debug, Clone, PartialEq)]
pub struct AlignmentRow {
    pub id: ProjectId,
    pub name: String,
    pub stage: Stage,
    /// 0 (serves no objective) to 1 (fully serves every one).
    pub score: f64,
    /// 1 for the best aligned; equal scores keep the board's priority order.
    pub rank: usize,
}

/// Every project by alignment score, best first; or why there is no ranking.
pub fn alignment_ranking(board: &BoardSnapshot) -> Result<Vec<AlignmentRow>, RankingProblem> {
    if board.objectives.is_empty() {
        return Err(RankingProblem::NothingToRankBy);
    }
    let mut rows = Vec::with_capacity(board.projects.len());
    for project in board.projects.iter() {
        let contributions =
            ProjectContributions { project: project.id.clone(), contributions: project.contributions.clone() };
        let alignment =
            alignment::project_alignment(&board.objectives, &contributions).map_err(|error| match error {
                alignment::AlignmentError::NoWeight => RankingProblem::NoWeight,
                other => RankingProblem::Other(other.to_string()),
            })?;
        rows.push(AlignmentRow {
            id: project.id.clone(),
            name: project.name.clone(),
            stage: project.stage,
            score: alignment.score,
            rank: 0,
        });
    }
    // A stable sort keeps the board's priority order among equal scores.
    rows.sort_by(|a, b| b.score.total_cmp(&a.score));
    for (index, row) in rows.iter_mut().enumerate() {
        row.rank = index + 1;
    }
    Ok(rows)
}

/// The objectives (by id, in the board's order) that no approved or active project
/// contributes to: strategy nobody is delivering.
pub fn unserved_objectives(board: &BoardSnapshot) -> Vec<ObjectiveId> {
    let serving: Vec<_> =
        board.projects.iter().filter(|p| matches!(p.stage, Stage::Approved | Stage::Active)).collect();
    board
        .objectives
        .iter()
        .filter(|objective| {
            !serving.iter().any(|project| project.contributions.get(&objective.id).is_some_and(|&c| c > 0.0))
        })
        .map(|objective| objective.id.clone())
        .collect()
}

/// Where a key press moves the focus in a grid of `rows` × `columns` cells: arrows move one
/// cell and stop at the edges, Home and End go to the row's first and last cell. `None` for
/// any other key, which the grid leaves to the browser.
pub fn move_in_grid(at: (usize, usize), key: &str, rows: usize, columns: usize) -> Option<(usize, usize)> {
    if rows == 0 || columns == 0 {
        return None;
    }
    let (row, column) = (at.0.min(rows - 1), at.1.min(columns - 1));
    Some(match key {
        "ArrowUp" => (row.saturating_sub(1), column),
        "ArrowDown" => ((row + 1).min(rows - 1), column),
        "ArrowLeft" => (row, column.saturating_sub(1)),
        "ArrowRight" => (row, (column + 1).min(columns - 1)),
        "Home" => (row, 0),
        "End" => (row, columns - 1),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::board::{Board, NewProject};

    /// Growth weighs 3, Compliance 1 (shares 0.75 and 0.25), Green IT 0. ERP (active) serves
    /// Growth 0.8 and Compliance 0.4 → 0.75 × 0.8 + 0.25 × 0.4 = 0.7. CRM (proposed) serves
    /// Compliance fully → 0.25. BI (approved) serves nothing → 0.
    fn board() -> (BoardSnapshot, [ObjectiveId; 3], [ProjectId; 3]) {
        let mut board = Board::new("Strategy").unwrap();
        let objectives = [ObjectiveId::random(), ObjectiveId::random(), ObjectiveId::random()];
        for (id, name, weight) in objectives
            .iter()
            .zip(["Growth", "Compliance", "Green IT"])
            .zip([3.0, 1.0, 0.0])
            .map(|((id, name), weight)| (id, name, weight))
        {
            board.add_objective(id.clone(), name, weight).unwrap();
        }
        let projects = [ProjectId::random(), ProjectId::random(), ProjectId::random()];
        for (id, name, stage) in [
            (&projects[0], "BI", Stage::Approved),
            (&projects[1], "CRM", Stage::Proposed),
            (&projects[2], "ERP", Stage::Active),
        ] {
            board.add_project(id.clone(), NewProject { name: name.into(), stage, budget: 1.0 }).unwrap();
        }
        let [growth, compliance, _] = &objectives;
        board.set_contribution(&projects[2], growth, 0.8).unwrap();
        board.set_contribution(&projects[2], compliance, 0.4).unwrap();
        board.set_contribution(&projects[1], compliance, 1.0).unwrap();
        (board.snapshot(), objectives, projects)
    }

    #[test]
    fn projects_rank_by_weighted_contribution() {
        let (board, _, _) = board();
        let rows = alignment_ranking(&board).unwrap();
        let ranked: Vec<(&str, usize)> = rows.iter().map(|r| (r.name.as_str(), r.rank)).collect();
        assert_eq!(ranked, [("ERP", 1), ("CRM", 2), ("BI", 3)]);
        let scores: Vec<f64> = rows.iter().map(|r| (r.score * 1e9).round() / 1e9).collect();
        assert_eq!(scores, [0.7, 0.25, 0.0]);
        assert_eq!(weight_shares(&board.objectives), [0.75, 0.25, 0.0]);
    }

    #[test]
    fn objectives_no_approved_or_active_project_serves_are_marked() {
        let (board, [growth, compliance, green], [_, _, erp]) = board();
        // Growth: ERP (active). Compliance: ERP too (0.4), so CRM, only proposed, is not needed.
        // Green IT: nobody.
        assert_eq!(unserved_objectives(&board), std::slice::from_ref(&green));
        let mut without_erp = board.clone();
        std::sync::Arc::make_mut(&mut without_erp.projects).retain(|p| p.id != erp);
        // Without ERP nobody approved or active serves Growth, and only proposed CRM serves
        // Compliance: all three are unserved.
        assert_eq!(unserved_objectives(&without_erp), [growth.clone(), compliance.clone(), green.clone()]);
    }

    #[test]
    fn no_objectives_or_no_weight_says_why_there_is_no_ranking() {
        let empty = Board::new("Empty").unwrap().snapshot();
        assert_eq!(alignment_ranking(&empty).unwrap_err(), RankingProblem::NothingToRankBy);
        let (mut weightless, _, _) = board();
        for objective in &mut weightless.objectives {
            objective.weight = 0.0;
        }
        assert_eq!(alignment_ranking(&weightless).unwrap_err(), RankingProblem::NoWeight);
    }

    #[test]
    fn arrow_keys_move_within_the_grid_and_stop_at_its_edges() {
        // (from, key, expected) in a 3 × 4 grid.
        let cases = [
            ((0, 0), "ArrowUp", Some((0, 0))),
            ((0, 0), "ArrowDown", Some((1, 0))),
            ((2, 1), "ArrowDown", Some((2, 1))),
            ((1, 3), "ArrowRight", Some((1, 3))),
            ((1, 2), "ArrowLeft", Some((1, 1))),
            ((1, 2), "Home", Some((1, 0))),
            ((1, 0), "End", Some((1, 3))),
            ((1, 1), "Enter", None),
            ((9, 9), "ArrowUp", Some((1, 3))),
        ];
        for (from, key, expected) in cases {
            assert_eq!(move_in_grid(from, key, 3, 4), expected, "{from:?} {key}");
        }
        assert_eq!(move_in_grid((0, 0), "ArrowDown", 0, 4), None);
    }
}
