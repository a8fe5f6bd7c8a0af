//! Risk management (风险管理): scoring the risk register on a 5×5 probability × impact grid,
//! banding the scores, and adding up the exposure that is still open per project and over the
//! portfolio, with a heat map of where the open risks sit.
//!
//! A [`Risk`] is one entry of a register, with its [`Probability`] and [`Impact`] (each a
//! validated 1–5 value), its [`Roam`] state and the ids of the risk and its project.
//! [`Risk::score`] is probability × impact; [`RiskBands::band`] names the score's band under
//! the board owner's thresholds. [`heat_map`] and [`exposure`] take the whole register (one
//! project's or the portfolio's) and look only at the open risks, those whose state
//! [counts toward exposure](Roam::counts_toward_exposure).
//!
//! ```
//! use shared::risk::{self, Impact, Probability, Risk, RiskBand, RiskBands, Roam};
//! let supplier_late = Risk {
//!     risk_id: "r-1".parse().unwrap(),
//!     project_id: "erp".parse().unwrap(),
//!     probability: Probability::new(4).unwrap(),
//!     impact: Impact::new(5).unwrap(),
//!     roam: Roam::Owned,
//! };
//! assert_eq!(supplier_late.score(), 20);
//! assert_eq!(RiskBands::default().band(supplier_late.score()), Ok(RiskBand::Critical));
//!
//! let exposure = risk::exposure(&[supplier_late]).unwrap();
//! assert_eq!(exposure.projects[0].exposure, 20);
//! assert!(Probability::new(7).unwrap_err().to_string().contains("not 7"));
//! ```

use std::{
    collections::{HashMap, HashSet},
    fmt,
    str::FromStr,
};

use crate::ids::{ProjectId, RiskId};

/// How likely a risk is to happen (可能性), 1 (rare) to 5 (almost certain).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Probability(u8);

/// How hard a risk would hit if it happened (影响), 1 (negligible) to 5 (severe).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Impact(u8);

impl Probability {
    pub fn new(value: u8) -> Result<Probability, RiskError> {
        one_to_five(value).map(Probability).ok_or(RiskError::ProbabilityOutOfRange(value))
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

impl Impact {
    pub fn new(value: u8) -> Result<Impact, RiskError> {
        one_to_five(value).map(Impact).ok_or(RiskError::ImpactOutOfRange(value))
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

fn one_to_five(value: u8) -> Option<u8> {
    (1..=5).contains(&value).then_some(value)
}

/// Probability × impact, 1 to 25. Only products of two 1–5 values occur: never 7, 11, 13, 14,
/// 17, 18, 19, 21 to 24.
pub fn score(probability: Probability, impact: Impact) -> u8 {
    probability.0 * impact.0
}

/// Where a risk stands in ROAM terms.
///
/// Only [`Roam::Resolved`] leaves the open exposure: the threat is gone. A mitigated risk still
/// counts, at its current probability and impact, which the owner lowers once the mitigation
/// works (the residual risk); dropping it would hide what is left. Owned and accepted risks
/// are live threats by definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Roam {
    /// 已解决: no longer a threat (eliminated, or the moment passed).
    Resolved,
    /// 已认领: someone owns it and will act.
    Owned,
    /// 已接受: known and tolerated, nothing will be done.
    Accepted,
    /// 已缓解: actions reduced its probability or impact.
    Mitigated,
}

impl Roam {
    pub const ALL: [Roam; 4] = [Roam::Resolved, Roam::Owned, Roam::Accepted, Roam::Mitigated];

    /// Every name [`Roam::as_str`] gives, in the order of [`Roam::ALL`]: the names the board schema
    /// allows.
    pub const NAMES: [&'static str; 4] = names_of!(Roam);

    pub const fn as_str(self) -> &'static str {
        match self {
            Roam::Resolved => "resolved",
            Roam::Owned => "owned",
            Roam::Accepted => "accepted",
            Roam::Mitigated => "mitigated",
        }
    }

    /// Whether a risk in this state is open: in the exposure and the heat map.
    pub fn counts_toward_exposure(self) -> bool {
        self != Roam::Resolved
    }
}

impl fmt::Display for Roam {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Roam {
    type Err = RiskError;

    fn from_str(text: &str) -> Result<Roam, RiskError> {
        Roam::ALL
            .into_iter()
            .find(|state| state.as_str() == text)
            .ok_or_else(|| RiskError::UnknownRoam(text.to_owned()))
    }
}

/// A score band, from least to most severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RiskBand {
    Low,
    Medium,
    High,
    Critical,
}

/// The lowest score of each band above low (settings). Built only through [`RiskBands::new`],
/// so a value of this type always has rising thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RiskBands {
    medium_min: u8,
    high_min: u8,
    critical_min: u8,
}

impl RiskBands {
    /// Low below `medium_min`, medium from it, high from `high_min`, critical from
    /// `critical_min`. Needs 1 < medium < high < critical ≤ 25, so every band has a score.
    pub fn new(medium_min: u8, high_min: u8, critical_min: u8) -> Result<RiskBands, RiskError> {
        if 1 < medium_min && medium_min < high_min && high_min < critical_min && critical_min <= 25 {
            Ok(RiskBands { medium_min, high_min, critical_min })
        } else {
            Err(RiskError::BandsNotRising { medium_min, high_min, critical_min })
        }
    }

    pub fn medium_min(&self) -> u8 {
        self.medium_min
    }

    pub fn high_min(&self) -> u8 {
        self.high_min
    }

    pub fn critical_min(&self) -> u8 {
        self.critical_min
    }

    /// The band of a score from 1 to 25.
    pub fn band(&self, score: u8) -> Result<RiskBand, RiskError> {
        Ok(match score {
            0 | 26.. => return Err(RiskError::ScoreOutOfRange(score)),
            score if score >= self.critical_min => RiskBand::Critical,
            score if score >= self.high_min => RiskBand::High,
            score if score >= self.medium_min => RiskBand::Medium,
            _ => RiskBand::Low,
        })
    }
}

impl Default for RiskBands {
    /// Low 1–4, medium 5–9, high 10–16, critical 20–25.
    fn default() -> RiskBands {
        RiskBands { medium_min: 5, high_min: 10, critical_min: 20 }
    }
}

/// One entry of a risk register (风险登记册), as far as the computations need it.
#[derive(Debug, Clone, PartialEq)]
pub struct Risk {
    pub risk_id: RiskId,
    pub project_id: ProjectId,
    pub probability: Probability,
    pub impact: Impact,
    pub roam: Roam,
}

impl Risk {
    /// Probability × impact.
    pub fn score(&self) -> u8 {
        score(self.probability, self.impact)
    }

    pub fn is_open(&self) -> bool {
        self.roam.counts_toward_exposure()
    }
}

/// Counts of open risks on the 5×5 grid.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct HeatMap {
    /// `counts[probability − 1][impact − 1]`: row 0 is probability 1, column 0 impact 1.
    pub counts: [[usize; 5]; 5],
}

impl HeatMap {
    pub fn count(&self, probability: Probability, impact: Impact) -> usize {
        self.counts[usize::from(probability.0 - 1)][usize::from(impact.0 - 1)]
    }

    /// All risks on the map.
    pub fn total(&self) -> usize {
        self.counts.iter().flatten().sum()
    }
}

/// A project's open risks, added up.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ProjectExposure {
    pub project_id: ProjectId,
    pub open_risks: usize,
    /// Σ score of the open risks.
    pub exposure: u32,
    /// The highest open score, 0 when nothing is open.
    pub highest_score: u8,
}

/// Open exposure per project and over the whole register.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PortfolioExposure {
    /// Every project that has a risk in the register, in order of its first risk; a project
    /// whose risks are all resolved shows exposure 0.
    pub projects: Vec<ProjectExposure>,
    pub open_risks: usize,
    /// Σ score of all open risks.
    pub exposure: u32,
}

/// Bad input to a risk computation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RiskError {
    #[error("probability must be a whole number from 1 (rare) to 5 (almost certain), not {0}")]
    ProbabilityOutOfRange(u8),
    #[error("impact must be a whole number from 1 (negligible) to 5 (severe), not {0}")]
    ImpactOutOfRange(u8),
    #[error("a risk score is probability × impact, from 1 to 25, not {0}")]
    ScoreOutOfRange(u8),
    #[error(
        "risk band thresholds must rise within 2–25 (medium < high < critical, as in the default 5, 10, 20), \
         not medium {medium_min}, high {high_min}, critical {critical_min}"
    )]
    BandsNotRising { medium_min: u8, high_min: u8, critical_min: u8 },
    #[error("`{0}` is not a ROAM state: use resolved, owned, accepted or mitigated")]
    UnknownRoam(String),
    #[error("risk {0} is in the register more than once: keep one entry per risk, or it counts twice")]
    DuplicateRisk(RiskId),
}

/// Where the open risks of `risks` sit on the probability × impact grid. Resolved risks are
/// left out: the map shows threats that are still there.
pub fn heat_map(risks: &[Risk]) -> Result<HeatMap, RiskError> {
    validate_register(risks)?;
    let mut map = HeatMap::default();
    for risk in risks.iter().filter(|risk| risk.is_open()) {
        map.counts[usize::from(risk.probability.0 - 1)][usize::from(risk.impact.0 - 1)] += 1;
    }
    Ok(map)
}

/// Open exposure (Σ probability × impact of the open risks) per project and in total. Pass one
/// project's register for that project alone. Risk ids must be unique.
pub fn exposure(risks: &[Risk]) -> Result<PortfolioExposure, RiskError> {
    validate_register(risks)?;
    let mut projects: Vec<ProjectExposure> = Vec::new();
    let mut index_of: HashMap<&ProjectId, usize> = HashMap::new();
    for risk in risks {
        let index = *index_of.entry(&risk.project_id).or_insert_with(|| {
            let project_id = risk.project_id.clone();
            projects.push(ProjectExposure { project_id, open_risks: 0, exposure: 0, highest_score: 0 });
            projects.len() - 1
        });
        if risk.is_open() {
            let project = &mut projects[index];
            project.open_risks += 1;
            project.exposure += u32::from(risk.score());
            project.highest_score = project.highest_score.max(risk.score());
        }
    }
    Ok(PortfolioExposure {
        open_risks: projects.iter().map(|project| project.open_risks).sum(),
        exposure: projects.iter().map(|project| project.exposure).sum(),
        projects,
    })
}

fn validate_register(risks: &[Risk]) -> Result<(), RiskError> {
    let mut seen = HashSet::new();
    for risk in risks {
        if !seen.insert(&risk.risk_id) {
            return Err(RiskError::DuplicateRisk(risk.risk_id.clone()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn risk(risk_id: &str, project_id: &str, probability: u8, impact: u8, roam: Roam) -> Risk {
        Risk {
            risk_id: risk_id.parse().unwrap(),
            project_id: project_id.parse().unwrap(),
            probability: Probability::new(probability).unwrap(),
            impact: Impact::new(impact).unwrap(),
            roam,
        }
    }

    /// ERP: 4×5 = 20 owned, 3×3 = 9 accepted, 5×5 = 25 resolved, 2×3 = 6 mitigated.
    /// CRM: 1×4 = 4 owned.
    fn register() -> Vec<Risk> {
        vec![
            risk("r-1", "erp", 4, 5, Roam::Owned),
            risk("r-2", "erp", 3, 3, Roam::Accepted),
            risk("r-3", "erp", 5, 5, Roam::Resolved),
            risk("r-4", "erp", 2, 3, Roam::Mitigated),
            risk("r-5", "crm", 1, 4, Roam::Owned),
        ]
    }

    #[test]
    fn probability_and_impact_are_one_to_five() {
        // (value, accepted)
        let cases = [(0, false), (1, true), (3, true), (5, true), (6, false), (7, false), (255, false)];
        for (value, accepted) in cases {
            assert_eq!(Probability::new(value).is_ok(), accepted, "probability {value}");
            assert_eq!(Impact::new(value).is_ok(), accepted, "impact {value}");
        }
        assert_eq!(
            Probability::new(7).unwrap_err().to_string(),
            "probability must be a whole number from 1 (rare) to 5 (almost certain), not 7"
        );
        assert_eq!(
            Impact::new(0).unwrap_err().to_string(),
            "impact must be a whole number from 1 (negligible) to 5 (severe), not 0"
        );
        assert_eq!(Probability::new(4).unwrap().get(), 4);
    }

    #[test]
    fn score_is_probability_times_impact() {
        // 1×1 = 1, 2×3 = 6, 4×4 = 16, 4×5 = 20, 5×5 = 25
        let cases = [(1, 1, 1), (2, 3, 6), (3, 2, 6), (4, 4, 16), (4, 5, 20), (5, 5, 25)];
        for (probability, impact, expected) in cases {
            assert_eq!(score(Probability::new(probability).unwrap(), Impact::new(impact).unwrap()), expected);
        }
    }

    #[test]
    fn default_band_boundaries() {
        let bands = RiskBands::default();
        let cases = [
            (1, RiskBand::Low),
            (4, RiskBand::Low),
            (5, RiskBand::Medium),
            (9, RiskBand::Medium),
            (10, RiskBand::High),
            (16, RiskBand::High),
            (19, RiskBand::High), // not a product of 1–5 values, but banded consistently
            (20, RiskBand::Critical),
            (25, RiskBand::Critical),
        ];
        for (score, expected) in cases {
            assert_eq!(bands.band(score), Ok(expected), "score {score}");
        }
        assert_eq!(bands.band(0), Err(RiskError::ScoreOutOfRange(0)));
        assert_eq!(bands.band(26), Err(RiskError::ScoreOutOfRange(26)));
    }

    #[test]
    fn band_thresholds_must_rise() {
        // (medium, high, critical, accepted)
        let cases = [
            (5, 10, 20, true),
            (2, 3, 4, true),
            (4, 8, 25, true),
            (1, 10, 20, false), // no score would be low
            (5, 5, 20, false),  // medium would be empty
            (10, 5, 20, false), // falls
            (5, 20, 16, false), // falls
            (5, 10, 26, false), // critical unreachable
        ];
        for (medium, high, critical, accepted) in cases {
            assert_eq!(RiskBands::new(medium, high, critical).is_ok(), accepted, "{medium}, {high}, {critical}");
        }
        let error = RiskBands::new(10, 5, 20).unwrap_err().to_string();
        assert!(error.ends_with("not medium 10, high 5, critical 20"), "{error}");

        let strict = RiskBands::new(4, 8, 15).unwrap();
        assert_eq!(strict.band(4), Ok(RiskBand::Medium));
        assert_eq!(strict.band(16), Ok(RiskBand::Critical));
    }

    #[test]
    fn heat_map_counts_open_risks_by_probability_and_impact() {
        // Open: (4,5), (3,3), (2,3), (1,4); r-3 at (5,5) is resolved and left out.
        let mut other = register();
        other.push(risk("r-6", "crm", 4, 5, Roam::Accepted)); // a second risk in cell (4,5)
        let map = heat_map(&other).unwrap();
        let cell = |p, i| map.count(Probability::new(p).unwrap(), Impact::new(i).unwrap());
        assert_eq!(cell(4, 5), 2);
        assert_eq!(cell(3, 3), 1);
        assert_eq!(cell(2, 3), 1);
        assert_eq!(cell(1, 4), 1);
        assert_eq!(cell(5, 5), 0);
        assert_eq!(map.counts[3][4], 2); // the same cell by index: probability 4, impact 5
        assert_eq!(map.total(), 5);
    }

    #[test]
    fn exposure_per_project_and_portfolio() {
        // ERP: 20 + 9 + 6 = 35 over 3 open risks (the resolved 25 does not count), highest 20.
        // CRM: 4 over 1 open risk.
        // Portfolio: 35 + 4 = 39 over 4 open risks.
        let exposure = exposure(&register()).unwrap();
        assert_eq!(
            exposure.projects,
            vec![
                ProjectExposure { project_id: "erp".parse().unwrap(), open_risks: 3, exposure: 35, highest_score: 20 },
                ProjectExposure { project_id: "crm".parse().unwrap(), open_risks: 1, exposure: 4, highest_score: 4 },
            ]
        );
        assert_eq!(exposure.open_risks, 4);
        assert_eq!(exposure.exposure, 39);
    }

    #[test]
    fn a_project_with_only_resolved_risks_shows_zero() {
        let exposure = exposure(&[risk("r-1", "erp", 5, 5, Roam::Resolved)]).unwrap();
        assert_eq!(exposure.projects[0].exposure, 0);
        assert_eq!(exposure.projects[0].highest_score, 0);
        assert_eq!(exposure.exposure, 0);
        assert_eq!(heat_map(&[]).unwrap().total(), 0);
    }

    #[test]
    fn roam_states() {
        let open: Vec<Roam> = Roam::ALL.into_iter().filter(|state| state.counts_toward_exposure()).collect();
        assert_eq!(open, [Roam::Owned, Roam::Accepted, Roam::Mitigated]);
        for state in Roam::ALL {
            assert_eq!(state.to_string().parse::<Roam>(), Ok(state));
        }
        assert_eq!("closed".parse::<Roam>(), Err(RiskError::UnknownRoam("closed".into())));
    }

    #[test]
    fn bad_registers_are_refused() {
        let cases = [(
            vec![risk("r-1", "erp", 1, 1, Roam::Owned), risk("r-1", "crm", 2, 2, Roam::Owned)],
            RiskError::DuplicateRisk("r-1".parse().unwrap()),
        )];
        for (risks, expected) in cases {
            assert_eq!(exposure(&risks), Err(expected.clone()));
            assert_eq!(heat_map(&risks), Err(expected));
        }
        // A risk cannot be without its id or its project's: both are ids, which are never empty.
        assert!("".parse::<RiskId>().is_err() && " ".parse::<ProjectId>().is_err());
    }
}
