//! Figures as a reader of the chosen language writes them: amounts and money, plain numbers,
//! percentages, indices, hours, dates, times and ISO weeks. Every page and every message that
//! shows a figure goes through here, so one figure reads the same wherever it appears.
//!
//! The language is a [`Locale`] (the app's language switch, the server's `Accept-Language`);
//! the functions take it first. English and Chinese group digits the same way (`1,250,000`)
//! and write percentages alike, so the two differ in dates, weeks, stamps and currency names,
//! which is why a small table here does the job instead of a locale database in the browser.
//!
//! ```
//! use shared::format::{self, Locale};
//! assert_eq!(format::amount(Locale::En, 1_250_000.5), "1,250,000.50");
//! assert_eq!(format::money(Locale::Zh, 1_250_000.0, "CNY"), "1,250,000 元");
//! assert_eq!(format::parse_amount(" 1,250,000.50 "), Some(1_250_000.5));
//! ```

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::{board::Stamp, week::IsoWeek};

/// A language the board speaks. Its [`code`](Locale::code) is the name of the app's catalogue
/// folder (`app/locales/en`, `app/locales/zh`) and the `lang` of the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    /// English.
    #[default]
    En,
    /// Simplified Chinese (zh-CN).
    Zh,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::En, Locale::Zh];

    /// `"en"` or `"zh"`.
    pub fn code(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Zh => "zh",
        }
    }

    /// A language tag (`en`, `en-GB`, `zh-CN`, `zh-Hans`, `ZH`) → the locale it asks for, if the
    /// board speaks it. Traditional Chinese tags (`zh-TW`, `zh-Hant`) ask for Chinese too: the
    /// simplified text is closer for their readers than English.
    pub fn parse(tag: &str) -> Option<Locale> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or_default();
        Locale::ALL.into_iter().find(|locale| primary.eq_ignore_ascii_case(locale.code()))
    }

    /// The locale an `Accept-Language` header prefers most (`zh-CN,zh;q=0.9,en;q=0.8` → Chinese),
    /// English when it names none the board speaks. Ties keep the header's order.
    pub fn negotiate(accept_language: &str) -> Locale {
        let mut best: Option<(f32, Locale)> = None;
        for entry in accept_language.split(',') {
            let mut parts = entry.split(';');
            let tag = parts.next().unwrap_or_default();
            let quality = parts
                .find_map(|parameter| parameter.trim().strip_prefix("q="))
                .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())
                .unwrap_or(0.0);
            if let Some(locale) = Locale::parse(tag) {
                if quality > 0.0 && best.is_none_or(|(best_quality, _)| quality > best_quality) {
                    best = Some((quality, locale));
                }
            }
        }
        best.map_or(Locale::En, |(_, locale)| locale)
    }
}

/// What a figure that has no value shows, in either language.
pub const NO_VALUE: &str = "—";

/// The minus sign of figures that are read, not typed (U+2212, the width of a plus).
const MINUS: char = '−';

/// `1234567` → `"1,234,567"`: thousands grouped by commas, as both languages write them.
fn grouped(digits: &str) -> String {
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

/// An amount of money as it is shown and typed: thousands grouped, no decimals when whole,
/// otherwise two (`1250000.5` → `"1,250,000.50"`, `-12500` → `"-12,500"`). The minus is the
/// hyphen people type, so the text reads back with [`parse_amount`].
pub fn amount(_locale: Locale, value: f64) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    let cents = (value.abs() * 100.0).round() as u128;
    let (whole, fraction) = (cents / 100, cents % 100);
    let sign = if value < 0.0 && cents > 0 { "-" } else { "" };
    let whole = grouped(&whole.to_string());
    if fraction == 0 {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{fraction:02}")
    }
}

/// An amount rounded to whole units, for totals and charts: `1234567.4` → `"1,234,567"`,
/// `-45000` → `"−45,000"`.
pub fn whole_amount(_locale: Locale, value: f64) -> String {
    let rounded = value.round();
    let digits = grouped(&format!("{:.0}", rounded.abs()));
    if rounded < 0.0 {
        format!("{MINUS}{digits}")
    } else {
        digits
    }
}

/// An amount with the board's currency: `"1,250,000 CNY"` in English; in Chinese the currency's
/// Chinese name where it has a common one (`"1,250,000 元"`, `"300 美元"`), else its code.
pub fn money(locale: Locale, value: f64, currency: &str) -> String {
    format!("{} {}", amount(locale, value), currency_name(locale, currency))
}

/// How a currency is named beside an amount: its ISO code, or in Chinese its everyday name.
pub fn currency_name(locale: Locale, currency: &str) -> String {
    let chinese = match currency {
        "CNY" => Some("元"),
        "USD" => Some("美元"),
        "EUR" => Some("欧元"),
        "GBP" => Some("英镑"),
        "JPY" => Some("日元"),
        "HKD" => Some("港元"),
        _ => None,
    };
    match (locale, chinese) {
        (Locale::Zh, Some(name)) => name.to_owned(),
        _ => currency.to_owned(),
    }
}

/// `"1,250,000"`, `"1250000"`, `" 1 250 000.5 "`, `"−5"` → the amount; `None` for anything else
/// (a comma anywhere but between groups of three digits is a typo, not a separator).
pub fn parse_amount(text: &str) -> Option<f64> {
    let text = text.trim();
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (text, None),
    };
    let (sign, whole) = match whole.strip_prefix('-').or_else(|| whole.strip_prefix(MINUS)) {
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

/// A number as people type it: no trailing zeros, at most `decimals` places, no grouping (it
/// is the value of an editable field). `0.5` → `"0.5"`, `2.0` → `"2"`, `0.123456` with 3 →
/// `"0.123"`, and anything that rounds to 0 → `"0"`.
pub fn number(_locale: Locale, value: f64, decimals: usize) -> String {
    // An empty sum is −0 in Rust: show it, and anything that rounds to 0, as 0.
    let text = format!("{value:.decimals$}");
    let text = if text.trim_start_matches('-').chars().all(|c| c == '0' || c == '.') { "0".to_owned() } else { text };
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

/// A share as a whole percentage: `0.6667` → `"67%"`.
pub fn percent(_locale: Locale, fraction: f64) -> String {
    format!("{:.0}%", fraction * 100.0)
}

/// A share that may have no value: `"67%"`, or [`NO_VALUE`].
pub fn optional_percent(locale: Locale, fraction: Option<f64>) -> String {
    fraction.map_or_else(|| NO_VALUE.to_owned(), |fraction| percent(locale, fraction))
}

/// A signed share with one decimal: `-0.05` → `"−5.0%"`, `0.1` → `"+10.0%"`, about 0 → `"0.0%"`.
pub fn signed_percent(_locale: Locale, fraction: f64) -> String {
    let value = fraction * 100.0;
    if value < -0.05 {
        format!("{MINUS}{:.1}%", -value)
    } else if value > 0.05 {
        format!("+{value:.1}%")
    } else {
        "0.0%".into()
    }
}

/// An index such as CPI to two decimals, halves rounded up (0.625 → `"0.63"`, as a person
/// rounds; `{:.2}` alone would round it to even), or [`NO_VALUE`].
pub fn index(_locale: Locale, value: Option<f64>) -> String {
    value.map_or_else(|| NO_VALUE.to_owned(), |value| format!("{:.2}", (value * 100.0).round() / 100.0))
}

/// Hours without a needless `.0`: 16 → `"16"`, 7.5 → `"7.5"`, at most two decimals.
pub fn hours(_locale: Locale, value: f64) -> String {
    let rounded = (value * 100.0).round() / 100.0;
    if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded}")
    }
}

/// A day: `"28 Nov 2026"` in English, `"2026年11月28日"` in Chinese.
pub fn date(locale: Locale, day: NaiveDate) -> String {
    match locale {
        Locale::En => day.format("%-d %b %Y").to_string(),
        Locale::Zh => format!("{}年{}月{}日", day.year(), day.month(), day.day()),
    }
}

/// A short day, for week columns: `"23 Nov"` / `"11月23日"`.
pub fn short_date(locale: Locale, day: NaiveDate) -> String {
    match locale {
        Locale::En => day.format("%-d %b").to_string(),
        Locale::Zh => format!("{}月{}日", day.month(), day.day()),
    }
}

/// A moment in UTC to the minute: `"2026-11-28 07:30 UTC"` / `"2026年11月28日 07:30 UTC"`;
/// empty for a time no calendar holds.
pub fn time(locale: Locale, at_ms: i64) -> String {
    let Some(at) = chrono::DateTime::from_timestamp_millis(at_ms) else {
        return String::new();
    };
    match locale {
        Locale::En => at.format("%Y-%m-%d %H:%M UTC").to_string(),
        Locale::Zh => format!("{} {}", date(locale, at.date_naive()), at.format("%H:%M UTC")),
    }
}

/// A moment shifted into the reader's time zone, `utc_offset_minutes` east of UTC (the host
/// knows the zone; `shared` reads no clock and no zone); `None` for a time no calendar holds.
fn local(at_ms: i64, utc_offset_minutes: i32) -> Option<chrono::NaiveDateTime> {
    let shifted = at_ms.checked_add(i64::from(utc_offset_minutes) * 60_000)?;
    chrono::DateTime::from_timestamp_millis(shifted).map(|at| at.naive_utc())
}

/// A moment in the reader's time zone, to the minute: `"28 Nov 2026, 08:15"` /
/// `"2026年11月28日 08:15"`; empty for a time no calendar holds.
pub fn local_time(locale: Locale, at_ms: i64, utc_offset_minutes: i32) -> String {
    let Some(at) = local(at_ms, utc_offset_minutes) else { return String::new() };
    match locale {
        Locale::En => format!("{}, {}", date(locale, at.date()), at.format("%H:%M")),
        Locale::Zh => format!("{} {}", date(locale, at.date()), at.format("%H:%M")),
    }
}

/// The time of day of a moment in the reader's time zone: `"08:15"` in both languages.
pub fn local_clock(at_ms: i64, utc_offset_minutes: i32) -> String {
    local(at_ms, utc_offset_minutes).map_or_else(String::new, |at| at.format("%H:%M").to_string())
}

/// The day of a moment in the reader's time zone: `"28 Nov 2026"` / `"2026年11月28日"`.
pub fn local_date(locale: Locale, at_ms: i64, utc_offset_minutes: i32) -> String {
    local(at_ms, utc_offset_minutes).map_or_else(String::new, |at| date(locale, at.date()))
}

/// Who and when: `"Alice, 2026-11-28 07:30 UTC"` / `"Alice，2026年11月28日 07:30 UTC"`.
pub fn stamp(locale: Locale, stamp: &Stamp) -> String {
    let separator = match locale {
        Locale::En => ", ",
        Locale::Zh => "，",
    };
    format!("{}{separator}{}", stamp.by, time(locale, stamp.at_ms))
}

/// An ISO week for reading: `"W48 2026"` / `"2026年第48周"`. Where a week is typed or stored
/// it stays `2026-W48` ([`IsoWeek`]'s `Display`).
pub fn week(locale: Locale, week: IsoWeek) -> String {
    match locale {
        Locale::En => format!("W{:02} {}", week.week(), week.year()),
        Locale::Zh => format!("{}年第{}周", week.year(), week.week()),
    }
}

/// An ISO week with the day it starts: `"2026-W48 (23 Nov)"` / `"2026-W48（11月23日）"`.
pub fn week_with_monday(locale: Locale, week: IsoWeek) -> String {
    match locale {
        Locale::En => format!("{week} ({})", short_date(locale, week.monday())),
        Locale::Zh => format!("{week}（{}）", short_date(locale, week.monday())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Locale::{En, Zh};

    #[test]
    fn amounts_group_thousands_in_both_languages() {
        let cases = [
            (0.0, "0"),
            (5.0, "5"),
            (999.0, "999"),
            (1_000.0, "1,000"),
            (250_000.0, "250,000"),
            (1_250_000.5, "1,250,000.50"),
            (1_234_567.891, "1,234,567.89"),
            (181_818.181_8, "181,818.18"),
            (-12_500.0, "-12,500"),
            (0.004, "0"),
        ];
        for locale in Locale::ALL {
            for (value, expected) in cases {
                assert_eq!(amount(locale, value), expected, "{locale:?} {value}");
            }
        }
    }

    #[test]
    fn whole_amounts_and_money() {
        let cases: [(String, &str); 12] = [
            (whole_amount(En, 1_234_567.4), "1,234,567"),
            (whole_amount(Zh, 999.5), "1,000"),
            (whole_amount(En, -45_000.0), "−45,000"),
            (whole_amount(En, 0.0), "0"),
            (money(En, 1_450_000.5, "CNY"), "1,450,000.50 CNY"),
            (money(Zh, 1_450_000.5, "CNY"), "1,450,000.50 元"),
            (money(En, 300.0, "USD"), "300 USD"),
            (money(Zh, 300.0, "USD"), "300 美元"),
            (money(Zh, 300.0, "EUR"), "300 欧元"),
            (money(Zh, 300.0, "CHF"), "300 CHF"),
            (currency_name(En, "EUR"), "EUR"),
            (currency_name(Zh, "JPY"), "日元"),
        ];
        for (actual, expected) in cases {
            assert_eq!(actual, expected);
        }
    }

    #[test]
    fn amounts_are_read_back_as_typed() {
        for (text, expected) in [
            ("250000", Some(250_000.0)),
            ("250,000", Some(250_000.0)),
            (" 1,250,000.50 ", Some(1_250_000.5)),
            ("1 250 000", Some(1_250_000.0)),
            ("-5", Some(-5.0)),
            ("−5", Some(-5.0)),
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
        for locale in Locale::ALL {
            for value in [0.0, 7.0, -3.5, 1_000.0, 123_456.78, 98_765_432.1] {
                assert_eq!(parse_amount(&amount(locale, value)), Some(value), "{locale:?} {value} round trip");
            }
        }
    }

    #[test]
    fn numbers_shares_indices_and_hours() {
        let cases: [(String, &str); 17] = [
            (number(En, 0.5, 2), "0.5"),
            (number(Zh, 2.0, 2), "2"),
            (number(En, 0.123456, 3), "0.123"),
            (number(En, -0.0, 1), "0"),
            (number(En, -0.0001, 2), "0"),
            (percent(En, 2.0 / 3.0), "67%"),
            (percent(Zh, 1.2), "120%"),
            (optional_percent(En, Some(1.1)), "110%"),
            (optional_percent(Zh, None), "—"),
            (signed_percent(En, -0.05), "−5.0%"),
            (signed_percent(Zh, 0.1), "+10.0%"),
            (signed_percent(En, 0.0001), "0.0%"),
            (index(En, Some(0.625)), "0.63"),
            (index(Zh, None), "—"),
            (hours(En, 16.0), "16"),
            (hours(Zh, 7.5), "7.5"),
            (hours(En, 7.456), "7.46"),
        ];
        for (actual, expected) in cases {
            assert_eq!(actual, expected);
        }
    }

    #[test]
    fn dates_times_and_weeks_read_as_each_language_writes_them() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        let week: IsoWeek = "2026-W48".parse().unwrap();
        let first: IsoWeek = "2027-W01".parse().unwrap();
        // 1 764 315 000 000 ms = 2025-11-28 07:30:00 UTC.
        let alice = Stamp { by: "Alice".into(), at_ms: 1_764_315_000_000 };
        let cases: [(String, &str); 13] = [
            (date(En, day), "28 Nov 2026"),
            (date(Zh, day), "2026年11月28日"),
            (short_date(En, day), "28 Nov"),
            (short_date(Zh, day), "11月28日"),
            (time(En, alice.at_ms), "2025-11-28 07:30 UTC"),
            (time(Zh, alice.at_ms), "2025年11月28日 07:30 UTC"),
            (stamp(En, &alice), "Alice, 2025-11-28 07:30 UTC"),
            (stamp(Zh, &alice), "Alice，2025年11月28日 07:30 UTC"),
            (self::week(En, week), "W48 2026"),
            (self::week(Zh, week), "2026年第48周"),
            (self::week(En, first), "W01 2027"),
            (week_with_monday(En, week), "2026-W48 (23 Nov)"),
            (week_with_monday(Zh, week), "2026-W48（11月23日）"),
        ];
        for (actual, expected) in cases {
            assert_eq!(actual, expected);
        }
    }

    #[test]
    fn local_times_follow_the_readers_zone_and_language() {
        // 1 764 315 000 000 ms = 2025-11-28 07:30:00 UTC; Beijing is 480 minutes east, New York
        // 300 west (the day before at 02:30), and 17:00 UTC is 01:00 the next day in Beijing.
        let at = 1_764_315_000_000;
        let evening = at + (9 * 60 + 30) * 60_000;
        let cases: [(String, &str); 8] = [
            (local_time(En, at, 0), "28 Nov 2025, 07:30"),
            (local_time(Zh, at, 480), "2025年11月28日 15:30"),
            (local_time(En, at, -300), "28 Nov 2025, 02:30"),
            (local_time(Zh, evening, 480), "2025年11月29日 01:00"),
            (local_clock(at, 480), "15:30"),
            (local_date(En, evening, 480), "29 Nov 2025"),
            (local_date(Zh, evening, 0), "2025年11月28日"),
            (local_time(En, i64::MAX, 60), ""),
        ];
        for (actual, expected) in cases {
            assert_eq!(actual, expected);
        }
    }

    #[test]
    fn the_language_comes_from_the_tag_or_the_header() {
        let tags = [
            ("en", Some(En)),
            ("en-GB", Some(En)),
            ("zh-CN", Some(Zh)),
            ("zh_Hans", Some(Zh)),
            ("ZH", Some(Zh)),
            ("zh-TW", Some(Zh)),
            ("fr", None),
            ("", None),
        ];
        for (tag, expected) in tags {
            assert_eq!(Locale::parse(tag), expected, "{tag:?}");
        }
        let headers = [
            ("zh-CN,zh;q=0.9,en;q=0.8", Zh),
            ("en-US,en;q=0.9", En),
            ("fr-FR,fr;q=0.9,zh;q=0.8,en;q=0.5", Zh),
            ("fr-FR, en;q=0.2, zh;q=0.1", En),
            ("de", En),
            ("", En),
            ("zh;q=0, en;q=0.1", En),
            ("en;q=0.5, zh-CN", Zh),
            ("*", En),
        ];
        for (header, expected) in headers {
            assert_eq!(Locale::negotiate(header), expected, "{header:?}");
        }
    }
}
