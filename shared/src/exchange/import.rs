//! Reading projects, people and bookings from CSV or XLSX files ([`read`]), and planning what
//! they would change on the board ([`plan`]).
//!
//! Rows are matched by name: a project row updates the project of that name, or adds one; a
//! person row likewise; a booking row names its project and person (on the board, or added by
//! the same import) and an ISO week. A row that cannot be used is refused with its reason and
//! its line in the file, and a plan with any refused row writes nothing
//! ([`crate::Board::apply_import`] refuses it), so a file is imported whole or not at all.
//!
//! ```
//! use shared::{board::Board, exchange::import};
//!
//! let mut board = Board::new("Portfolio").unwrap();
//! let file = "\u{feff}Project,Stage,Budget\nApollo,active,\"250,000\"\n";
//! let file = import::read("projects.csv", file.as_bytes()).unwrap();
//! let plan = import::plan(&board.snapshot(), &file);
//! assert_eq!((plan.projects.len(), plan.refused.len()), (1, 0));
//! board.apply_import(&plan).unwrap();
//! assert_eq!(board.projects()[0].budget, 250_000.0);
//! // The same file again changes nothing.
//! assert!(import::plan(&board.snapshot(), &file).is_empty());
//! ```

use std::{
    collections::{HashMap, HashSet},
    io::Cursor,
};

use chrono::NaiveDate;

use super::{export::*, Cell, ExchangeError, Table};
use crate::{
    board::{BoardSnapshot, Financials, Person, Phase, Project, Stage, HOURS_PER_WEEK_MAX},
    IsoWeek, PersonId, ProjectId,
};

/// The most rows one file may hold (a year of weekly bookings for 300 people on two projects
/// each is 31,200).
pub const MAX_ROWS: usize = 200_000;

/// The tables read from one or more files.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ImportFile {
    pub tables: Vec<ImportTable>,
}

impl ImportFile {
    /// Adds the tables of another file (a member may pick projects.csv and bookings.csv
    /// together).
    pub fn extend(&mut self, other: ImportFile) {
        self.tables.extend(other.tables);
    }

    /// How many rows of each table the file holds.
    pub fn row_count(&self, table: Table) -> usize {
        self.tables.iter().filter(|t| t.table == table).map(|t| t.rows.len()).sum()
    }

    fn rows(&self, table: Table) -> impl Iterator<Item = (&ImportTable, &ImportRow)> {
        self.tables.iter().filter(move |t| t.table == table).flat_map(|t| t.rows.iter().map(move |row| (t, row)))
    }
}

/// One table of a file: which table, where it came from (file or sheet name) and its rows.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportTable {
    pub table: Table,
    pub source: String,
    pub rows: Vec<ImportRow>,
}

/// One row: its line in the file (as a spreadsheet numbers it, the header being line 1) and
/// the cells of the imported columns the file has. A column the file does not have is absent,
/// and leaves the board's value alone.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRow {
    pub line: usize,
    pub cells: Vec<(&'static str, Cell)>,
}

impl ImportRow {
    fn get(&self, header: &str) -> Option<&Cell> {
        self.cells.iter().find(|(name, _)| *name == header).map(|(_, cell)| cell)
    }
}

// ---- reading files ---------------------------------------------------------------------------

/// Reads a CSV or XLSX file (told apart by its content, then its name).
pub fn read(file_name: &str, bytes: &[u8]) -> Result<ImportFile, ExchangeError> {
    let lower = file_name.to_lowercase();
    if bytes.starts_with(b"PK\x03\x04") || lower.ends_with(".xlsx") {
        read_xlsx(file_name, bytes)
    } else if lower.ends_with(".csv") || lower.ends_with(".txt") || std::str::from_utf8(bytes).is_ok() {
        read_csv(file_name, bytes)
    } else {
        Err(ExchangeError::UnknownFormat(file_name.into()))
    }
}

/// Reads one CSV file: UTF-8 (with or without a BOM), separated by commas, semicolons (as
/// Excel writes CSV in many European settings) or tabs, the first row the headings.
pub fn read_csv(file_name: &str, bytes: &[u8]) -> Result<ImportFile, ExchangeError> {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|_| ExchangeError::Csv {
        file: file_name.into(),
        reason: "it is not UTF-8 text; save it as \"CSV UTF-8\"".into(),
    })?;
    let first_line = text.lines().next().unwrap_or("");
    let delimiter = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|delimiter| first_line.bytes().filter(|b| b == delimiter).count())
        .unwrap_or(b',');
    let mut reader =
        ::csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
    let mut records = Vec::new();
    for record in reader.records() {
        let record =
            record.map_err(|error| ExchangeError::Csv { file: file_name.into(), reason: error.to_string() })?;
        let line = record.position().map_or(records.len() + 1, |position| position.line() as usize);
        let cells: Vec<Cell> = record.iter().map(|text| Cell::text(unguard(text))).collect();
        records.push((line, cells));
        if records.len() > MAX_ROWS + 1 {
            return Err(ExchangeError::TooManyRows { file: file_name.into(), rows: records.len(), max: MAX_ROWS });
        }
    }
    let table = table_from_records(file_name, None, records)?.ok_or_else(|| ExchangeError::Empty(file_name.into()))?;
    Ok(ImportFile { tables: vec![table] })
}

/// Takes off the `'` the export puts before text a spreadsheet would run as a formula.
fn unguard(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest,
        _ => text,
    }
}

/// Reads the projects, people and bookings sheets of a workbook (known by name, or else by
/// their columns); other sheets (an export's capacity or risks, the template's read me) are
/// left alone.
pub fn read_xlsx(file_name: &str, bytes: &[u8]) -> Result<ImportFile, ExchangeError> {
    use calamine::Reader;
    let unreadable = |reason: String| ExchangeError::Workbook { file: file_name.into(), reason };
    let mut workbook = calamine::Xlsx::new(Cursor::new(bytes)).map_err(|error| unreadable(error.to_string()))?;
    let mut file = ImportFile::default();
    let mut first_unrecognised = None;
    for name in workbook.sheet_names().to_vec() {
        let range = workbook.worksheet_range(&name).map_err(|error| unreadable(error.to_string()))?;
        let first_row = range.start().map_or(0, |(row, _)| row as usize);
        if range.height() > MAX_ROWS + 1 {
            return Err(ExchangeError::TooManyRows {
                file: format!("{file_name} ({name})"),
                rows: range.height(),
                max: MAX_ROWS,
            });
        }
        let records = range
            .rows()
            .enumerate()
            .map(|(index, row)| (first_row + index + 1, row.iter().map(workbook_cell).collect()))
            .collect();
        let known = Table::ALL.into_iter().find(|table| {
            let name = name.trim().to_lowercase();
            name == table.sheet_name().to_lowercase() || name == table.as_str()
        });
        if known.is_some_and(|table| !Table::IMPORTED.contains(&table)) {
            continue;
        }
        match table_from_records(&format!("{file_name} ({name})"), known, records) {
            Ok(Some(table)) => file.tables.push(table),
            Ok(None) => {}
            Err(error @ ExchangeError::UnrecognisedColumns { .. }) if known.is_none() => {
                first_unrecognised.get_or_insert(error);
            }
            Err(error) => return Err(error),
        }
    }
    if file.tables.is_empty() {
        return Err(first_unrecognised.unwrap_or_else(|| ExchangeError::Empty(file_name.into())));
    }
    Ok(file)
}

fn workbook_cell(data: &calamine::Data) -> Cell {
    use calamine::Data;
    match data {
        Data::Empty => Cell::Empty,
        Data::String(text) => Cell::text(unguard(text)),
        Data::Float(number) => Cell::Number(*number),
        Data::Int(number) => Cell::Number(*number as f64),
        Data::Bool(value) => Cell::Text(value.to_string()),
        Data::DateTime(date) => excel_date(date.as_f64()).map_or(Cell::Number(date.as_f64()), Cell::Date),
        Data::DateTimeIso(text) => {
            text.get(..10).and_then(|day| day.parse().ok()).map_or_else(|| Cell::text(text.clone()), Cell::Date)
        }
        Data::DurationIso(text) => Cell::text(text.clone()),
        Data::Error(error) => Cell::Text(format!("#{error:?}")),
    }
}

/// A date from an Excel serial day number (1900 date system; day 1 is 1900-01-01, and Excel
/// counts a 29 February 1900 that never was, so days from 61 on are counted from 1899-12-30).
fn excel_date(serial: f64) -> Option<NaiveDate> {
    if !(61.0..2_958_466.0).contains(&serial) {
        return None;
    }
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_days(chrono::Days::new(serial.floor() as u64))
}

/// The table a file's first non-empty row names, and its rows; `None` for a file with no
/// headings at all.
fn table_from_records(
    source: &str,
    known: Option<Table>,
    records: Vec<(usize, Vec<Cell>)>,
) -> Result<Option<ImportTable>, ExchangeError> {
    let mut records = records.into_iter().skip_while(|(_, cells)| cells.iter().all(Cell::is_empty));
    let Some((_, headings)) = records.next() else { return Ok(None) };
    let headings: Vec<String> = headings.iter().map(heading_text).collect();
    let unrecognised = || ExchangeError::UnrecognisedColumns { file: source.into(), headers: headings.join(", ") };
    let table = match known {
        Some(table) => table,
        None => detect(&headings).ok_or_else(unrecognised)?,
    };
    if !Table::IMPORTED.contains(&table) {
        return Err(ExchangeError::NotImportable { file: source.into(), table });
    }
    let columns: Vec<Option<&'static str>> = headings
        .iter()
        .map(|heading| {
            table
                .columns()
                .iter()
                .filter(|column| column.imported)
                .find(|column| matches(column, heading))
                .map(|c| c.header)
        })
        .collect();
    let key = key_column(table);
    if !columns.contains(&Some(key)) {
        return Err(unrecognised());
    }
    let rows = records
        .filter(|(_, cells)| !cells.iter().all(Cell::is_empty))
        .map(|(line, cells)| ImportRow {
            line,
            cells: columns
                .iter()
                .enumerate()
                .filter_map(|(index, column)| {
                    Some((column.as_ref().copied()?, cells.get(index).cloned().unwrap_or(Cell::Empty)))
                })
                .collect(),
        })
        .collect();
    Ok(Some(ImportTable { table, source: source.into(), rows }))
}

fn heading_text(cell: &Cell) -> String {
    match cell {
        Cell::Text(text) => text.trim().to_owned(),
        Cell::Number(number) => number.to_string(),
        Cell::Date(date) => date.to_string(),
        Cell::Empty => String::new(),
    }
}

fn matches(column: &super::Column, heading: &str) -> bool {
    let heading = heading.trim();
    column.header.eq_ignore_ascii_case(heading) || (!column.zh.is_empty() && column.zh == heading)
}

fn key_column(table: Table) -> &'static str {
    match table {
        Table::People => PERSON,
        _ => PROJECT,
    }
}

/// The table whose columns the headings match best; ties go to the imported tables, which
/// come first. The key column (project or person) must be there.
fn detect(headings: &[String]) -> Option<Table> {
    let score = |table: Table| {
        let columns = table.columns();
        let bookings_need = [PROJECT, PERSON, WEEK, HOURS];
        let found = |header: &str| headings.iter().any(|heading| heading.eq_ignore_ascii_case(header));
        if table == Table::Bookings && !bookings_need.into_iter().all(found) {
            return 0;
        }
        headings.iter().filter(|heading| columns.iter().any(|column| matches(column, heading))).count()
    };
    let best = Table::ALL.into_iter().map(|table| (score(table), table)).max_by(|a, b| {
        // Highest score; among equals the earlier table (max_by keeps the last maximum).
        a.0.cmp(&b.0).then(b.1.cmp(&a.1))
    })?;
    (best.0 > 0).then_some(best.1)
}

// ---- the plan --------------------------------------------------------------------------------

/// Why a row cannot be imported.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Refusal {
    #[error("the {0} is empty")]
    Missing(&'static str),
    #[error("there is no person named “{0}” on the board or on the People sheet")]
    UnknownPerson(String),
    #[error("there is no project named “{0}” on the board or on the Projects sheet")]
    UnknownProject(String),
    #[error("hours cannot be negative ({0})")]
    NegativeHours(String),
    #[error("“{0}” is not a week: write an ISO week such as 2027-W05, or a date in it")]
    UnknownWeek(String),
    #[error("“{name}” is already on line {line} of this file")]
    DuplicateName { name: String, line: usize },
    #[error("this project, person and week are already booked on line {0} of this file")]
    DuplicateBooking(usize),
    #[error("two {what} on the board are named “{name}”: rename one on the board first")]
    AmbiguousName { what: &'static str, name: String },
    #[error("{column} “{text}” is not a number")]
    NotANumber { column: &'static str, text: String },
    #[error("{column} cannot be negative ({value})")]
    Negative { column: &'static str, value: String },
    #[error("{column} can be at most {max}, not {value}")]
    TooLarge { column: &'static str, value: String, max: f64 },
    #[error("{column} “{text}” is not a date: write it as YYYY-MM-DD")]
    NotADate { column: &'static str, text: String },
    #[error("the end ({end}) is before the start ({start})")]
    EndBeforeStart { start: NaiveDate, end: NaiveDate },
    #[error("{column} “{value}” is not one of {allowed}")]
    NotOneOf { column: &'static str, value: String, allowed: String },
    #[error("a new person needs a capacity (hours a week)")]
    NoCapacity,
    #[error("the project of this booking is refused on its own line")]
    RefusedProject,
    #[error("the person of this booking is refused on their own line")]
    RefusedPerson,
}

/// A row that cannot be imported, where it is and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Refused {
    pub table: Table,
    /// The file (and sheet) it is in.
    pub source: String,
    pub line: usize,
    /// What the row names (a project, a person, a booking), as far as it could be read.
    pub label: String,
    pub reason: Refusal,
}

/// Whether a row adds something or changes something that is there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Add,
    Update,
}

/// One value a row changes, for the preview: `Budget: 100,000 → 120,000`.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldChange {
    pub field: &'static str,
    pub before: String,
    pub after: String,
}

/// A row that will be written.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned<T> {
    pub line: usize,
    pub action: Action,
    /// What the row is, for the preview: a project's or person's name, or
    /// "Apollo · Alice · 2027-W05" for a booking.
    pub label: String,
    /// The values it changes (for an update) or sets (for an addition).
    pub changes: Vec<FieldChange>,
    pub item: T,
}

/// A project as the import leaves it: every field, the board's value where the file says
/// nothing.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectImport {
    /// The project it updates; `None` adds a project.
    pub id: Option<ProjectId>,
    pub name: String,
    pub stage: Stage,
    pub phase: Phase,
    pub sponsor: String,
    pub manager: String,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    pub budget: f64,
    pub financials: Financials,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PersonImport {
    /// The person it updates; `None` adds a person.
    pub id: Option<PersonId>,
    pub name: String,
    pub role: String,
    pub team: String,
    pub capacity_hours_per_week: f64,
}

/// Something on the board, or added by the same import (known by its name until then).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target<Id> {
    Existing(Id),
    New(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct BookingImport {
    pub project: Target<ProjectId>,
    pub person: Target<PersonId>,
    pub week: IsoWeek,
    /// 0 removes the booking.
    pub hours: f64,
}

/// What an import would do: rows to add or update per table, refused rows with their reasons,
/// and how many rows already match the board.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ImportPlan {
    pub projects: Vec<Planned<ProjectImport>>,
    pub people: Vec<Planned<PersonImport>>,
    pub bookings: Vec<Planned<BookingImport>>,
    pub refused: Vec<Refused>,
    pub unchanged: usize,
}

impl ImportPlan {
    /// Nothing to write (every row already matches the board) and nothing refused.
    pub fn is_empty(&self) -> bool {
        self.writes() == 0 && self.refused.is_empty()
    }

    /// How many rows would be written.
    pub fn writes(&self) -> usize {
        self.projects.len() + self.people.len() + self.bookings.len()
    }

    /// How many rows of each kind are added and updated: (projects, people, bookings), each
    /// (added, updated).
    pub fn counts(&self) -> [(usize, usize); 3] {
        fn count<T>(rows: &[Planned<T>]) -> (usize, usize) {
            let added = rows.iter().filter(|row| row.action == Action::Add).count();
            (added, rows.len() - added)
        }
        [count(&self.projects), count(&self.people), count(&self.bookings)]
    }
}

/// Compares the file with the board and plans every row: added, updated, unchanged or refused.
/// Pure: it reads the snapshot and writes nothing.
pub fn plan(board: &BoardSnapshot, file: &ImportFile) -> ImportPlan {
    let mut plan = ImportPlan::default();
    let projects = plan_projects(board, file, &mut plan);
    let people = plan_people(board, file, &mut plan);
    plan_bookings(board, file, &projects, &people, &mut plan);
    plan
}

/// What the bookings may refer to, by name.
struct Names<Id> {
    /// On the board, by name; more than one id means the name is ambiguous.
    board: HashMap<String, Vec<Id>>,
    /// Added by this import.
    added: HashSet<String>,
    /// Refused rows of this import.
    refused: HashSet<String>,
    /// The names the file has named so far, with the line that first named each.
    seen: HashMap<String, usize>,
}

impl<Id: Clone> Names<Id> {
    fn new<'a>(entries: impl Iterator<Item = (&'a str, &'a Id)>) -> Names<Id>
    where
        Id: 'a,
    {
        let mut board: HashMap<String, Vec<Id>> = HashMap::new();
        for (name, id) in entries {
            board.entry(name.trim().to_owned()).or_default().push(id.clone());
        }
        Names { board, added: HashSet::new(), refused: HashSet::new(), seen: HashMap::new() }
    }

    /// Reads a row's name (a project's or a person's): the board's item of that name, if there
    /// is one, or why the row is refused (no name, a name already on an earlier line, a name
    /// that several items on the board share). `missing` names the cell for the first refusal,
    /// `what` the table for the last.
    fn claim(
        &mut self,
        name: &str,
        line: usize,
        missing: &'static str,
        what: &'static str,
    ) -> Result<Option<Id>, Refusal> {
        if name.is_empty() {
            return Err(Refusal::Missing(missing));
        }
        if let Some(&line) = self.seen.get(name) {
            self.refused.insert(name.into());
            return Err(Refusal::DuplicateName { name: name.into(), line });
        }
        self.seen.insert(name.into(), line);
        match self.board.get(name).map(Vec::as_slice) {
            Some([id]) => Ok(Some(id.clone())),
            Some([_, _, ..]) => {
                self.refused.insert(name.into());
                Err(Refusal::AmbiguousName { what, name: name.into() })
            }
            _ => Ok(None),
        }
    }

    fn resolve(
        &self,
        name: &str,
        what: &'static str,
        unknown: fn(String) -> Refusal,
        refused: Refusal,
    ) -> Result<Target<Id>, Refusal> {
        if self.refused.contains(name) {
            return Err(refused);
        }
        match self.board.get(name).map(Vec::as_slice) {
            Some([id]) => Ok(Target::Existing(id.clone())),
            Some([_, _, ..]) => Err(Refusal::AmbiguousName { what, name: name.into() }),
            _ if self.added.contains(name) => Ok(Target::New(name.into())),
            _ => Err(unknown(name.into())),
        }
    }
}

/// The first refusal of a row, kept while its other cells are still read.
type RowResult<T> = Result<T, Refusal>;

fn plan_projects(board: &BoardSnapshot, file: &ImportFile, plan: &mut ImportPlan) -> Names<ProjectId> {
    let mut names = Names::new(board.projects.iter().map(|p| (p.name.as_str(), &p.id)));
    let by_id: HashMap<&ProjectId, &Project> = board.projects.iter().map(|p| (&p.id, p)).collect();
    for (table, row) in file.rows(Table::Projects) {
        let name = row.get(PROJECT).map(text_of).unwrap_or_default();
        let refuse = |plan: &mut ImportPlan, reason| {
            plan.refused.push(Refused {
                table: Table::Projects,
                source: table.source.clone(),
                line: row.line,
                label: name.clone(),
                reason,
            })
        };
        let existing = match names.claim(&name, row.line, "project name", "projects") {
            Ok(id) => id.and_then(|id| by_id.get(&id).copied()),
            Err(reason) => {
                refuse(plan, reason);
                continue;
            }
        };
        match project_row(row, &name, existing) {
            Ok(import) => {
                let changes = project_changes(existing, &import);
                if existing.is_none() {
                    names.added.insert(name.clone());
                }
                if changes.is_empty() {
                    plan.unchanged += 1;
                } else {
                    let action = if existing.is_some() { Action::Update } else { Action::Add };
                    plan.projects.push(Planned { line: row.line, action, label: name.clone(), changes, item: import });
                }
            }
            Err(reason) => {
                names.refused.insert(name.clone());
                refuse(plan, reason);
            }
        }
    }
    names
}

fn project_row(row: &ImportRow, name: &str, existing: Option<&Project>) -> RowResult<ProjectImport> {
    let keep_text = |header: &'static str, current: Option<&str>| -> String {
        match row.get(header) {
            Some(cell) => text_of(cell),
            None => current.unwrap_or_default().to_owned(),
        }
    };
    let stage = match row.get(STAGE).filter(|cell| !cell.is_empty()) {
        Some(cell) => one_of(STAGE, &text_of(cell), &Stage::ALL, Stage::as_str, Stage::label)?,
        None => existing.map_or(Stage::Proposed, |p| p.stage),
    };
    let phase = match row.get(PHASE).filter(|cell| !cell.is_empty()) {
        Some(cell) => one_of(PHASE, &text_of(cell), &Phase::ALL, Phase::as_str, Phase::label)?,
        None => existing.map_or(Phase::Initiation, |p| p.phase),
    };
    let date = |header: &'static str, current: Option<NaiveDate>| -> RowResult<Option<NaiveDate>> {
        match row.get(header) {
            Some(cell) => date_of(header, cell),
            None => Ok(current),
        }
    };
    let start = date(START, existing.and_then(|p| p.start))?;
    let end = date(END, existing.and_then(|p| p.end))?;
    if let (Some(start), Some(end)) = (start, end) {
        if end < start {
            return Err(Refusal::EndBeforeStart { start, end });
        }
    }
    let amount = |header: &'static str, current: f64, max: f64| -> RowResult<f64> {
        Ok(match row.get(header) {
            Some(cell) => number_of(header, cell, max)?.unwrap_or(current),
            None => current,
        })
    };
    let current = existing.map(|p| p.financials).unwrap_or_default();
    Ok(ProjectImport {
        id: existing.map(|p| p.id.clone()),
        name: name.to_owned(),
        stage,
        phase,
        sponsor: keep_text(SPONSOR, existing.map(|p| p.sponsor.as_str())),
        manager: keep_text(MANAGER, existing.map(|p| p.manager.as_str())),
        start,
        end,
        budget: amount(BUDGET, existing.map_or(0.0, |p| p.budget), f64::INFINITY)?,
        financials: Financials {
            actual_cost: amount(ACTUAL_COST, current.actual_cost, f64::INFINITY)?,
            planned_value: amount(PLANNED_VALUE, current.planned_value, f64::INFINITY)?,
            earned_value: amount(EARNED_VALUE, current.earned_value, f64::INFINITY)?,
            percent_complete: amount(PERCENT_COMPLETE, current.percent_complete, 100.0)?,
        },
    })
}

/// The fields an import changes on a project (all the ones it sets, for a new project).
fn project_changes(existing: Option<&Project>, import: &ProjectImport) -> Vec<FieldChange> {
    let date = |date: Option<NaiveDate>| date.map(|d| d.to_string()).unwrap_or_default();
    let money = |value: f64| crate::format::amount(crate::format::Locale::En, value);
    let before: Option<[String; 11]> = existing.map(|p| {
        [
            p.stage.as_str().into(),
            p.phase.as_str().into(),
            p.sponsor.clone(),
            p.manager.clone(),
            date(p.start),
            date(p.end),
            money(p.budget),
            money(p.financials.actual_cost),
            money(p.financials.planned_value),
            money(p.financials.earned_value),
            crate::format::hours(crate::format::Locale::En, p.financials.percent_complete),
        ]
    });
    let after = [
        import.stage.as_str().into(),
        import.phase.as_str().into(),
        import.sponsor.clone(),
        import.manager.clone(),
        date(import.start),
        date(import.end),
        money(import.budget),
        money(import.financials.actual_cost),
        money(import.financials.planned_value),
        money(import.financials.earned_value),
        crate::format::hours(crate::format::Locale::En, import.financials.percent_complete),
    ];
    let fields = [
        STAGE,
        PHASE,
        SPONSOR,
        MANAGER,
        START,
        END,
        BUDGET,
        ACTUAL_COST,
        PLANNED_VALUE,
        EARNED_VALUE,
        PERCENT_COMPLETE,
    ];
    let exact_same = existing.is_some_and(|p| {
        p.budget == import.budget && p.financials == import.financials && p.start == import.start && p.end == import.end
    });
    let mut changes = Vec::new();
    for (index, field) in fields.into_iter().enumerate() {
        let after = after[index].clone();
        match &before {
            Some(before) if before[index] == after => {}
            Some(before) => changes.push(FieldChange { field, before: before[index].clone(), after }),
            // A new project's empty and zero fields are not worth a line of the preview.
            None if after.is_empty() || after == "0" => {}
            None => changes.push(FieldChange { field, before: String::new(), after }),
        }
    }
    // Amounts are compared as shown (two decimals); a difference below a cent still changes
    // the value, so it must not count as unchanged.
    if changes.is_empty() && existing.is_some() && !exact_same {
        changes.push(FieldChange {
            field: BUDGET,
            before: "(less than 0.01 apart)".into(),
            after: money(import.budget),
        });
    }
    if existing.is_none() && changes.is_empty() {
        changes.push(FieldChange { field: PROJECT, before: String::new(), after: import.name.clone() });
    }
    changes
}

fn plan_people(board: &BoardSnapshot, file: &ImportFile, plan: &mut ImportPlan) -> Names<PersonId> {
    let mut names = Names::new(board.people.iter().map(|p| (p.name.as_str(), &p.id)));
    let by_id: HashMap<&PersonId, &Person> = board.people.iter().map(|p| (&p.id, p)).collect();
    for (table, row) in file.rows(Table::People) {
        let name = row.get(PERSON).map(text_of).unwrap_or_default();
        let refuse = |plan: &mut ImportPlan, reason| {
            plan.refused.push(Refused {
                table: Table::People,
                source: table.source.clone(),
                line: row.line,
                label: name.clone(),
                reason,
            })
        };
        let existing = match names.claim(&name, row.line, "person's name", "people") {
            Ok(id) => id.and_then(|id| by_id.get(&id).copied()),
            Err(reason) => {
                refuse(plan, reason);
                continue;
            }
        };
        let read = || -> RowResult<PersonImport> {
            let text = |header: &'static str, current: Option<&str>| match row.get(header) {
                Some(cell) => text_of(cell),
                None => current.unwrap_or_default().to_owned(),
            };
            let capacity = match row.get(CAPACITY) {
                Some(cell) => number_of(CAPACITY, cell, HOURS_PER_WEEK_MAX)?,
                None => None,
            };
            let capacity = match (capacity, existing) {
                (Some(capacity), _) => capacity,
                (None, Some(person)) => person.capacity_hours_per_week,
                (None, None) => return Err(Refusal::NoCapacity),
            };
            Ok(PersonImport {
                id: existing.map(|p| p.id.clone()),
                name: name.clone(),
                role: text(ROLE, existing.map(|p| p.role.as_str())),
                team: text(TEAM, existing.map(|p| p.team.as_str())),
                capacity_hours_per_week: capacity,
            })
        };
        match read() {
            Ok(import) => {
                let mut changes = Vec::new();
                let hours = |value: f64| crate::format::hours(crate::format::Locale::En, value);
                let fields = [
                    (ROLE, existing.map(|p| p.role.clone()), import.role.clone()),
                    (TEAM, existing.map(|p| p.team.clone()), import.team.clone()),
                    (
                        CAPACITY,
                        existing.map(|p| hours(p.capacity_hours_per_week)),
                        hours(import.capacity_hours_per_week),
                    ),
                ];
                for (field, before, after) in fields {
                    if before.as_ref() != Some(&after) && !(before.is_none() && after.is_empty()) {
                        changes.push(FieldChange { field, before: before.unwrap_or_default(), after });
                    }
                }
                if changes.is_empty()
                    && existing.is_some_and(|p| p.capacity_hours_per_week != import.capacity_hours_per_week)
                {
                    changes.push(FieldChange {
                        field: CAPACITY,
                        before: "(almost the same)".into(),
                        after: hours(import.capacity_hours_per_week),
                    });
                }
                if existing.is_none() {
                    names.added.insert(name.clone());
                }
                if changes.is_empty() {
                    plan.unchanged += 1;
                } else {
                    let action = if existing.is_some() { Action::Update } else { Action::Add };
                    plan.people.push(Planned { line: row.line, action, label: name.clone(), changes, item: import });
                }
            }
            Err(reason) => {
                names.refused.insert(name.clone());
                refuse(plan, reason);
            }
        }
    }
    names
}

fn plan_bookings(
    board: &BoardSnapshot,
    file: &ImportFile,
    projects: &Names<ProjectId>,
    people: &Names<PersonId>,
    plan: &mut ImportPlan,
) {
    let booked: HashMap<(&ProjectId, &PersonId, IsoWeek), f64> =
        board.allocations.iter().map(|a| ((&a.project, &a.person, a.week), a.hours)).collect();
    let mut seen: HashMap<(Target<ProjectId>, Target<PersonId>, IsoWeek), usize> = HashMap::new();
    for (table, row) in file.rows(Table::Bookings) {
        let project_name = row.get(PROJECT).map(text_of).unwrap_or_default();
        let person_name = row.get(PERSON).map(text_of).unwrap_or_default();
        let week_text = row.get(WEEK).map(text_of).unwrap_or_default();
        let label = [project_name.as_str(), person_name.as_str(), week_text.as_str()]
            .into_iter()
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(" · ");
        let read = || -> RowResult<BookingImport> {
            if project_name.is_empty() {
                return Err(Refusal::Missing("project name"));
            }
            if person_name.is_empty() {
                return Err(Refusal::Missing("person's name"));
            }
            let project =
                projects.resolve(&project_name, "projects", Refusal::UnknownProject, Refusal::RefusedProject)?;
            let person = people.resolve(&person_name, "people", Refusal::UnknownPerson, Refusal::RefusedPerson)?;
            let week = match row.get(WEEK) {
                Some(Cell::Date(date)) => IsoWeek::containing(*date),
                Some(cell) if !cell.is_empty() => {
                    let text = text_of(cell);
                    match text.parse::<IsoWeek>() {
                        Ok(week) => week,
                        Err(_) => match text.parse::<NaiveDate>() {
                            Ok(date) => IsoWeek::containing(date),
                            Err(_) => return Err(Refusal::UnknownWeek(text)),
                        },
                    }
                }
                _ => return Err(Refusal::Missing("week")),
            };
            let hours = match row.get(HOURS) {
                Some(cell) => match number_of(HOURS, cell, HOURS_PER_WEEK_MAX) {
                    Err(Refusal::Negative { value, .. }) => return Err(Refusal::NegativeHours(value)),
                    other => other?.ok_or(Refusal::Missing("hours"))?,
                },
                None => return Err(Refusal::Missing("hours")),
            };
            Ok(BookingImport { project, person, week, hours })
        };
        match read() {
            Ok(import) => {
                let key = (import.project.clone(), import.person.clone(), import.week);
                if let Some(&line) = seen.get(&key) {
                    plan.refused.push(Refused {
                        table: Table::Bookings,
                        source: table.source.clone(),
                        line: row.line,
                        label,
                        reason: Refusal::DuplicateBooking(line),
                    });
                    continue;
                }
                seen.insert(key, row.line);
                let before = match (&import.project, &import.person) {
                    (Target::Existing(project), Target::Existing(person)) => {
                        booked.get(&(project, person, import.week)).copied().unwrap_or(0.0)
                    }
                    _ => 0.0,
                };
                if before == import.hours {
                    plan.unchanged += 1;
                    continue;
                }
                let hours = |value: f64| crate::format::hours(crate::format::Locale::En, value);
                let action = if before == 0.0 { Action::Add } else { Action::Update };
                let changes = vec![FieldChange {
                    field: HOURS,
                    before: if before == 0.0 { String::new() } else { hours(before) },
                    after: hours(import.hours),
                }];
                plan.bookings.push(Planned { line: row.line, action, label, changes, item: import });
            }
            Err(reason) => plan.refused.push(Refused {
                table: Table::Bookings,
                source: table.source.clone(),
                line: row.line,
                label,
                reason,
            }),
        }
    }
}

// ---- reading values --------------------------------------------------------------------------

fn text_of(cell: &Cell) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Text(text) => text.trim().to_owned(),
        Cell::Number(number) => number.to_string(),
        Cell::Date(date) => date.to_string(),
    }
}

/// A number of at least 0 and at most `max`; `None` for an empty cell. Text may group
/// thousands (`1,250,000`).
fn number_of(column: &'static str, cell: &Cell, max: f64) -> RowResult<Option<f64>> {
    let value = match cell {
        Cell::Empty => return Ok(None),
        Cell::Number(number) => *number,
        Cell::Text(text) if text.trim().is_empty() => return Ok(None),
        Cell::Text(text) => {
            let text = text.trim();
            match text.parse::<f64>().ok().or_else(|| crate::format::parse_amount(text)) {
                Some(number) => number,
                None => return Err(Refusal::NotANumber { column, text: text.into() }),
            }
        }
        Cell::Date(date) => return Err(Refusal::NotANumber { column, text: date.to_string() }),
    };
    if !value.is_finite() {
        return Err(Refusal::NotANumber { column, text: value.to_string() });
    }
    if value < 0.0 {
        return Err(Refusal::Negative { column, value: crate::format::hours(crate::format::Locale::En, value) });
    }
    if value > max {
        return Err(Refusal::TooLarge { column, value: crate::format::hours(crate::format::Locale::En, value), max });
    }
    Ok(Some(value))
}

fn date_of(column: &'static str, cell: &Cell) -> RowResult<Option<NaiveDate>> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Date(date) => Ok(Some(*date)),
        Cell::Number(serial) => {
            excel_date(*serial).map(Some).ok_or_else(|| Refusal::NotADate { column, text: serial.to_string() })
        }
        Cell::Text(text) if text.trim().is_empty() => Ok(None),
        Cell::Text(text) => {
            let text = text.trim();
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .or_else(|_| NaiveDate::parse_from_str(text, "%Y/%m/%d"))
                .map(Some)
                .map_err(|_| Refusal::NotADate { column, text: text.into() })
        }
    }
}

/// A stage or phase by its stored name or its label (either language), ignoring case.
fn one_of<T: Copy>(
    column: &'static str,
    text: &str,
    all: &[T],
    name: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> RowResult<T> {
    let wanted = text.trim().to_lowercase();
    all.iter()
        .copied()
        .find(|item| {
            let label = label(*item);
            name(*item) == wanted
                || label.to_lowercase() == wanted
                || label.split(' ').any(|word| !word.is_ascii() && word == text.trim())
                || label.rsplit_once(' ').is_some_and(|(english, _)| english.to_lowercase() == wanted)
        })
        .ok_or_else(|| Refusal::NotOneOf {
            column,
            value: text.into(),
            allowed: all.iter().map(|item| name(*item)).collect::<Vec<_>>().join(", "),
        })
}

#[cfg(test)]
mod tests;
