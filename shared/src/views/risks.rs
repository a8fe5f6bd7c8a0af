//! The risk page (风险): the register across projects with its filters, the 5 × 5 heat map of
//! open risks (each cell a filter), and the open exposure per project and for the portfolio.

use std::collections::HashMap;

use crate::{
    board::{BoardSnapshot, Risk, Settings},
    risk::{RiskBand, RiskBands, Roam},
    ProjectId,
};

/// The board's risk bands, or the usual ones if the settings hold an unusable triple.
pub fn bands(settings: &Settings) -> RiskBands {
    RiskBands::new(settings.risk_medium_min, settings.risk_high_min, settings.risk_critical_min).unwrap_or_default()
}

pub fn band_label(band: RiskBand) -> &'static str {
    match band {
        RiskBand::Low => "Low 低",
        RiskBand::Medium => "Medium 中",
        RiskBand::High => "High 高",
        RiskBand::Critical => "Critical 极高",
    }
}

/// The name used in forms and CSS classes.
pub fn band_name(band: RiskBand) -> &'static str {
    match band {
        RiskBand::Low => "low",
        RiskBand::Medium => "medium",
        RiskBand::High => "high",
        RiskBand::Critical => "critical",
    }
}

pub const BANDS: [RiskBand; 4] = [RiskBand::Low, RiskBand::Medium, RiskBand::High, RiskBand::Critical];

pub fn roam_label(roam: Roam) -> &'static str {
    match roam {
        Roam::Resolved => "Resolved 已解决",
        Roam::Owned => "Owned 已认领",
        Roam::Accepted => "Accepted 已接受",
        Roam::Mitigated => "Mitigated 已缓解",
    }
}

/// What the register shows. Every part left `None` shows all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RiskFilter {
    pub project: Option<ProjectId>,
    pub band: Option<RiskBand>,
    pub roam: Option<Roam>,
    /// A heat-map cell: (probability, impact). Like the map, it shows open risks only.
    pub cell: Option<(u8, u8)>,
}

/// One line of the register.
#[derive(Debug, Clone, PartialEq)]
pub struct RiskRow {
    pub risk: Risk,
    pub project_name: String,
    pub score: u8,
    pub band: RiskBand,
}

/// The register, filtered: open risks before resolved ones, each by score (highest first),
/// then title.
pub fn register(board: &BoardSnapshot, filter: &RiskFilter) -> Vec<RiskRow> {
    let bands = bands(&board.settings);
    let mut rows: Vec<RiskRow> = board
        .risks
        .iter()
        .map(|risk| {
            let score = risk.probability.get() * risk.impact.get();
            RiskRow {
                risk: risk.clone(),
                project_name: board.project(&risk.project).map(|p| p.name.clone()).unwrap_or_default(),
                score,
                band: bands.band(score).unwrap_or(RiskBand::Low),
            }
        })
        .filter(|row| {
            filter.project.as_ref().is_none_or(|project| &row.risk.project == project)
                && filter.band.is_none_or(|band| row.band == band)
                && filter.roam.is_none_or(|roam| row.risk.roam == roam)
                && filter.cell.is_none_or(|(probability, impact)| {
                    row.risk.roam.counts_toward_exposure()
                        && row.risk.probability.get() == probability
                        && row.risk.impact.get() == impact
                })
        })
        .collect();
    rows.sort_by(|a, b| {
        let open = |row: &RiskRow| row.risk.roam.counts_toward_exposure();
        open(b).cmp(&open(a)).then(b.score.cmp(&a.score)).then_with(|| a.risk.title.cmp(&b.risk.title))
    });
    rows
}

/// One cell of the heat map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeatCell {
    pub probability: u8,
    pub impact: u8,
    /// Open risks in the cell.
    pub count: usize,
    pub band: RiskBand,
}

/// The 5 × 5 map of open risks (of one project, or all), rows from probability 5 (top) down to
/// 1, columns impact 1 to 5, as a PMO draws it.
pub fn heat_map(board: &BoardSnapshot, project: Option<&ProjectId>) -> Vec<Vec<HeatCell>> {
    let bands = bands(&board.settings);
    (1..=5u8)
        .rev()
        .map(|probability| {
            (1..=5u8)
                .map(|impact| HeatCell {
                    probability,
                    impact,
                    count: board
                        .risks
                        .iter()
                        .filter(|risk| {
                            risk.roam.counts_toward_exposure()
                                && project.is_none_or(|project| &risk.project == project)
                                && risk.probability.get() == probability
                                && risk.impact.get() == impact
                        })
                        .count(),
                    band: bands.band(probability * impact).unwrap_or(RiskBand::Low),
                })
                .collect()
        })
        .collect()
}

/// A project's open exposure.
#[derive(Debug, Clone, PartialEq)]
pub struct ExposureRow {
    pub project: ProjectId,
    pub name: String,
    pub open_risks: usize,
    /// Σ probability × impact of the open risks.
    pub exposure: u32,
    pub highest_band: Option<RiskBand>,
}

/// Exposure per project with risks (highest first, ties in priority order) and the portfolio
/// total (open risks, exposure).
pub fn exposure(board: &BoardSnapshot) -> (Vec<ExposureRow>, usize, u32) {
    let bands = bands(&board.settings);
    // Each project's risks in one pass over the register: looking them up project by project
    // compared every risk with every project (2,000,000 comparisons on a large board).
    let mut by_project: HashMap<&ProjectId, Vec<&Risk>> = HashMap::new();
    for risk in board.risks.iter() {
        by_project.entry(&risk.project).or_default().push(risk);
    }
    let mut rows: Vec<ExposureRow> = board
        .projects
        .iter()
        .filter_map(|project| {
            let risks = by_project.get(&project.id)?;
            let open: Vec<u8> = risks
                .iter()
                .filter(|risk| risk.roam.counts_toward_exposure())
                .map(|risk| risk.probability.get() * risk.impact.get())
                .collect();
            Some(ExposureRow {
                project: project.id.clone(),
                name: project.name.clone(),
                open_risks: open.len(),
                exposure: open.iter().map(|score| u32::from(*score)).sum(),
                highest_band: open.iter().max().and_then(|score| bands.band(*score).ok()),
            })
        })
        .collect();
    rows.sort_by_key(|row| std::cmp::Reverse(row.exposure));
    let open = rows.iter().map(|row| row.open_risks).sum();
    let total = rows.iter().map(|row| row.exposure).sum();
    (rows, open, total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::board::RiskId;
    use crate::board::{Board, NewProject, NewRisk, Stage};

    fn risk(title: &str, probability: u8, impact: u8, roam: Roam) -> NewRisk {
        NewRisk { title: title.into(), probability, impact, owner: "Li".into(), mitigation: String::new(), roam }
    }

    /// ERP: vendor late (4 × 5 = 20, critical), key person leaves (2 × 3 = 6, medium),
    /// licence audit (5 × 5, resolved). CRM: data migration (4 × 5 = 20), scope creep (1 × 2 = 2, low).
    fn register_board() -> (BoardSnapshot, ProjectId, ProjectId) {
        let mut board = Board::new("Risks").unwrap();
        let (erp, crm): (ProjectId, ProjectId) = ("erp".parse().unwrap(), "crm".parse().unwrap());
        for (id, name) in [(&erp, "ERP"), (&crm, "CRM")] {
            board.add_project(id.clone(), NewProject { name: name.into(), stage: Stage::Active, budget: 0.0 }).unwrap();
        }
        let mut add = |id: &str, project: &ProjectId, new: NewRisk| {
            board.add_risk(id.parse::<RiskId>().unwrap(), project, new).unwrap();
        };
        add("r1", &erp, risk("Vendor late", 4, 5, Roam::Owned));
        add("r2", &erp, risk("Key person leaves", 2, 3, Roam::Mitigated));
        add("r3", &erp, risk("Licence audit", 5, 5, Roam::Resolved));
        add("r4", &crm, risk("Data migration", 4, 5, Roam::Accepted));
        add("r5", &crm, risk("Scope creep", 1, 2, Roam::Owned));
        (board.snapshot(), erp, crm)
    }

    fn titles(rows: &[RiskRow]) -> Vec<&str> {
        rows.iter().map(|row| row.risk.title.as_str()).collect()
    }

    #[test]
    fn register_lists_open_risks_by_score_then_resolved_ones() {
        let (board, _, _) = register_board();
        let rows = register(&board, &RiskFilter::default());
        assert_eq!(
            titles(&rows),
            ["Data migration", "Vendor late", "Key person leaves", "Scope creep", "Licence audit"]
        );
        assert_eq!(rows[2].score, 6);
        assert_eq!(rows[2].band, RiskBand::Medium);
        assert_eq!(rows[3].band, RiskBand::Low);
        assert_eq!(rows[1].project_name, "ERP");
    }

    #[test]
    fn filters_combine() {
        let (board, erp, _) = register_board();
        let by =
            |filter: RiskFilter| titles(&register(&board, &filter)).into_iter().map(String::from).collect::<Vec<_>>();
        assert_eq!(by(RiskFilter { project: Some(erp.clone()), ..Default::default() }).len(), 3);
        assert_eq!(by(RiskFilter { band: Some(RiskBand::Critical), ..Default::default() }).len(), 3);
        assert_eq!(
            by(RiskFilter { project: Some(erp.clone()), band: Some(RiskBand::Critical), ..Default::default() }),
            ["Vendor late", "Licence audit"]
        );
        assert_eq!(by(RiskFilter { roam: Some(Roam::Resolved), ..Default::default() }), ["Licence audit"]);
        // A heat-map cell shows the open risks in it: the resolved 5 × 5 is not there.
        assert_eq!(by(RiskFilter { cell: Some((5, 5)), ..Default::default() }), Vec::<String>::new());
        assert_eq!(by(RiskFilter { cell: Some((4, 5)), ..Default::default() }), ["Data migration", "Vendor late"]);
    }

    #[test]
    fn heat_map_counts_open_risks_with_probability_five_on_top() {
        let (board, erp, _) = register_board();
        let map = heat_map(&board, None);
        // Row 0 is probability 5, row 1 probability 4; column 4 is impact 5.
        assert_eq!((map[0][4].probability, map[0][4].impact, map[0][4].count), (5, 5, 0));
        assert_eq!((map[1][4].probability, map[1][4].count), (4, 2));
        assert_eq!(map[3][2].count, 1); // probability 2, impact 3
        assert_eq!(map.iter().flatten().map(|cell| cell.count).sum::<usize>(), 4);
        assert_eq!(map[1][4].band, RiskBand::Critical);
        assert_eq!(map[4][0].band, RiskBand::Low);
        // One project's map.
        assert_eq!(heat_map(&board, Some(&erp))[1][4].count, 1);
    }

    #[test]
    fn exposure_sums_open_scores_per_project_and_portfolio() {
        let (board, _, _) = register_board();
        let (rows, open, total) = exposure(&board);
        // ERP: 20 + 6 = 26 (the resolved 25 does not count); CRM: 20 + 2 = 22.
        assert_eq!(
            rows.iter().map(|row| (row.name.as_str(), row.exposure)).collect::<Vec<_>>(),
            [("ERP", 26), ("CRM", 22)]
        );
        assert_eq!(rows[0].open_risks, 2);
        assert_eq!(rows[0].highest_band, Some(RiskBand::Critical));
        assert_eq!((open, total), (4, 48));
    }
}
