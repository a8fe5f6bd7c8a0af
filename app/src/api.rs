//! The server's HTTP API (`/api/…`) as async functions: the one place the app makes requests.
//!
//! Every call goes through [`request`], which sends and reads JSON and adds the CSRF header
//! (`X-CSRF-Token`, the value of the `pmo_csrf` cookie) to every request that changes
//! something: the server refuses a POST, PUT or DELETE made with the session cookie without it.
//! Answers come back as the contract's types (`shared::api`) or as a [`FetchError`] whose text
//! a person can act on. A 401 from anything but the sign-in forms means the session has ended,
//! and the app is told so (the hook [`when_session_ends`], which `account::Auth` sets), which
//! sends the person to sign in.

use gloo_net::http::{Method, RequestBuilder};
use serde::{de::DeserializeOwned, Serialize};
use shared::api::{
    ApiError, BoardSummary, CreatedToken, ErrorCode, InstanceSettings, Invite, Me, Member, MergeOutcome, NewBoard,
    NewMember, NewScenario, NewToken, PasswordChange, Role, RoleChange, ScenarioSummary, SignIn, SignUp, TokenScope,
    TokenSummary, CSRF_COOKIE, CSRF_HEADER,
};
use wasm_bindgen::JsCast;

use crate::cookies::cookie_value;

thread_local! {
    static SESSION_ENDED: std::cell::Cell<Option<fn()>> = const { std::cell::Cell::new(None) };
}

/// What to do when a request finds that the session has ended (a 401 from anything but the
/// sign-in forms). Set once, by the app's sign-in state (`account::Auth`), so that this module
/// needs nothing of it.
pub fn when_session_ends(then: fn()) {
    SESSION_ENDED.with(|hook| hook.set(Some(then)));
}

/// Why a request did not give what was asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// No answer: this device is offline or the server is down.
    #[error("the server cannot be reached")]
    Unreachable,
    /// The server answered with an error: `message` is its `ApiError` (in English), or the
    /// status; `code` says which error it is, for the catalogue (`language::explain`).
    #[error("{message}")]
    Refused { status: u16, code: ErrorCode, message: String, retry_after_secs: Option<u64> },
    /// The answer does not match the contract (a server of another version?).
    #[error("the server's answer could not be read ({0}); reload the page")]
    BadAnswer(String),
}

impl FetchError {
    pub fn status(&self) -> Option<u16> {
        match self {
            FetchError::Refused { status, .. } => Some(*status),
            _ => None,
        }
    }

    pub fn is_signed_out(&self) -> bool {
        self.status() == Some(401)
    }
}

/// What a 401 means for one request.
#[derive(Clone, Copy, PartialEq, Eq)]
enum OnUnauthorized {
    /// The session has ended: tell the app, which sends the person to sign in.
    SessionEnded,
    /// The caller handles it (wrong password on a form, or the session check itself).
    Report,
}

/// Sends one request. `body` is sent as JSON; the answer is read as `R` (use `()` for an
/// empty answer such as 204).
async fn request<B: Serialize, R: DeserializeOwned + 'static>(
    method: Method,
    path: &str,
    body: Option<&B>,
    on_unauthorized: OnUnauthorized,
) -> Result<R, FetchError> {
    let mut builder = RequestBuilder::new(path).method(method.clone()).header("accept", "application/json");
    if method != Method::GET {
        builder = builder.header(CSRF_HEADER, &csrf_token().await);
    }
    let request = match body {
        Some(body) => builder.json(body),
        None => builder.build(),
    }
    .map_err(|error| FetchError::BadAnswer(error.to_string()))?;
    let response = request.send().await.map_err(|_| FetchError::Unreachable)?;
    answer(response, on_unauthorized).await
}

/// Reads an answer: the contract's type, or the server's error.
async fn answer<R: DeserializeOwned + 'static>(
    response: gloo_net::http::Response,
    on_unauthorized: OnUnauthorized,
) -> Result<R, FetchError> {
    let status = response.status();
    if !response.ok() {
        let retry_after_secs = response.headers().get("retry-after").and_then(|value| value.trim().parse().ok());
        let (message, code) = match response.json::<ApiError>().await {
            Ok(ApiError { error, code }) if !error.is_empty() => (error, code),
            _ => (format!("the server answered {status} {}", response.status_text()), ErrorCode::Unknown),
        };
        if status == 401 && on_unauthorized == OnUnauthorized::SessionEnded {
            if let Some(then) = SESSION_ENDED.with(std::cell::Cell::get) {
                then();
            }
        }
        return Err(FetchError::Refused { status, code, message, retry_after_secs });
    }
    if status == 204 || std::any::TypeId::of::<R>() == std::any::TypeId::of::<()>() {
        // An empty answer reads as JSON `null`, which is what `()` deserialises from.
        return serde_json::from_str("null").map_err(|error| FetchError::BadAnswer(error.to_string()));
    }
    response.json().await.map_err(|error| FetchError::BadAnswer(error.to_string()))
}

async fn get<R: DeserializeOwned + 'static>(path: &str) -> Result<R, FetchError> {
    request::<(), R>(Method::GET, path, None, OnUnauthorized::SessionEnded).await
}

async fn send<B: Serialize, R: DeserializeOwned + 'static>(
    method: Method,
    path: &str,
    body: &B,
) -> Result<R, FetchError> {
    request(method, path, Some(body), OnUnauthorized::SessionEnded).await
}

/// The CSRF token from the `pmo_csrf` cookie. Before the first `GET /api/auth/me` of this
/// browser there is none yet; asking `me` sets it.
async fn csrf_token() -> String {
    if let Some(token) = read_csrf_cookie() {
        return token;
    }
    // Whatever the answer (200 or 401), it sets the cookie.
    let _ = RequestBuilder::new("/api/auth/me").send().await;
    read_csrf_cookie().unwrap_or_default()
}

fn read_csrf_cookie() -> Option<String> {
    let document = leptos::prelude::document().dyn_into::<web_sys::HtmlDocument>().ok()?;
    cookie_value(&document.cookie().ok()?, CSRF_COOKIE)
}

// ---- accounts ------------------------------------------------------------------------------

/// `GET /api/auth/me`: who this is. A 401 is returned, not acted on: the caller decides.
pub async fn me() -> Result<Me, FetchError> {
    request::<(), Me>(Method::GET, "/api/auth/me", None, OnUnauthorized::Report).await
}

pub async fn sign_up(form: &SignUp) -> Result<Me, FetchError> {
    request(Method::POST, "/api/auth/signup", Some(form), OnUnauthorized::Report).await
}

pub async fn sign_in(form: &SignIn) -> Result<Me, FetchError> {
    request(Method::POST, "/api/auth/signin", Some(form), OnUnauthorized::Report).await
}

pub async fn sign_out() -> Result<(), FetchError> {
    request::<(), ()>(Method::POST, "/api/auth/signout", None, OnUnauthorized::Report).await
}

/// A wrong current password is the caller's to report, not a reason to sign out.
pub async fn change_password(change: &PasswordChange) -> Result<(), FetchError> {
    request(Method::POST, "/api/auth/password", Some(change), OnUnauthorized::Report).await
}

/// Remembers the chosen language on the account, for every device it signs in on.
pub async fn set_language(language: shared::api::Locale) -> Result<(), FetchError> {
    send(Method::PUT, "/api/auth/language", &shared::api::LanguageChoice { language }).await
}

pub async fn tokens() -> Result<Vec<TokenSummary>, FetchError> {
    get("/api/tokens").await
}

pub async fn create_token(name: String, scopes: Vec<TokenScope>) -> Result<CreatedToken, FetchError> {
    send(Method::POST, "/api/tokens", &NewToken { name, scopes }).await
}

pub async fn revoke_token(id: &str) -> Result<(), FetchError> {
    request::<(), ()>(Method::DELETE, &format!("/api/tokens/{}", path_segment(id)), None, OnUnauthorized::SessionEnded)
        .await
}

pub async fn instance_settings() -> Result<InstanceSettings, FetchError> {
    get("/api/admin/settings").await
}

pub async fn set_instance_settings(settings: &InstanceSettings) -> Result<(), FetchError> {
    send(Method::PUT, "/api/admin/settings", settings).await
}

pub async fn create_invite() -> Result<Invite, FetchError> {
    request::<(), Invite>(Method::POST, "/api/admin/invites", None, OnUnauthorized::SessionEnded).await
}

// ---- boards and members ----------------------------------------------------------------------

/// The caller's boards, with the caller's role on each.
pub async fn boards() -> Result<Vec<BoardSummary>, FetchError> {
    get("/api/boards").await
}

pub async fn create_board(name: String) -> Result<BoardSummary, FetchError> {
    send(Method::POST, "/api/boards", &NewBoard { name }).await
}

/// `/api/boards/{id}/members` for a board's document id (without `automerge:`).
fn members_path(document_id: &str) -> String {
    format!("/api/boards/{}/members", path_segment(document_id))
}

/// A board's members. A 404 means the board does not exist or the caller is not a member.
pub async fn members(document_id: &str) -> Result<Vec<Member>, FetchError> {
    get(&members_path(document_id)).await
}

pub async fn add_member(document_id: &str, email: String, role: Role) -> Result<(), FetchError> {
    send(Method::POST, &members_path(document_id), &NewMember { email, role }).await
}

pub async fn change_role(document_id: &str, account_id: &str, role: Role) -> Result<(), FetchError> {
    let path = format!("{}/{}", members_path(document_id), path_segment(account_id));
    send(Method::PUT, &path, &RoleChange { role }).await
}

pub async fn remove_member(document_id: &str, account_id: &str) -> Result<(), FetchError> {
    let path = format!("{}/{}", members_path(document_id), path_segment(account_id));
    request::<(), ()>(Method::DELETE, &path, None, OnUnauthorized::SessionEnded).await
}

/// An id as one path segment (ids are URL-safe today; this keeps a stray `/` from changing
/// the route).
fn path_segment(id: &str) -> String {
    js_sys::encode_uri_component(id).into()
}

// ---- history -----------------------------------------------------------------------------------

/// One page of a board's history, newest first; `before` is the `next` of the page before.
pub async fn history(document_id: &str, before: Option<&str>) -> Result<shared::history::HistoryPage, FetchError> {
    let mut path = format!("/api/boards/{}/history", path_segment(document_id));
    if let Some(before) = before {
        path.push_str(&format!("?before={}", path_segment(before)));
    }
    get(&path).await
}

// ---- backups -----------------------------------------------------------------------------------

/// `POST /api/boards/restore`: a new board, owned by the caller, from a `.automerge` backup
/// (the file's bytes as they are). A 400 says why the server refused the file.
pub async fn restore_board(backup: &[u8]) -> Result<BoardSummary, FetchError> {
    let request = RequestBuilder::new("/api/boards/restore")
        .method(Method::POST)
        .header("accept", "application/json")
        .header("content-type", "application/octet-stream")
        .header(CSRF_HEADER, &csrf_token().await)
        .body(js_sys::Uint8Array::from(backup))
        .map_err(|error| FetchError::BadAnswer(error.to_string()))?;
    let response = request.send().await.map_err(|_| FetchError::Unreachable)?;
    answer(response, OnUnauthorized::SessionEnded).await
}

// ---- scenarios ---------------------------------------------------------------------------------

/// `/api/boards/{id}/scenarios` for a board's document id.
fn scenarios_path(document_id: &str) -> String {
    format!("/api/boards/{}/scenarios", path_segment(document_id))
}

/// The board's scenarios that are not discarded, oldest first (any member).
pub async fn scenarios(document_id: &str) -> Result<Vec<ScenarioSummary>, FetchError> {
    get(&scenarios_path(document_id)).await
}

/// A new scenario of the board as it is now (an editor or owner).
pub async fn create_scenario(document_id: &str, name: String) -> Result<ScenarioSummary, FetchError> {
    send(Method::POST, &scenarios_path(document_id), &NewScenario { name }).await
}

/// What the document `document_id` is a scenario of; a 404 when it is no scenario (a board).
pub async fn scenario(document_id: &str) -> Result<ScenarioSummary, FetchError> {
    get(&format!("/api/scenarios/{}", path_segment(document_id))).await
}

/// Applies the scenario's changes that the board lacks to the board (an editor or owner).
pub async fn merge_scenario(board_id: &str, scenario_id: &str) -> Result<MergeOutcome, FetchError> {
    let path = format!("{}/{}/merge", scenarios_path(board_id), path_segment(scenario_id));
    request::<(), MergeOutcome>(Method::POST, &path, None, OnUnauthorized::SessionEnded).await
}

/// Archives the scenario: no longer listed, still kept (an editor or owner).
pub async fn discard_scenario(board_id: &str, scenario_id: &str) -> Result<ScenarioSummary, FetchError> {
    let path = format!("{}/{}/discard", scenarios_path(board_id), path_segment(scenario_id));
    request::<(), ScenarioSummary>(Method::POST, &path, None, OnUnauthorized::SessionEnded).await
}

/// The whole document of a board or a scenario as the server holds it (`.automerge` bytes),
/// to compare a scenario with its board.
pub async fn document(document_id: &str) -> Result<Vec<u8>, FetchError> {
    let path = format!("/api/boards/{}/document", path_segment(document_id));
    let response = RequestBuilder::new(&path)
        .method(Method::GET)
        .header("accept", "application/octet-stream")
        .send()
        .await
        .map_err(|_| FetchError::Unreachable)?;
    if !response.ok() {
        return Err(answer::<()>(response, OnUnauthorized::SessionEnded)
            .await
            .err()
            .unwrap_or(FetchError::Unreachable));
    }
    response.binary().await.map_err(|error| FetchError::BadAnswer(error.to_string()))
}
