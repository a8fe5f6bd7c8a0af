//! The pages, one module each, and the router that picks one per URL.
//!
//! Every page of a board lives inside the board's frame ([`board::BoardPage`]), which opens
//! the board once and hands it to the page as a [`board::BoardContext`]. Pages read plain
//! signals from the session and change the board only through [`board::BoardContext::apply`],
//! so every edit is validated by `shared`, stored and synced the same way. Every mouse action
//! has a keyboard path, and every field commits on Enter or when it loses focus.
//!
//! Every word comes from the catalogues in the reader's language (`t!(i18n, <namespace>.<key>)`,
//! one namespace per page, see [`crate::language`]); every figure from `shared::format`.

pub mod baselines;
pub mod board;
pub mod board_list;
pub mod dashboard;
pub mod data;
pub mod decisions;
pub mod finance;
pub mod history;
pub mod lessons;
pub mod overview;
pub mod priorities;
pub mod project;
pub mod report;
pub mod resource_plan;
pub mod resources;
pub mod risks;
pub mod scenarios;
pub mod scoring;
pub mod selection;
pub mod settings;
pub mod sign_in;
pub mod strategy;

use leptos::prelude::*;
use leptos_router::{
    components::{ParentRoute, Route, Router, Routes, A},
    hooks::{use_location, use_navigate},
    path, NavigateOptions,
};
use shared::api::Account;

use crate::{
    account::{sign_in_url, Auth, AuthState, SIGN_IN_PATH},
    components::header::Header,
    i18n::*,
    language::follow_account_language,
};
use board::BoardPage;
use board_list::BoardList;

#[component]
pub fn App() -> impl IntoView {
    leptos::task::spawn_local(Auth::get().check());
    // The language starts from the page's `lang` (the server's choice, or this device's, see
    // `language::prepare_document`); the cookie is written by `language::choose`, with the
    // path and lifetime the server needs.
    view! {
        <I18nContextProvider enable_cookie=false>
            <Routed/>
        </I18nContextProvider>
    }
}

#[component]
fn Routed() -> impl IntoView {
    follow_account_language();
    let i18n = use_i18n();
    view! {
        <Router>
            <SignInRedirect/>
            <Routes fallback=move || view! {
                <p class="notice">{t!(i18n, common.no_such_page)} " " <A href="/">{t!(i18n, common.see_all_boards)}</A></p>
            }>
                <Route path=path!("/") view=|| with_account(|account| view! { <BoardList account/> })/>
                <Route path=path!("/signin") view=sign_in::SignInPage/>
                <ParentRoute path=path!("/board/:id") view=BoardPage>
                    <Route path=path!("") view=overview::OverviewPage/>
                    <Route path=path!("dashboard") view=dashboard::DashboardPage/>
                    <Route path=path!("strategy") view=strategy::StrategyPage/>
                    <Route path=path!("scoring") view=scoring::ScoringPage/>
                    <Route path=path!("selection") view=selection::SelectionPage/>
                    <Route path=path!("settings") view=settings::SettingsPage/>
                    <Route path=path!("project/:project") view=project::ProjectPage/>
                    <Route path=path!("risks") view=risks::RisksPage/>
                    <Route path=path!("resources") view=resources::ResourcesPage/>
                    <Route path=path!("finance") view=finance::FinancePage/>
                    <Route path=path!("lessons") view=lessons::LessonsPage/>
                    <Route path=path!("history") view=history::HistoryPage/>
                    <Route path=path!("decisions") view=decisions::DecisionsPage/>
                    <Route path=path!("decisions/:decision") view=decisions::DecisionVersionPage/>
                    <Route path=path!("baselines") view=baselines::BaselinesPage/>
                    <Route path=path!("scenarios") view=scenarios::ScenariosPage/>
                    <Route path=path!("report") view=report::ReportPage/>
                    <Route path=path!("data") view=data::DataPage/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// Sends a signed-out person to the sign-in page, which brings them back here afterwards.
/// Offline, nobody is sent anywhere: the remembered account's boards stay open.
#[component]
fn SignInRedirect() -> impl IntoView {
    let navigate = use_navigate();
    let pathname = use_location().pathname;
    // Also on every navigation: a signed-out person who follows a link is sent along too.
    Effect::new(move || {
        let path = pathname.get();
        if Auth::get().state.get() == AuthState::SignedOut && !path.starts_with(SIGN_IN_PATH) {
            navigate(&sign_in_url(&path), NavigateOptions { replace: true, ..Default::default() });
        }
    });
}

/// Renders `page` for the account in use (signed in, or remembered while offline), or says
/// why there is none. The page is rebuilt only when the account changes.
pub(crate) fn with_account<V: IntoView + 'static>(
    page: impl Fn(Account) -> V + Send + Sync + 'static,
) -> impl IntoView {
    let account = Memo::new(move |_| Auth::get().account());
    let i18n = use_i18n();
    move || match account.get() {
        Some(account) => page(account).into_any(),
        None => {
            let message = match Auth::get().state.get() {
                AuthState::Checking | AuthState::SignedIn(_) => {
                    view! { <p class="progress" role="status">{t!(i18n, common.loading)}</p> }.into_any()
                }
                AuthState::SignedOut => view! {
                    <p class="notice" role="status">
                        {t!(i18n, common.signed_out)} " " <A href=SIGN_IN_PATH>{t!(i18n, common.sign_in)}</A>
                    </p>
                }
                .into_any(),
                AuthState::Offline(_) => view! {
                    <p class="notice" role="status">{t!(i18n, common.offline_nobody_signed_in)}</p>
                }
                .into_any(),
            };
            view! { <Header/> <main>{message}</main> }.into_any()
        }
    }
}
