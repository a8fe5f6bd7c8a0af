//! PMO Board's user interface.
//!
//! The server renders only [`shell`], the same HTML for every page. In the browser,
//! [`hydrate`] mounts the [`App`](pages::App) into it and routes on the client. Boards are
//! local-first: a [`session::BoardSession`] keeps the open board in IndexedDB
//! ([`cache::BoardCache`], one database per account) and syncs it with the server over a
//! WebSocket, driving the pure protocol client from `shared::sync`. [`account`] knows who is
//! signed in (or, offline, who last was), and [`api`] is the one place HTTP requests are made.
//!
//! Every word the app shows comes from the catalogues under `locales/` ([`i18n`]), in the
//! language of [`language`]. Everything but the shell is compiled for the browser only
//! (feature `hydrate`).

// Leptos views are deeply nested types; the release build needs more room to lay them out.
#![recursion_limit = "512"]

use leptos::prelude::*;

/// The catalogues of `locales/`, compiled into typed keys: `i18n::Locale` (`en`, `zh`), the
/// provider and `t!`, `t_string!`, `td_string!`. A key the code uses that English lacks, or a
/// catalogue that is not valid JSON, stops the build; a key Chinese lacks is caught by
/// `language::tests` (see ARCHITECTURE.md, "Languages").
// `load_locales!` reads the catalogues' list from `[package.metadata.leptos-i18n]`. leptos_i18n
// 0.6 would rather generate this module in a build script, but its build crate brings ICU's
// data generator (with a WebAssembly runtime) into every build for nothing we use.
#[allow(deprecated)]
mod catalogues {
    leptos_i18n::load_locales!();
}

/// The catalogues' typed keys and macros, and the context type the pages pass around.
pub mod i18n {
    pub use super::catalogues::i18n::*;
    pub use leptos_i18n::I18nContext;
}

/// The document every page starts from, in `language` (from the `pmo_lang` cookie or the
/// browser's `Accept-Language`): styles, the manifest and the script that loads the wasm app.
/// The body holds a message for the moment before the app mounts.
pub fn shell(options: LeptosOptions, language: language::Language) -> impl IntoView {
    let locale = language::catalogue_locale(language);
    view! {
        <!DOCTYPE html>
        <html lang=language.code()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="theme-color" content="#1f4e79"/>
                <title>{i18n::td_string!(locale, common.app_name)}</title>
                <link rel="manifest" href="/manifest.webmanifest"/>
                <link rel="icon" href="/icon.svg" type="image/svg+xml"/>
                <link rel="stylesheet" href=format!("/{}/{}.css", options.site_pkg_dir, options.output_name)/>
                <HydrationScripts options/>
            </head>
            <body>
                <div id="app">
                    <p class="boot">{i18n::td_string!(locale, common.loading_app)}</p>
                    <noscript>{i18n::td_string!(locale, common.needs_javascript)}</noscript>
                </div>
            </body>
        </html>
    }
}

/// A catalogue text with its `{variables}` filled in, as a `String`:
/// `tr!(i18n, board_list.offline, count, name = account.name)`.
///
/// leptos_i18n's own `{{ variable }}` interpolation needs code its `load_locales!` cannot be
/// asked to generate (the `interpolate_display` option of its build script), so variables are
/// written `{name}` in the catalogues and filled in here; `language::tests` checks that both
/// languages use the same variables.
#[cfg_attr(not(feature = "hydrate"), allow(unused_macros))]
macro_rules! tr {
    (@value $var:ident) => { $var };
    (@value $var:ident, $value:expr) => { $value };
    ($i18n:expr, $($key:ident).+ $(, $var:ident $(= $value:expr)?)* $(,)?) => {
        $crate::language::fill(
            $crate::i18n::t_string!($i18n, $($key).+),
            &[$((stringify!($var), &tr!(@value $var $(, $value)?) as &dyn ::std::fmt::Display)),*],
        )
    };
}

/// [`tr!`] for a catalogue locale instead of the context (`td_string!`), for the words that run
/// outside a view too (see [`words`]): `trd!(locale, reasons.empty, what = noun)`.
macro_rules! trd {
    (@value $var:ident) => { $var };
    (@value $var:ident, $value:expr) => { $value };
    ($locale:expr, $($key:ident).+ $(, $var:ident $(= $value:expr)?)* $(,)?) => {
        $crate::language::fill(
            $crate::i18n::td_string!($locale, $($key).+),
            &[$((stringify!($var), &trd!(@value $var $(, $value)?) as &dyn ::std::fmt::Display)),*],
        )
    };
}

/// A [`language::Message`] from a catalogue key and its values, worded when it is shown:
/// `message!(risks.pick_project)`, `message!(timetravel.on_date_too_early, day = text)`. The
/// values are moved into the message (clone what is still needed), and evaluated each time it
/// is worded.
#[cfg_attr(not(feature = "hydrate"), allow(unused_macros))]
macro_rules! message {
    ($($key:ident).+ $(, $var:ident $(= $value:expr)?)* $(,)?) => {
        $crate::language::Message::new(move |locale| trd!(locale, $($key).+ $(, $var $(= $value)?)*))
    };
}

pub mod account;
#[cfg(feature = "hydrate")]
pub mod api;
#[cfg(feature = "hydrate")]
pub mod cache;
#[cfg(feature = "hydrate")]
pub mod components;
pub mod cookies;
pub mod language;
#[cfg(test)]
mod layering;
#[cfg(feature = "hydrate")]
pub mod pages;
#[cfg(feature = "hydrate")]
pub mod session;
#[cfg(feature = "hydrate")]
pub mod set_aside;
pub mod words;

/// The wasm entry point, called by the shell's script.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    use wasm_bindgen::JsCast;

    console_error_panic_hook::set_once();
    // Every change is stamped with when it was made (seconds, Automerge's convention): the
    // history shows it beside when the server received it.
    shared::board::set_change_clock(|| (js_sys::Date::now() / 1000.0) as i64);
    register_service_worker();
    // Before any board opens the database of an account that signed out asking for its boards
    // to be removed from this device.
    wasm_bindgen_futures::spawn_local(account::finish_removing_boards());
    language::prepare_document();
    let document = leptos::prelude::document();
    let root = document
        .get_element_by_id("app")
        .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok())
        .unwrap_or_else(|| document.body().expect("the shell has a body"));
    root.set_inner_html("");
    // The app lives as long as the page: the handle is never unmounted.
    std::mem::forget(leptos::mount::mount_to(root, pages::App));
}

/// The service worker caches the shell, wasm, JS and CSS so that a reload works offline.
#[cfg(feature = "hydrate")]
fn register_service_worker() {
    let navigator = leptos::prelude::window().navigator();
    let container = navigator.service_worker();
    let _ = container.register("/sw.js");
}
