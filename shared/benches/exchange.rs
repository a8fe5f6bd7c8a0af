//! Exports and imports at portfolio scale, on the board of the dashboard benchmark (1,000
//! projects, 300 people, 31,200 bookings, 2,000 risks): the whole workbook, and a CSV of
//! 1,000 projects read and previewed against the board it came from and against an empty one.
//! Run with `cargo bench -p shared --bench exchange`; criterion prints the figures. The targets
//! (issue 15) are an XLSX export within 2 s and an import preview of 1,000 projects within
//! 1 s in the browser; `tests/wasm_timing.rs` measures the same in WebAssembly.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use shared::{
    board::Board,
    exchange::{export, import, Table},
};

#[path = "../tests/support/large_board.rs"]
mod large_board;
use large_board::large_board;

fn benches(c: &mut Criterion) {
    let (board, ..) = large_board();
    let snapshot = board.snapshot();
    let sheets = export::tables(&snapshot);
    let workbook = export::xlsx(&sheets, 0).unwrap();
    let projects_csv = export::csv(&export::sheet(&snapshot, Table::Projects));
    let rows: usize = sheets.iter().map(|sheet| sheet.rows.len()).sum();
    eprintln!(
        "exchange: {rows} rows in {} tables; the workbook is {} KB, the projects CSV {} KB",
        sheets.len(),
        workbook.len() / 1024,
        projects_csv.len() / 1024
    );
    let empty = Board::new("Empty").unwrap().snapshot();

    let mut group = c.benchmark_group("exchange on the 1,000-project board");
    group.sample_size(10);
    group.bench_function("every table from the snapshot", |b| b.iter(|| export::tables(black_box(&snapshot))));
    group.bench_function("XLSX export: tables and workbook", |b| {
        b.iter(|| export::xlsx(&export::tables(black_box(&snapshot)), 0).unwrap())
    });
    group.bench_function("CSV export of the bookings", |b| {
        b.iter(|| export::csv(&export::sheet(black_box(&snapshot), Table::Bookings)))
    });
    group.bench_function("CSV import preview of 1,000 projects onto their board", |b| {
        b.iter(|| import::plan(&snapshot, &import::read("projects.csv", black_box(&projects_csv)).unwrap()))
    });
    group.bench_function("CSV import preview of 1,000 projects onto an empty board", |b| {
        b.iter(|| import::plan(&empty, &import::read("projects.csv", black_box(&projects_csv)).unwrap()))
    });
    let file = import::read("projects.csv", &projects_csv).unwrap();
    let plan = import::plan(&empty, &file);
    group.bench_function("applying the import of 1,000 projects (one change)", |b| {
        b.iter(|| Board::new("Empty").unwrap().apply_import(black_box(&plan)).unwrap())
    });
    group.bench_function("reading the workbook back (calamine)", |b| {
        b.iter(|| import::read("board.xlsx", black_box(&workbook)).unwrap())
    });
    group.finish();
}

criterion_group!(exchange, benches);
criterion_main!(exchange);
