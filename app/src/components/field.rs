//! The one editable field every page uses for a value of the board.
//!
//! What a person types is theirs until they commit it (Enter, or leaving the field): a
//! colleague's edit of the same field meanwhile does not overwrite the draft; it shows beside
//! it ("changed meanwhile to …"), and the draft wins only if the person commits it. Edits to
//! anything else never touch the field, because it reads its value reactively instead of being
//! rebuilt. A value the board refuses shows its reason in place; leaving the field without
//! fixing it returns it to the stored value, so a refused value never stays on screen.
//!
//! Keyboard: Enter commits, Escape drops the draft.

use leptos::{ev, prelude::*};

use crate::{i18n::*, language::Message};

/// An input bound to one value of the board.
///
/// `value` is the stored value as text; `commit` writes what the person typed and answers
/// why it was refused, if it was (nothing is written then).
#[component]
pub fn Field(
    /// The stored value, read reactively.
    #[prop(into)]
    value: Signal<String>,
    /// Writes the committed text, or says why it cannot be.
    commit: impl Fn(String) -> Result<(), Message> + Send + Sync + 'static,
    /// The accessible name (the label a screen reader says); it may follow the board (a grid
    /// cell names its person).
    #[prop(into)]
    label: Signal<String>,
    /// The input's type: "text" (the default) or "number".
    #[prop(optional)]
    input_type: Option<&'static str>,
    /// The keyboard a phone shows: "decimal" for amounts typed as text.
    #[prop(optional)]
    input_mode: Option<&'static str>,
    #[prop(optional, into)] disabled: Signal<bool>,
    /// The id of an element that describes the value (a grid cell's load against capacity).
    #[prop(optional, into)]
    described_by: Option<String>,
    #[prop(optional, into)] class: String,
    /// For tests and page scripts: the field's `data-testid`.
    #[prop(optional, into)]
    testid: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    // Some while the person is editing: what they typed, and the stored value when they began.
    let draft = RwSignal::new(None::<String>);
    let base = StoredValue::new(String::new());
    let error = RwSignal::new(None::<Message>);
    // Whether what is on screen is the refused value (the message may outlive it, see blur).
    let invalid = RwSignal::new(false);
    let commit = StoredValue::new(commit);
    let error_id = format!("field-error-{}", next_id());

    let shown = move || draft.get().unwrap_or_else(|| value.get());
    // The stored value changed while the person was editing: say so, and to what.
    let changed_meanwhile =
        move || draft.with(|draft| draft.is_some()).then(|| value.get()).filter(|now| *now != base.get_value());
    let begin = move || {
        if draft.with_untracked(Option::is_none) {
            base.set_value(value.get_untracked());
        }
    };
    // Returns whether the draft was written (or there was nothing to write).
    let save = move || -> bool {
        let Some(text) = draft.get_untracked() else { return true };
        // Nothing to write when the text is what is stored, or what was stored when the person
        // began: they typed and undid it, and writing it back would silently revert a
        // colleague's change made meanwhile.
        if text == value.get_untracked() || text == base.get_value() {
            draft.set(None);
            error.set(None);
            return true;
        }
        match commit.with_value(|commit| commit(text)) {
            Ok(()) => {
                draft.set(None);
                error.set(None);
                true
            }
            Err(message) => {
                error.set(Some(message));
                invalid.set(true);
                false
            }
        }
    };

    let error_ref = error_id.clone();
    let described_by = move || {
        let ids: Vec<&str> = described_by
            .as_deref()
            .into_iter()
            .chain(error.with(Option::is_some).then_some(error_ref.as_str()))
            .collect();
        (!ids.is_empty()).then(|| ids.join(" "))
    };
    view! {
        <span class="field">
            <input
                class=class
                // A number is typed in a text input with the decimal keyboard: a number input
                // reports "12." as "12" while it is typed, so the draft lost the point and the
                // caret jumped ("12.5" became "512").
                type=input_type.filter(|kind| *kind != "number").unwrap_or("text")
                inputmode=input_mode.or((input_type == Some("number")).then_some("decimal"))
                aria-label=move || label.get()
                data-testid=testid
                class:draft=move || draft.with(Option::is_some)
                aria-invalid=move || invalid.get().then_some("true")
                aria-describedby=described_by
                disabled=move || disabled.get()
                // The attribute follows the stored value (what selectors and the page's HTML
                // say); the property is what the person sees and types in.
                value=move || value.get()
                prop:value=shown
                on:focus=move |_| begin()
                on:input=move |ev| {
                    begin();
                    error.set(None);
                    invalid.set(false);
                    draft.set(Some(event_target_value(&ev)));
                }
                on:keydown=move |ev: ev::KeyboardEvent| match ev.key().as_str() {
                    "Enter" => {
                        ev.prevent_default();
                        save();
                    }
                    "Escape" => {
                        draft.set(None);
                        error.set(None);
                        invalid.set(false);
                    }
                    _ => {}
                }
                on:blur=move |ev: ev::FocusEvent| {
                    // A colleague's reorder moves this row: the browser takes the focus away
                    // while it moves the element, which is not the person leaving the field.
                    // Keep the draft and give the focus back once the row is in place.
                    let input = event_target::<web_sys::HtmlInputElement>(&ev);
                    if !input.is_connected() {
                        request_animation_frame(move || {
                            let nothing_else_focused = document()
                                .active_element()
                                .is_none_or(|active| active.tag_name().eq_ignore_ascii_case("body"));
                            if input.is_connected() && nothing_else_focused {
                                let _ = input.focus();
                            }
                        });
                        return;
                    }
                    // Leaving the field commits; a refused value goes back to the stored one,
                    // and the reason stays beside it until the next edit, saying it was not
                    // saved (what is on screen now is valid again).
                    let typed = draft.get_untracked().unwrap_or_default();
                    if !save() {
                        draft.set(None);
                        invalid.set(false);
                        error.update(|error| {
                            if let Some(reason) = error.take() {
                                let typed = typed.trim().to_owned();
                                *error = Some(Message::new(move |locale| {
                                    trd!(locale, components.not_saved, typed, reason = reason.in_locale(locale))
                                }));
                            }
                        });
                    }
                }
            />
            {move || changed_meanwhile().map(|now| view! {
                <span class="field-remote" role="status" data-testid="changed-meanwhile">
                    {move || tr!(i18n, components.changed_meanwhile, now = now.clone()).to_string()}
                </span>
            })}
            <span class="field-error" id=error_id role="alert">{move || error.get().map(|error| error.text(i18n))}</span>
        </span>
    }
}

/// A number for ids that are unique on the page (`aria-describedby` needs one).
fn next_id() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// A number typed by a person: surrounding spaces ignored, only finite values.
pub fn parse_number(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|number| number.is_finite())
}
