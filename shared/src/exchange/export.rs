//! The board as tables, and the tables as CSV and XLSX files.
//!
//! Each table is built from the snapshot with the same computations the pages show (earned
//! value and RAG from [`crate::views::project::health`], scores from
//! [`crate::views::scoring::ranking`], load from [`crate::capacity::weekly_load`]), so a
//! figure in a file is the figure on screen.

use std::collections::HashMap;

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, Workbook, XlsxError};

use super::{Cell, Column, ExchangeError, Kind, Sheet, Table};
use crate::{
    board::{BoardSnapshot, PersonId, ProjectId},
    capacity,
    views::{self, project::health, scoring::Model},
    IsoWeek,
};

const fn column(header: &'static str, kind: Kind) -> Column {
    Column { header, kind, imported: false, zh: "" }
}

const fn imported(header: &'static str, kind: Kind, zh: &'static str) -> Column {
    Column { header, kind, imported: true, zh }
}

// The headings of the columns an import reads are a promise to everyone who keeps a
// spreadsheet in this shape: rename one only with an alias.
pub(super) const PROJECT: &str = "Project";
pub(super) const STAGE: &str = "Stage";
pub(super) const PHASE: &str = "Phase";
pub(super) const SPONSOR: &str = "Sponsor";
pub(super) const MANAGER: &str = "Manager";
pub(super) const START: &str = "Start";
pub(super) const END: &str = "End";
pub(super) const BUDGET: &str = "Budget";
pub(super) const ACTUAL_COST: &str = "Actual cost";
pub(super) const PLANNED_VALUE: &str = "Planned value";
pub(super) const EARNED_VALUE: &str = "Earned value";
pub(super) const PERCENT_COMPLETE: &str = "Percent complete";
pub(super) const PERSON: &str = "Person";
pub(super) const ROLE: &str = "Role";
pub(super) const TEAM: &str = "Team";
pub(super) const CAPACITY: &str = "Capacity (hours/week)";
pub(super) const WEEK: &str = "Week";
pub(super) const HOURS: &str = "Hours";

const PROJECT_COLUMNS: [Column; 23] = [
    column("Rank", Kind::Whole),
    imported(PROJECT, Kind::Text, "项目"),
    imported(STAGE, Kind::Text, "状态"),
    imported(PHASE, Kind::Text, "阶段"),
    imported(SPONSOR, Kind::Text, "发起人"),
    imported(MANAGER, Kind::Text, "项目经理"),
    imported(START, Kind::Date, "开始"),
    imported(END, Kind::Date, "结束"),
    imported(BUDGET, Kind::Money, "预算"),
    imported(ACTUAL_COST, Kind::Money, "实际成本"),
    imported(PLANNED_VALUE, Kind::Money, "计划价值"),
    imported(EARNED_VALUE, Kind::Money, "挣值"),
    imported(PERCENT_COMPLETE, Kind::Decimal, "完成百分比"),
    column("CV", Kind::Money),
    column("SV", Kind::Money),
    column("CPI", Kind::Index),
    column("SPI", Kind::Index),
    column("EAC", Kind::Money),
    column("VAC", Kind::Money),
    column("Computed RAG", Kind::Text),
    column("Manager's RAG", Kind::Text),
    column("Weighted score", Kind::Index),
    column("Score rank", Kind::Whole),
];

const PEOPLE_COLUMNS: [Column; 5] = [
    imported(PERSON, Kind::Text, "人员"),
    imported(ROLE, Kind::Text, "角色"),
    imported(TEAM, Kind::Text, "团队"),
    imported(CAPACITY, Kind::Decimal, "产能"),
    column("Skills", Kind::Text),
];

const BOOKING_COLUMNS: [Column; 5] = [
    imported(PROJECT, Kind::Text, "项目"),
    imported(PERSON, Kind::Text, "人员"),
    imported(WEEK, Kind::Text, "周"),
    column("Week starts", Kind::Date),
    imported(HOURS, Kind::Decimal, "小时"),
];

const CAPACITY_COLUMNS: [Column; 9] = [
    column(PERSON, Kind::Text),
    column(TEAM, Kind::Text),
    column(ROLE, Kind::Text),
    column(WEEK, Kind::Text),
    column("Week starts", Kind::Date),
    column("Capacity (hours)", Kind::Decimal),
    column("Booked (hours)", Kind::Decimal),
    column("Utilisation", Kind::Percent),
    column("Over capacity", Kind::Text),
];

const RISK_COLUMNS: [Column; 9] = [
    column(PROJECT, Kind::Text),
    column("Risk", Kind::Text),
    column("Probability", Kind::Whole),
    column("Impact", Kind::Whole),
    column("Score", Kind::Whole),
    column("Band", Kind::Text),
    column("ROAM", Kind::Text),
    column("Owner", Kind::Text),
    column("Mitigation", Kind::Text),
];

const LESSON_COLUMNS: [Column; 6] = [
    column(PROJECT, Kind::Text),
    column("Title", Kind::Text),
    column("Lesson", Kind::Text),
    column("Tags", Kind::Text),
    column("Recorded by", Kind::Text),
    column("Recorded on", Kind::Date),
];

const DECISION_COLUMNS: [Column; 6] = [
    column("Recorded on", Kind::Date),
    column("Decision", Kind::Text),
    column(PROJECT, Kind::Text),
    column("Note", Kind::Text),
    column("Recorded by", Kind::Text),
    column("Board version", Kind::Text),
];

pub(super) fn columns(table: Table) -> &'static [Column] {
    match table {
        Table::Projects => &PROJECT_COLUMNS,
        Table::People => &PEOPLE_COLUMNS,
        Table::Bookings => &BOOKING_COLUMNS,
        Table::Capacity => &CAPACITY_COLUMNS,
        Table::Risks => &RISK_COLUMNS,
        Table::Lessons => &LESSON_COLUMNS,
        Table::Decisions => &DECISION_COLUMNS,
    }
}

/// Every table of the board, in [`Table::ALL`] order.
pub fn tables(board: &BoardSnapshot) -> Vec<Sheet> {
    Table::ALL.into_iter().map(|table| sheet(board, table)).collect()
}

/// One table of the board.
pub fn sheet(board: &BoardSnapshot, table: Table) -> Sheet {
    let rows = match table {
        Table::Projects => project_rows(board),
        Table::People => people_rows(board),
        Table::Bookings => booking_rows(board),
        Table::Capacity => capacity_rows(board),
        Table::Risks => risk_rows(board),
        Table::Lessons => lesson_rows(board),
        Table::Decisions => decision_rows(board),
    };
    Sheet { table, rows }
}

fn project_rows(board: &BoardSnapshot) -> Vec<Vec<Cell>> {
    let ranking = views::scoring::ranking(board, Model::Weighted);
    let scores: HashMap<&ProjectId, (Option<usize>, Option<f64>)> =
        ranking.rows.iter().map(|row| (&row.id, (row.rank, row.score))).collect();
    board
        .projects
        .iter()
        .enumerate()
        .map(|(rank, project)| {
            let health = health(&board.settings, project);
            let ev = health.earned_value.as_ref().ok();
            let (score_rank, score) = scores.get(&project.id).copied().unwrap_or((None, None));
            vec![
                Cell::Number((rank + 1) as f64),
                Cell::text(&project.name),
                Cell::text(project.stage.as_str()),
                Cell::text(project.phase.as_str()),
                Cell::text(&project.sponsor),
                Cell::text(&project.manager),
                Cell::date(project.start),
                Cell::date(project.end),
                Cell::Number(project.budget),
                Cell::Number(project.financials.actual_cost),
                Cell::Number(project.financials.planned_value),
                Cell::Number(project.financials.earned_value),
                Cell::Number(project.financials.percent_complete),
                Cell::number(ev.map(|ev| ev.cost_variance)),
                Cell::number(ev.map(|ev| ev.schedule_variance)),
                Cell::number(ev.and_then(|ev| ev.cost_performance_index)),
                Cell::number(ev.and_then(|ev| ev.schedule_performance_index)),
                Cell::number(ev.map(|ev| ev.estimate_at_completion)),
                Cell::number(ev.map(|ev| ev.variance_at_completion)),
                Cell::text(health.rag.computed.map_or("", |rag| rag.as_str())),
                Cell::text(project.manual_rag.map_or("", |rag| rag.as_str())),
                Cell::number(score),
                Cell::number(score_rank.map(|rank| (rank + 1) as f64)),
            ]
        })
        .collect()
}

fn people_rows(board: &BoardSnapshot) -> Vec<Vec<Cell>> {
    board
        .people
        .iter()
        .map(|person| {
            vec![
                Cell::text(&person.name),
                Cell::text(&person.role),
                Cell::text(&person.team),
                Cell::Number(person.capacity_hours_per_week),
                Cell::text(person.skills.join(", ")),
            ]
        })
        .collect()
}

/// Bookings in priority order of their project, then by person and week, as a PMO reads them.
fn booking_rows(board: &BoardSnapshot) -> Vec<Vec<Cell>> {
    let projects: HashMap<&ProjectId, (usize, &str)> =
        board.projects.iter().enumerate().map(|(rank, p)| (&p.id, (rank, p.name.as_str()))).collect();
    let people: HashMap<&PersonId, &str> = board.people.iter().map(|p| (&p.id, p.name.as_str())).collect();
    let mut bookings: Vec<(usize, &str, &str, IsoWeek, f64)> = board
        .allocations
        .iter()
        .filter_map(|allocation| {
            let (rank, project) = projects.get(&allocation.project)?;
            let person = people.get(&allocation.person)?;
            Some((*rank, *project, *person, allocation.week, allocation.hours))
        })
        .collect();
    bookings.sort_by(|a, b| (a.0, a.2, a.3).cmp(&(b.0, b.2, b.3)));
    bookings
        .into_iter()
        .map(|(_, project, person, week, hours)| {
            vec![
                Cell::text(project),
                Cell::text(person),
                Cell::Text(week.to_string()),
                Cell::Date(week.monday()),
                Cell::Number(hours),
            ]
        })
        .collect()
}

/// Each person's capacity and bookings in every week from the first booked (or taken off) to
/// the last: the grid of the resources page, as rows.
fn capacity_rows(board: &BoardSnapshot) -> Vec<Vec<Cell>> {
    let weeks = board
        .allocations
        .iter()
        .map(|allocation| allocation.week)
        .chain(board.people.iter().flat_map(|person| person.time_off.keys().copied()));
    let (first, last) = weeks.fold((None::<IsoWeek>, None::<IsoWeek>), |(first, last), week| {
        (Some(first.map_or(week, |first| first.min(week))), Some(last.map_or(week, |last| last.max(week))))
    });
    let (Some(first), Some(last)) = (first, last) else { return Vec::new() };
    let weeks: Vec<IsoWeek> =
        std::iter::successors(Some(first), |week| Some(week.next())).take_while(|week| *week <= last).collect();
    let loads = capacity::weekly_load(board, &weeks);
    let mut rows = Vec::with_capacity(loads.len() * weeks.len());
    for (person, load) in board.people.iter().zip(&loads) {
        for week in &load.weeks {
            rows.push(vec![
                Cell::text(&person.name),
                Cell::text(&person.team),
                Cell::text(&person.role),
                Cell::Text(week.week.to_string()),
                Cell::Date(week.week.monday()),
                Cell::Number(week.capacity_hours),
                Cell::Number(week.allocated_hours),
                Cell::number(week.utilisation()),
                Cell::text(if week.is_over_capacity() { "yes" } else { "" }),
            ]);
        }
    }
    rows
}

fn risk_rows(board: &BoardSnapshot) -> Vec<Vec<Cell>> {
    views::risks::register(board, &Default::default())
        .into_iter()
        .map(|row| {
            vec![
                Cell::text(row.project_name),
                Cell::text(row.risk.title),
                Cell::Number(f64::from(row.risk.probability.get())),
                Cell::Number(f64::from(row.risk.impact.get())),
                Cell::Number(f64::from(row.score)),
                Cell::text(views::risks::band_name(row.band)),
                Cell::text(row.risk.roam.as_str()),
                Cell::text(row.risk.owner),
                Cell::text(row.risk.mitigation),
            ]
        })
        .collect()
}

fn project_name(board: &BoardSnapshot, id: &ProjectId) -> String {
    board.project(id).map(|project| project.name.clone()).unwrap_or_default()
}

fn day(at_ms: i64) -> Option<chrono::NaiveDate> {
    chrono::DateTime::from_timestamp_millis(at_ms).map(|at| at.date_naive())
}

fn lesson_rows(board: &BoardSnapshot) -> Vec<Vec<Cell>> {
    board
        .lessons
        .iter()
        .map(|lesson| {
            vec![
                Cell::text(project_name(board, &lesson.project)),
                Cell::text(&lesson.title),
                Cell::text(&lesson.body),
                Cell::text(lesson.tags.join(", ")),
                Cell::text(&lesson.recorded.by),
                Cell::date(day(lesson.recorded.at_ms)),
            ]
        })
        .collect()
}

fn decision_rows(board: &BoardSnapshot) -> Vec<Vec<Cell>> {
    let mut decisions: Vec<_> = board.decisions.iter().collect();
    decisions.sort_by_key(|decision| decision.recorded.at_ms);
    decisions
        .into_iter()
        .map(|decision| {
            vec![
                Cell::date(day(decision.recorded.at_ms)),
                Cell::text(decision.kind.as_str()),
                Cell::text(decision.project.as_ref().map(|id| project_name(board, id)).unwrap_or_default()),
                Cell::text(&decision.note),
                Cell::text(&decision.recorded.by),
                Cell::text(decision.heads.iter().map(ToString::to_string).collect::<Vec<_>>().join(" ")),
            ]
        })
        .collect()
}

// ---- CSV -------------------------------------------------------------------------------------

/// The byte order mark that makes Excel read a CSV file as UTF-8 (without it, Chinese text
/// comes out as mojibake in Excel on Windows).
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// One table as CSV: UTF-8 with a BOM, a header row, numbers as plain decimals (no thousands
/// separators, so that any spreadsheet reads them as numbers), dates as `YYYY-MM-DD`.
///
/// Text that a spreadsheet would run as a formula (starting with `=`, `+`, `-` or `@`) is
/// written with a leading `'`, which spreadsheets show as text; the import takes it off again.
pub fn csv(sheet: &Sheet) -> Vec<u8> {
    let mut writer = ::csv::Writer::from_writer(BOM.to_vec());
    let written = writer
        .write_record(sheet.columns().iter().map(|column| column.header))
        .and_then(|()| sheet.rows.iter().try_for_each(|row| writer.write_record(row.iter().map(csv_text))));
    // Writing to memory cannot fail; `into_inner` only flushes into the vector.
    written.expect("a CSV writer into memory does not fail");
    writer.into_inner().map_err(|error| error.into_error()).expect("a CSV writer into memory does not fail")
}

fn csv_text(cell: &Cell) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Text(text) if text.starts_with(['=', '+', '-', '@']) => format!("'{text}"),
        Cell::Text(text) => text.clone(),
        Cell::Number(number) => number.to_string(),
        Cell::Date(date) => date.format("%Y-%m-%d").to_string(),
    }
}

// ---- XLSX ------------------------------------------------------------------------------------

/// The tables as one workbook, a sheet each: a bold, frozen header row with a filter, numbers
/// as numbers and dates as dates, each with its number format. `created_at_ms` is stamped as
/// the workbook's creation time (this crate reads no clock).
pub fn xlsx(sheets: &[Sheet], created_at_ms: i64) -> Result<Vec<u8>, ExchangeError> {
    write_workbook(sheets, created_at_ms, &[]).map_err(|error| ExchangeError::Xlsx(error.to_string()))
}

/// The import template: the projects, people and bookings sheets with their headings only,
/// and a "Read me" sheet that says what each column takes.
pub fn template_xlsx(created_at_ms: i64) -> Result<Vec<u8>, ExchangeError> {
    let sheets: Vec<Sheet> = Table::IMPORTED.into_iter().map(|table| Sheet { table, rows: Vec::new() }).collect();
    write_workbook(&sheets, created_at_ms, &template_notes()).map_err(|error| ExchangeError::Xlsx(error.to_string()))
}

/// What the template's "Read me" sheet says, one line per column: sheet, column, what it takes.
pub fn template_notes() -> Vec<[&'static str; 3]> {
    vec![
        ["Projects", PROJECT, "Required. The project's name: a row updates the project of that name, or adds it."],
        [
            "Projects",
            STAGE,
            "proposed, screening, approved, active, on-hold, closed or cancelled (a new project: proposed).",
        ],
        [
            "Projects",
            PHASE,
            "initiation, planning, execution, monitoring-controlling or closing (a new project: initiation).",
        ],
        ["Projects", SPONSOR, "Text; an empty cell clears it."],
        ["Projects", MANAGER, "Text; an empty cell clears it."],
        ["Projects", START, "A date (YYYY-MM-DD); an empty cell clears it."],
        ["Projects", END, "A date, not before the start; an empty cell clears it."],
        ["Projects", BUDGET, "A number of at least 0, in the board's currency; an empty cell keeps the board's value."],
        ["Projects", ACTUAL_COST, "A number of at least 0; an empty cell keeps the board's value."],
        ["Projects", PLANNED_VALUE, "A number of at least 0; an empty cell keeps the board's value."],
        ["Projects", EARNED_VALUE, "A number of at least 0; an empty cell keeps the board's value."],
        ["Projects", PERCENT_COMPLETE, "0 to 100; an empty cell keeps the board's value."],
        ["People", PERSON, "Required. The person's name: a row updates the person of that name, or adds them."],
        ["People", ROLE, "Text, e.g. developer; capacity rolls up by role."],
        ["People", TEAM, "Text; capacity rolls up by team."],
        ["People", CAPACITY, "Hours a week, 0 to 168. Required for a new person."],
        ["Bookings", PROJECT, "Required. A project on the board or on the Projects sheet."],
        ["Bookings", PERSON, "Required. A person on the board or on the People sheet."],
        ["Bookings", WEEK, "Required. An ISO week, e.g. 2027-W05 (or a date in that week)."],
        ["Bookings", HOURS, "Hours booked that week, 0 to 168; 0 removes the booking."],
        ["", "", "Other columns of an export (CPI, RAG, scores…) are computed by the board and ignored on import."],
        ["", "", "Nothing is written until you confirm the preview; then the whole import is one change (one undo)."],
    ]
}

fn write_workbook(sheets: &[Sheet], created_at_ms: i64, notes: &[[&str; 3]]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let created = ExcelDateTime::from_timestamp(created_at_ms.div_euclid(1000))?;
    workbook.set_properties(&DocProperties::new().set_creation_datetime(&created).set_title("PMO Board export"));
    let header = Format::new().set_bold().set_background_color("#E8EEF4").set_align(FormatAlign::Top);
    let formats = Formats {
        text: Format::new(),
        whole: Format::new().set_num_format("#,##0"),
        decimal: Format::new().set_num_format("#,##0.##"),
        money: Format::new().set_num_format("#,##0.00"),
        index: Format::new().set_num_format("0.00"),
        percent: Format::new().set_num_format("0%"),
        date: Format::new().set_num_format("yyyy-mm-dd"),
    };
    for sheet in sheets {
        let worksheet = workbook.add_worksheet();
        worksheet.set_name(sheet.table.sheet_name())?;
        let columns = sheet.columns();
        for (index, column) in columns.iter().enumerate() {
            let index = index as u16;
            worksheet.write_string_with_format(0, index, column.header, &header)?;
            worksheet.set_column_width(index, width(column, &sheet.rows, index as usize))?;
        }
        for (row_index, row) in sheet.rows.iter().enumerate() {
            let row_number = row_index as u32 + 1;
            for (column_index, (cell, column)) in row.iter().zip(columns).enumerate() {
                let column_number = column_index as u16;
                match cell {
                    Cell::Empty => {}
                    Cell::Text(text) => {
                        worksheet.write_string(row_number, column_number, text)?;
                    }
                    Cell::Number(number) => {
                        worksheet.write_number_with_format(
                            row_number,
                            column_number,
                            *number,
                            formats.of(column.kind),
                        )?;
                    }
                    Cell::Date(date) => {
                        use chrono::Datelike;
                        let date = ExcelDateTime::from_ymd(date.year() as u16, date.month() as u8, date.day() as u8)?;
                        worksheet.write_datetime_with_format(row_number, column_number, &date, &formats.date)?;
                    }
                }
            }
        }
        worksheet.set_freeze_panes(1, 0)?;
        if !columns.is_empty() {
            worksheet.autofilter(0, 0, sheet.rows.len() as u32, columns.len() as u16 - 1)?;
        }
    }
    if !notes.is_empty() {
        let worksheet = workbook.add_worksheet();
        worksheet.set_name("Read me")?;
        for (index, heading) in ["Sheet", "Column", "What it takes"].into_iter().enumerate() {
            worksheet.write_string_with_format(0, index as u16, heading, &header)?;
        }
        worksheet.set_column_width(0, 12)?;
        worksheet.set_column_width(1, 24)?;
        worksheet.set_column_width(2, 100)?;
        for (row, line) in notes.iter().enumerate() {
            for (column, text) in line.iter().enumerate() {
                worksheet.write_string(row as u32 + 1, column as u16, *text)?;
            }
        }
        worksheet.set_freeze_panes(1, 0)?;
    }
    workbook.save_to_buffer()
}

struct Formats {
    text: Format,
    whole: Format,
    decimal: Format,
    money: Format,
    index: Format,
    percent: Format,
    date: Format,
}

impl Formats {
    fn of(&self, kind: Kind) -> &Format {
        match kind {
            Kind::Text => &self.text,
            Kind::Whole => &self.whole,
            Kind::Decimal => &self.decimal,
            Kind::Money => &self.money,
            Kind::Index => &self.index,
            Kind::Percent => &self.percent,
            Kind::Date => &self.date,
        }
    }
}

/// A column width that fits the heading and the first rows' text, within reason. (Measuring
/// every row of a 30,000-row sheet would cost more than it shows.)
fn width(column: &Column, rows: &[Vec<Cell>], index: usize) -> f64 {
    let widest = rows
        .iter()
        .take(200)
        .filter_map(|row| match row.get(index) {
            // A Chinese character is about two columns wide.
            Some(Cell::Text(text)) => Some(text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum::<usize>()),
            Some(Cell::Number(_)) => Some(12),
            Some(Cell::Date(_)) => Some(10),
            _ => None,
        })
        .max()
        .unwrap_or(0);
    (widest.max(column.header.len()) as f64 + 2.0).clamp(8.0, 60.0)
}

#[cfg(test)]
mod tests;
