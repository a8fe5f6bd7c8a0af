//! Exports and imports (导出与导入): the board as the tables a PMO opens in a spreadsheet, and
//! projects, people and bookings read back from one.
//!
//! ```text
//! BoardSnapshot ─▶ export::tables ─▶ [Sheet] ─┬─▶ export::csv   one table, UTF-8 with a BOM
//!                                             └─▶ export::xlsx  one workbook, a sheet per table
//!
//! file bytes ─▶ import::read ─▶ ImportFile ─▶ import::plan(snapshot, file) ─▶ ImportPlan
//!                                                                   ─▶ Board::apply_import (one change)
//! ```
//!
//! Everything here is pure: a snapshot or bytes in, tables, bytes or a plan out. The browser
//! builds the files offline from its own copy of the board; the server builds the same files
//! for scripts (`GET /api/boards/{id}/export.xlsx`).
//!
//! Import follows "plan, then apply": [`import::plan`] compares the file with the board and
//! says, row by row, what would be added, what updated and what is refused and why; nothing is
//! written until the member confirms, and then [`crate::Board::apply_import`] writes the whole
//! plan as one change (one history entry, one undo). A file whose rows all match the board
//! plans nothing, so importing the same file twice changes nothing the second time.
//!
//! The files use the export's own columns: what [`export::tables`] writes for projects,
//! people and bookings, [`import::read`] reads back. Columns that are computed (CPI, RAG,
//! scores…) are ignored on import.

pub mod export;
pub mod import;

use std::{fmt, str::FromStr};

use chrono::NaiveDate;

/// One of the tables the board exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Table {
    Projects,
    People,
    Bookings,
    Capacity,
    Risks,
    Lessons,
    Decisions,
}

impl Table {
    pub const ALL: [Table; 7] = [
        Table::Projects,
        Table::People,
        Table::Bookings,
        Table::Capacity,
        Table::Risks,
        Table::Lessons,
        Table::Decisions,
    ];

    /// The tables an import reads.
    pub const IMPORTED: [Table; 3] = [Table::Projects, Table::People, Table::Bookings];

    /// The name in URLs and file names: `projects` in `export/projects.csv`.
    pub fn as_str(self) -> &'static str {
        match self {
            Table::Projects => "projects",
            Table::People => "people",
            Table::Bookings => "bookings",
            Table::Capacity => "capacity",
            Table::Risks => "risks",
            Table::Lessons => "lessons",
            Table::Decisions => "decisions",
        }
    }

    /// The name of its sheet in the workbook.
    pub fn sheet_name(self) -> &'static str {
        match self {
            Table::Projects => "Projects",
            Table::People => "People",
            Table::Bookings => "Bookings",
            Table::Capacity => "Capacity",
            Table::Risks => "Risks",
            Table::Lessons => "Lessons",
            Table::Decisions => "Decisions",
        }
    }

    /// The columns the export writes, in order.
    pub fn columns(self) -> &'static [Column] {
        export::columns(self)
    }
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Table {
    type Err = ExchangeError;
    fn from_str(text: &str) -> Result<Table, ExchangeError> {
        Table::ALL
            .into_iter()
            .find(|table| table.as_str() == text)
            .ok_or_else(|| ExchangeError::UnknownTable(text.into()))
    }
}

/// What a column holds, which decides how a cell is written: a number in a workbook is a
/// number with a number format, a date a date, so that a spreadsheet sums and sorts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// A count or a rank: `#,##0`.
    Whole,
    /// Hours, scores, percent complete: up to two decimals.
    Decimal,
    /// An amount in the board's currency: `#,##0.00`.
    Money,
    /// CPI, SPI, a weighted score: `0.00`.
    Index,
    /// A share: 0.85 shows as `85%`.
    Percent,
    Date,
}

/// A column of an exported table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// The heading in the file, which an import matches (ignoring case).
    pub header: &'static str,
    pub kind: Kind,
    /// Read back by an import (the others are computed from the board).
    pub imported: bool,
    /// The Chinese heading an import also accepts, when the column is imported.
    pub zh: &'static str,
}

/// One value of a table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Date(NaiveDate),
}

impl Cell {
    /// A text cell, or an empty one for empty text.
    pub fn text(text: impl Into<String>) -> Cell {
        let text = text.into();
        if text.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(text)
        }
    }

    /// A number, or an empty cell for a figure that has no value (CPI before any cost).
    pub fn number(value: Option<f64>) -> Cell {
        value.filter(|value| value.is_finite()).map_or(Cell::Empty, Cell::Number)
    }

    pub fn date(date: Option<NaiveDate>) -> Cell {
        date.map_or(Cell::Empty, Cell::Date)
    }

    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(text) => text.trim().is_empty(),
            _ => false,
        }
    }
}

/// A table ready to be written: its columns and its rows, each row one cell per column.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub table: Table,
    pub rows: Vec<Vec<Cell>>,
}

impl Sheet {
    pub fn columns(&self) -> &'static [Column] {
        self.table.columns()
    }
}

/// Why a file could not be written or read at all (a row that cannot be imported is a
/// [`import::Refusal`] in the plan instead).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExchangeError {
    #[error("there is no table `{0}`: use one of projects, people, bookings, capacity, risks, lessons, decisions")]
    UnknownTable(String),
    #[error("the workbook could not be written: {0}")]
    Xlsx(String),
    #[error("`{0}` is not a CSV or XLSX file: choose a .csv or .xlsx file, such as the template")]
    UnknownFormat(String),
    #[error("{file} could not be read as CSV: {reason}")]
    Csv { file: String, reason: String },
    #[error("{file} could not be read as an XLSX workbook: {reason}")]
    Workbook { file: String, reason: String },
    #[error(
        "{file}: the columns ({headers}) are not those of projects, people or bookings: use the column names of the \
         template or of an export"
    )]
    UnrecognisedColumns { file: String, headers: String },
    #[error("{file}: the {table} table is computed by the board and cannot be imported (import projects, people and bookings)")]
    NotImportable { file: String, table: Table },
    #[error("{0} has no rows to import")]
    Empty(String),
    #[error("{file} has {rows} rows; an import takes at most {max}: split it into smaller files")]
    TooManyRows { file: String, rows: usize, max: usize },
}

/// A small board with every kind of thing an export writes, for the tests of both halves.
#[cfg(test)]
pub(crate) fn sample_board() -> crate::Board {
    use crate::{
        board::{
            DecisionId, DecisionKind, Financials, LessonId, NewLesson, NewPerson, NewProject, NewRisk, RiskId, Stamp,
        },
        finance::Rag,
        risk::Roam,
        Board, IsoWeek, PersonId, ProjectId, Stage,
    };
    let mut board = Board::new("Portfolio 组合").unwrap();
    let (apollo, zeus, crm) = (ProjectId::random(), ProjectId::random(), ProjectId::random());
    let project = |name: &str, stage, budget| NewProject { name: name.into(), stage, budget };
    board.add_project(apollo.clone(), project("Apollo 阿波罗", Stage::Active, 250_000.0)).unwrap();
    board.add_project(zeus.clone(), project("=Zeus, the \"big\" one", Stage::Proposed, 80_000.5)).unwrap();
    board.add_project(crm.clone(), project("CRM", Stage::Closed, 120_000.0)).unwrap();
    board.set_project_people(&apollo, "王芳", "Li Lei").unwrap();
    let date = |text: &str| -> chrono::NaiveDate { text.parse().unwrap() };
    board.set_project_dates(&apollo, Some(date("2027-01-04")), Some(date("2027-06-30"))).unwrap();
    board.set_project_phase(&apollo, crate::board::Phase::Execution).unwrap();
    let financials =
        Financials { actual_cost: 60_000.0, planned_value: 100_000.0, earned_value: 75_000.0, percent_complete: 30.0 };
    board.set_project_financials(&apollo, financials).unwrap();
    board.set_manual_rag(&apollo, Some(Rag::Amber), "vendor late").unwrap();
    let (wang, li) = (PersonId::random(), PersonId::random());
    board
        .add_person(
            wang.clone(),
            NewPerson {
                name: "王芳".into(),
                role: "developer".into(),
                team: "核心".into(),
                capacity_hours_per_week: 40.0,
            },
        )
        .unwrap();
    board.add_person(li.clone(), NewPerson::named("Li Lei", 32.5)).unwrap();
    let week = |text: &str| text.parse::<IsoWeek>().unwrap();
    board.set_allocation(&apollo, &wang, week("2027-W01"), 24.0).unwrap();
    board.set_allocation(&apollo, &wang, week("2027-W03"), 30.5).unwrap();
    board.set_allocation(&zeus, &wang, week("2027-W01"), 20.0).unwrap();
    board.set_allocation(&zeus, &li, week("2027-W02"), 8.0).unwrap();
    let risk = NewRisk {
        title: "Vendor late".into(),
        probability: 4,
        impact: 5,
        owner: "Li Lei".into(),
        mitigation: "Second vendor".into(),
        roam: Roam::Owned,
    };
    board.add_risk(RiskId::random(), &apollo, risk).unwrap();
    let stamp = Stamp { by: "Wang Fang".into(), at_ms: 1_798_761_600_000 };
    let lesson =
        NewLesson { title: "Book vendors early".into(), body: "两家供应商".into(), tags: vec!["vendor".into()] };
    board.add_lesson(LessonId::random(), &crm, lesson, stamp.clone()).unwrap();
    board.record_decision(DecisionId::random(), DecisionKind::Approve, Some(&apollo), "Go", stamp).unwrap();
    board
}
