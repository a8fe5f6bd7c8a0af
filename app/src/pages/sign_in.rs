//! `/signin`: signing in (登录) and creating an account (注册) on one page.
//!
//! One form, two modes. Every field has a label and the form submits on Enter; errors are
//! read out (`role="alert"`). After signing in the person goes back to the page that sent
//! them here (`?next=`), or to the board list. Sign-up asks for an invite code only once the
//! server has said that it needs one (or a link carried one: `?invite=CODE`).

use leptos::{html, prelude::*};
use leptos_router::{hooks::use_navigate, hooks::use_query_map, NavigateOptions};
use shared::api::{Me, SignIn, SignUp, PASSWORD_MIN_CHARS};

use shared::api::ErrorCode;

use crate::components::header::Header;
use crate::{
    account::{page_after_sign_in, removal, Auth, Removal},
    api::{self, FetchError},
    i18n::*,
    language::{explain, refusal, Message},
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    SignIn,
    SignUp,
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let query = use_query_map();
    let invite_from_link = query.with_untracked(|query| query.get("invite")).unwrap_or_default();
    let mode = RwSignal::new(if invite_from_link.is_empty() { Mode::SignIn } else { Mode::SignUp });
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let needs_invite = RwSignal::new(!invite_from_link.is_empty());
    let invite = RwSignal::new(invite_from_link);
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<Message>);
    let navigate = StoredValue::new_local(use_navigate());
    let i18n = use_i18n();
    let first_field = NodeRef::<html::Input>::new();
    let invite_field = NodeRef::<html::Input>::new();

    // The page is reached by client-side navigation, where `autofocus` does nothing.
    Effect::new(move || {
        if let Some(field) = first_field.get() {
            let _ = field.focus();
        }
    });
    // Focus the invite field as soon as it appears.
    Effect::new(move || {
        if let Some(field) = invite_field.get() {
            let _ = field.focus();
        }
    });

    let signed_in = move |me: Me| {
        Auth::get().signed_in(me);
        let next = page_after_sign_in(query.with_untracked(|query| query.get("next")).as_deref());
        navigate.with_value(|navigate| navigate(&next, NavigateOptions { replace: true, ..Default::default() }));
    };
    let submit = move || {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        problem.set(None);
        let mode = mode.get_untracked();
        let email = email.get_untracked().trim().to_string();
        let password = password.get_untracked();
        let name = name.get_untracked().trim().to_string();
        let invite_code = needs_invite.get_untracked().then(|| invite.get_untracked().trim().to_string());
        leptos::task::spawn_local(async move {
            let result = match mode {
                Mode::SignIn => api::sign_in(&SignIn { email, password }).await,
                Mode::SignUp => api::sign_up(&SignUp { email, name, password, invite: invite_code }).await,
            };
            busy.set(false);
            match result {
                Ok(me) => signed_in(me),
                Err(error) => problem.set(Some(explain_refusal(mode, error, needs_invite))),
            }
        });
    };
    let switch_to = move |to: Mode| {
        mode.set(to);
        problem.set(None);
    };

    view! {
        <Header/>
        <main class="sign-in">
            <BoardsRemoved/>
            <h1>{move || match mode.get() {
                Mode::SignIn => t_string!(i18n, sign_in.sign_in_title),
                Mode::SignUp => t_string!(i18n, sign_in.sign_up_title),
            }}</h1>
            <form class="sign-in-form" on:submit=move |ev| { ev.prevent_default(); submit(); }>
                <Show when=move || mode.get() == Mode::SignUp>
                    <label for="sign-in-name">{t!(i18n, sign_in.name)}</label>
                    <input id="sign-in-name" autocomplete="name" required
                        placeholder=move || t_string!(i18n, sign_in.name_placeholder)
                        prop:value=name on:input=move |ev| name.set(event_target_value(&ev))/>
                </Show>
                <label for="sign-in-email">{t!(i18n, sign_in.email)}</label>
                <input id="sign-in-email" type="email" autocomplete="username" required node_ref=first_field
                    prop:value=email on:input=move |ev| email.set(event_target_value(&ev))/>
                <label for="sign-in-password">{t!(i18n, sign_in.password)}</label>
                <input id="sign-in-password" type="password" required
                    autocomplete=move || if mode.get() == Mode::SignUp { "new-password" } else { "current-password" }
                    minlength=move || (mode.get() == Mode::SignUp).then_some(PASSWORD_MIN_CHARS)
                    aria-describedby="sign-in-password-hint"
                    prop:value=password on:input=move |ev| password.set(event_target_value(&ev))/>
                <small id="sign-in-password-hint" class="hint">
                    {move || (mode.get() == Mode::SignUp).then(|| {
                        let min = PASSWORD_MIN_CHARS;
                        tr!(i18n, sign_in.password_hint, min).to_string()
                    })}
                </small>
                <Show when=move || mode.get() == Mode::SignUp && needs_invite.get()>
                    <label for="sign-in-invite">{t!(i18n, sign_in.invite_code)}</label>
                    <input id="sign-in-invite" required autocomplete="off" node_ref=invite_field
                        aria-describedby="sign-in-invite-hint"
                        prop:value=invite on:input=move |ev| invite.set(event_target_value(&ev))/>
                    <small id="sign-in-invite-hint" class="hint">{t!(i18n, sign_in.invite_hint)}</small>
                </Show>
                <button type="submit" disabled=busy>
                    {move || match (mode.get(), busy.get()) {
                        (Mode::SignIn, false) => t_string!(i18n, sign_in.sign_in),
                        (Mode::SignIn, true) => t_string!(i18n, sign_in.signing_in),
                        (Mode::SignUp, false) => t_string!(i18n, sign_in.create_account),
                        (Mode::SignUp, true) => t_string!(i18n, sign_in.creating_account),
                    }}
                </button>
                <p class="problem" role="alert" data-testid="sign-in-problem">{move || problem.get().map(|problem| problem.text(i18n))}</p>
            </form>
            <p class="switch">
                {move || match mode.get() {
                    Mode::SignIn => view! {
                        {t!(i18n, sign_in.new_here)} " "
                        <button type="button" class="link" on:click=move |_| switch_to(Mode::SignUp)>
                            {t!(i18n, sign_in.create_an_account)}
                        </button>
                    }.into_any(),
                    Mode::SignUp => view! {
                        {t!(i18n, sign_in.have_account)} " "
                        <button type="button" class="link" on:click=move |_| switch_to(Mode::SignIn)>
                            {t!(i18n, sign_in.sign_in_instead)}
                        </button>
                    }.into_any(),
                }}
            </p>
        </main>
    }
}

/// After a sign-out that removed the account's boards from this device: how that went.
#[component]
fn BoardsRemoved() -> impl IntoView {
    let i18n = use_i18n();
    let removal = removal();
    move || {
        removal.get().map(|removal| {
            let text = match removal {
                Removal::Removing => t_string!(i18n, sign_in.removing_boards).to_string(),
                Removal::Removed => t_string!(i18n, sign_in.boards_removed).to_string(),
                Removal::Failed(detail) => tr!(i18n, sign_in.boards_not_removed, detail),
            };
            view! { <p class="notice" role="status" data-testid="boards-removed">{text}</p> }
        })
    }
}

/// What to tell the person when signing in or up failed, worded in the language of the moment
/// it is shown. A refusal that needs an invite code shows the invite field.
fn explain_refusal(mode: Mode, error: FetchError, needs_invite: RwSignal<bool>) -> Message {
    match error {
        FetchError::Unreachable => message!(sign_in.unreachable),
        FetchError::Refused { code: code @ (ErrorCode::InviteRequired | ErrorCode::InviteInvalid), .. }
            if mode == Mode::SignUp =>
        {
            let first_time = !needs_invite.get_untracked();
            needs_invite.set(true);
            let ask_for_code = first_time && code == ErrorCode::InviteRequired;
            Message::new(move |locale| {
                let reason = explain(locale, &error);
                if ask_for_code {
                    format!("{reason} {}", td_string!(locale, sign_in.enter_invite))
                } else {
                    reason
                }
            })
        }
        error => refusal(error),
    }
}
