//! PMO Board's user interface.
//!
//! The server renders only [`shell`], the same HTML for every page. In the browser,
//! [`hydrate`] mounts the [`App`](pages::App) into it and routes on the client. Boards are
//! local-first: a [`session::BoardSession`] keeps the open board in IndexedDB
//! ([`cache::BoardCache`], one database per account) and syncs it with the server over a
//! WebSocket, driving the pure protocol client from `shared::sync`. [`account`] knows who is
//! signed in (or, offline, who last was), and [`api`] is the one place HTTP requests are made.
//!
//! Everything but the shell is compiled for the browser only (feature `hydrate`).

// Leptos views are deeply nested types; the release build needs more room to lay them out.
#![recursion_limit = "256"]

use leptos::prelude::*;

/// The document every page starts from: styles, the manifest and the script that loads the
/// wasm app. The body holds a message for the moment before the app mounts.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="theme-color" content="#1f4e79"/>
                <title>"PMO Board"</title>
                <link rel="manifest" href="/manifest.webmanifest"/>
                <link rel="icon" href="/icon.svg" type="image/svg+xml"/>
                <link rel="stylesheet" href=format!("/{}/{}.css", options.site_pkg_dir, options.output_name)/>
                <HydrationScripts options/>
            </head>
            <body>
                <div id="app">
                    <p class="boot">"Loading PMO Board… " <span lang="zh">"正在加载"</span></p>
                    <noscript>"PMO Board needs JavaScript and WebAssembly."</noscript>
                </div>
            </body>
        </html>
    }
}

pub mod account;
#[cfg(feature = "hydrate")]
pub mod api;
#[cfg(feature = "hydrate")]
pub mod cache;
#[cfg(feature = "hydrate")]
pub mod components;
#[cfg(feature = "hydrate")]
pub mod pages;
#[cfg(feature = "hydrate")]
pub mod session;

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
