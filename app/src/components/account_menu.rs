//! The account menu in the header: who is signed in, signing out, the password, personal API
//! tokens (for scripts and automerge-repo clients), and for the instance admin, whether
//! sign-up needs an invite and making invite codes.
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

    view! {
        <div class="account" node_ref=container>
            <button type="button" class="account-toggle" node_ref=toggle aria-haspopup="true"
                aria-expanded=move || open.get().to_string() aria-controls="account-menu" data-testid="account-menu-button"
                on:click=move |_| open.update(|open| *open = !*open)>
                {name}{move || offline.get().then_some(" (offline)")}" ▾"
            </button>
            <Show when=move || open.get()>
                <div id="account-menu" class="account-menu" role="group" aria-label="Account" data-testid="account-menu">
                    <p class="who">
                        <strong>{account.name.clone()}</strong><br/>
                        <small>{account.email.clone()}</small>
                        {admin.then(|| view! { <small class="admin">" · admin " <span lang="zh">"管理员"</span></small> })}
                    </p>
                    <SignOut/>
                    <details>
                        <summary>"Change password " <span class="zh" lang="zh">"修改密码"</span></summary>
                        <ChangePassword/>
                    </details>
                    <details>
                        <summary>"API tokens " <span class="zh" lang="zh">"访问令牌"</span></summary>
                        <Tokens/>
                    </details>
                    {admin.then(|| view! {
                        <details>
                            <summary>"Sign-up and invites " <span class="zh" lang="zh">"注册与邀请"</span></summary>
                            <AdminSettings/>
                        </details>
                    })}
                </div>
            </Show>
        </div>
    }
}

/// Why an account action failed, for the person.
fn explain(error: FetchError) -> String {
    match error {
        FetchError::Unreachable => "The server cannot be reached: try again when you are online.".into(),
        error => error.to_string(),
    }
}

#[component]
fn SignOut() -> impl IntoView {
    let problem = RwSignal::new(None::<String>);
    let navigate = StoredValue::new_local(use_navigate());
    let sign_out = move |_| {
        problem.set(None);
        leptos::task::spawn_local(async move {
            match api::sign_out().await {
                // A 401: the session had already ended; signed out all the same.
                Ok(()) | Err(FetchError::Refused { status: 401, .. }) => {
                    Auth::get().signed_out(true);
                    navigate.with_value(|navigate| {
                        navigate(SIGN_IN_PATH, NavigateOptions { replace: true, ..Default::default() })
                    });
                }
                Err(error) => problem.set(Some(explain(error))),
            }
        });
    };
    view! {
        <button type="button" class="sign-out" on:click=sign_out>"Sign out"</button>
        <p class="problem" role="alert">{problem}</p>
    }
}

#[component]
fn ChangePassword() -> impl IntoView {
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let keep_tokens = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let outcome = RwSignal::new(None::<Result<bool, String>>);
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
                Err(FetchError::Refused { status: 401, message, .. }) if message.starts_with("the server answered") => {
                    Err("The current password is not right.".into())
                }
                Err(error) => Err(explain(error)),
            };
            outcome.set(Some(result));
            busy.set(false);
        });
    };
    view! {
        <form class="stacked" on:submit=move |ev| { ev.prevent_default(); submit(); }>
            <label for="password-current">"Current password"</label>
            <input id="password-current" type="password" autocomplete="current-password" required
                prop:value=current on:input=move |ev| current.set(event_target_value(&ev))/>
            <label for="password-new">"New password"</label>
            <input id="password-new" type="password" autocomplete="new-password" required minlength=PASSWORD_MIN_CHARS
                prop:value=new on:input=move |ev| new.set(event_target_value(&ev))/>
            <small class="hint">{format!("At least {PASSWORD_MIN_CHARS} characters. Your other devices will be signed out, and your API tokens revoked unless you keep them.")}</small>
            <label class="check">
                <input type="checkbox" prop:checked=keep_tokens on:change=move |ev| keep_tokens.set(event_target_checked(&ev))/>
                "Keep my API tokens working"
            </label>
            <button type="submit" disabled=busy>{move || if busy.get() { "Changing…" } else { "Change password" }}</button>
            {move || outcome.get().map(|outcome| match outcome {
                Ok(true) => view! { <p class="done" role="status">"Password changed. Other devices are signed out; your API tokens still work."</p> }.into_any(),
                Ok(false) => view! { <p class="done" role="status">"Password changed. Other devices are signed out and your API tokens are revoked."</p> }.into_any(),
                Err(message) => view! { <p class="problem" role="alert">{message}</p> }.into_any(),
            })}
        </form>
    }
}

#[component]
fn Tokens() -> impl IntoView {
    let tokens = RwSignal::new(None::<Vec<TokenSummary>>);
    let created = RwSignal::new(None::<CreatedToken>);
    let name = RwSignal::new(String::new());
    // Syncing and reading come with every token; these two are asked for.
    let may_write = RwSignal::new(false);
    let may_manage_account = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let reload = move || {
        leptos::task::spawn_local(async move {
            match api::tokens().await {
                Ok(list) => tokens.set(Some(list)),
                Err(error) => problem.set(Some(explain(error))),
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
                Err(error) => problem.set(Some(explain(error))),
            }
            reload();
        });
    };
    let revoke = move |id: String| {
        problem.set(None);
        leptos::task::spawn_local(async move {
            if let Err(error) = api::revoke_token(&id).await {
                problem.set(Some(explain(error)));
            }
            if created.with_untracked(|created| created.as_ref().is_some_and(|created| created.token.id == id)) {
                created.set(None);
            }
            reload();
        });
    };

    view! {
        <p class="hint">"A token lets a script or an automerge-repo client act as you: send it as "
            <code>"Authorization: Bearer …"</code>" or "<code>"?token=…"</code>" on the sync URL."</p>
        {move || created.get().map(|created| view! {
            <div class="secret" data-testid="token-created">
                <p>{format!("Token “{}” created. Copy it now: it is shown only once.", created.token.name)}</p>
                <SecretField label="New token" value=created.secret testid="token-secret"/>
            </div>
        })}
        <form class="stacked" on:submit=move |ev| { ev.prevent_default(); create(); }>
            <input aria-label="Token name" placeholder="what it is for, e.g. nightly report" required
                prop:value=name on:input=move |ev| name.set(event_target_value(&ev))/>
            <small class="hint">"Every token syncs your boards and reads the API. It may also:"</small>
            <label class="check">
                <input type="checkbox" prop:checked=may_write on:change=move |ev| may_write.set(event_target_checked(&ev))/>
                "Change boards and members through the API"
            </label>
            <label class="check">
                <input type="checkbox" prop:checked=may_manage_account
                    on:change=move |ev| may_manage_account.set(event_target_checked(&ev))/>
                "Make and revoke tokens, change the password"
            </label>
            <button type="submit">"Create token"</button>
        </form>
        {move || match tokens.get() {
            None => view! { <p class="progress">"Loading tokens…"</p> }.into_any(),
            Some(list) if list.is_empty() => view! { <p class="empty">"No tokens."</p> }.into_any(),
            Some(list) => view! {
                <ul class="tokens" data-testid="tokens">
                    {list.into_iter().map(|token| {
                        let id = token.id.clone();
                        let used = token.last_used_at_ms.map_or_else(|| "never used".to_string(), |ms| format!("last used {}", local_time(ms)));
                        let may = token.scopes.iter().map(|scope| scope_words(*scope)).collect::<Vec<_>>().join(", ");
                        view! {
                            <li>
                                <span><strong>{token.name.clone()}</strong><br/>
                                    <small>{format!("may {may}")}</small><br/>
                                    <small>{format!("created {} · {used}", local_time(token.created_at_ms))}</small></span>
                                <button type="button" class="danger" aria-label=format!("Revoke {}", token.name)
                                    on:click=move |_| revoke(id.clone())>"Revoke"</button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any(),
        }}
        <p class="problem" role="alert">{problem}</p>
    }
}

/// What a token's scope lets it do, in a member's words.
fn scope_words(scope: TokenScope) -> &'static str {
    match scope {
        TokenScope::Sync => "sync boards",
        TokenScope::Read => "read",
        TokenScope::Write => "change boards and members",
        TokenScope::Account => "manage tokens and the password",
    }
}

#[component]
fn AdminSettings() -> impl IntoView {
    let settings = RwSignal::new(None::<InstanceSettings>);
    let invite = RwSignal::new(None::<Invite>);
    let problem = RwSignal::new(None::<String>);
    leptos::task::spawn_local(async move {
        match api::instance_settings().await {
            Ok(current) => settings.set(Some(current)),
            Err(error) => problem.set(Some(explain(error))),
        }
    });
    let set_invite_only = move |invite_only: bool| {
        problem.set(None);
        leptos::task::spawn_local(async move {
            match api::set_instance_settings(&InstanceSettings { invite_only }).await {
                Ok(()) => settings.set(Some(InstanceSettings { invite_only })),
                Err(error) => problem.set(Some(explain(error))),
            }
        });
    };
    let create_invite = move |_| {
        problem.set(None);
        leptos::task::spawn_local(async move {
            match api::create_invite().await {
                Ok(created) => invite.set(Some(created)),
                Err(error) => problem.set(Some(explain(error))),
            }
        });
    };
    view! {
        <label class="check">
            <input type="checkbox" disabled=move || settings.with(Option::is_none)
                prop:checked=move || settings.with(|s| s.as_ref().is_some_and(|s| s.invite_only))
                on:change=move |ev| set_invite_only(event_target_checked(&ev))/>
            " Sign-up by invite only"
        </label>
        <p class="hint">"When on, new people need an invite code to create an account."</p>
        <button type="button" on:click=create_invite>"Create invite code"</button>
        {move || invite.get().map(|invite| view! {
            <div class="secret" data-testid="invite-created">
                <p>{format!("Give this code to one person; it works once, until {}.", local_time(invite.expires_at_ms))}</p>
                <SecretField label="Invite code" value=invite.code testid="invite-code"/>
            </div>
        })}
        <p class="problem" role="alert">{problem}</p>
    }
}

/// A read-only field holding a secret, selected on focus, with a copy button.
#[component]
fn SecretField(label: &'static str, value: String, testid: &'static str) -> impl IntoView {
    let copied = RwSignal::new(None::<&'static str>);
    let field = NodeRef::<html::Input>::new();
    let text = StoredValue::new(value.clone());
    let copy = move |_| {
        leptos::task::spawn_local(async move {
            let outcome = if copy_to_clipboard(&text.get_value()).await {
                "Copied."
            } else {
                if let Some(field) = field.get_untracked() {
                    field.select();
                }
                "This browser does not allow copying here: the text is selected, press Ctrl+C."
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
            <button type="button" on:click=copy>"Copy"</button>
        </span>
        <small role="status">{copied}</small>
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

/// A time in the browser's time zone and language.
fn local_time(ms: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    String::from(date.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED))
}
