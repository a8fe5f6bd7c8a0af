//! `ws://HOST/sync`: the automerge-repo WebSocket endpoint, served by samod.
//!
//! The upgrade is where identity is settled: the request must carry a session cookie, an
//! `Authorization: Bearer` API token, or `?token=` (for clients that cannot set headers). The
//! account found there is the identity for every document on the connection: samod knows the
//! connection by a peer id the server assigns ([`crate::access::peer_id`]), and [`connection`] rewrites the
//! `senderId` of every frame to it, so the peer id a client claims never decides anything.
//!
//! Who may open which board is [`crate::access`]; the registry of open connections is
//! [`crate::connections`].

pub mod connection;

use axum::{
    extract::{ws::WebSocketUpgrade, FromRequestParts, Query, Request, State},
    http::{header, request::Parts, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use serde::Deserialize;
use shared::api::{ApiError, ErrorCode};

use crate::{access::peer_id, auth::Caller, AppState};

/// `?token=<API token>`, for automerge-repo clients that cannot set headers.
#[derive(Debug, Deserialize)]
pub struct SyncQuery {
    token: Option<String>,
}

fn refuse(status: StatusCode, message: &str) -> Response {
    let code = ErrorCode::for_status(status.as_u16());
    (status, Json(ApiError { error: message.to_owned(), code })).into_response()
}

pub async fn upgrade(State(state): State<AppState>, request: Request) -> Response {
    let (mut parts, _) = request.into_parts();
    let ws = match WebSocketUpgrade::from_request_parts(&mut parts, &state).await {
        Ok(ws) => ws,
        Err(rejection) => return rejection.into_response(),
    };
    let token = Query::<SyncQuery>::try_from_uri(&parts.uri).ok().and_then(|query| query.0.token);
    let caller = match authenticate(&state, &parts, token.as_deref()).await {
        Ok(caller) => caller,
        Err(response) => return response,
    };
    let account_id = caller.account.id.clone();
    let Some(permit) = state.connections.acquire(&caller, state.config.limits.connections_per_account) else {
        state.metrics.refused("too_many_connections");
        return refuse(
            StatusCode::TOO_MANY_REQUESTS,
            "this account has too many sync connections open; close some tabs or scripts",
        );
    };
    let connection = state.connections.next_id();
    let identity =
        connection::Identity { peer_id: peer_id(&account_id, connection, &state.node_id), account_id, connection };
    let max = state.config.limits.max_frame_bytes;
    ws.max_message_size(max)
        .max_frame_size(max)
        .on_upgrade(move |socket| connection::serve(state, identity, socket, permit))
}

/// The account behind an upgrade request: a `?token=`, a bearer token or the session cookie.
/// A cookie only counts when the request comes from this server's own pages (a browser sends
/// cookies with cross-site WebSocket requests too).
async fn authenticate(state: &AppState, parts: &Parts, token: Option<&str>) -> Result<Caller, Response> {
    if let Some(token) = token {
        return match crate::auth::token_caller(state, token).await {
            Ok(Some(caller)) => match crate::auth::require_scope(&caller, shared::api::TokenScope::Sync) {
                Ok(()) => Ok(caller),
                Err(failure) => {
                    state.metrics.refused("token_scope");
                    Err(failure.into_response())
                }
            },
            Ok(None) => {
                state.metrics.refused("unauthenticated");
                Err(refuse(StatusCode::UNAUTHORIZED, "this API token is not valid: it was revoked or mistyped"))
            }
            Err(error) => {
                tracing::error!(%error, "cannot authenticate a sync connection");
                Err(refuse(StatusCode::SERVICE_UNAVAILABLE, "the server cannot check who you are right now"))
            }
        };
    }
    if !same_origin(&parts.headers) {
        state.metrics.refused("cross_origin");
        return Err(refuse(StatusCode::FORBIDDEN, "sync connections from other sites are refused"));
    }
    match crate::auth::caller_from_parts(state, parts).await {
        Ok(caller) => Ok(caller),
        Err(failure) => {
            state.metrics.refused("unauthenticated");
            Err(failure.into_response())
        }
    }
}

/// True unless the request names an `Origin` whose host differs from `Host`.
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|value| value.to_str().ok()) else {
        return true;
    };
    let host = headers.get(header::HOST).and_then(|value| value.to_str().ok()).unwrap_or_default();
    let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
    origin_host.eq_ignore_ascii_case(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_foreign_origin_is_refused() {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, "127.0.0.1:3000".parse().unwrap());
        assert!(same_origin(&headers));
        headers.insert(header::ORIGIN, "http://127.0.0.1:3000".parse().unwrap());
        assert!(same_origin(&headers));
        headers.insert(header::ORIGIN, "https://evil.example".parse().unwrap());
        assert!(!same_origin(&headers));
    }
}
