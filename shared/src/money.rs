//! Amounts of money as people read and type them: thousands separated by commas, at most two
//! decimals, the board's currency beside them (`1,250,000 CNY`).
//!
//! ```
//! use shared::money::{format_amount, parse_amount};
//! assert_eq!(format_amount(1_250_000.0), "1,250,000");
//! assert_eq!(parse_amount(" 1,250,000.50 "), Some(1_250_000.5));
//! ```

/// `1250000.5` → `"1,250,000.50"`; whole amounts have no decimals.
pub fn format_amount(amount: f64) -> String {
    if !amount.is_finite() {
        return amount.to_string();
    }
    let cents = (amount.abs() * 100.0).round() as u128;
    let (whole, fraction) = (cents / 100, cents % 100);
    let digits = whole.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    let sign = if amount < 0.0 && cents > 0 { "-" } else { "" };
    if fraction == 0 {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{fraction:02}")
    }
}

/// `"1,250,000"`, `"1250000"`, `" 1 250 000.5 "` → the amount; `None` for anything else (a
/// comma anywhere but between groups of three digits is a typo, not a separator).
pub fn parse_amount(text: &str) -> Option<f64> {
    let text = text.trim();
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (text, None),
    };
    let (sign, whole) = match whole.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", whole),
    };
    let separator = if whole.contains(',') {
        Some(',')
    } else if whole.contains(' ') {
        Some(' ')
    } else {
        None
    };
    let digits: String = match separator {
        Some(separator) => {
            let groups: Vec<&str> = whole.split(separator).collect();
            let well_grouped = groups.iter().enumerate().all(|(index, group)| {
                let expected = if index == 0 { (1..=3).contains(&group.len()) } else { group.len() == 3 };
                expected && group.chars().all(|c| c.is_ascii_digit())
            });
            if !well_grouped {
                return None;
            }
            groups.concat()
        }
        None => whole.to_owned(),
    };
    let number = match fraction {
        Some(fraction) => format!("{sign}{digits}.{fraction}"),
        None => format!("{sign}{digits}"),
    };
    number.parse::<f64>().ok().filter(|amount| amount.is_finite())
}

/// An amount with its currency: `"1,250,000 CNY"`.
pub fn format_money(amount: f64, currency: &str) -> String {
    format!("{} {currency}", format_amount(amount))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_with_thousands_separators() {
        for (amount, expected) in [
            (0.0, "0"),
            (5.0, "5"),
            (999.0, "999"),
            (1_000.0, "1,000"),
            (250_000.0, "250,000"),
            (1_250_000.5, "1,250,000.50"),
            (1_234_567.891, "1,234,567.89"),
            (-12_500.0, "-12,500"),
            (0.004, "0"),
        ] {
            assert_eq!(format_amount(amount), expected, "{amount}");
        }
        assert_eq!(format_money(1_450_000.0, "CNY"), "1,450,000 CNY");
    }

    #[test]
    fn amounts_are_read_back_as_typed() {
        for (text, expected) in [
            ("250000", Some(250_000.0)),
            ("250,000", Some(250_000.0)),
            (" 1,250,000.50 ", Some(1_250_000.5)),
            ("1 250 000", Some(1_250_000.0)),
            ("-5", Some(-5.0)),
            ("-12,500", Some(-12_500.0)),
            ("0.5", Some(0.5)),
            ("12,50", None),
            ("1,2345", None),
            ("abc", None),
            ("", None),
            ("1e400", None),
        ] {
            assert_eq!(parse_amount(text), expected, "{text:?}");
        }
        for amount in [0.0, 7.0, 1_000.0, 123_456.78, 98_765_432.1] {
            assert_eq!(parse_amount(&format_amount(amount)), Some(amount), "{amount} round trip");
        }
    }
}
