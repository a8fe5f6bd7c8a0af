//! How the running pages write numbers and stamps, one way everywhere.

use crate::board::Stamp;

/// An amount with thousands separators and no more than two decimals: `1234567.5` → `1,234,567.5`.
pub fn amount(value: f64) -> String {
    let rounded = (value * 100.0).round() / 100.0;
    let negative = rounded < 0.0;
    let text = format!("{:.2}", rounded.abs());
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, "00"));
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    let fraction = fraction.trim_end_matches('0');
    let sign = if negative { "−" } else { "" };
    if fraction.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{fraction}")
    }
}

/// An index such as CPI to two decimals, halves rounded up (0.625 → 0.63, as a person rounds;
/// `{:.2}` alone would round it to even), or "—" when it has no value.
pub fn index(value: Option<f64>) -> String {
    value.map_or_else(|| "—".to_owned(), |value| format!("{:.2}", (value * 100.0).round() / 100.0))
}

/// A share as a whole percentage, or "—".
pub fn percent(value: Option<f64>) -> String {
    value.map_or_else(|| "—".to_owned(), |value| format!("{:.0}%", value * 100.0))
}

/// Hours without a needless ".0": 16 → "16", 7.5 → "7.5".
pub fn hours(value: f64) -> String {
    let rounded = (value * 100.0).round() / 100.0;
    if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded}")
    }
}

/// Who and when: "Alice, 2026-11-28 07:30 UTC".
pub fn stamp(stamp: &Stamp) -> String {
    let when = chrono::DateTime::from_timestamp_millis(stamp.at_ms)
        .map_or_else(String::new, |at| at.format("%Y-%m-%d %H:%M UTC").to_string());
    format!("{}, {when}", stamp.by)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_group_thousands_and_drop_zero_decimals() {
        let cases = [
            (0.0, "0"),
            (999.0, "999"),
            (1000.0, "1,000"),
            (1_234_567.5, "1,234,567.5"),
            (-30_000.0, "−30,000"),
            (181_818.181_8, "181,818.18"),
        ];
        for (value, text) in cases {
            assert_eq!(amount(value), text);
        }
    }

    #[test]
    fn indices_percent_hours_and_stamps() {
        assert_eq!(index(Some(0.625)), "0.63");
        assert_eq!(index(None), "—");
        assert_eq!(percent(Some(1.1)), "110%");
        assert_eq!(hours(16.0), "16");
        assert_eq!(hours(7.5), "7.5");
        // 1 764 315 000 000 ms = 2025-11-28 07:30:00 UTC.
        assert_eq!(stamp(&Stamp { by: "Alice".into(), at_ms: 1_764_315_000_000 }), "Alice, 2025-11-28 07:30 UTC");
    }
}
