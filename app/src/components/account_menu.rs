//! The account menu in the header: who is signed in, signing out, the password, personal API
//! tokens (for scripts and automerge-repo clients), and for the instance admin, whether
//! sign-up needs an invite and making invite codes; and the language the app speaks.
//!
//! The menu is a button that opens a panel; Escape, or a click elsewhere on the page, closes it
//! (Escape gives the focus back to the button). Each part of the panel is a `<details>`
//! section, so it is reachable and opened by keyboard.

use leptos::{html, prelude::*};
use leptos_router::{hooks::use_navigate, NavigateOptions};
use shared::api::{
    Account, CreatedToken, InstanceSettings, Invite, PasswordChange, TokenScope, TokenSummary, PASSWORD_MIN_CHARS,
};
use wasm_bindgen::JsCast;

use crate::{
    account::{Auth, AuthState, SIGN_IN_PATH},
    api::{self, FetchError},
    i18n::*,
    language::{language, refusal, Language, LanguageSwitch, Message},
};

#[component]
pub fn AccountMenu() -> impl IntoView {
    let account = Memo::new(move |_| Auth::get().account());
    let offline = Memo::new(move |_| matches!(Auth::get().state.get(), AuthState::Offline(_)));
    move || account.get().map(|account| view! { <Menu account offline/> })
}

#[component]
fn Menu(account: Account, offline: Memo<bool>) -> impl IntoView {
    let open = RwSignal::new(false);
    let toggle = NodeRef::<html::Button>::new();
    let container = NodeRef::<html::Div>::new();
    // On the window, so that Escape works wherever the focus is (a button that was just
    // pressed and disabled itself leaves the focus on the page's body).
    let on_key = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" && open.get_untracked() {
            open.set(false);
            if let Some(button) = toggle.get_untracked() {
                let _ = button.focus();
            }
        }
    });
    let on_click = window_event_listener(leptos::ev::click, move |ev| {
        let inside = ev
            .target()
            .and_then(|target| target.dyn_into::<web_sys::Node>().ok())
            .zip(container.get_untracked())
            .is_some_and(|(target, container)| container.contains(Some(&target)));
        if !inside && open.get_untracked() {
            open.set(false);
        }
    });
    on_cleanup(move || {
        on_key.remove();
        on_click.remove();
    });
    let admin = account.admin;
    let name = account.name.clone();
    let i18n = use_i18n();

    view! {
        <div class="account" node_ref=container>
            <button type="button" class="account-toggle" node_ref=toggle aria-haspopup="true"
                aria-expanded=move || open.get().to_string() aria-controls="account-menu" data-testid="account-menu-button"
                on:click=move |_| open.update(|open| *open = !*open)>
                {name}{move || offline.get().then(|| t_string!(i18n, account.offline))}" ▾"
            </button>
            <Show when=move || open.get()>
                <div id="account-menu" class="account-menu" role="group" aria-label=move || t_string!(i18n, account.menu)
                    data-testid="account-menu">
                    <p class="who">
                        <strong>{account.name.clone()}</strong><br/>
                        <small>{account.email.clone()}</small>
                        {admin.then(|| view! { <small class="admin">" · " {t!(i18n, account.admin)}</small> })}
                    </p>
                    <LanguageSwitch/>
                    <SignOut/>
                    <details>
                        <summary>{t!(i18n, account.change_password)}</summary>
                        <ChangePassword/>
                    </details>
                    <details>
                        <summary>{t!(i18n, account.api_tokens)}</summary>
                        <Tokens/>
                    </details>
                    {admin.then(|| view! {
                        <details>
                            <summary>{t!(i18n, account.sign_up_and_invites)}</summary>
                            <AdminSettings/>
                        </details>
                    })}
                </div>
            </Show>
        </div>
    }
}

/// Where signing out stands: two choices, plain or removing the account's boards from this
/// device (a shared or borrowed computer); the second first looks for changes that would be
/// lost and, if there are any, says which before anything is removed.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Leaving {
    Choosing,
    /// Looking for changes the server lacks.
    Checking,
    /// Removing the boards would lose these: nothing is removed until the person confirms.
    Warning(WouldLose),
    /// Signing out.
    Busy,
}

/// What removing an account's boards from this device would lose.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct WouldLose {
    /// Boards with changes the server is not known to hold: name, count.
    unsent: Vec<(String, usize)>,
    /// Boards with changes set aside (refused by the server, kept to copy).
    set_aside: Vec<String>,
    /// The device's copy could not be read to find out.
    unreadable: bool,
}

impl WouldLose {
    fn nothing(&self) -> bool {
        self.unsent.is_empty() && self.set_aside.is_empty() && !self.unreadable
    }
}

/// Reads this device's copy of the account's boards for what removing it would lose.
async fn would_lose(account_id: &str) -> WouldLose {
    use crate::cache::BoardCache;
    let set_aside_ids = crate::set_aside::boards(account_id);
    let Ok(cache) = BoardCache::open(account_id).await else {
        return WouldLose { unreadable: true, ..WouldLose::default() };
    };
    let (unsent, boards) = (cache.unsent_changes().await, cache.boards().await);
    cache.close();
    let (Ok(unsent), Ok(boards)) = (unsent, boards) else {
        return WouldLose { unreadable: true, ..WouldLose::default() };
    };
    let name_of = |document_id: &str| {
        boards
            .iter()
            .find(|board| board.document_id == document_id)
            .map_or_else(|| document_id.to_owned(), |board| board.name.clone())
    };
    WouldLose {
        unsent: unsent.into_iter().map(|board| (board.name, board.changes)).collect(),
        set_aside: set_aside_ids.iter().map(|document_id| name_of(document_id)).collect(),
        unreadable: false,
    }
}

#[component]
fn SignOut() -> impl IntoView {
    let i18n = use_i18n();
    let problem = RwSignal::new(None::<Message>);
    let leaving = RwSignal::new(Leaving::Choosing);
    let navigate = StoredValue::new_local(use_navigate());
    let cancel_button = NodeRef::<html::Button>::new();
    // The warning takes the focus to its safe choice, so a keyboard user hears it and keeps
    // the boards with Enter.
    Effect::new(move || {
        if let Some(button) = cancel_button.get() {
            let _ = button.focus();
        }
    });
    let sign_out = move |remove_boards: bool| {
        problem.set(None);
        leaving.set(Leaving::Busy);
        leptos::task::spawn_local(async move {
            match api::sign_out().await {
                // A 401: the session had already ended; signed out all the same.
                Ok(()) | Err(FetchError::Refused { status: 401, .. }) => {
                    let account = Auth::get().account();
                    Auth::get().signed_out(true);
                    match account.filter(|_| remove_boards) {
                        Some(account) => {
                            crate::account::remove_boards_at_next_load(&account.id);
                            // A fresh page: no board holds the database open, and no copy of
                            // one stays in this page's memory.
                            let _ = window().location().replace(SIGN_IN_PATH);
                        }
                        None => navigate.with_value(|navigate| {
                            navigate(SIGN_IN_PATH, NavigateOptions { replace: true, ..Default::default() })
                        }),
                    }
                }
                Err(error) => {
                    problem.set(Some(refusal(error)));
                    leaving.set(Leaving::Choosing);
                }
            }
        });
    };
    let remove = move |_| {
        let Some(account) = Auth::get().account() else { return };
        problem.set(None);
        leaving.set(Leaving::Checking);
        leptos::task::spawn_local(async move {
            let lose = would_lose(&account.id).await;
            if lose.nothing() {
                sign_out(true);
            } else {
                leaving.set(Leaving::Warning(lose));
            }
        });
    };
    let choices = move || {
        let busy = !matches!(leaving.get(), Leaving::Choosing);
        view! {
            <div class="sign-out-choices">
                <button type="button" class="sign-out" disabled=busy on:click=move |_| sign_out(false)>
                    {t!(i18n, account.sign_out)}
                </button>
                <button type="button" class="sign-out-remove" disabled=busy on:click=remove
                    aria-describedby="sign-out-remove-hint">
                    {t!(i18n, account.sign_out_remove)}
                </button>
                <small id="sign-out-remove-hint" class="hint">{t!(i18n, account.sign_out_remove_hint)}</small>
            </div>
        }
    };
    let warning = move |lose: WouldLose| {
        let any_set_aside = !lose.set_aside.is_empty();
        let unsent = lose.unsent.into_iter().map(|(name, count)| {
            let line = if count == 1 {
                tr!(i18n, account.unsent_board_one, name)
            } else {
                tr!(i18n, account.unsent_board, name, count)
            };
            view! { <li>{line}</li> }
        });
        let set_aside =
            lose.set_aside.into_iter().map(|name| view! { <li>{tr!(i18n, account.set_aside_board, name)}</li> });
        view! {
            <div class="sign-out-warning" role="alert" data-testid="sign-out-warning">
                <p>{t!(i18n, account.unsent_warning)}</p>
                <ul>
                    {unsent.collect_view()}
                    {set_aside.collect_view()}
                    {lose.unreadable.then(|| view! { <li>{t!(i18n, account.unsent_unreadable)}</li> })}
                </ul>
                <p class="hint">{t!(i18n, account.unsent_advice)}</p>
                {any_set_aside.then(|| view! { <p class="hint">{t!(i18n, account.set_aside_advice)}</p> })}
                <div class="actions">
                    <button type="button" class="danger" on:click=move |_| sign_out(true)>
                        {t!(i18n, account.remove_anyway)}
                    </button>
                    <button type="button" node_ref=cancel_button on:click=move |_| leaving.set(Leaving::Choosing)>
                        {t!(i18n, common.cancel)}
                    </button>
                </div>
            </div>
        }
    };
    view! {
        {move || match leaving.get() {
            Leaving::Warning(lose) => warning(lose).into_any(),
            _ => choices().into_any(),
        }}
        <p class="progress" role="status">
            {move || (leaving.get() == Leaving::Checking).then(|| t_string!(i18n, account.checking_unsent))}
        </p>
        <p class="problem" role="alert">{move || problem.get().map(|problem| problem.text(i18n))}</p>
    }
}

#[component]
fn ChangePassword() -> impl IntoView {
    let i18n = use_i18n();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let keep_tokens = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let outcome = RwSignal::new(None::<Result<bool, Message>>);
    let submit = move || {
        busy.set(true);
        outcome.set(None);
        let change = PasswordChange {
            current: current.get_untracked(),
            new: new.get_untracked(),
            keep_tokens: keep_tokens.get_untracked(),
        };
        let kept = change.keep_tokens;
        leptos::task::spawn_local(async move {
            let result = match api::change_password(&change).await {
                Ok(()) => {
                    current.set(String::new());
                    new.set(String::new());
                    Ok(kept)
                }
                Err(error) => Err(refusal(error)),
            };
            outcome.set(Some(result));
            busy.set(false);
        });
    };
    view! {
        <form class="stacked" on:submit=move |ev| { ev.prevent_default(); submit(); }>
            <label for="password-current">{t!(i18n, account.current_password)}</label>
            <input id="password-current" type="password" autocomplete="current-password" required
                prop:value=current on:input=move |ev| current.set(event_target_value(&ev))/>
            <label for="password-new">{t!(i18n, account.new_password)}</label>
            <input id="password-new" type="password" autocomplete="new-password" required minlength=PASSWORD_MIN_CHARS
                prop:value=new on:input=move |ev| new.set(event_target_value(&ev))/>
            <small class="hint">{move || {
                let min = PASSWORD_MIN_CHARS;
                tr!(i18n, account.password_hint, min).to_string()
            }}</small>
            <label class="check">
                <input type="checkbox" prop:checked=keep_tokens on:change=move |ev| keep_tokens.set(event_target_checked(&ev))/>
                {t!(i18n, account.keep_tokens)}
            </label>
            <button type="submit" disabled=busy>{t!(i18n, account.change_password)}</button>
            {move || outcome.get().map(|outcome| match outcome {
                Ok(true) => view! { <p class="done" role="status">{t!(i18n, account.password_changed_tokens_kept)}</p> }.into_any(),
                Ok(false) => view! { <p class="done" role="status">{t!(i18n, account.password_changed)}</p> }.into_any(),
                Err(message) => view! { <p class="problem" role="alert">{move || message.text(i18n)}</p> }.into_any(),
            })}
        </form>
    }
}

#[component]
fn Tokens() -> impl IntoView {
    let i18n = use_i18n();
    let tokens = RwSignal::new(None::<Vec<TokenSummary>>);
    let created = RwSignal::new(None::<CreatedToken>);
    let name = RwSignal::new(String::new());
    // Syncing and reading come with every token; these two are asked for.
    let may_write = RwSignal::new(false);
    let may_manage_account = RwSignal::new(false);
    let problem = RwSignal::new(None::<Message>);
    let reload = move || {
        leptos::task::spawn_local(async move {
            match api::tokens().await {
                Ok(list) => tokens.set(Some(list)),
                Err(error) => problem.set(Some(refusal(error))),
            }
        })
    };
    reload();
    let create = move || {
        problem.set(None);
        let token_name = name.get_untracked().trim().to_string();
        let mut scopes = TokenScope::DEFAULT.to_vec();
        if may_write.get_untracked() {
            scopes.push(TokenScope::Write);
        }
        if may_manage_account.get_untracked() {
            scopes.push(TokenScope::Account);
        }
        leptos::task::spawn_local(async move {
            match api::create_token(token_name, scopes).await {
                Ok(token) => {
                    created.set(Some(token));
                    name.set(String::new());
                    may_write.set(false);
                    may_manage_account.set(false);
                }
                Err(error) => problem.set(Some(refusal(error))),
            }
            reload();
        });
    };
    let revoke = move |id: String| {
        problem.set(None);
        leptos::task::spawn_local(async move {
            if let Err(error) = api::revoke_token(&id).await {
                problem.set(Some(refusal(error)));
            }
            if created.with_untracked(|created| created.as_ref().is_some_and(|created| created.token.id == id)) {
                created.set(None);
            }
            reload();
        });
    };

    view! {
        <p class="hint">{t!(i18n, account.tokens_hint_before)} " "
            <code>"Authorization: Bearer …"</code>" "{t!(i18n, account.tokens_hint_or)}" "<code>"?token=…"</code>" "
            {t!(i18n, account.tokens_hint_after)}</p>
        {move || created.get().map(|created| {
            let name = created.token.name.clone();
            view! {
                <div class="secret" data-testid="token-created">
                    <p>{move || tr!(i18n, account.token_created, name = name.clone()).to_string()}</p>
                    <SecretField label=Signal::derive(move || t_string!(i18n, account.new_token)) value=created.secret
                        testid="token-secret"/>
                </div>
            }
        })}
        <form class="stacked" on:submit=move |ev| { ev.prevent_default(); create(); }>
            <input aria-label=move || t_string!(i18n, account.token_name)
                placeholder=move || t_string!(i18n, account.token_name_placeholder) required
                prop:value=name on:input=move |ev| name.set(event_target_value(&ev))/>
            <small class="hint">{t!(i18n, account.token_scopes_hint)}</small>
            <label class="check">
                <input type="checkbox" prop:checked=may_write on:change=move |ev| may_write.set(event_target_checked(&ev))/>
                {t!(i18n, account.scope_write_choice)}
            </label>
            <label class="check">
                <input type="checkbox" prop:checked=may_manage_account
                    on:change=move |ev| may_manage_account.set(event_target_checked(&ev))/>
                {t!(i18n, account.scope_account_choice)}
            </label>
            <button type="submit">{t!(i18n, account.create_token)}</button>
        </form>
        {move || match tokens.get() {
            None => view! { <p class="progress">{t!(i18n, account.loading_tokens)}</p> }.into_any(),
            Some(list) if list.is_empty() => view! { <p class="empty">{t!(i18n, account.no_tokens)}</p> }.into_any(),
            Some(list) => view! {
                <ul class="tokens" data-testid="tokens">
                    {list.into_iter().map(|token| {
                        let id = token.id.clone();
                        let token_name = token.name.clone();
                        let described = move || {
                            let language = language(i18n);
                            let used = match token.last_used_at_ms {
                                None => t_string!(i18n, account.never_used).to_string(),
                                Some(ms) => {
                                    let when = local_time(language, ms);
                                    tr!(i18n, account.last_used, when).to_string()
                                }
                            };
                            let when = local_time(language, token.created_at_ms);
                            tr!(i18n, account.created_used, when, used).to_string()
                        };
                        let scopes = token.scopes.clone();
                        let may = move || {
                            let scopes = scopes.iter().map(|scope| scope_words(i18n, *scope)).collect::<Vec<_>>().join(", ");
                            tr!(i18n, account.token_may, scopes).to_string()
                        };
                        view! {
                            <li>
                                <span><strong>{token.name.clone()}</strong><br/><small>{may}</small><br/><small>{described}</small></span>
                                <button type="button" class="danger"
                                    aria-label=move || tr!(i18n, account.revoke_named, name = token_name.clone()).to_string()
                                    on:click=move |_| revoke(id.clone())>{t!(i18n, account.revoke)}</button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any(),
        }}
        <p class="problem" role="alert">{move || problem.get().map(|problem| problem.text(i18n))}</p>
    }
}

/// What a token's scope lets it do, in a member's words.
fn scope_words(i18n: I18nContext<Locale>, scope: TokenScope) -> String {
    match scope {
        TokenScope::Sync => t_string!(i18n, account.scope_sync).to_string(),
        TokenScope::Read => t_string!(i18n, account.scope_read).to_string(),
        TokenScope::Write => t_string!(i18n, account.scope_write).to_string(),
        TokenScope::Account => t_string!(i18n, account.scope_account).to_string(),
    }
}

#[component]
fn AdminSettings() -> impl IntoView {
    let i18n = use_i18n();
    let settings = RwSignal::new(None::<InstanceSettings>);
    let invite = RwSignal::new(None::<Invite>);
    let problem = RwSignal::new(None::<Message>);
    leptos::task::spawn_local(async move {
        match api::instance_settings().await {
            Ok(current) => settings.set(Some(current)),
            Err(error) => problem.set(Some(refusal(error))),
        }
    });
    let set_invite_only = move |invite_only: bool| {
        problem.set(None);
        leptos::task::spawn_local(async move {
            match api::set_instance_settings(&InstanceSettings { invite_only }).await {
                Ok(()) => settings.set(Some(InstanceSettings { invite_only })),
                Err(error) => problem.set(Some(refusal(error))),
            }
        });
    };
    let create_invite = move |_| {
        problem.set(None);
        leptos::task::spawn_local(async move {
            match api::create_invite().await {
                Ok(created) => invite.set(Some(created)),
                Err(error) => problem.set(Some(refusal(error))),
            }
        });
    };
    view! {
        <label class="check">
            <input type="checkbox" disabled=move || settings.with(Option::is_none)
                prop:checked=move || settings.with(|s| s.as_ref().is_some_and(|s| s.invite_only))
                on:change=move |ev| set_invite_only(event_target_checked(&ev))/>
            " " {t!(i18n, account.invite_only)}
        </label>
        <p class="hint">{t!(i18n, account.invite_only_hint)}</p>
        <button type="button" on:click=create_invite>{t!(i18n, account.create_invite)}</button>
        {move || invite.get().map(|invite| {
            let expires_at_ms = invite.expires_at_ms;
            view! {
                <div class="secret" data-testid="invite-created">
                    <p>{move || {
                        let when = local_time(language(i18n), expires_at_ms);
                        tr!(i18n, account.invite_created, when).to_string()
                    }}</p>
                    <SecretField label=Signal::derive(move || t_string!(i18n, account.invite_code)) value=invite.code
                        testid="invite-code"/>
                </div>
            }
        })}
        <p class="problem" role="alert">{move || problem.get().map(|problem| problem.text(i18n))}</p>
    }
}

/// A read-only field holding a secret, selected on focus, with a copy button.
#[component]
fn SecretField(label: Signal<&'static str>, value: String, testid: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let copied = RwSignal::new(None::<Message>);
    let field = NodeRef::<html::Input>::new();
    let text = StoredValue::new(value.clone());
    let copy = move |_| {
        leptos::task::spawn_local(async move {
            let outcome = if copy_to_clipboard(&text.get_value()).await {
                message!(common.copied)
            } else {
                if let Some(field) = field.get_untracked() {
                    field.select();
                }
                message!(common.copy_unavailable)
            };
            copied.set(Some(outcome));
        });
    };
    view! {
        <span class="secret-field">
            <input readonly aria-label=label value=value data-testid=testid node_ref=field
                on:focus=move |ev| {
                    if let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                        input.select();
                    }
                }/>
            <button type="button" on:click=copy>{t!(i18n, common.copy)}</button>
        </span>
        <small role="status">{move || copied.get().map(|copied| copied.text(i18n))}</small>
    }
}

/// Copies `text`; false where the clipboard is not available (plain http on another host).
pub(crate) async fn copy_to_clipboard(text: &str) -> bool {
    let navigator = window().navigator();
    let available = window().is_secure_context()
        && js_sys::Reflect::get(&navigator, &"clipboard".into()).is_ok_and(|clipboard| !clipboard.is_undefined());
    if !available {
        return false;
    }
    wasm_bindgen_futures::JsFuture::from(navigator.clipboard().write_text(text)).await.is_ok()
}

/// A time in the browser's time zone, written the way the app's language writes it.
fn local_time(language: Language, ms: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    let tag = match language {
        Language::En => "en-GB",
        Language::Zh => "zh-CN",
    };
    String::from(date.to_locale_string(tag, &wasm_bindgen::JsValue::UNDEFINED))
}
