//! The JSON API under `/api`: accounts (`/api/auth`), personal API tokens (`/api/tokens`),
//! the instance admin's settings and invites (`/api/admin`), and boards with their members
//! (`/api/boards`). The wire types are in [`shared::api`].
//!
//! Every handler but sign-up, sign-in and `me` takes a [`Caller`], so an unauthenticated
//! request never reaches it (401). A board is visible only to its members: to anyone else a
//! board's URLs answer 404 exactly as for a board that does not exist.
//!
//! A new board is an Automerge document made by [`shared::Board::new`]. It is handed to samod
//! first, to learn its id, and then its changes, its row in the index and its owner are
//! written in one transaction ([`Store::create_board`](crate::store::Store::create_board)), so
//! a listed board always has a document and an owner behind it.

use axum::{
    extract::{rejection::JsonRejection, Path, State},
    http::{header, request::Parts, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use shared::api::{
    BoardSummary, CreatedToken, ErrorCode, InstanceSettings, Invite, LanguageChoice, Me, Member, NewBoard, NewMember,
    NewToken, PasswordChange, Role, RoleChange, SignIn, SignUp, TokenSummary, CSRF_COOKIE, SESSION_COOKIE,
};

use crate::{
    accounts::{MembershipChange, MembershipRefusal, NewAccount, SignUpRefusal},
    auth::{self, Caller, ClientIp, LoginKeys, Via},
    error::{no_board, ApiFailure},
    store::BoardRecord,
    AppState,
};

/// The longest board name accepted, in characters.
pub(crate) const BOARD_NAME_MAX_CHARS: usize = 200;

/// The longest API token name, in characters.
const TOKEN_NAME_MAX_CHARS: usize = 100;

/// How long an invite code can be used.
const INVITE_LIFETIME: std::time::Duration = std::time::Duration::from_secs(7 * 24 * 60 * 60);

/// The body, or a 400 that says what is wrong with it (including a missing `Content-Type`).
fn body<T>(body: Result<Json<T>, JsonRejection>) -> Result<T, ApiFailure> {
    body.map(|Json(value)| value).map_err(|rejection| ApiFailure::BadRequest(rejection.body_text()))
}

/// A response with `Set-Cookie` headers.
fn with_cookies(response: impl IntoResponse, cookies: impl IntoIterator<Item = HeaderValue>) -> Response {
    let mut response = response.into_response();
    for cookie in cookies {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

// ---- /api/auth ------------------------------------------------------------------------------

/// `GET /api/auth/me`: the signed-in account and its CSRF token, refreshing the cookies.
/// Signed out, it answers 401 and sets a `pmo_csrf` cookie for sign-up and sign-in to repeat.
#[tracing::instrument(skip_all)]
pub async fn me(State(state): State<AppState>, parts: Parts) -> Response {
    let secure = auth::wants_secure_cookies(&state.config, &parts.headers);
    match auth::caller_from_parts(&state, &parts).await {
        Ok(Caller { account, via: Via::Session { csrf_token, .. } }) => {
            let secret = auth::cookie(&parts.headers, SESSION_COOKIE).unwrap_or_default();
            let cookies = auth::session_cookies(secret, &csrf_token, secure);
            with_cookies(Json(Me { account, csrf_token }), cookies)
        }
        // A script with a token needs no CSRF token.
        Ok(Caller { account, via: Via::Token { .. } }) => {
            Json(Me { account, csrf_token: String::new() }).into_response()
        }
        Err(failure) if failure.code().status() == 401 => {
            let has_csrf = auth::cookie(&parts.headers, CSRF_COOKIE).is_some_and(|token| !token.is_empty());
            if has_csrf {
                failure.into_response()
            } else {
                with_cookies(failure, [auth::csrf_cookie(&auth::random_secret(32), secure)])
            }
        }
        Err(failure) => failure.into_response(),
    }
}

/// `POST /api/auth/signup`: creates an account and signs it in (201). The first account on
/// the server is its admin.
#[tracing::instrument(skip_all)]
pub async fn sign_up(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    request: Result<Json<SignUp>, JsonRejection>,
) -> Result<Response, ApiFailure> {
    auth::check_double_submit(&headers)?;
    let sign_up = body(request)?;
    let email =
        auth::normalise_email(&sign_up.email).map_err(|problem| ApiFailure::Refused(ErrorCode::BadEmail, problem))?;
    let name = auth::check_name(&sign_up.name).map_err(|problem| ApiFailure::Refused(ErrorCode::BadName, problem))?;
    auth::check_password(&sign_up.password).map_err(|problem| ApiFailure::Refused(ErrorCode::BadPassword, problem))?;
    // Hashing a password takes 19 MiB and tens of milliseconds: everything cheaper comes first,
    // and one address gets a few sign-ups per lockout period.
    auth::reserve_sign_up(&state, ip).await?;
    let invite_hash = sign_up.invite.as_deref().map(str::trim).filter(|code| !code.is_empty()).map(auth::secret_hash);
    if let Some(refusal) = state.store.sign_up_refusal(&email, invite_hash.as_deref(), auth::now_ms()).await? {
        return Err(sign_up_refused(refusal, &email));
    }
    let password_hash = state.password_hashing.hash(sign_up.password).await?;
    let id = uuid::Uuid::new_v4().to_string();
    let new = NewAccount {
        id: &id,
        email: &email,
        name: &name,
        password_hash: &password_hash,
        created_at_ms: auth::now_ms(),
    };
    let account = state
        .store
        .create_account(&new, invite_hash.as_deref())
        .await?
        .map_err(|refusal| sign_up_refused(refusal, &email))?;
    tracing::info!(account = account.id, admin = account.admin, "account created");
    let session = auth::start_session(&state, &account.id).await?;
    let cookies = auth::session_cookies(
        &session.secret,
        &session.csrf_token,
        auth::wants_secure_cookies(&state.config, &headers),
    );
    Ok(with_cookies((StatusCode::CREATED, Json(Me { account, csrf_token: session.csrf_token })), cookies))
}

fn sign_up_refused(refusal: SignUpRefusal, email: &str) -> ApiFailure {
    match refusal {
        SignUpRefusal::EmailTaken => ApiFailure::Refused(
            ErrorCode::EmailTaken,
            format!("an account with the email {email} exists already: sign in instead"),
        ),
        SignUpRefusal::InviteRequired => ApiFailure::Refused(
            ErrorCode::InviteRequired,
            "sign-up on this server is by invitation only: ask its admin for an invite code".into(),
        ),
        SignUpRefusal::InviteInvalid => ApiFailure::Refused(
            ErrorCode::InviteInvalid,
            "this invite code is not valid: it was used already, has expired or is mistyped; ask the admin for a new \
             one"
            .into(),
        ),
    }
}

/// `POST /api/auth/signin`: starts a session. Refused with 429 for a while after too many
/// failures for the email or from the address.
#[tracing::instrument(skip_all)]
pub async fn sign_in(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    request: Result<Json<SignIn>, JsonRejection>,
) -> Result<Response, ApiFailure> {
    auth::check_double_submit(&headers)?;
    let sign_in = body(request)?;
    let email = sign_in.email.trim().to_lowercase();
    let keys = LoginKeys::new(&email, ip);
    auth::refuse_if_locked(&state, &keys).await?;
    auth::reserve_attempt(&state, &keys).await?;
    let record = state.store.account_by_email(&email).await?;
    let hash =
        record.as_ref().map_or_else(|| auth::UNKNOWN_ACCOUNT_HASH.to_owned(), |record| record.password_hash.clone());
    let matches = state.password_hashing.verify(sign_in.password, hash).await?;
    let Some(record) = record.filter(|_| matches) else {
        return Err(ApiFailure::Refused(ErrorCode::WrongCredentials, "the email or the password is wrong".into()));
    };
    auth::attempt_succeeded(&state, &keys).await?;
    // The session this browser had, if any, ends: it now has a new one.
    if let Some(old) = auth::cookie(&headers, SESSION_COOKIE).filter(|secret| !secret.is_empty()) {
        let old = auth::secret_hash(old);
        state.store.delete_session(&old).await?;
        state.connections.close_session(&old);
    }
    let session = auth::start_session(&state, &record.account.id).await?;
    tracing::info!(account = record.account.id, "signed in");
    let cookies = auth::session_cookies(
        &session.secret,
        &session.csrf_token,
        auth::wants_secure_cookies(&state.config, &headers),
    );
    Ok(with_cookies(Json(Me { account: record.account, csrf_token: session.csrf_token }), cookies))
}

/// `POST /api/auth/signout`: ends the session and clears the cookies (204).
#[tracing::instrument(skip_all)]
pub async fn sign_out(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
) -> Result<Response, ApiFailure> {
    if let Some(session_id) = caller.session_id() {
        state.store.delete_session(session_id).await?;
        state.connections.close_session(session_id);
    }
    let cookies = auth::cleared_cookies(auth::wants_secure_cookies(&state.config, &headers));
    Ok(with_cookies(StatusCode::NO_CONTENT, cookies))
}

/// `POST /api/auth/password`: changes the password (204), signs out every other session of
/// the account and, unless `keep_tokens` is set, revokes its API tokens (closing their sync
/// connections). A wrong current password counts as a failed sign-in.
#[tracing::instrument(skip_all)]
pub async fn change_password(
    State(state): State<AppState>,
    caller: Caller,
    ClientIp(ip): ClientIp,
    request: Result<Json<PasswordChange>, JsonRejection>,
) -> Result<StatusCode, ApiFailure> {
    let change = body(request)?;
    auth::check_password(&change.new)
        .map_err(|problem| ApiFailure::Refused(ErrorCode::BadPassword, format!("the new password: {problem}")))?;
    let keys = LoginKeys::new(&caller.account.email, ip);
    auth::refuse_if_locked(&state, &keys).await?;
    auth::reserve_attempt(&state, &keys).await?;
    let record = state
        .store
        .account(&caller.account.id)
        .await?
        .ok_or_else(|| ApiFailure::Refused(ErrorCode::NoSuchAccount, "this account no longer exists".into()))?;
    if !state.password_hashing.verify(change.current, record.password_hash).await? {
        return Err(ApiFailure::Refused(ErrorCode::WrongCurrentPassword, "the current password is wrong".into()));
    }
    auth::attempt_succeeded(&state, &keys).await?;
    let password_hash = state.password_hashing.hash(change.new).await?;
    let revoked =
        state.store.set_password(&caller.account.id, &password_hash, caller.session_id(), change.keep_tokens).await?;
    state.connections.close_other_sessions(&caller.account.id, caller.session_id());
    for token_id in &revoked {
        state.connections.close_token(token_id);
    }
    tracing::info!(
        account = caller.account.id,
        tokens_revoked = revoked.len(),
        "password changed; other sessions ended"
    );
    Ok(StatusCode::NO_CONTENT)
}

/// `PUT /api/auth/language`: remembers the language the person chose (204), so that every
/// device they sign in on speaks it.
#[tracing::instrument(skip_all)]
pub async fn set_language(
    State(state): State<AppState>,
    caller: Caller,
    request: Result<Json<LanguageChoice>, JsonRejection>,
) -> Result<StatusCode, ApiFailure> {
    let choice = body(request).map_err(|failure| ApiFailure::Refused(ErrorCode::BadLanguage, failure.to_string()))?;
    state.store.set_language(&caller.account.id, choice.language).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- /api/tokens ----------------------------------------------------------------------------

/// `GET /api/tokens`: the caller's API tokens, oldest first, without their secrets.
pub async fn list_tokens(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<TokenSummary>>, ApiFailure> {
    Ok(Json(state.store.tokens(&caller.account.id).await?))
}

/// `POST /api/tokens`: a new token (201) with the scopes asked for (sync and read when none
/// are); its secret is in this answer and nowhere else.
#[tracing::instrument(skip_all)]
pub async fn create_token(
    State(state): State<AppState>,
    caller: Caller,
    request: Result<Json<NewToken>, JsonRejection>,
) -> Result<(StatusCode, Json<CreatedToken>), ApiFailure> {
    let new = body(request)?;
    let name = new.name.trim();
    if name.is_empty() || name.chars().count() > TOKEN_NAME_MAX_CHARS {
        return Err(ApiFailure::Refused(
            ErrorCode::BadTokenName,
            format!("a token needs a name of 1 to {TOKEN_NAME_MAX_CHARS} characters, saying where it is used"),
        ));
    }
    let mut scopes = new.scopes;
    scopes.sort();
    scopes.dedup();
    if scopes.is_empty() {
        return Err(ApiFailure::BadRequest(
            "a token needs at least one scope: sync, read, write or account (sync and read when none is sent)".into(),
        ));
    }
    // A token that may make tokens may not make one that can do more than itself.
    if let Via::Token { scopes: own, .. } = &caller.via {
        if let Some(scope) = scopes.iter().find(|scope| !own.contains(scope)) {
            return Err(ApiFailure::Forbidden(format!(
                "this API token cannot make a token with the `{}` scope, which it does not have itself",
                scope.as_str()
            )));
        }
    }
    let secret = auth::new_token_secret();
    let token = TokenSummary {
        id: uuid::Uuid::new_v4().to_string(),
        name: name.to_owned(),
        created_at_ms: auth::now_ms(),
        last_used_at_ms: None,
        scopes,
    };
    state.store.insert_token(&token, &auth::secret_hash(&secret), &caller.account.id).await?;
    tracing::info!(account = caller.account.id, token = token.id, "API token created");
    Ok((StatusCode::CREATED, Json(CreatedToken { token, secret })))
}

/// `DELETE /api/tokens/{id}`: revokes one of the caller's tokens (204).
#[tracing::instrument(skip_all)]
pub async fn revoke_token(
    State(state): State<AppState>,
    caller: Caller,
    Path(token_id): Path<String>,
) -> Result<StatusCode, ApiFailure> {
    if state.store.delete_token(&caller.account.id, &token_id).await? {
        state.connections.close_token(&token_id);
        tracing::info!(account = caller.account.id, token = token_id, "API token revoked");
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiFailure::Refused(ErrorCode::NoSuchToken, format!("you have no API token with the id {token_id}")))
    }
}

// ---- /api/admin -----------------------------------------------------------------------------

fn require_admin(caller: &Caller) -> Result<(), ApiFailure> {
    if caller.account.admin {
        Ok(())
    } else {
        Err(ApiFailure::Refused(ErrorCode::AdminOnly, "only the instance admin can do this".into()))
    }
}

/// `GET /api/admin/settings`.
pub async fn get_settings(State(state): State<AppState>, caller: Caller) -> Result<Json<InstanceSettings>, ApiFailure> {
    require_admin(&caller)?;
    Ok(Json(state.store.settings().await?))
}

/// `PUT /api/admin/settings`: answers the settings as they now are.
#[tracing::instrument(skip_all)]
pub async fn put_settings(
    State(state): State<AppState>,
    caller: Caller,
    request: Result<Json<InstanceSettings>, JsonRejection>,
) -> Result<Json<InstanceSettings>, ApiFailure> {
    require_admin(&caller)?;
    let settings = body(request)?;
    state.store.set_settings(&settings).await?;
    tracing::info!(invite_only = settings.invite_only, "instance settings changed");
    Ok(Json(state.store.settings().await?))
}

/// `POST /api/admin/invites`: a one-time sign-up code, valid for a week (201).
#[tracing::instrument(skip_all)]
pub async fn create_invite(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<(StatusCode, Json<Invite>), ApiFailure> {
    require_admin(&caller)?;
    let code = auth::random_secret(16);
    let now = auth::now_ms();
    let expires_at_ms = now.saturating_add(i64::try_from(INVITE_LIFETIME.as_millis()).unwrap_or(i64::MAX));
    state.store.insert_invite(&auth::secret_hash(&code), &caller.account.id, now, expires_at_ms).await?;
    Ok((StatusCode::CREATED, Json(Invite { code, expires_at_ms })))
}

// ---- /api/boards ----------------------------------------------------------------------------

/// `GET /api/boards`: the boards the caller is a member of, with its role, oldest first.
pub async fn list_boards(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<BoardSummary>>, ApiFailure> {
    let boards = state.store.boards_of(&caller.account.id).await?;
    Ok(Json(boards.into_iter().map(|(record, role)| summary(record, role)).collect()))
}

/// `POST /api/boards`: a new board owned by the caller (201).
#[tracing::instrument(skip_all)]
pub async fn create_board(
    State(state): State<AppState>,
    caller: Caller,
    request: Result<Json<NewBoard>, JsonRejection>,
) -> Result<(StatusCode, Json<BoardSummary>), ApiFailure> {
    let new = body(request)?;
    let name = new.name.trim();
    if name.chars().count() > BOARD_NAME_MAX_CHARS {
        return Err(ApiFailure::Refused(
            ErrorCode::BadBoardName,
            format!("a board name can have at most {BOARD_NAME_MAX_CHARS} characters"),
        ));
    }
    let limit = state.config.limits.boards_per_account;
    let owned =
        state.store.boards_of(&caller.account.id).await?.iter().filter(|(_, role)| *role == Role::Owner).count();
    if owned >= limit {
        return Err(ApiFailure::Refused(
            ErrorCode::BoardLimit,
            format!("an account may own at most {limit} boards: remove one, or ask another member to create this one"),
        ));
    }
    let mut board =
        shared::Board::new(name).map_err(|error| ApiFailure::Refused(ErrorCode::BadBoardName, error.to_string()))?;
    let document = automerge::Automerge::load(&board.save()).map_err(anyhow::Error::from)?;
    let changes: Vec<_> =
        document.get_changes(&[]).iter().map(|change| (change.hash(), change.raw_bytes().to_vec())).collect();
    let document_id = state.boards.create(document).await.map_err(anyhow::Error::from)?;
    let record = BoardRecord { id: document_id.to_string(), name: name.to_owned(), created_at_ms: auth::now_ms() };
    state.store.create_board(&record, &caller.account.id, &changes).await?;
    state.share_policy.role_changed(&record.id, &caller.account.id, Some(Role::Owner));
    // The board's first change is in its history without a summary.
    crate::history::rows_written(&state, &record.id, changes.len());
    tracing::info!(board = record.id, owner = caller.account.id, "board created");
    Ok((StatusCode::CREATED, Json(summary(record, Role::Owner))))
}

/// `GET /api/boards/{id}/members`: any member may list them.
pub async fn list_members(
    State(state): State<AppState>,
    caller: Caller,
    Path(board): Path<String>,
) -> Result<Json<Vec<Member>>, ApiFailure> {
    let board_id = document_id(&board);
    if state.store.role(board_id, &caller.account.id).await?.is_none() {
        return Err(no_board(&board));
    }
    Ok(Json(state.store.members(board_id).await?))
}

/// `POST /api/boards/{id}/members`: an owner adds an existing account by email (201). Each
/// account may add a limited number of members per lockout period, since the answer says
/// whether an account has the email.
#[tracing::instrument(skip_all, fields(board))]
pub async fn add_member(
    State(state): State<AppState>,
    caller: Caller,
    Path(board): Path<String>,
    request: Result<Json<NewMember>, JsonRejection>,
) -> Result<(StatusCode, Json<Member>), ApiFailure> {
    let new = body(request)?;
    let email = new.email.trim().to_lowercase();
    auth::reserve_member_add(&state, &caller.account.id).await?;
    let change = MembershipChange::Add { email, role: new.role };
    let member = change_membership(&state, &caller, &board, change).await?;
    Ok((StatusCode::CREATED, Json(member.ok_or_else(|| anyhow::anyhow!("an added member is missing"))?)))
}

/// `PUT /api/boards/{id}/members/{account_id}`: an owner changes a member's role.
#[tracing::instrument(skip_all, fields(board))]
pub async fn change_role(
    State(state): State<AppState>,
    caller: Caller,
    Path((board, account_id)): Path<(String, String)>,
    request: Result<Json<RoleChange>, JsonRejection>,
) -> Result<Json<Member>, ApiFailure> {
    let RoleChange { role } = body(request)?;
    let member = change_membership(&state, &caller, &board, MembershipChange::SetRole { account_id, role }).await?;
    Ok(Json(member.ok_or_else(|| anyhow::anyhow!("a changed member is missing"))?))
}

/// `DELETE /api/boards/{id}/members/{account_id}`: an owner removes a member, or a member
/// leaves (204).
#[tracing::instrument(skip_all, fields(board))]
pub async fn remove_member(
    State(state): State<AppState>,
    caller: Caller,
    Path((board, account_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiFailure> {
    change_membership(&state, &caller, &board, MembershipChange::Remove { account_id }).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn change_membership(
    state: &AppState,
    caller: &Caller,
    board: &str,
    change: MembershipChange,
) -> Result<Option<Member>, ApiFailure> {
    // A scenario's members are its board's: the Members panel of a scenario changes them.
    let scenario_of = state.store.scenario(document_id(board)).await?.map(|scenario| scenario.board_id);
    let board_id = scenario_of.as_deref().unwrap_or(document_id(board));
    tracing::Span::current().record("board", board_id);
    let outcome = state.store.change_membership(board_id, &caller.account.id, &change, auth::now_ms()).await?;
    let member = outcome.map_err(|refusal| match refusal {
        MembershipRefusal::NoBoard => no_board(board),
        MembershipRefusal::NotOwner => {
            ApiFailure::Refused(ErrorCode::OwnerOnly, "only an owner of the board can change its members".into())
        }
        MembershipRefusal::NoAccount => match &change {
            MembershipChange::Add { email, .. } => ApiFailure::Refused(
                ErrorCode::NoAccountWithEmail,
                format!("no account has the email {email}: ask them to sign up first, then add them"),
            ),
            _ => ApiFailure::Refused(ErrorCode::NotAMember, "no such account".into()),
        },
        MembershipRefusal::AlreadyMember => ApiFailure::Refused(
            ErrorCode::AlreadyMember,
            "this account is a member of the board already: change its role instead".into(),
        ),
        MembershipRefusal::NoMember => {
            ApiFailure::Refused(ErrorCode::NotAMember, "this account is not a member of the board".into())
        }
        MembershipRefusal::LastOwner => ApiFailure::Refused(
            ErrorCode::LastOwner,
            "a board needs at least one owner: make someone else an owner first".into(),
        ),
    })?;
    state.share_policy.access_changed(board_id);
    // A scenario's members are its board's: whoever has one open is looked at again too.
    for scenario in state.store.scenario_ids(board_id).await? {
        state.share_policy.access_changed(&scenario);
    }
    tracing::info!(board = board_id, by = caller.account.id, ?change, "members changed");
    Ok(member)
}

/// The document id in a board URL or id: `automerge:` is optional.
pub(crate) fn document_id(board: &str) -> &str {
    board.strip_prefix("automerge:").unwrap_or(board)
}

pub(crate) fn summary(record: BoardRecord, role: Role) -> BoardSummary {
    BoardSummary { id: format!("automerge:{}", record.id), name: record.name, role }
}
