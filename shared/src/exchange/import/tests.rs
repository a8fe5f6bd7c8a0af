use super::*;
use crate::{
    board::{Board, ImportOutcome},
    exchange::{export, sample_board},
};

/// Projects, people and bookings as plain values keyed by name, to compare two boards whose
/// ids differ.
fn content(board: &Board) -> (Vec<String>, Vec<String>, Vec<String>) {
    let snapshot = board.snapshot();
    let projects = snapshot
        .projects
        .iter()
        .map(|p| {
            format!(
                "{} {} {} [{}] [{}] {:?} {:?} {} {:?}",
                p.name,
                p.stage.as_str(),
                p.phase.as_str(),
                p.sponsor,
                p.manager,
                p.start,
                p.end,
                p.budget,
                p.financials
            )
        })
        .collect();
    let people = snapshot
        .people
        .iter()
        .map(|p| format!("{} [{}] [{}] {}", p.name, p.role, p.team, p.capacity_hours_per_week))
        .collect();
    let mut bookings: Vec<String> = snapshot
        .allocations
        .iter()
        .map(|a| {
            let project = &snapshot.project(&a.project).unwrap().name;
            let person = &snapshot.person(&a.person).unwrap().name;
            format!("{project} / {person} / {} = {}", a.week, a.hours)
        })
        .collect();
    bookings.sort();
    (projects, people, bookings)
}

fn csv_export(board: &Board) -> ImportFile {
    let snapshot = board.snapshot();
    let mut file = ImportFile::default();
    for table in Table::IMPORTED {
        let bytes = export::csv(&export::sheet(&snapshot, table));
        file.extend(read(&format!("{table}.csv"), &bytes).unwrap());
    }
    file
}

fn xlsx_export(board: &Board) -> ImportFile {
    let bytes = export::xlsx(&export::tables(&board.snapshot()), 0).unwrap();
    read("board.xlsx", &bytes).unwrap()
}

#[test]
fn an_export_imported_into_an_empty_board_reproduces_projects_people_and_bookings() {
    let source = sample_board();
    for (format, file) in [("CSV", csv_export(&source)), ("XLSX", xlsx_export(&source))] {
        let mut target = Board::new("Copy").unwrap();
        let plan = plan(&target.snapshot(), &file);
        assert_eq!(plan.refused, [], "{format}");
        assert_eq!(plan.counts(), [(3, 0), (2, 0), (4, 0)], "{format}: everything is added");
        target.apply_import(&plan).unwrap();
        assert_eq!(content(&target), content(&source), "{format}");
    }
}

#[test]
fn importing_the_same_file_again_changes_nothing() {
    let source = sample_board();
    for (format, file) in [("CSV", csv_export(&source)), ("XLSX", xlsx_export(&source))] {
        // Onto the board it came from, and onto a board it was imported into once.
        let mut copy = Board::new("Copy").unwrap();
        copy.apply_import(&plan(&copy.snapshot(), &file)).unwrap();
        for mut board in [source.clone(), copy] {
            let plan = plan(&board.snapshot(), &file);
            assert!(plan.is_empty(), "{format}: {plan:?}");
            assert_eq!(plan.unchanged, 3 + 2 + 4);
            let heads = board.heads();
            assert_eq!(board.apply_import(&plan).unwrap(), ImportOutcome::default());
            assert_eq!(board.heads(), heads, "{format}: nothing was written");
        }
    }
}

#[test]
fn an_import_is_one_change_that_one_undo_takes_back() {
    let mut board = sample_board();
    let before = content(&board);
    let changes_before = board.automerge().get_changes(&[]).len();
    let file = "Project,Budget,Stage\nApollo 阿波罗,300000,active\nNew one,10,\n";
    let people = "Person,Capacity (hours/week)\nZhang Wei,40\n";
    let bookings = "Project,Person,Week,Hours\nNew one,Zhang Wei,2027-W05,16\nApollo 阿波罗,王芳,2027-W01,0\n";
    let mut import = read("projects.csv", file.as_bytes()).unwrap();
    import.extend(read("people.csv", people.as_bytes()).unwrap());
    import.extend(read("bookings.csv", bookings.as_bytes()).unwrap());
    let plan = plan(&board.snapshot(), &import);
    assert_eq!(plan.counts(), [(1, 1), (1, 0), (1, 1)]);
    assert_eq!(
        plan.projects[0].changes,
        [FieldChange { field: "Budget", before: "250,000".into(), after: "300,000".into() }]
    );
    let outcome = board.apply_import(&plan).unwrap();
    assert_eq!(outcome, ImportOutcome { projects: 2, people: 1, bookings: 2 });
    assert_eq!(board.automerge().get_changes(&[]).len(), changes_before + 1, "one change");
    let snapshot = board.snapshot();
    assert_eq!(snapshot.projects.last().unwrap().name, "New one", "new projects go to the bottom");
    assert_eq!(snapshot.projects[0].budget, 300_000.0);
    assert_eq!(snapshot.allocations.len(), 4, "one booking added, one removed");

    let hash = board.own_changes()[0];
    board.undo_change(&hash).unwrap();
    assert_eq!(content(&board), before);
}

/// Plans `files` (name, text) against the sample board and applies the plan.
fn refusals(files: &[(&str, &str)]) -> Vec<(Table, usize, Refusal)> {
    let mut board = sample_board();
    let mut import = ImportFile::default();
    for (name, text) in files {
        import.extend(read(name, text.as_bytes()).unwrap());
    }
    let plan = plan(&board.snapshot(), &import);
    let heads = board.heads();
    if !plan.refused.is_empty() {
        assert!(board.apply_import(&plan).is_err(), "a plan with refused rows is refused");
        assert_eq!(board.heads(), heads, "and writes nothing");
    }
    plan.refused.into_iter().map(|refused| (refused.table, refused.line, refused.reason)).collect()
}

/// Files (name, text), and the rows refused in them: table, line, reason.
type RefusalCase = (Vec<(&'static str, &'static str)>, Vec<(Table, usize, Refusal)>);

#[test]
fn bad_rows_are_refused_one_by_one_with_their_reason() {
    use Refusal::*;
    let people = "Person,Role,Capacity (hours/week)\nZhang Wei,analyst,40\n";
    // (files, refused rows: table, line, reason)
    let cases: Vec<RefusalCase> = vec![
        (
            vec![("bookings.csv", "Project,Person,Week,Hours\nApollo 阿波罗,Nobody,2027-W01,8\nApollo 阿波罗,王芳,2027-W02,-4\nApollo 阿波罗,王芳,2027-W60,8\nApollo 阿波罗,王芳,next week,8\nMars,王芳,2027-W01,8\n")],
            vec![
                (Table::Bookings, 2, UnknownPerson("Nobody".into())),
                (Table::Bookings, 3, NegativeHours("-4".into())),
                (Table::Bookings, 4, UnknownWeek("2027-W60".into())),
                (Table::Bookings, 5, UnknownWeek("next week".into())),
                (Table::Bookings, 6, UnknownProject("Mars".into())),
            ],
        ),
        (
            vec![("projects.csv", "Project,Budget,Stage,Start,End\nMars,100,proposed,,\nMars,200,,,\nVenus,-5,,,\nPluto,10,dreaming,,\nCeres,,,2027-05-01,2027-04-01\nEris,lots,,,\n,10,,,\n")],
            vec![
                (Table::Projects, 3, DuplicateName { name: "Mars".into(), line: 2 }),
                (Table::Projects, 4, Negative { column: "Budget", value: "-5".into() }),
                (
                    Table::Projects,
                    5,
                    NotOneOf {
                        column: "Stage",
                        value: "dreaming".into(),
                        allowed: "proposed, screening, approved, active, on-hold, closed, cancelled".into(),
                    },
                ),
                (
                    Table::Projects,
                    6,
                    EndBeforeStart { start: "2027-05-01".parse().unwrap(), end: "2027-04-01".parse().unwrap() },
                ),
                (Table::Projects, 7, NotANumber { column: "Budget", text: "lots".into() }),
                (Table::Projects, 8, Missing("project name")),
            ],
        ),
        (
            vec![
                ("people.csv", "Person,Capacity (hours/week)\nZhang Wei,40\nZhang Wei,30\nNew Hire,\nNight Owl,200\n"),
                ("bookings.csv", "Project,Person,Week,Hours\nApollo 阿波罗,Zhang Wei,2027-W01,8\nApollo 阿波罗,New Hire,2027-W01,8\nApollo 阿波罗,王芳,2027-W01,8\nApollo 阿波罗,王芳,2027-W01,9\n"),
            ],
            vec![
                (Table::People, 3, DuplicateName { name: "Zhang Wei".into(), line: 2 }),
                (Table::People, 4, NoCapacity),
                (Table::People, 5, TooLarge { column: "Capacity (hours/week)", value: "200".into(), max: 168.0 }),
                // A name refused on its own sheet refuses the bookings that name it.
                (Table::Bookings, 2, RefusedPerson),
                (Table::Bookings, 3, RefusedPerson),
                (Table::Bookings, 5, DuplicateBooking(4)),
            ],
        ),
        // Good rows plan without a refusal.
        (vec![("people.csv", people)], vec![]),
    ];
    for (files, expected) in cases {
        assert_eq!(refusals(&files), expected, "{files:?}");
    }
}

#[test]
fn files_that_are_not_tables_of_projects_people_or_bookings_are_refused_whole() {
    // (file name, contents, what the error says)
    let cases: [(&str, &[u8], &str); 4] = [
        ("notes.csv", b"Colour,Size\nred,3\n", "are not those of projects, people or bookings"),
        (
            "capacity.csv",
            "Person,Team,Role,Week,Week starts,Capacity (hours),Booked (hours),Utilisation\n".as_bytes(),
            "computed by the board",
        ),
        ("empty.csv", b"", "has no rows"),
        ("old.xlsx", b"PK\x03\x04 not really a zip", "could not be read as an XLSX workbook"),
    ];
    for (name, bytes, message) in cases {
        let error = read(name, bytes).unwrap_err().to_string();
        assert!(error.contains(message), "{name}: {error}");
    }
}

#[test]
fn columns_are_found_by_english_or_chinese_heading_and_separators_by_the_first_line() {
    let board = sample_board();
    let cases: [(&str, &str); 3] = [
        ("项目;预算\nApollo 阿波罗;\"260,000\"\n", "Apollo 阿波罗"),
        ("\u{feff}PROJECT\tBudget\nApollo 阿波罗\t260000\n", "Apollo 阿波罗"),
        ("Project,Budget\n\"'=Zeus, the \"\"big\"\" one\",5\n", "=Zeus, the \"big\" one"),
    ];
    for (text, name) in cases {
        let file = read("projects.csv", text.as_bytes()).unwrap();
        let plan = plan(&board.snapshot(), &file);
        assert_eq!(plan.refused, [], "{text}");
        assert_eq!(plan.projects.len(), 1, "{text}");
        assert_eq!((plan.projects[0].label.as_str(), plan.projects[0].action), (name, Action::Update), "{text}");
    }
}
