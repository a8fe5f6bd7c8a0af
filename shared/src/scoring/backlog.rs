//! WSJF and RICE: single-number scores for one item, to sort a backlog by.

use super::*;

/// The inputs of Weighted Shortest Job First, each on the team's relative scale (often the
/// modified Fibonacci 1, 2, 3, 5, 8, 13, 20).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WsjfInput {
    pub business_value: f64,
    pub time_criticality: f64,
    pub risk_reduction_opportunity_enablement: f64,
    pub job_size: f64,
}

/// The result of [`wsjf`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WsjfScore {
    /// business value + time criticality + risk reduction/opportunity enablement.
    pub cost_of_delay: f64,
    /// cost of delay ÷ job size; do the highest first.
    pub wsjf: f64,
}

/// WSJF = (business value + time criticality + risk reduction/opportunity enablement) ÷ job
/// size. The three parts must be finite and at least 0; the job size finite and above 0.
pub fn wsjf(input: &WsjfInput) -> Result<WsjfScore, ScoringError> {
    let parts = [
        ("WSJF business value", input.business_value),
        ("WSJF time criticality", input.time_criticality),
        ("WSJF risk reduction/opportunity enablement", input.risk_reduction_opportunity_enablement),
    ];
    for (quantity, value) in parts {
        require(quantity, value, is_finite_non_negative, "a finite number of at least 0")?;
    }
    require("WSJF job size", input.job_size, is_finite_positive, "a finite number greater than 0")?;
    let cost_of_delay = input.business_value + input.time_criticality + input.risk_reduction_opportunity_enablement;
    Ok(WsjfScore { cost_of_delay, wsjf: cost_of_delay / input.job_size })
}

/// RICE impact on each person reached, on Intercom's fixed scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Impact {
    /// 3
    Massive,
    /// 2
    High,
    /// 1
    Medium,
    /// 0.5
    Low,
    /// 0.25
    Minimal,
}

impl Impact {
    /// From largest to smallest, as a UI would list them.
    pub const ALL: [Impact; 5] = [Impact::Massive, Impact::High, Impact::Medium, Impact::Low, Impact::Minimal];

    pub fn value(self) -> f64 {
        match self {
            Impact::Massive => 3.0,
            Impact::High => 2.0,
            Impact::Medium => 1.0,
            Impact::Low => 0.5,
            Impact::Minimal => 0.25,
        }
    }
}

impl TryFrom<f64> for Impact {
    type Error = ScoringError;

    /// Reads a stored number back; anything off the scale is an error, not rounded.
    fn try_from(value: f64) -> Result<Self, Self::Error> {
        Impact::ALL
            .into_iter()
            .find(|impact| (impact.value() - value).abs() < 1e-9)
            .ok_or(ScoringError::InvalidImpact { value })
    }
}

/// How sure the team is of the reach and impact estimates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Confidence {
    /// 100 %
    High,
    /// 80 %
    Medium,
    /// 50 %: anything less sure than this is a guess, and RICE does not score guesses.
    Low,
}

impl Confidence {
    pub const ALL: [Confidence; 3] = [Confidence::High, Confidence::Medium, Confidence::Low];

    /// As a fraction: 1, 0.8 or 0.5.
    pub fn value(self) -> f64 {
        match self {
            Confidence::High => 1.0,
            Confidence::Medium => 0.8,
            Confidence::Low => 0.5,
        }
    }
}

impl TryFrom<f64> for Confidence {
    type Error = ScoringError;

    /// Reads a stored fraction back (1, 0.8 or 0.5); anything else is an error, not rounded.
    fn try_from(value: f64) -> Result<Self, Self::Error> {
        Confidence::ALL
            .into_iter()
            .find(|confidence| (confidence.value() - value).abs() < 1e-9)
            .ok_or(ScoringError::InvalidConfidence { value })
    }
}

/// The inputs of a RICE score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RiceInput {
    /// People or events per period (say, customers per quarter).
    pub reach: f64,
    pub impact: Impact,
    pub confidence: Confidence,
    /// Person-months (or any unit, the same for every item compared).
    pub effort: f64,
}

/// RICE = reach × impact × confidence ÷ effort. Reach must be finite and at least 0; effort
/// finite and above 0.
pub fn rice(input: &RiceInput) -> Result<f64, ScoringError> {
    require("RICE reach", input.reach, is_finite_non_negative, "a finite number of at least 0")?;
    require("RICE effort", input.effort, is_finite_positive, "a finite number greater than 0")?;
    Ok(input.reach * input.impact.value() * input.confidence.value() / input.effort)
}

fn is_finite_positive(value: f64) -> bool {
    value.is_finite() && value > 0.0
}

fn require(
    quantity: &'static str,
    value: f64,
    is_valid: fn(f64) -> bool,
    requirement: &'static str,
) -> Result<(), ScoringError> {
    if is_valid(value) {
        Ok(())
    } else {
        Err(ScoringError::InvalidInput { quantity, requirement, value })
    }
}
