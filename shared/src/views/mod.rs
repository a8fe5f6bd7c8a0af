//! What the board's pages show, as plain values: each page's view-model is a pure function of
//! the board's snapshot (and of `shared`'s computations on it), so the figures on screen are
//! unit-tested here, natively, with hand-checked numbers, and the page itself only lays them
//! out. One module per page.

pub mod dashboard;
pub mod finance;
pub mod format;
pub mod lessons;
pub mod project;
pub mod report;
pub mod resources;
pub mod risks;
pub mod scoring;
pub mod selection;
pub mod settings;
pub mod strategy;

/// A share as a whole percentage: 0.6667 → "67%".
pub fn percent(fraction: f64) -> String {
    format!("{:.0}%", fraction * 100.0)
}

/// A signed share with one decimal: -0.05 → "−5.0%", 0.1 → "+10.0%".
pub fn signed_percent(fraction: f64) -> String {
    let value = fraction * 100.0;
    if value < -0.05 {
        format!("−{:.1}%", -value)
    } else if value > 0.05 {
        format!("+{value:.1}%")
    } else {
        "0.0%".into()
    }
}

/// An amount of money, rounded to whole units and grouped by thousands: 1234567.4 → "1,234,567".
pub fn money(amount: f64) -> String {
    let rounded = amount.round();
    let digits = format!("{:.0}", rounded.abs());
    let mut grouped = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    if rounded < 0.0 {
        format!("−{grouped}")
    } else {
        grouped
    }
}

/// A number as people type it: no trailing zeros, at most `decimals` places. 0.5 → "0.5",
/// 2.0 → "2", 0.123456 with 3 → "0.123".
pub fn number(value: f64, decimals: usize) -> String {
    // An empty sum is −0 in Rust: show it, and anything that rounds to 0, as 0.
    let text = format!("{value:.decimals$}");
    let text = if text.trim_start_matches('-').chars().all(|c| c == '0' || c == '.') { "0".to_owned() } else { text };
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_read_the_way_a_pmo_writes_them() {
        let cases: [(String, &str); 14] = [
            (percent(2.0 / 3.0), "67%"),
            (percent(1.2), "120%"),
            (signed_percent(-0.05), "−5.0%"),
            (signed_percent(0.1), "+10.0%"),
            (signed_percent(0.0001), "0.0%"),
            (money(1_234_567.4), "1,234,567"),
            (money(999.5), "1,000"),
            (money(-45_000.0), "−45,000"),
            (money(0.0), "0"),
            (number(0.5, 2), "0.5"),
            (number(2.0, 2), "2"),
            (number(0.123456, 3), "0.123"),
            (number(-0.0, 1), "0"),
            (number(-0.0001, 2), "0"),
        ];
        for (actual, expected) in cases {
            assert_eq!(actual, expected);
        }
    }
}
