//! The HTML shell every page of the app starts from.
//!
//! The board lives in the browser (IndexedDB) and arrives by sync, so the server has nothing
//! board-specific to render. Every app route gets the same shell, which loads the wasm app
//! and lets it mount and route on the client. Because the shell is the same for every URL, the
//! service worker can answer any page from one cached copy when the server is unreachable.

use axum::{body::Body, extract::State, http::Request, response::IntoResponse};

use crate::AppState;

pub async fn page(State(state): State<AppState>, request: Request<Body>) -> impl IntoResponse {
    let options = state.leptos_options.clone();
    let render = leptos_axum::render_app_to_stream(move || app::shell(options.clone()));
    render(request).await
}
