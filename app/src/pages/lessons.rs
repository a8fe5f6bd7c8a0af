//! Lessons learned (经验教训), `/board/:id/lessons`: add a lesson to a project with tags;
//! search across the board by text and tag (`tag:vendor`), the matches highlighted, each lesson
//! linking to its project. The search is `shared::views::lessons`.

use leptos::prelude::*;
use shared::{
    board::{LessonId, NewLesson},
    format,
    views::lessons::{self as view_model, Segment},
    ProjectId,
};

use super::project::{stamp, ProjectLink};
use crate::{
    components::board_context::BoardContext,
    i18n::*,
    language::{lang, Message},
};

fn highlighted(segments: Vec<Segment>) -> impl IntoView {
    segments
        .into_iter()
        .map(
            |segment| {
                if segment.hit {
                    view! { <mark>{segment.text}</mark> }.into_any()
                } else {
                    segment.text.into_any()
                }
            },
        )
        .collect_view()
}

#[component]
pub fn LessonsPage() -> impl IntoView {
    let board = BoardContext::get();
    let i18n = use_i18n();
    let query = RwSignal::new(String::new());
    let hits = Memo::new(move |_| query.with(|q| board.view.snapshot.with(|s| view_model::search(s, q))));
    let all_tags = Memo::new(move |_| {
        board.view.snapshot.with(|s| {
            let mut tags: Vec<String> = s.lessons.iter().flat_map(|l| l.tags.iter().cloned()).collect();
            tags.sort();
            tags.dedup();
            tags
        })
    });
    let total = move || board.view.snapshot.with(|s| s.lessons.len());
    // Adds `tag:x` to the query, or takes it out if it is there.
    let toggle_tag = move |tag: String| {
        let word = format!("tag:{tag}");
        query.update(|q| {
            let mut words: Vec<String> = q.split_whitespace().map(str::to_owned).collect();
            match words.iter().position(|w| w.eq_ignore_ascii_case(&word)) {
                Some(at) => {
                    words.remove(at);
                }
                None => words.push(word.clone()),
            }
            *q = words.join(" ");
        });
    };

    view! {
        <section class="lessons-page" aria-labelledby="lessons-heading">
            <h2 id="lessons-heading">{t!(i18n, lessons.title)}</h2>
            <div class="search">
                <input type="search" aria-label=move || t_string!(i18n, lessons.search) data-testid="lesson-search"
                    placeholder=move || t_string!(i18n, lessons.search_placeholder)
                    prop:value=query on:input=move |ev| query.set(event_target_value(&ev))/>
                <span class="hint" role="status" data-testid="lesson-count">{move || {
                    let (shown, total) = (hits.with(Vec::len), total());
                    tr!(i18n, lessons.count, shown, total).to_string()
                }}</span>
            </div>
            <div class="tag-cloud" role="group" aria-label=move || t_string!(i18n, lessons.filter_by_tag)>
                {move || all_tags.get().into_iter().map(|tag| {
                    let pressed = {
                        let tag = tag.clone();
                        move || query.with(|q| q.split_whitespace().any(|w| w.eq_ignore_ascii_case(&format!("tag:{tag}"))))
                    };
                    let name = tag.clone();
                    view! {
                        <button type="button" class="tag" aria-pressed=move || if pressed() { "true" } else { "false" }
                            on:click=move |_| toggle_tag(name.clone())>{format!("#{tag}")}</button>
                    }
                }).collect_view()}
            </div>
            <ul class="lesson-list" data-testid="lesson-results">
                {move || hits.get().into_iter().map(|hit| view! {
                    <li class="lesson" data-testid="lesson">
                        <h3>{highlighted(hit.title)}</h3>
                        <p class="meta">
                            {match hit.project_name {
                                Some(name) => view! { <ProjectLink board id=hit.lesson.project.clone() name/> }.into_any(),
                                None => view! { <span class="hint">{t!(i18n, lessons.project_deleted)}</span> }.into_any(),
                            }}
                            " · " <span class="hint">{
                                let recorded = hit.lesson.recorded.clone();
                                move || format::stamp(lang(), &recorded)
                            }</span>
                        </p>
                        <p class="body">{highlighted(hit.body)}</p>
                        <p class="tags">{hit.tags.into_iter().map(|(tag, matched)| view! {
                            <span class="tag" class:hit=matched>{format!("#{tag}")}</span> " "
                        }).collect_view()}</p>
                    </li>
                }).collect_view()}
            </ul>
            <Show when=move || hits.with(Vec::is_empty)>
                <p class="empty" data-testid="no-lessons">{move || if total() == 0 {
                    t_string!(i18n, lessons.none_recorded)
                } else {
                    t_string!(i18n, lessons.no_match)
                }}</p>
            </Show>
        </section>
        <AddLesson board/>
    }
}

#[component]
fn AddLesson(board: BoardContext) -> impl IntoView {
    let i18n = use_i18n();
    let read_only = move || !board.editable.get();
    let projects = Memo::new(move |_| {
        board.view.snapshot.with(|s| s.projects.iter().map(|p| (p.id.clone(), p.name.clone())).collect::<Vec<_>>())
    });
    let project = RwSignal::new(String::new());
    let title = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let tags = RwSignal::new(String::new());
    let error = RwSignal::new(None::<Message>);
    let add = move || {
        let Ok(on) = project.get_untracked().parse::<ProjectId>() else {
            return error.set(Some(message!(lessons.pick_project)));
        };
        let lesson = NewLesson {
            title: title.get_untracked(),
            body: body.get_untracked(),
            tags: view_model::parse_tags(&tags.get_untracked()),
        };
        match board.try_apply(|b| b.add_lesson(LessonId::random(), &on, lesson, stamp())) {
            Ok(()) => {
                error.set(None);
                title.set(String::new());
                body.set(String::new());
                tags.set(String::new());
            }
            Err(message) => error.set(Some(message)),
        }
    };
    view! {
        <section class="add-lesson" aria-labelledby="add-lesson-heading">
            <h2 id="add-lesson-heading">{t!(i18n, lessons.record)}</h2>
            <form class="stacked" data-testid="add-lesson" on:submit=move |ev| { ev.prevent_default(); add(); }>
                <label for="lesson-project">{t!(i18n, lessons.project)}</label>
                <select id="lesson-project" prop:value=project disabled=read_only on:change=move |ev| project.set(event_target_value(&ev))>
                    <option value="">{t!(i18n, lessons.project_choice)}</option>
                    {move || projects.get().into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
                </select>
                <label for="lesson-title">{t!(i18n, lessons.lesson)}</label>
                <input id="lesson-title" placeholder=move || t_string!(i18n, lessons.lesson_placeholder) prop:value=title disabled=read_only
                    on:input=move |ev| title.set(event_target_value(&ev))/>
                <label for="lesson-body">{t!(i18n, lessons.details)}</label>
                <textarea id="lesson-body" rows="3" prop:value=body disabled=read_only on:input=move |ev| body.set(event_target_value(&ev))></textarea>
                <label for="lesson-tags">{t!(i18n, lessons.tags)} " " <small class="hint">{t!(i18n, lessons.tags_hint)}</small></label>
                <input id="lesson-tags" placeholder=move || t_string!(i18n, lessons.tags_placeholder) prop:value=tags disabled=read_only
                    on:input=move |ev| tags.set(event_target_value(&ev))/>
                <button type="submit" disabled=read_only>{t!(i18n, lessons.add)}</button>
                <span class="field-error" role="alert" data-testid="add-lesson-error">{move || error.get().map(|error| error.text(i18n))}</span>
            </form>
        </section>
    }
}
