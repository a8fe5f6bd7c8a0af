//! How long a search may run: a node budget (deterministic) and an optional time budget read
//! from a clock the caller passes in.

use super::*;

/// How long the exact search may run. The default, [`Limits::exact`], has no limit: the search
/// runs until the selection is proven optimal.
#[derive(Clone, Copy, Default)]
pub struct Limits<'clock> {
    /// The most branch-and-bound nodes to explore (the root relaxation is not one).
    /// Deterministic: the answer does not depend on the machine's speed.
    pub max_nodes: Option<u64>,
    /// A time budget measured with the caller's clock.
    pub time: Option<TimeLimit<'clock>>,
    /// Stop as soon as the selection is proven within this relative gap of the optimum
    /// (0.01 = within 1 %). 0 asks for a proof of optimality.
    pub accepted_gap: f64,
}

/// A time budget and the clock that measures it. The clock returns the time since any fixed
/// origin and must not go backwards: in the browser
/// `|| Duration::from_secs_f64(performance.now() / 1000.0)`, natively
/// `move || start.elapsed()` for an `Instant` taken before.
#[derive(Clone, Copy)]
pub struct TimeLimit<'clock> {
    pub clock: &'clock dyn Fn() -> Duration,
    pub budget: Duration,
}

impl<'clock> Limits<'clock> {
    /// No limit: search until the selection is proven optimal.
    pub fn exact() -> Limits<'clock> {
        Limits::default()
    }

    /// At most `max_nodes` branch-and-bound nodes.
    pub fn nodes(max_nodes: u64) -> Limits<'clock> {
        Limits { max_nodes: Some(max_nodes), ..Limits::default() }
    }

    /// These limits, and also at most `budget` of time as measured by `clock`.
    pub fn with_time(self, clock: &'clock dyn Fn() -> Duration, budget: Duration) -> Self {
        Limits { time: Some(TimeLimit { clock, budget }), ..self }
    }

    /// These limits, stopping early once within `accepted_gap` of the optimum.
    pub fn with_accepted_gap(self, accepted_gap: f64) -> Self {
        Limits { accepted_gap, ..self }
    }
}

impl fmt::Debug for Limits<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Limits")
            .field("max_nodes", &self.max_nodes)
            .field("time_budget", &self.time.map(|time| time.budget))
            .field("accepted_gap", &self.accepted_gap)
            .finish()
    }
}

impl fmt::Debug for TimeLimit<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TimeLimit").field("budget", &self.budget).finish_non_exhaustive()
    }
}
