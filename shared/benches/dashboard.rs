//! How long the board takes at portfolio scale: 1,000 projects, 300 people, 52 weeks of
//! allocations (two projects per person per week: 31,200 cells), 2,000 risks, scores and
//! contributions. Run with `cargo bench -p shared`; criterion prints the figures. The target
//! is that after one edit the dashboard's figures are recomputed within one frame (16 ms).

use std::hint::black_box;

use automerge::{Automerge, ReadDoc};
use criterion::{criterion_group, criterion_main, Criterion};
use shared::{
    board::{validate, Board, LiveBoard},
    dashboard,
    gate::{check_sync, fuzz::change_message, GateLimits},
    history::compare::{compare, compare_kpis, compare_selection, selection_limits},
    selection, Stage,
};

#[path = "../tests/support/large_board.rs"]
mod large_board;
use large_board::large_board;

fn benches(c: &mut Criterion) {
    let started = std::time::Instant::now();
    let (mut board, projects, people, weeks) = large_board();
    let bytes = board.save();
    eprintln!(
        "fixture: {} projects, {} people, {} allocations, {} bytes saved, built in {:.1?}",
        projects.len(),
        people.len(),
        board.allocations().len(),
        bytes.len(),
        started.elapsed()
    );
    let horizon = &weeks[..12];

    // The server's write gate on one small edit: a client books one cell and sends the change
    // as a real sync message; the gate copies the board, applies it and checks what it touched.
    let server = Automerge::load(&bytes).unwrap();
    let mut client = Board::load(&bytes).unwrap();
    client.set_allocation(&projects[7], &people[3], weeks[5], 12.5).unwrap();
    let mut sent = server.clone();
    sent.load_incremental(&client.save_incremental()).unwrap();
    let data = change_message(&server, &sent).expect("the edit is sent");
    let limits = GateLimits::default();
    let before = server.get_heads();
    eprintln!(
        "gate: the board holds {} operations in {} changes; the sync message is {} bytes",
        server.stats().num_ops,
        server.stats().num_changes,
        data.len()
    );
    let mut group = c.benchmark_group("write gate on the 1,000-project board");
    group.sample_size(10);
    group.bench_function("check_sync of one allocation edit", |b| {
        b.iter(|| check_sync(black_box(&server), black_box(&data), &limits).unwrap())
    });
    group.bench_function("copying the board (part of check_sync)", |b| b.iter(|| black_box(&server).clone()));
    group.bench_function("check_update of the same edit, by diff", |b| {
        b.iter(|| validate::check_update(black_box(&sent), &before).unwrap())
    });
    group.finish();

    let mut group = c.benchmark_group("portfolio of 1,000 projects");
    group.sample_size(10);
    group.bench_function("load the document", |b| b.iter(|| Board::load(black_box(&bytes)).unwrap()));
    group.bench_function("read the snapshot", |b| b.iter(|| black_box(&board).snapshot()));
    let snapshot = board.snapshot();
    group.bench_function("recompute the dashboard from a snapshot", |b| {
        b.iter(|| dashboard::compute(black_box(&snapshot), horizon))
    });
    // What the selection page recomputes on every change (it recomputed the whole dashboard).
    group.bench_function("the selection's project values (dashboard::worth alone)", |b| {
        b.iter(|| shared::views::selection::candidate_values(black_box(&snapshot)))
    });
    // The review page's figures (issue 15: it renders within 1 s): everything but the
    // selection, which the page solves in slices after showing the rest.
    let chart = shared::views::dashboard::ChartFrame::new(640.0, 400.0);
    group.bench_function("the review's view-model (all but the selection)", |b| {
        b.iter(|| shared::views::report::report(black_box(&snapshot), horizon, &chart))
    });
    let mut hours = 0.0;
    group.bench_function("one edit, then a full read and the dashboard", |b| {
        b.iter(|| {
            hours = if hours == 8.0 { 16.0 } else { 8.0 };
            board.set_allocation(&projects[7], &people[3], weeks[5], hours).unwrap();
            dashboard::compute(&board.snapshot(), horizon)
        })
    });
    // What the app does: the live snapshot reads again only what the edit changed.
    let mut live = LiveBoard::new(board);
    group.bench_function("one allocation edit, then the live snapshot and the dashboard", |b| {
        b.iter(|| {
            hours = if hours == 8.0 { 16.0 } else { 8.0 };
            live.board_mut().set_allocation(&projects[7], &people[3], weeks[5], hours).unwrap();
            dashboard::compute(live.refresh(), horizon)
        })
    });
    let mut budget = 0.0;
    group.bench_function("one project edit, then the live snapshot and the dashboard", |b| {
        b.iter(|| {
            budget += 1.0;
            live.board_mut().set_project_budget(&projects[11], 100_000.0 + budget).unwrap();
            dashboard::compute(live.refresh(), horizon)
        })
    });
    group.finish();

    // Time travel and comparison (issue 14): the board with 10,000 more changes of history
    // (budgets, bookings, moves, renames), a point in the middle of them, and now.
    let mut board = live.into_board();
    let started = std::time::Instant::now();
    let point = large_board::add_history(&mut board, &projects, &people, &weeks, large_board::HISTORY_CHANGES);
    eprintln!(
        "history: 10,000 more changes in {:.1?}; the document now holds {} changes",
        started.elapsed(),
        Automerge::load(&board.save()).unwrap().get_changes(&[]).len()
    );
    let now = board.snapshot();
    let then = board.fork_at(&point).unwrap().snapshot();
    let comparison = compare(&then, &now);
    eprintln!(
        "history: from the point to now, {} re-ranked, {} fields and {} bookings changed",
        comparison.reranked.len(),
        comparison.fields.len(),
        comparison.bookings.len()
    );
    let mut group = c.benchmark_group("time travel on the 1,000-project board with 10,000 changes");
    group.sample_size(10);
    group.bench_function("the board as it was at a point (fork at its heads, read)", |b| {
        b.iter(|| board.fork_at(black_box(&point)).unwrap().snapshot())
    });
    // What the app does: the same document read at the point's heads.
    assert_eq!(board.snapshot_at(&point).unwrap(), then);
    group.bench_function("the board as it was at a point (read at its heads)", |b| {
        b.iter(|| board.snapshot_at(black_box(&point)).unwrap())
    });
    group.bench_function("compare two points (projects, fields, bookings)", |b| {
        b.iter(|| compare(black_box(&then), black_box(&now)))
    });
    group.bench_function("the KPIs of two points", |b| {
        b.iter(|| compare_kpis(black_box(&then), black_box(&now), horizon))
    });
    // The selection then and now, as the comparison runs it (a node budget per version).
    let started = std::time::Instant::now();
    let selection = compare_selection(&then, &now, horizon, &selection_limits()).unwrap();
    eprintln!(
        "history: the selection then and now: {} and {} chosen of {} projects ({:?}, gap {:.4}; {:?}, gap {:.4}), {:.1?}",
        selection.then.chosen.len(),
        selection.now.chosen.len(),
        now.projects.len(),
        selection.then.status,
        selection.then.gap,
        selection.now.status,
        selection.now.gap,
        started.elapsed()
    );
    group.bench_function("the selection of two points (node budget)", |b| {
        b.iter(|| compare_selection(black_box(&then), black_box(&now), horizon, &selection_limits()).unwrap())
    });
    // The history page's first page: its 50 newest changes described in PMO words (the server
    // does this for each page of the history API, and the browser again in the reader's
    // language), then grouped into sessions.
    let newest: Vec<_> = {
        let doc = Automerge::load(&board.save()).unwrap();
        doc.get_changes(&[]).iter().rev().take(50).map(|change| change.hash()).collect()
    };
    group.bench_function("describe a history page (the 50 newest changes)", |b| {
        b.iter(|| newest.iter().filter_map(|hash| board.describe_change(hash)).count())
    });
    // The history page offline: this device's 50 newest changes, described. Before, every
    // change of the board was rebuilt from the document's operations (`get_changes(&[])`) to
    // keep the last 50; now only the 50 are.
    let doc = Automerge::load(&board.save()).unwrap();
    group.bench_function("the offline history page before: every change rebuilt, the newest 50 described", |b| {
        b.iter(|| {
            doc.get_changes(&[])
                .iter()
                .rev()
                .take(50)
                .filter_map(|change| shared::history::describe_change(&doc, &change.hash()))
                .count()
        })
    });
    group.bench_function("the offline history page: recent_changes(50)", |b| {
        b.iter(|| black_box(board.recent_changes(50)).len())
    });
    group.bench_function("… of which finding the 50 newest (get_changes_meta)", |b| {
        b.iter(|| doc.get_changes_meta(&[]).iter().rev().take(50).map(|meta| meta.hash).collect::<Vec<_>>())
    });
    group.bench_function("… what it replaced: every change rebuilt (get_changes)", |b| {
        b.iter(|| doc.get_changes(&[]).len())
    });

    // The write gate on this board, which now describes each change it accepts: what that
    // adds to an edit's commit (the description alone, on the board the change was applied
    // to), for a booking and for a move (a move walks the projects to name its neighbour).
    for (what, edit) in [
        (
            "a booking",
            Box::new(|b: &mut Board| b.set_allocation(&projects[9], &people[4], weeks[6], 7.5).unwrap())
                as Box<dyn Fn(&mut Board)>,
        ),
        ("a move", Box::new(|b: &mut Board| b.move_project(&projects[500], 3).unwrap())),
    ] {
        let mut client = board.fork();
        edit(&mut client);
        let mut sent = doc.clone();
        sent.load_incremental(&client.save_incremental()).unwrap();
        let data = change_message(&doc, &sent).expect("the edit is sent");
        let accepted = check_sync(&doc, &data, &limits).unwrap();
        assert_eq!(accepted.described.len(), 1);
        eprintln!("gate: {what} is described as “{}”", accepted.described[0].1.text);
        let change = sent.get_change_by_hash(&accepted.described[0].0).unwrap();
        group.bench_function(format!("the gate: check_sync of {what}, described"), |b| {
            b.iter(|| check_sync(black_box(&doc), black_box(&data), &limits).unwrap())
        });
        group.bench_function(format!("the gate: describing {what} (part of check_sync)"), |b| {
            b.iter(|| shared::history::describe_applied(black_box(&sent), black_box(&change)))
        });
    }
    group.finish();

    // Selection among 200 candidates: the first 200 proposed or approved projects, worth their
    // weighted score, with a budget for about a third of them and the people's capacity.
    let mut candidates = snapshot.clone();
    let mut kept = 0;
    std::sync::Arc::make_mut(&mut candidates.projects).retain(|p| {
        let keep = kept < 200 && matches!(p.stage, Stage::Proposed | Stage::Approved);
        kept += usize::from(keep);
        keep
    });
    let figures = dashboard::compute(&candidates, horizon);
    let values = figures.ranking.iter().flat_map(|r| &r.candidates).map(|c| (c.id.clone(), c.total_score)).collect();
    let budget = candidates.projects.iter().map(|p| p.budget).sum::<f64>() / 3.0;
    let problem = selection::problem_from_board(&candidates, &values, budget, horizon);
    let started = std::time::Instant::now();
    let chosen = selection::select(&problem, &selection::Limits::exact()).unwrap();
    eprintln!(
        "selection: {} candidates, {:?}, {} chosen, gap {}, {} nodes, {:.1?}",
        problem.candidates.len(),
        chosen.status,
        chosen.chosen.len(),
        chosen.gap,
        chosen.effort.nodes,
        started.elapsed()
    );
    let mut group = c.benchmark_group("selection");
    group.sample_size(10);
    group.bench_function("200 candidates, exact", |b| {
        b.iter(|| selection::select(black_box(&problem), &selection::Limits::exact()).unwrap())
    });
    group.bench_function("200 candidates, greedy preview", |b| {
        b.iter(|| selection::greedy_preview(black_box(&problem)).unwrap())
    });
    group.finish();
}

criterion_group!(portfolio, benches);
criterion_main!(portfolio);
