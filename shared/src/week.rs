//! ISO 8601 weeks, the unit of resource planning: an allocation books hours for one week.
//!
//! ```
//! use shared::IsoWeek;
//! let week: IsoWeek = "2026-W53".parse().unwrap();
//! assert_eq!(week.next().to_string(), "2027-W01");
//! ```

use std::{fmt, str::FromStr};

use chrono::{Datelike, NaiveDate, Weekday};

/// One ISO week, written `2026-W48`. Ordered by time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IsoWeek {
    year: i32,
    week: u32,
}

/// A week string that is not `YYYY-Www`, or names a week the year does not have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an ISO week: write it as YYYY-Www, for example 2026-W48")]
pub struct BadWeek(pub String);

impl IsoWeek {
    /// The week `week` of ISO year `year`, if that year has it (weeks 1 to 52 or 53).
    pub fn new(year: i32, week: u32) -> Option<IsoWeek> {
        NaiveDate::from_isoywd_opt(year, week, Weekday::Mon).map(|_| IsoWeek { year, week })
    }

    /// The ISO week that contains `date`.
    pub fn containing(date: NaiveDate) -> IsoWeek {
        let iso = date.iso_week();
        IsoWeek { year: iso.year(), week: iso.week() }
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn week(self) -> u32 {
        self.week
    }

    /// The Monday that starts this week.
    pub fn monday(self) -> NaiveDate {
        NaiveDate::from_isoywd_opt(self.year, self.week, Weekday::Mon)
            .expect("an IsoWeek is only built for weeks that exist")
    }

    /// The week after this one.
    pub fn next(self) -> IsoWeek {
        IsoWeek::containing(self.monday() + chrono::Days::new(7))
    }

    /// `count` consecutive weeks starting with this one.
    pub fn span(self, count: usize) -> Vec<IsoWeek> {
        std::iter::successors(Some(self), |week| Some(week.next())).take(count).collect()
    }
}

impl fmt::Display for IsoWeek {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-W{:02}", self.year, self.week)
    }
}

impl FromStr for IsoWeek {
    type Err = BadWeek;

    fn from_str(text: &str) -> Result<IsoWeek, BadWeek> {
        let bad = || BadWeek(text.to_owned());
        let (year, week) = text.split_once("-W").ok_or_else(bad)?;
        let year = year.parse().map_err(|_| bad())?;
        let week = week.parse().map_err(|_| bad())?;
        IsoWeek::new(year, week).ok_or_else(bad)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_round_trip() {
        for text in ["2026-W01", "2026-W48", "2026-W53", "2027-W01"] {
            assert_eq!(text.parse::<IsoWeek>().unwrap().to_string(), text);
        }
    }

    #[test]
    fn rejects_weeks_that_do_not_exist() {
        for text in ["2027-W53", "2026-W00", "2026-48", "W48", "abcd-W01", ""] {
            assert_eq!(text.parse::<IsoWeek>(), Err(BadWeek(text.to_owned())), "{text}");
        }
    }

    #[test]
    fn spans_cross_the_year_end() {
        let weeks = IsoWeek::new(2026, 52).unwrap().span(3);
        let names: Vec<String> = weeks.iter().map(ToString::to_string).collect();
        assert_eq!(names, ["2026-W52", "2026-W53", "2027-W01"]);
    }

    #[test]
    fn the_week_containing_a_date() {
        // 2026-11-21 is a Saturday in ISO week 47; 2027-01-01 (a Friday) belongs to 2026-W53.
        let saturday = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
        assert_eq!(IsoWeek::containing(saturday).to_string(), "2026-W47");
        let new_year = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
        assert_eq!(IsoWeek::containing(new_year).to_string(), "2026-W53");
    }
}
