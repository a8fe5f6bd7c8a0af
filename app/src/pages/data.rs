//! Export and import (导出与导入), `/board/:id/data`: the board's tables as one XLSX workbook
//! or as CSV files, built on this device from the board as it holds it (so it works offline);
//! projects, people and bookings imported from CSV or XLSX files, previewed row by row before
//! anything is written and then written as one change; and the whole board as a `.automerge`
//! backup. The tables and the plan are `shared::exchange`.

use leptos::{html, prelude::*};
use shared::exchange::{
    export,
    import::{self, Action, ImportFile, ImportPlan, Planned, Refused},
    Table,
};

use super::board::BoardContext;
use crate::components::files::{download, file_name, let_the_page_paint, read_files};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// How many rows of each kind the preview shows before "Show all".
const PREVIEW_ROWS: usize = 100;

#[component]
pub fn DataPage() -> impl IntoView {
    let board = BoardContext::get();
    view! {
        <section class="data-export" aria-labelledby="export-heading">
            <h2 id="export-heading">"Export"</h2>
            <Export board/>
        </section>
        <section class="data-import" aria-labelledby="import-heading">
            <h2 id="import-heading">"Import"</h2>
            <Import board/>
        </section>
        <section class="data-backup" aria-labelledby="backup-heading">
            <h2 id="backup-heading">"Backup"</h2>
            <Backup board/>
        </section>
    }
}

/// The name of a table as a person reads it.
fn table_label(table: Table) -> &'static str {
    match table {
        Table::Projects => "Projects",
        Table::People => "People",
        Table::Bookings => "Bookings",
        Table::Capacity => "Capacity",
        Table::Risks => "Risks",
        Table::Lessons => "Lessons",
        Table::Decisions => "Decisions",
    }
}

#[component]
fn Export(board: BoardContext) -> impl IntoView {
    let busy = RwSignal::new(None::<String>);
    let outcome = RwSignal::new(None::<Result<String, String>>);
    let board_name = move || board.view.snapshot.with_untracked(|s| s.name.clone());
    let workbook = move |_| {
        if busy.get_untracked().is_some() {
            return;
        }
        busy.set(Some("Building the workbook…".into()));
        outcome.set(None);
        leptos::task::spawn_local(async move {
            let_the_page_paint().await;
            let started = js_sys::Date::now();
            let bytes = board.view.snapshot.with_untracked(|snapshot| {
                export::xlsx(&export::tables(snapshot), started as i64).map_err(|error| error.to_string())
            });
            let name = file_name(&board_name(), "xlsx");
            let result = bytes.and_then(|bytes| {
                download(&bytes, &name, XLSX)?;
                Ok(format!(
                    "Saved {name} ({} KB, built in {:.1} s).",
                    bytes.len() / 1024,
                    (js_sys::Date::now() - started) / 1000.0
                ))
            });
            outcome.set(Some(result));
            busy.set(None);
        });
    };
    let csv = move |table: Table| {
        let bytes = board.view.snapshot.with_untracked(|snapshot| export::csv(&export::sheet(snapshot, table)));
        let name = file_name(&format!("{} {}", board_name(), table.as_str()), "csv");
        outcome.set(Some(download(&bytes, &name, "text/csv;charset=utf-8").map(|()| format!("Saved {name}."))));
    };
    let csv_buttons = Table::ALL
        .into_iter()
        .map(|table| {
            view! {
                <li><button type="button" class="link" data-testid=format!("export-csv-{}", table.as_str())
                    on:click=move |_| csv(table)>{table_label(table)}</button></li>
            }
        })
        .collect_view();
    view! {
        <p class="hint">"Built on this device from the board as you see it, so it works offline too. Numbers stay numbers and dates stay dates."</p>
        <div class="export-actions">
            <button type="button" data-testid="export-xlsx" on:click=workbook disabled=move || busy.with(Option::is_some)>
                "Download workbook (.xlsx)"
            </button>
            <span class="hint">"one sheet per table: projects with scores, earned value and RAG; people; bookings; capacity; risks; lessons; decisions"</span>
        </div>
        <p class="hint">"Or one table as CSV (UTF-8, opens in Excel with Chinese intact):"</p>
        <ul class="export-csv">{csv_buttons}</ul>
        <p class="progress" role="status" data-testid="export-progress">{move || busy.get()}</p>
        {move || outcome.get().map(|outcome| match outcome {
            Ok(text) => view! { <p class="notice" role="status" data-testid="export-done">{text}</p> }.into_any(),
            Err(text) => view! { <p class="problem" role="alert">{text}</p> }.into_any(),
        })}
    }
}

/// What the import holds: nothing yet, the files read (and planned from the live board), or
/// why they could not be read.
#[derive(Clone, Default)]
enum Chosen {
    #[default]
    Nothing,
    Reading,
    Read {
        names: Vec<String>,
        file: ImportFile,
    },
    Unreadable(String),
}

#[component]
fn Import(board: BoardContext) -> impl IntoView {
    let read_only = move || !board.editable.get();
    let chosen = RwSignal::new(Chosen::Nothing);
    let done = RwSignal::new(None::<String>);
    let apply_error = RwSignal::new(None::<String>);
    let input = NodeRef::<html::Input>::new();
    // The plan follows the board: a colleague's change while the preview is open shows in it.
    let plan = Memo::new(move |_| match chosen.get() {
        Chosen::Read { file, .. } => Some(board.view.snapshot.with(|snapshot| import::plan(snapshot, &file))),
        _ => None,
    });
    let choose = move |_| {
        let Some(element) = input.get_untracked() else { return };
        done.set(None);
        apply_error.set(None);
        chosen.set(Chosen::Reading);
        leptos::task::spawn_local(async move {
            let_the_page_paint().await;
            let files = match read_files(&element).await {
                Ok(files) if files.is_empty() => return chosen.set(Chosen::Nothing),
                Ok(files) => files,
                Err(error) => return chosen.set(Chosen::Unreadable(error)),
            };
            let mut file = ImportFile::default();
            let mut names = Vec::new();
            for (name, bytes) in files {
                match import::read(&name, &bytes) {
                    Ok(read) => file.extend(read),
                    Err(error) => return chosen.set(Chosen::Unreadable(error.to_string())),
                }
                names.push(name);
            }
            chosen.set(Chosen::Read { names, file });
        });
    };
    let clear = move || {
        chosen.set(Chosen::Nothing);
        apply_error.set(None);
        if let Some(element) = input.get_untracked() {
            element.set_value("");
        }
    };
    let confirm = move |_: ()| {
        let Chosen::Read { file, .. } = chosen.get_untracked() else { return };
        let Some(previewed) = plan.get_untracked() else { return };
        // Planned again on the board as it is now, in the same edit: it is what the person saw
        // unless a change arrived in between, and then they are asked to look again.
        let mut written = None;
        let result = board.try_apply(|b| {
            let now = import::plan(&b.snapshot(), &file);
            if now != previewed {
                return Err(shared::BoardError::Invalid(
                    "the board changed while you were looking: check the preview again, then import".into(),
                ));
            }
            written = Some(b.apply_import(&now)?);
            Ok(())
        });
        match (result, written) {
            (Ok(()), Some(outcome)) => {
                done.set(Some(format!(
                    "Imported {} projects, {} people and {} bookings as one change: “Undo my last change” takes it all back.",
                    outcome.projects, outcome.people, outcome.bookings
                )));
                clear();
            }
            (Err(message), _) => apply_error.set(Some(message)),
            (Ok(()), None) => {}
        }
    };
    let template = move |_| {
        let result = export::template_xlsx(js_sys::Date::now() as i64)
            .map_err(|error| error.to_string())
            .and_then(|bytes| download(&bytes, "PMO Board import template.xlsx", XLSX));
        if let Err(error) = result {
            done.set(Some(error));
        }
    };

    view! {
        <p class="hint">
            "Projects, people and bookings from CSV or XLSX files with the export's columns. A row updates the project or person of the same name, or adds one; nothing is written until you confirm the preview."
        </p>
        <div class="import-actions">
            <button type="button" class="link" data-testid="import-template" on:click=template>"Download the template (.xlsx)"</button>
        </div>
        <Show when=read_only>
            <p class="notice" data-testid="import-read-only">"You can view this board but not change it, so you cannot import into it."</p>
        </Show>
        <Show when=move || !read_only()>
            <label for="import-file">"Files to import"</label>
            <input id="import-file" type="file" node_ref=input multiple data-testid="import-file"
                accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                on:change=choose/>
        </Show>
        {move || match chosen.get() {
            Chosen::Nothing => ().into_any(),
            Chosen::Reading => view! { <p class="progress" role="status">"Reading the file…"</p> }.into_any(),
            Chosen::Unreadable(error) => view! { <p class="problem" role="alert" data-testid="import-error">{error}</p> }.into_any(),
            Chosen::Read { names, .. } => view! {
                <p class="hint" data-testid="import-files">{format!("Read: {}", names.join(", "))}</p>
            }.into_any(),
        }}
        {move || plan.get().map(|plan| view! {
            <Preview plan confirm=Callback::new(confirm) cancel=Callback::new(move |()| clear())/>
        })}
        <p class="problem" role="alert" data-testid="import-apply-error">{apply_error}</p>
        <p class="notice" role="status" data-testid="import-done">{done}</p>
    }
}

/// The preview: what would be added and updated, what is refused and why, and the buttons.
#[component]
fn Preview(plan: ImportPlan, confirm: Callback<()>, cancel: Callback<()>) -> impl IntoView {
    let [(projects_added, projects_updated), (people_added, people_updated), (bookings_added, bookings_updated)] =
        plan.counts();
    let summary = format!(
        "Projects: {projects_added} to add, {projects_updated} to update. People: {people_added} to add, {people_updated} to update. Bookings: {bookings_added} to add, {bookings_updated} to change. {} rows already match the board.",
        plan.unchanged
    );
    let refused = plan.refused.len();
    let writes = plan.writes();
    let blocked = refused > 0 || writes == 0;
    let button = if refused > 0 {
        "Correct the refused rows first".to_owned()
    } else if writes == 0 {
        "Nothing to import".to_owned()
    } else {
        format!("Import {writes} rows")
    };
    view! {
        <div class="import-preview" data-testid="import-preview">
            <h3>"Preview"</h3>
            <p data-testid="import-summary">{summary}</p>
            {(refused > 0).then(|| view! {
                <div class="import-refused" role="alert">
                    <p><strong>{format!("{refused} rows are refused.")}</strong>
                        " Nothing will be written: correct them in the file and choose it again."</p>
                    <RefusedRows rows=plan.refused.clone()/>
                </div>
            })}
            <PlannedRows title="Projects" rows=plan.projects.clone()/>
            <PlannedRows title="People" rows=plan.people.clone()/>
            <PlannedRows title="Bookings" rows=plan.bookings.clone()/>
            <div class="import-confirm">
                <button type="button" data-testid="import-confirm" disabled=blocked on:click=move |_| confirm.run(())>{button}</button>
                <button type="button" class="link" data-testid="import-cancel" on:click=move |_| cancel.run(())>"Cancel"</button>
            </div>
        </div>
    }
}

#[component]
fn RefusedRows(rows: Vec<Refused>) -> impl IntoView {
    let all = RwSignal::new(false);
    let total = rows.len();
    let rows = StoredValue::new(rows);
    view! {
        <table class="import-rows" data-testid="import-refused">
            <thead><tr><th scope="col">"File"</th><th scope="col">"Line"</th><th scope="col">"Row"</th><th scope="col">"Why it is refused"</th></tr></thead>
            <tbody>
                {move || rows.with_value(|rows| rows.iter().take(if all.get() { usize::MAX } else { PREVIEW_ROWS }).map(|row| view! {
                    <tr data-testid="refused-row">
                        <td>{row.source.clone()}</td>
                        <td class="number">{row.line}</td>
                        <td>{row.label.clone()}</td>
                        <td>{row.reason.to_string()}</td>
                    </tr>
                }).collect_view())}
            </tbody>
        </table>
        <ShowAll total all/>
    }
}

#[component]
fn PlannedRows<T: Clone + Send + Sync + 'static>(title: &'static str, rows: Vec<Planned<T>>) -> impl IntoView {
    if rows.is_empty() {
        return ().into_any();
    }
    let all = RwSignal::new(false);
    let total = rows.len();
    let open = total <= PREVIEW_ROWS;
    let rows = StoredValue::new(rows);
    view! {
        <details class="import-table" open=open>
            <summary>{format!("{title}: {total} rows to write")}</summary>
            <table class="import-rows" data-testid=format!("import-{}", title.to_lowercase())>
                <thead><tr><th scope="col">"Line"</th><th scope="col">""</th><th scope="col">"Row"</th><th scope="col">"Changes"</th></tr></thead>
                <tbody>
                    {move || rows.with_value(|rows| rows.iter().take(if all.get() { usize::MAX } else { PREVIEW_ROWS }).map(|row| {
                        let changes = row.changes.iter().map(|change| {
                            if change.before.is_empty() {
                                format!("{}: {}", change.field, change.after)
                            } else {
                                format!("{}: {} → {}", change.field, change.before, if change.after.is_empty() { "(empty)" } else { &change.after })
                            }
                        }).collect::<Vec<_>>().join("; ");
                        let (action, class) = match row.action { Action::Add => ("Add", "add"), Action::Update => ("Update", "update") };
                        view! {
                            <tr data-testid="planned-row" class=class>
                                <td class="number">{row.line}</td>
                                <td><span class="action">{action}</span></td>
                                <td>{row.label.clone()}</td>
                                <td>{changes}</td>
                            </tr>
                        }
                    }).collect_view())}
                </tbody>
            </table>
            <ShowAll total all/>
        </details>
    }
    .into_any()
}

#[component]
fn ShowAll(total: usize, all: RwSignal<bool>) -> impl IntoView {
    (total > PREVIEW_ROWS).then(|| {
        view! {
            <Show when=move || !all.get()>
                <button type="button" class="link" on:click=move |_| all.set(true)>
                    {format!("Show all {total} rows (the first {PREVIEW_ROWS} are shown)")}
                </button>
            </Show>
        }
    })
}

#[component]
fn Backup(board: BoardContext) -> impl IntoView {
    let outcome = RwSignal::new(None::<Result<String, String>>);
    let save = move |_| {
        let bytes = board.session.with_value(|session| session.read(|b| b.save()));
        let name = file_name(&board.view.snapshot.with_untracked(|s| s.name.clone()), "automerge");
        outcome.set(Some(
            download(&bytes, &name, "application/octet-stream")
                .map(|()| format!("Saved {name} ({} KB).", bytes.len().div_ceil(1024))),
        ));
    };
    view! {
        <p class="hint">
            "The whole board with its history, as this device holds it, in one .automerge file. "
            "“Restore a backup” on the board list makes a new board from it, which you own."
        </p>
        <button type="button" data-testid="backup" on:click=save>"Download backup (.automerge)"</button>
        {move || outcome.get().map(|outcome| match outcome {
            Ok(text) => view! { <p class="notice" role="status" data-testid="backup-done">{text}</p> }.into_any(),
            Err(text) => view! { <p class="problem" role="alert">{text}</p> }.into_any(),
        })}
    }
}
