//! Who is calling: passwords, secrets, session cookies, API tokens, CSRF and sign-in throttling.
//!
//! A request proves who it comes from in one of two ways:
//! - a browser sends the `pmo_session` cookie set at sign-in. Its value is a random secret;
//!   the database keeps only the secret's SHA-256, so reading the database does not let anyone
//!   sign in. Because a browser sends cookies with requests other sites make it send, every
//!   state-changing request authenticated by the cookie must also carry the header
//!   `X-CSRF-Token` with the session's CSRF token, which only the app's own pages can read
//!   (from `GET /api/auth/me` or the `pmo_csrf` cookie);
//! - a script sends `Authorization: Bearer <API token>` (or, on the WebSocket, where browsers
//!   cannot set headers, `?token=`). A token is never sent by a browser on its own, so it needs
//!   no CSRF header.
//!
//! Before sign-in there is no session to hold a CSRF token, so sign-up and sign-in use the
//! double-submit pattern: `GET /api/auth/me` sets a random `pmo_csrf` cookie, and the request
//! must repeat it in `X-CSRF-Token`. Another site can make a browser send the cookie but
//! cannot read it to put it in the header.
//!
//! [`Caller`] is the extractor handlers take to require an account. The `/sync` upgrade calls
//! [`caller_from_parts`] (cookie or bearer) and [`caller_from_token`] (`?token=`).

use std::{net::IpAddr, net::SocketAddr, time::Duration};

use argon2::{
    password_hash::{Output, ParamsString, SaltString},
    Algorithm, Argon2, Block, Params, PasswordHash, Version,
};
use axum::{
    extract::{ConnectInfo, FromRequestParts},
    http::{header, request::Parts, HeaderMap, HeaderValue, Method},
};
use base64::Engine as _;
use rand::RngCore;
use sha2::{Digest, Sha256};
use shared::api::{Account, ErrorCode, TokenScope, CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE};
use subtle::ConstantTimeEq;

use crate::{error::ApiFailure, proxies::TrustedProxies, store::StoreError, AppState, Config};

/// How long a session lasts without being used. Every use pushes the end out again.
pub const SESSION_LIFETIME: Duration = Duration::from_secs(30 * 24 * 60 * 60);

/// A session's expiry is pushed out at most this often, sparing the database a write per
/// request.
const SESSION_TOUCH_INTERVAL_MS: i64 = 60_000;

/// The prefix of every API token, so that secret scanners and people recognise one.
const TOKEN_PREFIX: &str = "pmo_";

/// The current time in Unix milliseconds.
pub fn now_ms() -> i64 {
    let since_epoch = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    i64::try_from(since_epoch.as_millis()).unwrap_or(i64::MAX)
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

// ---- secrets and passwords ------------------------------------------------------------------

/// `bytes` random bytes from the operating system's generator (through `rand`'s thread-local
/// CSPRNG), base64url without padding: safe in cookies, headers and URLs.
pub fn random_secret(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buffer);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buffer)
}

/// A new API token's secret.
pub fn new_token_secret() -> String {
    format!("{TOKEN_PREFIX}{}", random_secret(32))
}

/// What the database keeps of a secret: its SHA-256, in hex. The secrets are 128 or 256
/// random bits, so a fast hash is enough (unlike passwords).
pub fn secret_hash(secret: &str) -> String {
    Sha256::digest(secret.as_bytes()).iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Where passwords are hashed and checked: on blocking threads (a hash takes tens of
/// milliseconds of CPU, which must not stall the async workers), counted for `/metrics` and
/// tests.
#[derive(Clone)]
pub struct PasswordHashing {
    /// One permit per hash that may run at once: each takes 19 MiB (argon2id's default memory
    /// cost), so without a bound 128 parallel sign-ups took 2.4 GiB.
    permits: std::sync::Arc<tokio::sync::Semaphore>,
    /// The hashes' working memory, kept and used again: one block array per hash that ran at
    /// once, never more than the permits. Allocated afresh for each hash, the 19 MiB were freed
    /// into the allocator of whichever blocking thread ran it, and glibc kept them there: 50
    /// sign-ups left the server at 775 MiB.
    memory: std::sync::Arc<std::sync::Mutex<Vec<Vec<Block>>>>,
    counts: std::sync::Arc<HashingCounts>,
}

/// How long a request waits for a hashing slot before it is answered 503.
const HASHING_WAIT: Duration = Duration::from_secs(10);

#[derive(Default)]
struct HashingCounts {
    total: std::sync::atomic::AtomicU64,
    running: std::sync::atomic::AtomicUsize,
    peak: std::sync::atomic::AtomicUsize,
}

impl PasswordHashing {
    pub fn new(concurrent: usize) -> PasswordHashing {
        PasswordHashing {
            permits: std::sync::Arc::new(tokio::sync::Semaphore::new(concurrent.max(1))),
            memory: std::sync::Arc::default(),
            counts: std::sync::Arc::default(),
        }
    }

    /// Hashes (or checks) passwords since the server started.
    pub fn total(&self) -> u64 {
        self.counts.total.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// The most hashes that ever ran at once.
    pub fn peak(&self) -> usize {
        self.counts.peak.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Runs `work` on a blocking thread with a hash's working memory, once a permit is free.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut [Block]) -> T + Send + 'static,
    ) -> Result<T, ApiFailure> {
        use std::sync::atomic::Ordering::SeqCst;
        let _permit = match tokio::time::timeout(HASHING_WAIT, self.permits.acquire()).await {
            Ok(Ok(permit)) => permit,
            Ok(Err(_)) | Err(_) => {
                tracing::warn!("every password hashing slot stayed busy for {HASHING_WAIT:?}");
                return Err(ApiFailure::Busy);
            }
        };
        let counts = self.counts.clone();
        counts.total.fetch_add(1, SeqCst);
        let running = counts.running.fetch_add(1, SeqCst) + 1;
        counts.peak.fetch_max(running, SeqCst);
        let memory = self.memory.clone();
        let result = tokio::task::spawn_blocking(move || {
            let mut blocks = memory
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .pop()
                .unwrap_or_else(|| vec![Block::default(); Params::default().block_count()]);
            let result = work(&mut blocks);
            memory.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(blocks);
            result
        })
        .await;
        counts.running.fetch_sub(1, SeqCst);
        result.map_err(|error| ApiFailure::Internal(error.into()))
    }

    /// Hashes a password with argon2id (the crate's default parameters).
    pub async fn hash(&self, password: String) -> Result<String, ApiFailure> {
        self.run(move |memory| hash_password(&password, memory)).await?.map_err(ApiFailure::Internal)
    }

    /// Whether `password` matches `hash`.
    pub async fn verify(&self, password: String, hash: String) -> Result<bool, ApiFailure> {
        self.run(move |memory| verify_password(&password, &hash, memory)).await?.map_err(ApiFailure::Internal)
    }
}

/// The PHC string of `password` hashed with argon2id's default parameters and a random salt,
/// worked out in `memory` (at least [`Params::block_count`] blocks of the defaults), which is
/// what `PasswordHasher::hash_password` gives, without allocating 19 MiB for it.
fn hash_password(password: &str, memory: &mut [Block]) -> anyhow::Result<String> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt_text = SaltString::encode_b64(&salt).map_err(|error| anyhow::anyhow!("salt: {error}"))?;
    let argon2 = Argon2::default();
    let output = Output::init_with(Params::DEFAULT_OUTPUT_LEN, |out| {
        argon2.hash_password_into_with_memory(password.as_bytes(), &salt, out, &mut *memory).map_err(Into::into)
    })
    .map_err(|error| anyhow::anyhow!("hashing a password: {error}"))?;
    let hash = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(argon2.params()).map_err(|error| anyhow::anyhow!("parameters: {error}"))?,
        salt: Some(salt_text.as_salt()),
        hash: Some(output),
    };
    Ok(hash.to_string())
}

/// Whether `password` matches the PHC string `hash`, checked in `memory` when it is large
/// enough for the hash's parameters (a hash made with more memory than the defaults gets its
/// own). The comparison takes the same time wherever the outputs differ.
fn verify_password(password: &str, hash: &str, memory: &mut [Block]) -> anyhow::Result<bool> {
    fn unreadable(error: impl std::fmt::Display) -> anyhow::Error {
        anyhow::anyhow!("a stored password hash: {error}")
    }
    let stored = PasswordHash::new(hash).map_err(unreadable)?;
    let (Some(salt), Some(expected)) = (stored.salt, stored.hash) else {
        return Ok(false);
    };
    let params = Params::try_from(&stored).map_err(unreadable)?;
    let algorithm = Algorithm::try_from(stored.algorithm).map_err(unreadable)?;
    let version = stored.version.map(Version::try_from).transpose().map_err(unreadable)?.unwrap_or_default();
    let mut salt_bytes = [0u8; 64];
    let salt = salt.decode_b64(&mut salt_bytes).map_err(unreadable)?;
    let argon2 = Argon2::new(algorithm, version, params.clone());
    let mut own;
    let memory = if memory.len() >= params.block_count() {
        memory
    } else {
        own = vec![Block::default(); params.block_count()];
        &mut own[..]
    };
    let computed = Output::init_with(expected.len(), |out| {
        argon2.hash_password_into_with_memory(password.as_bytes(), salt, out, &mut *memory).map_err(Into::into)
    });
    Ok(computed.is_ok_and(|computed| computed == expected))
}

/// An argon2id hash (default parameters) of a password nobody has. Checking a sign-in for an
/// unknown email against it takes as long as checking a real one, so the time of the answer
/// does not tell which emails have accounts.
pub const UNKNOWN_ACCOUNT_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$BwcHBwcHBwcHBwcHBwcHBw$cTLmpgKLeruU6za+t2cUZ3fNfHVCYhGoJ8inpcUNcwc";

/// Compares two tokens in time independent of where they differ.
fn same_token(a: &str, b: &str) -> bool {
    !a.is_empty() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

// ---- cookies --------------------------------------------------------------------------------

/// The value of the cookie `name` in the request, if any.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim_matches('"'))
}

/// Whether cookies must be `Secure`: configured so, or the request came through a proxy over
/// https.
pub fn wants_secure_cookies(config: &Config, headers: &HeaderMap) -> bool {
    config.secure_cookies
        || headers
            .get("x-forwarded-proto")
            .and_then(|value| value.to_str().ok())
            .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"))
}

fn set_cookie(name: &str, value: &str, max_age_secs: u64, http_only: bool, secure: bool) -> HeaderValue {
    let mut cookie = format!("{name}={value}; Path=/; SameSite=Lax; Max-Age={max_age_secs}");
    if http_only {
        cookie.push_str("; HttpOnly");
    }
    if secure {
        cookie.push_str("; Secure");
    }
    HeaderValue::from_str(&cookie).expect("cookie values are base64url")
}

/// `Set-Cookie` values for a session: the secret (HttpOnly) and its CSRF token (readable by
/// the app's scripts).
pub fn session_cookies(secret: &str, csrf_token: &str, secure: bool) -> [HeaderValue; 2] {
    let max_age = SESSION_LIFETIME.as_secs();
    [
        set_cookie(SESSION_COOKIE, secret, max_age, true, secure),
        set_cookie(CSRF_COOKIE, csrf_token, max_age, false, secure),
    ]
}

/// `Set-Cookie` for a CSRF token before sign-in.
pub fn csrf_cookie(csrf_token: &str, secure: bool) -> HeaderValue {
    set_cookie(CSRF_COOKIE, csrf_token, SESSION_LIFETIME.as_secs(), false, secure)
}

/// `Set-Cookie` values that delete both cookies.
pub fn cleared_cookies(secure: bool) -> [HeaderValue; 2] {
    [set_cookie(SESSION_COOKIE, "", 0, true, secure), set_cookie(CSRF_COOKIE, "", 0, false, secure)]
}

// ---- sessions -------------------------------------------------------------------------------

/// A session just started: the secret goes in the cookie and nowhere else.
pub struct NewSession {
    pub secret: String,
    pub csrf_token: String,
}

impl std::fmt::Debug for NewSession {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("NewSession { .. }")
    }
}

/// Deletes the sessions and invites that have expired: they sign nobody in any more, but each
/// row still names an account and when it was last used. Run at start and every
/// [`Config::purge_expired_every`] (see [`purge_expired_every`]), not only when someone signs in.
pub async fn purge_expired(store: &crate::store::Store) -> Result<(u64, u64), StoreError> {
    let now = now_ms();
    Ok((store.delete_expired_sessions(now).await?, store.delete_expired_invites(now).await?))
}

/// Purges expired sessions and invites now and then every `period`, until the task is aborted.
/// A failure is logged and tried again at the next round.
pub async fn purge_expired_every(store: crate::store::Store, period: Duration) {
    let mut rounds = tokio::time::interval(period);
    rounds.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        // The first tick is at once: the purge at start.
        rounds.tick().await;
        match purge_expired(&store).await {
            Ok((0, 0)) => {}
            Ok((sessions, invites)) => tracing::info!(sessions, invites, "purged expired sessions and invites"),
            Err(error) => tracing::warn!(%error, "cannot purge expired sessions and invites; trying again later"),
        }
    }
}

/// Starts a session for `account_id`, and forgets sessions that have expired.
pub async fn start_session(state: &AppState, account_id: &str) -> Result<NewSession, StoreError> {
    let now = now_ms();
    state.store.delete_expired_sessions(now).await?;
    let session = NewSession { secret: random_secret(32), csrf_token: random_secret(32) };
    state
        .store
        .insert_session(
            &secret_hash(&session.secret),
            account_id,
            &session.csrf_token,
            now,
            now.saturating_add(millis(SESSION_LIFETIME)),
        )
        .await?;
    Ok(session)
}

// ---- the caller -----------------------------------------------------------------------------

/// The account a request comes from, and how it proved it. Take it as an extractor to require
/// one: without valid credentials the handler is not run and the client gets 401 (or 403 for
/// a cookie-authenticated change without the CSRF header).
#[derive(Debug, Clone)]
pub struct Caller {
    pub account: Account,
    pub via: Via,
}

/// How a caller proved who it is.
#[derive(Clone)]
pub enum Via {
    /// A browser session: `session_id` is the SHA-256 of the cookie's secret.
    Session { session_id: String, csrf_token: String },
    /// A personal API token, and what it may be used for.
    Token { token_id: String, scopes: Vec<TokenScope> },
}

impl std::fmt::Debug for Via {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Via::Session { .. } => formatter.write_str("Session"),
            Via::Token { token_id, scopes } => {
                formatter.debug_struct("Token").field("token_id", token_id).field("scopes", scopes).finish()
            }
        }
    }
}

impl Caller {
    /// The session the caller signed in with, if it used one.
    pub fn session_id(&self) -> Option<&str> {
        match &self.via {
            Via::Session { session_id, .. } => Some(session_id),
            Via::Token { .. } => None,
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiFailure;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Caller, ApiFailure> {
        caller_from_parts(state, parts).await
    }
}

/// The account of an API token secret (as sent after `Bearer ` or in `?token=`), or `None`
/// if no token has that secret (never had, or revoked).
pub async fn caller_from_token(state: &AppState, secret: &str) -> Result<Option<Account>, StoreError> {
    Ok(token_caller(state, secret).await?.map(|caller| caller.account))
}

/// Like [`caller_from_token`], with which token it was (the sync upgrade notes it, so that
/// revoking the token closes the connection).
pub async fn token_caller(state: &AppState, secret: &str) -> Result<Option<Caller>, StoreError> {
    if !secret.starts_with(TOKEN_PREFIX) {
        return Ok(None);
    }
    let found = state.store.use_token(&secret_hash(secret), now_ms()).await?;
    Ok(found.map(|(token_id, scopes, account)| Caller { account, via: Via::Token { token_id, scopes } }))
}

/// The scope an API token needs for a request: `/sync` needs `sync`; the account itself
/// (tokens, password, signing out, the admin's settings and invites) needs `account`, but for
/// reading who the token belongs to; other reads need `read` and other changes `write`.
///
/// A token is made with `sync` and `read` unless its maker asks for more, so a leaked token
/// cannot make itself a successor or lock its owner out by changing the password (the
/// hardening issue's Low 13). Deciding by path here, for every request a token makes, means a
/// handler cannot forget to ask.
pub fn required_scope(method: &Method, path: &str) -> TokenScope {
    let reading = matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS);
    if path == "/sync" {
        TokenScope::Sync
    } else if path == "/api/auth/me" && reading {
        TokenScope::Read
    } else if path.starts_with("/api/tokens") || path.starts_with("/api/auth/") || path.starts_with("/api/admin/") {
        TokenScope::Account
    } else if reading {
        TokenScope::Read
    } else {
        TokenScope::Write
    }
}

/// Refuses (403) a token caller whose token lacks `scope`; anyone else passes.
pub fn require_scope(caller: &Caller, scope: TokenScope) -> Result<(), ApiFailure> {
    match &caller.via {
        Via::Token { scopes, .. } if !scopes.contains(&scope) => Err(ApiFailure::Forbidden(format!(
            "this API token may not do this: it needs the `{}` scope and has {}; make a token with that scope under \
             API tokens",
            scope.as_str(),
            if scopes.is_empty() {
                "none".to_owned()
            } else {
                scopes.iter().map(|scope| format!("`{}`", scope.as_str())).collect::<Vec<_>>().join(", ")
            }
        ))),
        _ => Ok(()),
    }
}

/// Who sent a request, from its `Authorization: Bearer` header or its session cookie (the
/// header wins when both are there). A cookie-authenticated request with a method other than
/// GET, HEAD or OPTIONS must carry the session's CSRF token in `X-CSRF-Token`. Without
/// credentials, or with ones that are not (or no longer) valid, the answer is 401.
pub async fn caller_from_parts(state: &AppState, parts: &Parts) -> Result<Caller, ApiFailure> {
    if let Some(authorization) = parts.headers.get(header::AUTHORIZATION) {
        let secret = authorization
            .to_str()
            .ok()
            .and_then(|value| value.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, secret)| secret.trim())
            .ok_or_else(|| ApiFailure::Unauthorized("the Authorization header must be `Bearer <API token>`".into()))?;
        let caller = token_caller(state, secret).await?.ok_or_else(|| {
            ApiFailure::Refused(
                ErrorCode::TokenInvalid,
                "this API token is not valid: it was revoked or mistyped; create a new one under API tokens".into(),
            )
        })?;
        require_scope(&caller, required_scope(&parts.method, parts.uri.path()))?;
        return Ok(caller);
    }
    let Some(secret) = cookie(&parts.headers, SESSION_COOKIE).filter(|secret| !secret.is_empty()) else {
        return Err(ApiFailure::Unauthorized("sign in first, or send `Authorization: Bearer <API token>`".into()));
    };
    let now = now_ms();
    let Some(session) = state.store.session(&secret_hash(secret), now).await? else {
        return Err(ApiFailure::Refused(ErrorCode::SessionEnded, "your session has ended: sign in again".into()));
    };
    if !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS) {
        let sent = parts.headers.get(CSRF_HEADER).and_then(|value| value.to_str().ok()).unwrap_or_default();
        if !same_token(sent, &session.csrf_token) {
            return Err(ApiFailure::Refused(
                ErrorCode::CsrfMissing,
                "the request lacks a valid X-CSRF-Token header: reload the page and try again".into(),
            ));
        }
    }
    if now - session.last_seen_at_ms > SESSION_TOUCH_INTERVAL_MS {
        state.store.touch_session(&session.id, now, now.saturating_add(millis(SESSION_LIFETIME))).await?;
    }
    Ok(Caller {
        account: session.account,
        via: Via::Session { session_id: session.id, csrf_token: session.csrf_token },
    })
}

/// Checks the double-submit CSRF token of a request made before sign-in: the `X-CSRF-Token`
/// header must equal the `pmo_csrf` cookie.
pub fn check_double_submit(headers: &HeaderMap) -> Result<(), ApiFailure> {
    let sent = headers.get(CSRF_HEADER).and_then(|value| value.to_str().ok()).unwrap_or_default();
    let expected = cookie(headers, CSRF_COOKIE).unwrap_or_default();
    if same_token(sent, expected) {
        Ok(())
    } else {
        Err(ApiFailure::Refused(
            ErrorCode::CsrfMissing,
            "the request lacks a valid X-CSRF-Token header: load the page again (GET /api/auth/me sets the pmo_csrf \
             cookie; send its value in X-CSRF-Token)"
                .into(),
        ))
    }
}

// ---- sign-in throttling ---------------------------------------------------------------------

/// The client's address: the connection's (the server is served with `ConnectInfo`), or, when
/// the connection comes from one of `proxies`, the client it names in `X-Forwarded-For` (see
/// [`crate::proxies`]). Anyone can set that header, so nobody else's is read.
pub fn client_ip(parts: &Parts, proxies: &TrustedProxies) -> Option<IpAddr> {
    let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip())?;
    Some(proxies.client(peer, &parts.headers))
}

/// The client's address as an extractor; `None` when the server runs without `ConnectInfo`.
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<ClientIp, Self::Rejection> {
        Ok(ClientIp(client_ip(parts, &state.config.trusted_proxies)))
    }
}

/// The throttling keys of one sign-in attempt: the pair of the client's address and the email,
/// and the address alone.
///
/// The email alone is no key: counted per email, anyone could lock an account's owner out by
/// guessing wrong five times (the hardening issue's Low 12). A guesser is held back per pair
/// (a few guesses at one account) and per address (more guesses, at any accounts); the owner,
/// from another address, still signs in.
pub struct LoginKeys {
    pair: String,
    address: Option<String>,
}

impl LoginKeys {
    pub fn new(email: &str, ip: Option<IpAddr>) -> LoginKeys {
        let address = ip.map(address_key);
        let pair = format!("pair:{}|{email}", address.as_deref().unwrap_or("unknown"));
        LoginKeys { pair, address: address.map(|address| format!("ip:{address}")) }
    }

    /// Each key with the most attempts it may count.
    fn all(&self, limits: &crate::Limits) -> Vec<(&str, u32)> {
        std::iter::once((self.pair.as_str(), limits.login_failures))
            .chain(self.address.as_deref().map(|address| (address, limits.login_failures_per_address)))
            .collect()
    }
}

/// The address a client is counted under: an IPv4 address, or the /64 network of an IPv6
/// address (one household or machine usually has a whole /64, and would otherwise count as
/// 2^64 clients).
pub fn address_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let segments = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", segments[0], segments[1], segments[2], segments[3])
            }
        },
    }
}

/// 429 with the seconds to wait if the email or the address is locked out.
pub async fn refuse_if_locked(state: &AppState, keys: &LoginKeys) -> Result<(), ApiFailure> {
    let now = now_ms();
    let keys: Vec<&str> = keys.all(&state.config.limits).into_iter().map(|(key, _)| key).collect();
    match state.store.login_locked_until(&keys, now).await? {
        Some(until) => {
            let wait_ms = u64::try_from(until - now).unwrap_or(0);
            Err(ApiFailure::TooManyAttempts { retry_after_secs: wait_ms.div_ceil(1000).max(1) })
        }
        None => Ok(()),
    }
}

/// Counts an attempt against the pair and the address *before* its password is checked,
/// and refuses it (429) past the limit. Counting first is what makes the limit hold for
/// attempts made at the same time: counted after the check, 40 concurrent guesses all passed a
/// limit of 5. A successful attempt gives its count back ([`attempt_succeeded`]).
pub async fn reserve_attempt(state: &AppState, keys: &LoginKeys) -> Result<(), ApiFailure> {
    let limits = &state.config.limits;
    let now = now_ms();
    let mut locked_until = None;
    for (key, limit) in keys.all(limits) {
        // Locks once the count passes the limit: the limit-th attempt may still succeed.
        let count =
            state.store.record_login_failure(key, now, millis(limits.login_lockout), i64::from(limit) + 1).await?;
        if count.failures > i64::from(limit) {
            if count.failures == i64::from(limit) + 1 {
                tracing::warn!(key, "too many failed sign-ins: locked out for {:?}", limits.login_lockout);
            }
            locked_until = locked_until.max(count.locked_until_ms);
        }
    }
    match locked_until {
        Some(until) => {
            let wait_ms = u64::try_from(until - now).unwrap_or(0);
            Err(ApiFailure::TooManyAttempts { retry_after_secs: wait_ms.div_ceil(1000).max(1) })
        }
        None => Ok(()),
    }
}

/// Counts a sign-up from `ip` and refuses it (429) past [`crate::Limits::signups_per_address`]
/// within the lockout period. Every attempt counts, refused ones too: each costs the server.
pub async fn reserve_sign_up(state: &AppState, ip: Option<IpAddr>) -> Result<(), ApiFailure> {
    let Some(ip) = ip else { return Ok(()) };
    let limits = &state.config.limits;
    let now = now_ms();
    let limit = i64::from(limits.signups_per_address);
    let key = format!("signup:{}", address_key(ip));
    let count = state.store.record_login_failure(&key, now, millis(limits.login_lockout), limit + 1).await?;
    match count.locked_until_ms.filter(|_| count.failures > limit) {
        Some(until) => {
            let wait_ms = u64::try_from(until - now).unwrap_or(0);
            Err(ApiFailure::TooManySignUps { retry_after_secs: wait_ms.div_ceil(1000).max(1) })
        }
        None => Ok(()),
    }
}

/// Counts an owner's adding of a member by email and refuses it (429) past
/// [`crate::Limits::member_adds_per_account`] within the lockout period: each answer says
/// whether an account has that email, so adding is how an account with no other right could
/// find out who has one (the hardening issue's Low 12).
pub async fn reserve_member_add(state: &AppState, account_id: &str) -> Result<(), ApiFailure> {
    let limits = &state.config.limits;
    let now = now_ms();
    let limit = i64::from(limits.member_adds_per_account);
    let key = format!("member-add:{account_id}");
    let count = state.store.record_login_failure(&key, now, millis(limits.login_lockout), limit + 1).await?;
    match count.locked_until_ms.filter(|_| count.failures > limit) {
        Some(until) => {
            let wait_ms = u64::try_from(until - now).unwrap_or(0);
            Err(ApiFailure::TooManyMemberAdds { retry_after_secs: wait_ms.div_ceil(1000).max(1) })
        }
        None => Ok(()),
    }
}

/// After a right password: the pair's failures are forgotten, and the address gets back the
/// attempt [`reserve_attempt`] counted. The address's other failures stay: one good password
/// must not reset the count for guesses at other accounts from the same place.
pub async fn attempt_succeeded(state: &AppState, keys: &LoginKeys) -> Result<(), StoreError> {
    state.store.clear_login_failures(&keys.pair).await?;
    if let Some(ip) = &keys.address {
        state.store.refund_login_attempt(ip).await?;
    }
    Ok(())
}

// ---- what a person types --------------------------------------------------------------------

/// The longest email accepted (RFC 5321's path limit).
const EMAIL_MAX_CHARS: usize = 254;
/// The longest account name.
pub const NAME_MAX_CHARS: usize = 100;
/// The longest password accepted: longer ones only cost hashing time.
pub const PASSWORD_MAX_CHARS: usize = 1000;

/// The email trimmed and lowercased, or why it does not look like an email.
pub fn normalise_email(email: &str) -> Result<String, String> {
    let email = email.trim().to_lowercase();
    let looks_right = email.chars().count() <= EMAIL_MAX_CHARS
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && match email.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            }
            None => false,
        };
    if looks_right {
        Ok(email)
    } else {
        Err(format!("`{email}` does not look like an email address (name@example.com)"))
    }
}

/// The name trimmed, or why it is not acceptable.
pub fn check_name(name: &str) -> Result<String, String> {
    let name = name.trim();
    match name.chars().count() {
        0 => Err("the name cannot be empty".into()),
        count if count > NAME_MAX_CHARS => Err(format!("a name can have at most {NAME_MAX_CHARS} characters")),
        _ => Ok(name.to_owned()),
    }
}

/// Why a new password is not acceptable, if it is not.
pub fn check_password(password: &str) -> Result<(), String> {
    let count = password.chars().count();
    let min = shared::api::PASSWORD_MIN_CHARS;
    if count < min {
        Err(format!("a password needs at least {min} characters; this one has {count}"))
    } else if count > PASSWORD_MAX_CHARS {
        Err(format!("a password can have at most {PASSWORD_MAX_CHARS} characters"))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_or_refused() {
        // (input, expected normal form or None for refused)
        let cases = [
            ("Li.Wei@Example.COM", Some("li.wei@example.com")),
            ("  ana@pmo.example.org ", Some("ana@pmo.example.org")),
            ("no-at-sign.example.com", None),
            ("@example.com", None),
            ("a@b", None),
            ("a@@b.com", None),
            ("a b@c.com", None),
            ("a@.com", None),
            ("a@com.", None),
            ("", None),
        ];
        for (input, expected) in cases {
            assert_eq!(normalise_email(input).ok().as_deref(), expected, "{input:?}");
        }
    }

    #[test]
    fn each_request_needs_its_token_scope() {
        // (method, path, scope a token needs)
        let cases = [
            (Method::GET, "/sync", TokenScope::Sync),
            (Method::GET, "/api/auth/me", TokenScope::Read),
            (Method::GET, "/api/boards", TokenScope::Read),
            (Method::GET, "/api/boards/abc/members", TokenScope::Read),
            (Method::GET, "/api/boards/abc/history", TokenScope::Read),
            (Method::POST, "/api/boards", TokenScope::Write),
            (Method::POST, "/api/boards/abc/members", TokenScope::Write),
            (Method::PUT, "/api/boards/abc/members/x", TokenScope::Write),
            (Method::DELETE, "/api/boards/abc/members/x", TokenScope::Write),
            (Method::GET, "/api/tokens", TokenScope::Account),
            (Method::POST, "/api/tokens", TokenScope::Account),
            (Method::DELETE, "/api/tokens/x", TokenScope::Account),
            (Method::POST, "/api/auth/password", TokenScope::Account),
            (Method::POST, "/api/auth/signout", TokenScope::Account),
            (Method::GET, "/api/admin/settings", TokenScope::Account),
            (Method::POST, "/api/admin/invites", TokenScope::Account),
        ];
        for (method, path, scope) in cases {
            assert_eq!(required_scope(&method, path), scope, "{method} {path}");
        }
    }

    #[test]
    fn addresses_are_counted_per_ipv4_address_and_ipv6_network() {
        // (client address, key it is counted under)
        let cases = [
            ("192.0.2.7", "192.0.2.7"),
            ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
            ("2001:db8:1:2:bbbb::9", "2001:db8:1:2::/64"),
            ("2001:db8:1:3::1", "2001:db8:1:3::/64"),
            ("::ffff:192.0.2.7", "192.0.2.7"),
        ];
        for (ip, key) in cases {
            assert_eq!(address_key(ip.parse().unwrap()), key, "{ip}");
        }
    }

    #[test]
    fn cookies_are_found_by_name() {
        let mut headers = HeaderMap::new();
        headers.append(header::COOKIE, HeaderValue::from_static("other=1; pmo_csrf=abc"));
        headers.append(header::COOKIE, HeaderValue::from_static("pmo_session=s3cr3t"));
        assert_eq!(cookie(&headers, "pmo_csrf"), Some("abc"));
        assert_eq!(cookie(&headers, "pmo_session"), Some("s3cr3t"));
        assert_eq!(cookie(&headers, "pmo"), None);
    }

    #[test]
    fn the_unknown_account_hash_is_a_valid_argon2_hash() {
        use argon2::PasswordVerifier;
        let hash = PasswordHash::new(UNKNOWN_ACCOUNT_HASH).unwrap();
        assert!(Argon2::default().verify_password(b"correct horse", &hash).is_ok());
        let mut memory = vec![Block::default(); Params::default().block_count()];
        assert!(verify_password("correct horse", UNKNOWN_ACCOUNT_HASH, &mut memory).unwrap());
    }

    /// Hashes made in reused memory are the argon2 crate's own: each checks with the crate's
    /// verifier and the crate's hashes check here, in memory a different password left dirty.
    #[test]
    fn hashes_in_reused_memory_are_argon2s_own() {
        use argon2::{PasswordHasher, PasswordVerifier};
        let mut memory = vec![Block::default(); Params::default().block_count()];
        for password in ["correct horse battery staple", "密码 with 中文", ""] {
            let ours = hash_password(password, &mut memory).unwrap();
            assert!(ours.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{ours}");
            let parsed = PasswordHash::new(&ours).unwrap();
            assert!(Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok(), "{password:?}");
            assert!(Argon2::default().verify_password(b"something else", &parsed).is_err());

            let salt = SaltString::encode_b64(b"sixteen byte sal").unwrap();
            let theirs = Argon2::default().hash_password(password.as_bytes(), &salt).unwrap().to_string();
            assert!(verify_password(password, &theirs, &mut memory).unwrap(), "{password:?}");
            assert!(!verify_password("something else", &theirs, &mut memory).unwrap());
        }
        // A hash made with more memory than the defaults is checked in memory of its own.
        let bigger = Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::new(32 * 1024, 2, 1, None).unwrap());
        let salt = SaltString::encode_b64(b"sixteen byte sal").unwrap();
        let hash = bigger.hash_password(b"pw", &salt).unwrap().to_string();
        assert!(verify_password("pw", &hash, &mut memory).unwrap());
        assert!(verify_password("pw", "not a hash", &mut memory).is_err());
    }

    #[test]
    fn secrets_are_random_and_hashed_to_hex() {
        let (a, b) = (random_secret(32), random_secret(32));
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(secret_hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert!(new_token_secret().starts_with("pmo_"));
    }
}
