//! The HTML shell every page of the app starts from.
//!
//! The board lives in the browser (IndexedDB) and arrives by sync, so the server has nothing
//! board-specific to render. Every app route gets the same shell, which loads the wasm app
//! and lets it mount and route on the client. Because the shell is the same for every URL, the
//! service worker can answer any page from one cached copy when the server is unreachable.
//!
//! The shell is in the reader's language, so that the first paint already is: the language
//! this device chose (the `pmo_lang` cookie), else the one the browser prefers
//! (`Accept-Language`). The app starts from the shell's `<html lang>`.

use axum::{
    body::Body,
    extract::State,
    http::{header, HeaderMap, HeaderValue, Request},
    response::IntoResponse,
};
use shared::api::{Locale, LANGUAGE_COOKIE};

use crate::{auth, AppState};

pub async fn page(State(state): State<AppState>, request: Request<Body>) -> impl IntoResponse {
    let options = state.leptos_options.clone();
    let language = language(request.headers());
    let render = leptos_axum::render_app_to_stream(move || app::shell(options.clone(), language));
    let mut response = render(request).await;
    // A cache between here and the browser must keep one copy per language.
    response.headers_mut().insert(header::VARY, HeaderValue::from_static("Accept-Language, Cookie"));
    response
}

/// The language to render the shell in: this device's choice, else the browser's preference.
pub fn language(headers: &HeaderMap) -> Locale {
    let chosen = auth::cookie(headers, LANGUAGE_COOKIE).and_then(Locale::parse);
    chosen.unwrap_or_else(|| {
        let accepted = headers.get(header::ACCEPT_LANGUAGE).and_then(|value| value.to_str().ok()).unwrap_or_default();
        Locale::negotiate(accepted)
    })
}
