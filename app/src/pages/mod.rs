//! The pages, one module each, and the router that picks one per URL.
//!
//! Every page of a board lives inside the board's frame ([`board::BoardPage`]), which opens
//! the board once and hands it to the page as a [`BoardContext`]. Pages read plain
//! signals from the session and change the board only through [`BoardContext::apply`],
//! so every edit is validated by `shared`, stored and synced the same way. Every mouse action
//! has a keyboard path, and every field commits on Enter or when it loses focus.
//!
//! Every word comes from the catalogues in the reader's language (`t!(i18n, <namespace>.<key>)`,
//! one namespace per page, see [`crate::language`]); every figure from `shared::format`.
//!
//! [`BoardContext`]: crate::components::board_context::BoardContext
//! [`BoardContext::apply`]: crate::components::board_context::BoardContext::apply

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
    lazy_route, path, Lazy, LazyRoute, NavigateOptions,
};

use crate::{
    account::{sign_in_url, Auth, AuthState, SIGN_IN_PATH},
    components::signed_in::with_account,
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
                    <Route path=path!("") view={Lazy::<OverviewRoute>::new()}/>
                    <Route path=path!("dashboard") view={Lazy::<DashboardRoute>::new()}/>
                    <Route path=path!("strategy") view={Lazy::<StrategyRoute>::new()}/>
                    <Route path=path!("scoring") view={Lazy::<ScoringRoute>::new()}/>
                    <Route path=path!("selection") view={Lazy::<SelectionRoute>::new()}/>
                    <Route path=path!("settings") view={Lazy::<SettingsRoute>::new()}/>
                    <Route path=path!("project/:project") view={Lazy::<ProjectRoute>::new()}/>
                    <Route path=path!("risks") view={Lazy::<RisksRoute>::new()}/>
                    <Route path=path!("resources") view={Lazy::<ResourcesRoute>::new()}/>
                    <Route path=path!("finance") view={Lazy::<FinanceRoute>::new()}/>
                    <Route path=path!("lessons") view={Lazy::<LessonsRoute>::new()}/>
                    <Route path=path!("history") view={Lazy::<HistoryRoute>::new()}/>
                    <Route path=path!("decisions") view={Lazy::<DecisionsRoute>::new()}/>
                    <Route path=path!("decisions/:decision") view={Lazy::<DecisionVersionRoute>::new()}/>
                    <Route path=path!("baselines") view={Lazy::<BaselinesRoute>::new()}/>
                    <Route path=path!("scenarios") view={Lazy::<ScenariosRoute>::new()}/>
                    <Route path=path!("report") view={Lazy::<ReportRoute>::new()}/>
                    <Route path=path!("data") view={Lazy::<DataRoute>::new()}/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// A page of a board whose code is loaded when it is first opened: `scripts/build-site.sh`
/// splits each such page (and what only it uses: the solver, the XLSX reader and writer…) out
/// of the main WebAssembly module into a chunk of its own, so a first load fetches the frame
/// and the page it opens, not every page. The service worker keeps every chunk for offline use.
macro_rules! lazy_pages {
    ($($route:ident => $page:path),* $(,)?) => {$(
        struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(_this: Self) -> AnyView {
                untrack(|| $page().into_any())
            }
        }
    )*};
}

lazy_pages! {
    OverviewRoute => overview::OverviewPage,
    DashboardRoute => dashboard::DashboardPage,
    StrategyRoute => strategy::StrategyPage,
    ScoringRoute => scoring::ScoringPage,
    SelectionRoute => selection::SelectionPage,
    SettingsRoute => settings::SettingsPage,
    ProjectRoute => project::ProjectPage,
    RisksRoute => risks::RisksPage,
    ResourcesRoute => resources::ResourcesPage,
    FinanceRoute => finance::FinancePage,
    LessonsRoute => lessons::LessonsPage,
    HistoryRoute => history::HistoryPage,
    DecisionsRoute => decisions::DecisionsPage,
    DecisionVersionRoute => decisions::DecisionVersionPage,
    BaselinesRoute => baselines::BaselinesPage,
    ScenariosRoute => scenarios::ScenariosPage,
    ReportRoute => report::ReportPage,
    DataRoute => data::DataPage,
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
