use calamine::{Data, Reader};

use super::*;
use crate::exchange::sample_board;

fn csv_lines(board: &crate::board::BoardSnapshot, table: Table) -> Vec<String> {
    let bytes = csv(&sheet(board, table));
    assert!(bytes.starts_with(BOM), "a CSV file starts with the UTF-8 byte order mark");
    String::from_utf8(bytes[BOM.len()..].to_vec()).unwrap().lines().map(str::to_owned).collect()
}

#[test]
fn every_row_has_a_cell_for_every_column() {
    let board = sample_board().snapshot();
    for sheet in tables(&board) {
        for row in &sheet.rows {
            assert_eq!(row.len(), sheet.columns().len(), "a row of {}", sheet.table);
        }
    }
}

#[test]
fn csv_files_hold_the_figures_the_pages_show() {
    // (table, line number from 0 = headings, the whole line). Hand-checked: Apollo has
    // BAC 250,000, AC 60,000, PV 100,000, EV 75,000, so CV = 15,000, SV = −25,000,
    // CPI = 1.25, SPI = 0.75, EAC = 250,000 ÷ 1.25 = 200,000, VAC = 50,000; SPI below 0.85
    // makes the computed RAG red beside the manager's amber. Zeus has spent nothing: EAC is
    // its budget, and its name, which a spreadsheet would run as a formula, is guarded.
    let board = sample_board().snapshot();
    let heads = board.decisions[0].heads.iter().map(ToString::to_string).collect::<Vec<_>>().join(" ");
    let cases: [(Table, usize, &str); 11] = [
        (
            Table::Projects,
            0,
            "Rank,Project,Stage,Phase,Sponsor,Manager,Start,End,Budget,Actual cost,Planned value,Earned value,\
             Percent complete,CV,SV,CPI,SPI,EAC,VAC,Computed RAG,Manager's RAG,Weighted score,Score rank",
        ),
        (
            Table::Projects,
            1,
            "1,Apollo 阿波罗,active,execution,王芳,Li Lei,2027-01-04,2027-06-30,250000,60000,100000,75000,30,15000,\
             -25000,1.25,0.75,200000,50000,red,amber,,",
        ),
        (
            Table::Projects,
            2,
            "2,\"'=Zeus, the \"\"big\"\" one\",proposed,initiation,,,,,80000.5,0,0,0,0,0,0,,,80000.5,0,,,,",
        ),
        (Table::People, 1, "Li Lei,,,32.5,"),
        (Table::People, 2, "王芳,developer,核心,40,"),
        (Table::Bookings, 0, "Project,Person,Week,Week starts,Hours"),
        (Table::Bookings, 1, "Apollo 阿波罗,王芳,2027-W01,2027-01-04,24"),
        (Table::Bookings, 2, "Apollo 阿波罗,王芳,2027-W03,2027-01-18,30.5"),
        (Table::Bookings, 3, "\"'=Zeus, the \"\"big\"\" one\",Li Lei,2027-W02,2027-01-11,8"),
        (Table::Capacity, 4, "王芳,核心,developer,2027-W01,2027-01-04,40,44,1.1,yes"),
        (Table::Decisions, 1, &format!("2027-01-01,approve,Apollo 阿波罗,Go,Wang Fang,{heads}")),
    ];
    for (table, line, expected) in cases {
        let lines = csv_lines(&board, table);
        assert_eq!(lines.get(line).map(String::as_str), Some(expected), "{table} line {line}");
    }
    assert_eq!(csv_lines(&board, Table::Bookings).len(), 5, "a heading and four bookings");
    assert_eq!(csv_lines(&board, Table::Capacity).len(), 1 + 2 * 3, "two people over the three booked weeks");
}

#[test]
fn the_workbook_opens_in_a_real_reader_with_typed_cells() {
    let board = sample_board().snapshot();
    let bytes = xlsx(&tables(&board), 1_798_761_600_000).unwrap();
    let mut workbook = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let names: Vec<String> = Table::ALL.iter().map(|table| table.sheet_name().to_owned()).collect();
    assert_eq!(workbook.sheet_names(), names);

    let serial = |date: &str| {
        let date: chrono::NaiveDate = date.parse().unwrap();
        (date - chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap()).num_days() as f64
    };
    let projects = workbook.worksheet_range("Projects").unwrap();
    let bookings = workbook.worksheet_range("Bookings").unwrap();
    // (sheet, row, column, what a reader finds there)
    let cases: [(&calamine::Range<Data>, u32, u32, Expect); 9] = [
        (&projects, 0, 1, Expect::Text("Project")),
        (&projects, 1, 0, Expect::Number(1.0)),
        (&projects, 1, 1, Expect::Text("Apollo 阿波罗")),
        (&projects, 1, 6, Expect::Date(serial("2027-01-04"))),
        (&projects, 1, 8, Expect::Number(250_000.0)),
        (&projects, 1, 15, Expect::Number(1.25)),
        (&projects, 2, 1, Expect::Text("=Zeus, the \"big\" one")),
        (&bookings, 2, 4, Expect::Number(30.5)),
        (&bookings, 2, 3, Expect::Date(serial("2027-01-18"))),
    ];
    for (sheet, row, column, expected) in cases {
        let cell = sheet.get_value((row, column)).unwrap_or(&Data::Empty);
        match (expected, cell) {
            (Expect::Text(text), Data::String(found)) => assert_eq!(found, text),
            (Expect::Number(number), Data::Float(found)) => assert_eq!(*found, number),
            (Expect::Date(serial), Data::DateTime(found)) => assert_eq!(found.as_f64(), serial),
            (expected, found) => panic!("row {row} column {column}: expected {expected:?}, found {found:?}"),
        }
    }
    assert_eq!(projects.height(), 1 + 3);
}

#[derive(Debug, Clone, Copy)]
enum Expect {
    Text(&'static str),
    Number(f64),
    Date(f64),
}

#[test]
fn the_template_has_the_imported_sheets_and_a_read_me() {
    let bytes = template_xlsx(0).unwrap();
    let mut workbook = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(workbook.sheet_names(), ["Projects", "People", "Bookings", "Read me"]);
    let bookings = workbook.worksheet_range("Bookings").unwrap();
    let headings: Vec<String> = bookings.rows().next().unwrap().iter().map(ToString::to_string).collect();
    assert_eq!(headings, ["Project", "Person", "Week", "Week starts", "Hours"]);
}
