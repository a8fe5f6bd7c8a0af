//! Who may open a board and what they may do: the account's own access, which decides whether
//! the board page is editable, and the Members panel (成员), where owners add people by email,
//! change roles and remove members, and everybody else sees who is on the board.
//!
//! The access is known, in order, from this device's storage (the role when the board was
//! last opened online, so an offline viewer still gets a read-only board) and then from
//! `GET /api/boards/{id}/members`, whose 404 means the board does not exist or the account
//! is not a member.

use leptos::prelude::*;
use shared::api::{Member, Role};

use super::{role_badge, role_label};
use crate::{
    api::{self, FetchError},
    cache::BoardCache,
    i18n::*,
    language::{explain, refusal, Message},
};

/// What the account may do with the open board.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Neither this device nor the server has said yet.
    Checking,
    Member(Role),
    /// The board does not exist or the account is not a member.
    Refused,
    /// The server cannot be reached and this device never learnt the role: editing is
    /// allowed, and the server decides when the changes arrive.
    Unknown,
}

impl Access {
    pub fn can_edit(self) -> bool {
        match self {
            Access::Member(role) => role.can_edit(),
            Access::Unknown => true,
            Access::Checking | Access::Refused => false,
        }
    }

    fn can_manage_members(self) -> bool {
        matches!(self, Access::Member(role) if role.can_manage_members())
    }
}

/// The open board's members and the account's access, for the page and the panel.
#[derive(Clone, Copy)]
pub struct BoardAccess {
    pub access: RwSignal<Access>,
    /// `None` until the server has listed them.
    members: RwSignal<Option<Vec<Member>>>,
    /// Why the last change to the members failed.
    problem: RwSignal<Option<Message>>,
    document_id: StoredValue<String>,
    account_id: StoredValue<String>,
}

impl BoardAccess {
    /// Starts finding out the account's access to `document_id`.
    pub fn load(document_id: String, account_id: String) -> BoardAccess {
        let access = BoardAccess {
            access: RwSignal::new(Access::Checking),
            members: RwSignal::new(None),
            problem: RwSignal::new(None),
            document_id: StoredValue::new(document_id),
            account_id: StoredValue::new(account_id),
        };
        leptos::task::spawn_local(async move {
            if let Some(role) = access.cached_role().await {
                if access.access.get_untracked() == Access::Checking {
                    access.access.set(Access::Member(role));
                }
            }
            access.reload().await;
        });
        access
    }

    async fn cached_role(self) -> Option<Role> {
        let cache = BoardCache::open(&self.account_id.get_value()).await.ok()?;
        cache.board_role(&self.document_id.get_value()).await.ok().flatten()
    }

    /// Lists the members again and updates the account's access from the list.
    pub async fn reload(self) {
        let (document_id, account_id) = (self.document_id.get_value(), self.account_id.get_value());
        match api::members(&document_id).await {
            Ok(members) => match members.iter().find(|member| member.account_id == account_id) {
                Some(me) => {
                    let role = me.role;
                    self.access.set(Access::Member(role));
                    self.members.set(Some(members));
                    if let Ok(cache) = BoardCache::open(&account_id).await {
                        let _ = cache.save_board_role(&document_id, role).await;
                    }
                }
                None => self.lost_access().await,
            },
            Err(error) if error.status() == Some(404) => self.lost_access().await,
            // The app is on its way to the sign-in page.
            Err(error) if error.is_signed_out() => {}
            Err(error) => {
                if self.access.get_untracked() == Access::Checking {
                    self.access.set(Access::Unknown);
                }
                if error != FetchError::Unreachable {
                    self.problem.set(Some(Message::new(move |locale| {
                        trd!(locale, components.members_not_listed, reason = explain(locale, &error))
                    })));
                }
            }
        }
    }

    /// The board is gone or the account was removed: say so, and take the board off this
    /// device's offline list.
    async fn lost_access(self) {
        self.access.set(Access::Refused);
        self.members.set(None);
        if let Ok(cache) = BoardCache::open(&self.account_id.get_value()).await {
            let _ = cache.unlist_board(&self.document_id.get_value()).await;
        }
    }

    /// Runs one change to the members, then lists them again (the list is the truth: it also
    /// shows what someone else changed meanwhile). `done` hears whether the change was made.
    fn change(
        self,
        action: impl std::future::Future<Output = Result<(), FetchError>> + 'static,
        done: impl FnOnce(bool) + 'static,
    ) {
        self.problem.set(None);
        leptos::task::spawn_local(async move {
            match action.await {
                Ok(()) => done(true),
                Err(FetchError::Unreachable) => {
                    done(false);
                    self.problem.set(Some(message!(components.members_need_connection)))
                }
                Err(error) => {
                    done(false);
                    self.problem.set(Some(refusal(error)))
                }
            }
            self.reload().await;
        });
    }
}

#[component]
pub fn MembersPanel(access: BoardAccess) -> impl IntoView {
    let i18n = use_i18n();
    let manage = Memo::new(move |_| access.access.get().can_manage_members());
    let email = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Editor);
    let add = move || {
        let (document_id, new_email, new_role) =
            (access.document_id.get_value(), email.get_untracked(), role.get_untracked());
        access.change(
            async move { api::add_member(&document_id, new_email.trim().to_string(), new_role).await },
            move |added| {
                if added {
                    email.set(String::new())
                }
            },
        );
    };
    let rows = move || {
        let Some(members) = access.members.get() else {
            return view! { <p class="empty">{t!(i18n, components.members_when_online)}</p> }.into_any();
        };
        let me = access.account_id.get_value();
        let manage = manage.get();
        let rows = members.into_iter().map(|member| member_row(i18n, access, member, &me, manage)).collect_view();
        view! {
            <table>
                <thead><tr>
                    <th>{t!(i18n, components.name)}</th><th>{t!(i18n, components.email)}</th><th>{t!(i18n, components.role)}</th>
                    {manage.then(|| view! { <th>{t!(i18n, components.actions)}</th> })}
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };

    view! {
        <section class="members" data-testid="members">
            <h2>{t!(i18n, components.members)}</h2>
            {rows}
            <Show when=move || manage.get()>
                <form class="add-member" on:submit=move |ev| { ev.prevent_default(); add(); }>
                    <input type="email" required aria-label=move || t_string!(i18n, components.email_to_add) placeholder="colleague@example.com"
                        autocomplete="off" prop:value=email on:input=move |ev| email.set(event_target_value(&ev))/>
                    <select aria-label=move || t_string!(i18n, components.role_to_add)
                        on:change=move |ev| if let Some(chosen) = Role::parse(&event_target_value(&ev)) { role.set(chosen) }>
                        {Role::ALL.into_iter().map(|option| view! {
                            <option value=option.as_str() selected=move || role.get() == option>{move || role_label(option)}</option>
                        }).collect_view()}
                    </select>
                    <button type="submit">{t!(i18n, components.add_member)}</button>
                </form>
                <p class="hint">{t!(i18n, components.members_hint)}</p>
            </Show>
            <p class="problem" role="alert" data-testid="members-problem">{move || access.problem.get().map(|problem| problem.text(i18n))}</p>
        </section>
    }
}

fn member_row(i18n: I18nContext<Locale>, access: BoardAccess, member: Member, me: &str, manage: bool) -> impl IntoView {
    let is_me = member.account_id == me;
    let account_id = StoredValue::new(member.account_id.clone());
    let name = member.name.clone();
    let role_cell = if manage {
        let member_name = member.name.clone();
        let label = move || tr!(i18n, components.role_of, name = member_name.clone()).to_string();
        let current = member.role;
        view! {
            // `selected` picks the option when the select is made; the property follows the
            // role when the list is read again (an option's attribute no longer moves a
            // select someone has used).
            <select aria-label=label prop:value=current.as_str() on:change=move |ev| {
                let Some(role) = Role::parse(&event_target_value(&ev)) else { return };
                let (document_id, account_id) = (access.document_id.get_value(), account_id.get_value());
                // A refused change puts the stored role back: the list reloads with the same
                // values, which leaves the control as the person set it.
                let select: web_sys::HtmlSelectElement = event_target(&ev);
                let stored = member.role;
                access.change(async move { api::change_role(&document_id, &account_id, role).await }, move |changed| {
                    if !changed {
                        select.set_value(stored.as_str());
                    }
                });
            }>
                {Role::ALL.into_iter().map(|option| view! {
                    <option value=option.as_str() selected=member.role == option>{move || role_label(option)}</option>
                }).collect_view()}
            </select>
        }
        .into_any()
    } else {
        role_badge(member.role).into_any()
    };
    let actions = manage.then(|| {
        // What the button says is its accessible name, or begins it (a voice user says what
        // they see).
        let text = move || {
            if is_me {
                t_string!(i18n, components.leave_board)
            } else {
                t_string!(i18n, components.remove)
            }
        };
        let label = move || {
            if is_me {
                t_string!(i18n, components.leave_board).to_string()
            } else {
                tr!(i18n, components.remove_named, name = name.clone()).to_string()
            }
        };
        view! {
            <td class="actions">
                <button type="button" class="danger" aria-label=label.clone() title=label on:click=move |_| {
                    let (document_id, account_id) = (access.document_id.get_value(), account_id.get_value());
                    access.change(async move { api::remove_member(&document_id, &account_id).await }, |_| {});
                }>{text}</button>
            </td>
        }
    });
    view! {
        <tr data-testid="member-row" data-account-id=member.account_id.clone()>
            <td>{member.name.clone()}{is_me.then_some(move || t_string!(i18n, components.you))}</td>
            <td>{member.email.clone()}</td>
            <td>{role_cell}</td>
            {actions}
        </tr>
    }
}
