//! Export and import (导出与导入), `/board/:id/data`: the board's tables as one XLSX workbook
//! or as CSV files, built on this device from the board as it holds it (so it works offline);
//! projects, people and bookings imported from CSV or XLSX files, previewed row by row before
//! anything is written and then written as one change; and the whole board as a `.automerge`
//! backup. The tables and the plan are `shared::exchange`.

use leptos::{html, prelude::*};
use shared::{
    exchange::{
        export,
        import::{self, Action, ImportFile, ImportPlan, Planned, Refusal, Refused},
        ExchangeError, Table,
    },
    format,
};

use crate::{
    components::{
        board_context::BoardContext,
        files::{download, file_name, let_the_page_paint, read_files},
    },
    i18n::*,
    language::{lang, language_of, Language, Message},
};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// How many rows of each kind the preview shows before "Show all".
const PREVIEW_ROWS: usize = 100;

#[component]
pub fn DataPage() -> impl IntoView {
    let board = BoardContext::get();
    let i18n = use_i18n();
    view! {
        <section class="data-export" aria-labelledby="export-heading">
            <h2 id="export-heading">{t!(i18n, data.export)}</h2>
            <Export board/>
        </section>
        <section class="data-import" aria-labelledby="import-heading">
            <h2 id="import-heading">{t!(i18n, data.import)}</h2>
            <Import board/>
        </section>
        <section class="data-backup" aria-labelledby="backup-heading">
            <h2 id="backup-heading">{t!(i18n, data.backup)}</h2>
            <Backup board/>
        </section>
    }
}

/// The name of a table as a person reads it, in their language (tracked).
fn table_label(i18n: I18nContext<Locale>, table: Table) -> &'static str {
    table_label_in(i18n.get_locale(), table)
}

/// The name of a table in `locale`'s words.
fn table_label_in(locale: Locale, table: Table) -> &'static str {
    match table {
        Table::Projects => td_string!(locale, data.table_projects),
        Table::People => td_string!(locale, data.table_people),
        Table::Bookings => td_string!(locale, data.table_bookings),
        Table::Capacity => td_string!(locale, data.table_capacity),
        Table::Risks => td_string!(locale, data.table_risks),
        Table::Lessons => td_string!(locale, data.table_lessons),
        Table::Decisions => td_string!(locale, data.table_decisions),
    }
}

/// Why a file could not be exported or imported, worded when it is shown.
fn exchange_message(error: ExchangeError) -> Message {
    Message::new(move |locale| {
        crate::words::exchange_error(locale, &error, &|table| table_label_in(locale, table).to_owned())
    })
}

/// A column of the files by its English heading, as the reader calls it: the Chinese heading
/// an import accepts, when the column has one (tracked).
fn column_name(header: &'static str) -> &'static str {
    if lang() != Language::Zh {
        return header;
    }
    Table::ALL
        .into_iter()
        .flat_map(|table| table.columns())
        .find(|column| column.header.eq_ignore_ascii_case(header) && !column.zh.is_empty())
        .map_or(header, |column| column.zh)
}

/// Why a row is refused, in the reader's language (tracked).
fn refusal_text(i18n: I18nContext<Locale>, refusal: &Refusal) -> String {
    match refusal {
        Refusal::Missing(what) => {
            let what = match *what {
                "hours" => t_string!(i18n, data.missing_hours),
                "person's name" => t_string!(i18n, data.missing_person),
                "project name" => t_string!(i18n, data.missing_project),
                "week" => t_string!(i18n, data.missing_week),
                other => other,
            };
            tr!(i18n, data.refused_missing, what)
        }
        Refusal::UnknownPerson(name) => tr!(i18n, data.refused_unknown_person, name),
        Refusal::UnknownProject(name) => tr!(i18n, data.refused_unknown_project, name),
        Refusal::NegativeHours(value) => tr!(i18n, data.refused_negative_hours, value),
        Refusal::UnknownWeek(text) => tr!(i18n, data.refused_unknown_week, text),
        Refusal::DuplicateName { name, line } => tr!(i18n, data.refused_duplicate_name, name, line),
        Refusal::DuplicateBooking(line) => tr!(i18n, data.refused_duplicate_booking, line),
        Refusal::AmbiguousName { what: "people", name } => tr!(i18n, data.refused_ambiguous_people, name),
        Refusal::AmbiguousName { name, .. } => tr!(i18n, data.refused_ambiguous_projects, name),
        Refusal::NotANumber { column, text } => {
            tr!(i18n, data.refused_not_a_number, column = column_name(column), text)
        }
        Refusal::Negative { column, value } => tr!(i18n, data.refused_negative, column = column_name(column), value),
        Refusal::TooLarge { column, value, max } => {
            tr!(i18n, data.refused_too_large, column = column_name(column), max = format::hours(lang(), *max), value)
        }
        Refusal::NotADate { column, text } => tr!(i18n, data.refused_not_a_date, column = column_name(column), text),
        Refusal::EndBeforeStart { start, end } => tr!(i18n, data.refused_end_before_start, start, end),
        Refusal::NotOneOf { column, value, allowed } => {
            tr!(i18n, data.refused_not_one_of, column = column_name(column), value, allowed)
        }
        Refusal::NoCapacity => t_string!(i18n, data.refused_no_capacity).to_owned(),
        Refusal::RefusedProject => t_string!(i18n, data.refused_project_refused).to_owned(),
        Refusal::RefusedPerson => t_string!(i18n, data.refused_person_refused).to_owned(),
    }
}

#[component]
fn Export(board: BoardContext) -> impl IntoView {
    let i18n = use_i18n();
    let busy = RwSignal::new(None::<Message>);
    let outcome = RwSignal::new(None::<Result<Message, Message>>);
    let board_name = move || board.view.snapshot.with_untracked(|s| s.name.clone());
    let workbook = move |_| {
        if busy.get_untracked().is_some() {
            return;
        }
        busy.set(Some(message!(data.building_workbook)));
        outcome.set(None);
        leptos::task::spawn_local(async move {
            let_the_page_paint().await;
            let started = js_sys::Date::now();
            let bytes = board.view.snapshot.with_untracked(|snapshot| {
                export::xlsx(&export::tables(snapshot), started as i64).map_err(exchange_message)
            });
            let name = file_name(&board_name(), "xlsx");
            let result = bytes.and_then(|bytes| {
                download(&bytes, &name, XLSX).map_err(|reason| message!(data.browser_failed, reason))?;
                let (size, seconds) = (bytes.len() / 1024, (js_sys::Date::now() - started) / 1000.0);
                Ok(Message::new(move |locale| {
                    let seconds = shared::format::number(language_of(locale), seconds, 1);
                    trd!(locale, data.saved_workbook, name, size, seconds)
                }))
            });
            outcome.set(Some(result));
            busy.set(None);
        });
    };
    let csv = move |table: Table| {
        let bytes = board.view.snapshot.with_untracked(|snapshot| export::csv(&export::sheet(snapshot, table)));
        let name = file_name(&format!("{} {}", board_name(), table.as_str()), "csv");
        outcome.set(Some(
            download(&bytes, &name, "text/csv;charset=utf-8")
                .map(|()| message!(data.saved_file, name))
                .map_err(|reason| message!(data.browser_failed, reason)),
        ));
    };
    let csv_buttons = Table::ALL
        .into_iter()
        .map(|table| {
            view! {
                <li><button type="button" class="link" data-testid=format!("export-csv-{}", table.as_str())
                    on:click=move |_| csv(table)>{move || table_label(i18n, table)}</button></li>
            }
        })
        .collect_view();
    view! {
        <p class="hint">{t!(i18n, data.export_hint)}</p>
        <div class="export-actions">
            <button type="button" data-testid="export-xlsx" on:click=workbook disabled=move || busy.with(Option::is_some)>
                {t!(i18n, data.download_workbook)}
            </button>
            <span class="hint">{t!(i18n, data.workbook_hint)}</span>
        </div>
        <p class="hint">{t!(i18n, data.csv_hint)}</p>
        <ul class="export-csv">{csv_buttons}</ul>
        <p class="progress" role="status" data-testid="export-progress">{move || busy.get().map(|busy| busy.text(i18n))}</p>
        {move || outcome.get().map(|outcome| match outcome {
            Ok(text) => view! { <p class="notice" role="status" data-testid="export-done">{move || text.text(i18n)}</p> }.into_any(),
            Err(text) => view! { <p class="problem" role="alert">{move || text.text(i18n)}</p> }.into_any(),
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
    Unreadable(Message),
}

#[component]
fn Import(board: BoardContext) -> impl IntoView {
    let i18n = use_i18n();
    let read_only = move || !board.editable.get();
    let chosen = RwSignal::new(Chosen::Nothing);
    let done = RwSignal::new(None::<Message>);
    let apply_error = RwSignal::new(None::<Message>);
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
                Err((name, reason)) => {
                    return chosen.set(Chosen::Unreadable(message!(data.file_unreadable, name, reason)))
                }
            };
            let mut file = ImportFile::default();
            let mut names = Vec::new();
            for (name, bytes) in files {
                match import::read(&name, &bytes) {
                    Ok(read) => file.extend(read),
                    Err(error) => return chosen.set(Chosen::Unreadable(exchange_message(error))),
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
        let mut changed = false;
        let result = board.try_apply(|b| {
            let now = import::plan(&b.snapshot(), &file);
            if now != previewed {
                changed = true;
                return Err(shared::BoardError::Invalid("the board changed since the preview".to_owned()));
            }
            written = Some(b.apply_import(&now)?);
            Ok(())
        });
        match (result, written) {
            (Ok(()), Some(outcome)) => {
                let (projects, people, bookings) = (outcome.projects, outcome.people, outcome.bookings);
                done.set(Some(message!(data.imported, projects, people, bookings)));
                clear();
            }
            (Err(_), _) if changed => apply_error.set(Some(message!(data.board_changed))),
            (Err(message), _) => apply_error.set(Some(message)),
            (Ok(()), None) => {}
        }
    };
    let template = move |_| {
        let result = export::template_xlsx(js_sys::Date::now() as i64).map_err(exchange_message).and_then(|bytes| {
            download(&bytes, t_string!(i18n, data.template_name), XLSX)
                .map_err(|reason| message!(data.browser_failed, reason))
        });
        if let Err(error) = result {
            done.set(Some(error));
        }
    };

    view! {
        <p class="hint">{t!(i18n, data.import_hint)}</p>
        <div class="import-actions">
            <button type="button" class="link" data-testid="import-template" on:click=template>{t!(i18n, data.download_template)}</button>
        </div>
        <Show when=read_only>
            <p class="notice" data-testid="import-read-only">{t!(i18n, data.import_read_only)}</p>
        </Show>
        <Show when=move || !read_only()>
            <label for="import-file">{t!(i18n, data.files_to_import)}</label>
            <input id="import-file" type="file" node_ref=input multiple data-testid="import-file"
                accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                on:change=choose/>
        </Show>
        {move || match chosen.get() {
            Chosen::Nothing => ().into_any(),
            Chosen::Reading => view! { <p class="progress" role="status">{t!(i18n, data.reading)}</p> }.into_any(),
            Chosen::Unreadable(error) => view! { <p class="problem" role="alert" data-testid="import-error">{move || error.text(i18n)}</p> }.into_any(),
            Chosen::Read { names, .. } => view! {
                <p class="hint" data-testid="import-files">{move || tr!(i18n, data.read_files, names = names.join(", "))}</p>
            }.into_any(),
        }}
        {move || plan.get().map(|plan| view! {
            <Preview plan confirm=Callback::new(confirm) cancel=Callback::new(move |()| clear())/>
        })}
        <p class="problem" role="alert" data-testid="import-apply-error">{move || apply_error.get().map(|apply_error| apply_error.text(i18n))}</p>
        <p class="notice" role="status" data-testid="import-done">{move || done.get().map(|done| done.text(i18n))}</p>
    }
}

/// The preview: what would be added and updated, what is refused and why, and the buttons.
#[component]
fn Preview(plan: ImportPlan, confirm: Callback<()>, cancel: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let [(projects_added, projects_updated), (people_added, people_updated), (bookings_added, bookings_updated)] =
        plan.counts();
    let unchanged = plan.unchanged;
    let summary = move || {
        tr!(
            i18n,
            data.summary,
            projects_added,
            projects_updated,
            people_added,
            people_updated,
            bookings_added,
            bookings_updated,
            unchanged
        )
    };
    let refused = plan.refused.len();
    let writes = plan.writes();
    let blocked = refused > 0 || writes == 0;
    let button = move || {
        if refused > 0 {
            t_string!(i18n, data.correct_first).to_owned()
        } else if writes == 0 {
            t_string!(i18n, data.nothing_to_import).to_owned()
        } else {
            tr!(i18n, data.import_rows, count = writes)
        }
    };
    view! {
        <div class="import-preview" data-testid="import-preview">
            <h3>{t!(i18n, data.preview)}</h3>
            <p data-testid="import-summary">{summary}</p>
            {(refused > 0).then(|| view! {
                <div class="import-refused" role="alert">
                    <p><strong>{move || tr!(i18n, data.rows_refused, count = refused)}</strong>
                        " " {t!(i18n, data.nothing_written)}</p>
                    <RefusedRows rows=plan.refused.clone()/>
                </div>
            })}
            <PlannedRows table=Table::Projects rows=plan.projects.clone()/>
            <PlannedRows table=Table::People rows=plan.people.clone()/>
            <PlannedRows table=Table::Bookings rows=plan.bookings.clone()/>
            <div class="import-confirm">
                <button type="button" data-testid="import-confirm" disabled=blocked on:click=move |_| confirm.run(())>{button}</button>
                <button type="button" class="link" data-testid="import-cancel" on:click=move |_| cancel.run(())>{t!(i18n, data.cancel)}</button>
            </div>
        </div>
    }
}

#[component]
fn RefusedRows(rows: Vec<Refused>) -> impl IntoView {
    let i18n = use_i18n();
    let all = RwSignal::new(false);
    let total = rows.len();
    let rows = StoredValue::new(rows);
    view! {
        <table class="import-rows" data-testid="import-refused">
            <thead><tr>
                <th scope="col">{t!(i18n, data.column_file)}</th><th scope="col">{t!(i18n, data.column_line)}</th>
                <th scope="col">{t!(i18n, data.column_row)}</th><th scope="col">{t!(i18n, data.column_why)}</th>
            </tr></thead>
            <tbody>
                {move || rows.with_value(|rows| rows.iter().take(if all.get() { usize::MAX } else { PREVIEW_ROWS }).map(|row| view! {
                    <tr data-testid="refused-row">
                        <td>{row.source.clone()}</td>
                        <td class="number">{row.line}</td>
                        <td>{row.label.clone()}</td>
                        <td>{let reason = row.reason.clone(); move || refusal_text(i18n, &reason)}</td>
                    </tr>
                }).collect_view())}
            </tbody>
        </table>
        <ShowAll total all/>
    }
}

#[component]
fn PlannedRows<T: Clone + Send + Sync + 'static>(table: Table, rows: Vec<Planned<T>>) -> impl IntoView {
    if rows.is_empty() {
        return ().into_any();
    }
    let i18n = use_i18n();
    let all = RwSignal::new(false);
    let total = rows.len();
    let open = total <= PREVIEW_ROWS;
    let rows = StoredValue::new(rows);
    view! {
        <details class="import-table" open=open>
            <summary>{move || tr!(i18n, data.rows_to_write, title = table_label(i18n, table), count = total)}</summary>
            <table class="import-rows" data-testid=format!("import-{}", table.as_str())>
                <thead><tr>
                    <th scope="col">{t!(i18n, data.column_line)}</th><th scope="col"></th>
                    <th scope="col">{t!(i18n, data.column_row)}</th><th scope="col">{t!(i18n, data.column_changes)}</th>
                </tr></thead>
                <tbody>
                    {move || rows.with_value(|rows| rows.iter().take(if all.get() { usize::MAX } else { PREVIEW_ROWS }).map(|row| {
                        let changes = row.changes.iter().map(|change| {
                            let field = column_name(change.field);
                            if change.before.is_empty() {
                                format!("{field}: {}", change.after)
                            } else {
                                format!("{field}: {} → {}", change.before, if change.after.is_empty() { t_string!(i18n, data.empty_value) } else { &change.after })
                            }
                        }).collect::<Vec<_>>().join("; ");
                        let (action, class) = match row.action {
                            Action::Add => (t_string!(i18n, data.add), "add"),
                            Action::Update => (t_string!(i18n, data.update), "update"),
                        };
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
    let i18n = use_i18n();
    (total > PREVIEW_ROWS).then(|| {
        view! {
            <Show when=move || !all.get()>
                <button type="button" class="link" on:click=move |_| all.set(true)>
                    {move || tr!(i18n, data.show_all, count = total, shown = PREVIEW_ROWS)}
                </button>
            </Show>
        }
    })
}

#[component]
fn Backup(board: BoardContext) -> impl IntoView {
    let i18n = use_i18n();
    let outcome = RwSignal::new(None::<Result<Message, Message>>);
    let save = move |_| {
        let bytes = board.session.with_value(|session| session.read(|b| b.save()));
        let name = file_name(&board.view.snapshot.with_untracked(|s| s.name.clone()), "automerge");
        let size = bytes.len().div_ceil(1024);
        outcome.set(Some(
            download(&bytes, &name, "application/octet-stream")
                .map(|()| message!(data.saved_backup, name, size))
                .map_err(|reason| message!(data.browser_failed, reason)),
        ));
    };
    view! {
        <p class="hint">{t!(i18n, data.backup_hint)}</p>
        <button type="button" data-testid="backup" on:click=save>{t!(i18n, data.download_backup)}</button>
        {move || outcome.get().map(|outcome| match outcome {
            Ok(text) => view! { <p class="notice" role="status" data-testid="backup-done">{move || text.text(i18n)}</p> }.into_any(),
            Err(text) => view! { <p class="problem" role="alert">{move || text.text(i18n)}</p> }.into_any(),
        })}
    }
}
