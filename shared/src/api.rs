//! The JSON the server's small HTTP API speaks. These are wire types: every field is a
//! compatibility promise to the app and to scripts, so change them only by adding.

use serde::{Deserialize, Serialize};

pub use crate::format::Locale;

/// One board in `GET /api/boards`, and the answer to `POST /api/boards`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardSummary {
    /// The board's automerge URL, `automerge:<document id>`.
    pub id: String,
    pub name: String,
    /// The caller's role on the board.
    pub role: Role,
}

impl BoardSummary {
    /// The document id alone (the part after `automerge:`), as used in the app's URLs.
    pub fn document_id(&self) -> &str {
        self.id.strip_prefix("automerge:").unwrap_or(&self.id)
    }
}

/// The body of `POST /api/boards`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewBoard {
    pub name: String,
}

/// The body of `POST /api/boards/{id}/scenarios`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewScenario {
    pub name: String,
}

/// A scenario (情景分析) of a board: a fork of the board's document, opened, edited and synced
/// like a board by the board's members (with their role on the board), compared with the board
/// and merged back into it. `GET /api/boards/{id}/scenarios` lists them, `POST` makes one, and
/// `GET /api/scenarios/{id}` says what one is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioSummary {
    /// The scenario's automerge URL, `automerge:<document id>`: it opens as a board does.
    pub id: String,
    /// The board it was forked from, `automerge:<document id>`.
    pub board_id: String,
    pub board_name: String,
    pub name: String,
    /// The name of the member who made it (`None` once that account is gone).
    pub created_by: Option<String>,
    pub created_at_ms: i64,
    /// When it was last merged into the board, and by whom.
    pub merged_at_ms: Option<i64>,
    pub merged_by: Option<String>,
    /// Discarded: no longer listed, still kept (and still opens).
    pub archived: bool,
    /// The caller's role on the board, which is its role on the scenario.
    pub role: Role,
}

impl ScenarioSummary {
    /// The scenario's document id alone, as used in the app's URLs.
    pub fn document_id(&self) -> &str {
        self.id.strip_prefix("automerge:").unwrap_or(&self.id)
    }

    /// The board's document id alone.
    pub fn board_document_id(&self) -> &str {
        self.board_id.strip_prefix("automerge:").unwrap_or(&self.board_id)
    }
}

/// The answer to `POST /api/boards/{id}/scenarios/{scenario}/merge`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergeOutcome {
    /// How many of the scenario's changes the board did not have and now has (0: nothing to merge).
    pub changes: usize,
    pub scenario: ScenarioSummary,
}

/// The body of every error answer: a message a person can act on, in English, and a stable
/// [`ErrorCode`] that the app turns into the reader's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub error: String,
    /// Absent from servers older than the code; read as [`ErrorCode::Unknown`] then.
    #[serde(default)]
    pub code: ErrorCode,
}

/// Why the API refused a request, as a stable name a client can rely on (`"email_taken"`); the
/// English `error` beside it may be reworded at any time. A code a client does not know yet
/// reads as [`ErrorCode::Unknown`], so servers can add codes without breaking clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// 400: the request is malformed (its JSON body or a parameter).
    BadRequest,
    /// 400: not an email address.
    BadEmail,
    /// 400: a person's name that is empty or too long.
    BadName,
    /// 400: a password that is too short or too long.
    BadPassword,
    /// 400: a board name that is empty or too long.
    BadBoardName,
    /// 400: an API token name that is empty or too long.
    BadTokenName,
    /// 400: a language the server does not know.
    BadLanguage,
    /// 400: a backup that is not a readable Automerge document (damaged, or changed after it
    /// was saved).
    BackupUnreadable,
    /// 400: a backup that holds no board at all.
    BackupEmpty,
    /// 400: a backup the server's checks refuse (too large, or changes the gate refuses).
    BackupRefused,
    /// 400: a backup whose document is not a whole board of a schema this server knows.
    BackupNotABoard,
    /// 401: no credentials.
    SignInFirst,
    /// 401: the session has ended.
    SessionEnded,
    /// 401: the API token was revoked or mistyped.
    TokenInvalid,
    /// 401: sign-in with a wrong email or password.
    WrongCredentials,
    /// 401: the account was deleted.
    NoSuchAccount,
    /// 403: a change without a valid `X-CSRF-Token` header.
    CsrfMissing,
    /// 403: a password change with a wrong current password.
    WrongCurrentPassword,
    /// 403: sign-up needs an invite code.
    InviteRequired,
    /// 403: the invite code was used, has expired or is mistyped.
    InviteInvalid,
    /// 403: only the instance admin may do this.
    AdminOnly,
    /// 403: only an owner of the board may do this.
    OwnerOnly,
    /// 403: the account owns as many boards as it may.
    BoardLimit,
    /// 403: anything else the caller may not do.
    Forbidden,
    /// 404: no board with that id among the caller's boards.
    NoSuchBoard,
    /// 404: no account has that email (adding a member).
    NoAccountWithEmail,
    /// 404: that account is not a member of the board.
    NotAMember,
    /// 404: the caller has no API token with that id.
    NoSuchToken,
    /// 404: anything else that is not there.
    NotFound,
    /// 409: an account with that email exists already.
    EmailTaken,
    /// 409: that account is a member of the board already.
    AlreadyMember,
    /// 409: the change would leave the board without an owner.
    LastOwner,
    /// 409: anything else that conflicts with what is there.
    Conflict,
    /// 429: too many failed sign-ins (see `Retry-After`).
    TooManyAttempts,
    /// 429: too many sign-ups from one address (see `Retry-After`).
    TooManySignUps,
    /// 429: too many members added from one address (see `Retry-After`).
    TooManyMemberAdds,
    /// 503: the server is busy (see `Retry-After`).
    Busy,
    /// 500: the server could not complete the request.
    Internal,
    /// A code this client does not know.
    #[default]
    #[serde(other)]
    Unknown,
}

impl ErrorCode {
    /// The general code of an HTTP status, for refusals that have no code of their own (a
    /// wrong method, a body the framework could not read).
    pub fn for_status(status: u16) -> ErrorCode {
        match status {
            400 | 405 | 411 | 413 | 415 | 422 => ErrorCode::BadRequest,
            401 => ErrorCode::SignInFirst,
            403 => ErrorCode::Forbidden,
            404 => ErrorCode::NotFound,
            409 => ErrorCode::Conflict,
            503 => ErrorCode::Busy,
            500..=599 => ErrorCode::Internal,
            _ => ErrorCode::Unknown,
        }
    }

    /// The HTTP status that goes with the code.
    pub fn status(self) -> u16 {
        use ErrorCode::*;
        match self {
            BadRequest | BadEmail | BadName | BadPassword | BadBoardName | BadTokenName | BadLanguage
            | BackupUnreadable | BackupEmpty | BackupRefused | BackupNotABoard => 400,
            SignInFirst | SessionEnded | TokenInvalid | WrongCredentials | NoSuchAccount => 401,
            CsrfMissing | WrongCurrentPassword | InviteRequired | InviteInvalid | AdminOnly | OwnerOnly
            | BoardLimit | Forbidden => 403,
            NoSuchBoard | NoAccountWithEmail | NotAMember | NoSuchToken | NotFound => 404,
            EmailTaken | AlreadyMember | LastOwner | Conflict => 409,
            TooManyAttempts | TooManySignUps | TooManyMemberAdds => 429,
            Busy => 503,
            Internal | Unknown => 500,
        }
    }
}

// ---- accounts and access (issue 4) ----------------------------------------------------------
//
// Cookie sessions: `pmo_session` (HttpOnly, SameSite=Lax, Secure over https) and `pmo_csrf`
// (readable by scripts). Every state-changing request authenticated by the cookie carries the
// header `X-CSRF-Token` with the value of `pmo_csrf`; before sign-in, `GET /api/auth/me` sets a
// `pmo_csrf` cookie so that sign-up and sign-in carry one too. Requests with
// `Authorization: Bearer <API token>` need no CSRF header.

/// The header that carries the CSRF token.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// The cookie that holds the CSRF token.
pub const CSRF_COOKIE: &str = "pmo_csrf";
/// The cookie that holds the session.
pub const SESSION_COOKIE: &str = "pmo_session";

/// What a member may do with a board.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Reads the board; its changes are neither applied, stored nor relayed.
    Viewer,
    /// Reads and edits the board.
    Editor,
    /// Edits the board and manages its members.
    Owner,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Owner, Role::Editor, Role::Viewer];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Editor => "editor",
            Role::Owner => "owner",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == text)
    }

    pub fn can_edit(self) -> bool {
        self >= Role::Editor
    }

    pub fn can_manage_members(self) -> bool {
        self == Role::Owner
    }
}

/// A person with an account on this server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub id: String,
    pub email: String,
    pub name: String,
    /// The instance admin (the first account) switches sign-up to invite-only and makes invites.
    pub admin: bool,
    /// The language the person last chose, on any device; `None` until they choose one (the
    /// browser's language is used then).
    #[serde(default)]
    pub language: Option<Locale>,
}

/// `PUT /api/auth/language`: remembers the language the person chose, for every device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LanguageChoice {
    pub language: Locale,
}

/// The cookie that remembers the language chosen on this device, so that the server's shell is
/// in that language from the first paint (`en` or `zh`).
pub const LANGUAGE_COOKIE: &str = "pmo_lang";

/// `GET /api/auth/me`, and the answer to sign-up and sign-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub account: Account,
    /// The value to send in `X-CSRF-Token` (also in the `pmo_csrf` cookie).
    pub csrf_token: String,
}

/// `POST /api/auth/signup`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignUp {
    pub email: String,
    pub name: String,
    pub password: String,
    /// Required when sign-up is invite-only.
    #[serde(default)]
    pub invite: Option<String>,
}

/// `POST /api/auth/signin`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignIn {
    pub email: String,
    pub password: String,
}

/// `POST /api/auth/password`. Signs out every other session of the account and, unless
/// `keep_tokens`, revokes its API tokens: whoever learnt the old password may have made one.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordChange {
    pub current: String,
    pub new: String,
    /// Keep the account's API tokens working (off when absent).
    #[serde(default)]
    pub keep_tokens: bool,
}

/// The shortest password accepted, in characters.
pub const PASSWORD_MIN_CHARS: usize = 10;

/// What an API token may be used for. A token made without saying gets
/// [`TokenScope::DEFAULT`]: syncing boards and reading the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenScope {
    /// `/sync`: open the account's boards (editing them as its role allows).
    Sync,
    /// `GET` requests of the API: boards, members, the account.
    Read,
    /// Changes through the API: creating boards, adding and removing members, leaving.
    Write,
    /// The account itself: making and revoking tokens, changing the password, signing out.
    Account,
}

impl TokenScope {
    pub const ALL: [TokenScope; 4] = [TokenScope::Sync, TokenScope::Read, TokenScope::Write, TokenScope::Account];
    /// What a token gets when its maker does not say.
    pub const DEFAULT: [TokenScope; 2] = [TokenScope::Sync, TokenScope::Read];

    pub fn as_str(self) -> &'static str {
        match self {
            TokenScope::Sync => "sync",
            TokenScope::Read => "read",
            TokenScope::Write => "write",
            TokenScope::Account => "account",
        }
    }

    /// The scope named `name`, if any.
    pub fn parse(name: &str) -> Option<TokenScope> {
        TokenScope::ALL.into_iter().find(|scope| scope.as_str() == name)
    }

    fn default_list() -> Vec<TokenScope> {
        TokenScope::DEFAULT.to_vec()
    }
}

/// One personal API token in `GET /api/tokens`. The secret is shown once, at creation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenSummary {
    pub id: String,
    pub name: String,
    pub created_at_ms: i64,
    pub last_used_at_ms: Option<i64>,
    /// What the token may be used for.
    #[serde(default = "TokenScope::default_list")]
    pub scopes: Vec<TokenScope>,
}

/// `POST /api/tokens`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewToken {
    pub name: String,
    /// What the token may be used for; [`TokenScope::DEFAULT`] when absent.
    #[serde(default = "TokenScope::default_list")]
    pub scopes: Vec<TokenScope>,
}

/// The answer to `POST /api/tokens`: the only time the secret is shown.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedToken {
    pub token: TokenSummary,
    /// Send as `Authorization: Bearer <secret>`, or `?token=<secret>` on the WebSocket URL.
    pub secret: String,
}

/// `GET` and `PUT /api/admin/settings` (admin only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstanceSettings {
    pub invite_only: bool,
}

/// The answer to `POST /api/admin/invites` (admin only): a one-time sign-up code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invite {
    pub code: String,
    pub expires_at_ms: i64,
}

/// One member in `GET /api/boards/{id}/members`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub account_id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
}

/// `POST /api/boards/{id}/members` (owners only): adds an existing account by email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewMember {
    pub email: String,
    pub role: Role,
}

/// `PUT /api/boards/{id}/members/{account_id}` (owners only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleChange {
    pub role: Role,
}

/// Passwords and secrets never reach a log through `{:?}`.
/// The sign-in page, which a `next` must never lead back to.
pub const SIGN_IN_PATH: &str = "/signin";

/// Where to go after signing in, from the page's `next` parameter (as decoded from the query):
/// that path when it is a page of this app on this origin, the board list (`/`) otherwise.
///
/// Browsers drop tabs and newlines from URLs and read `\` as `/`, so `/\t/evil.example`
/// becomes `//evil.example`, another site; a `next` with any of those, or starting with `//`,
/// is refused rather than cleaned.
pub fn page_after_sign_in(next: Option<&str>) -> String {
    match next {
        Some(path) if is_path_on_this_origin(path) && !path.starts_with(SIGN_IN_PATH) => path.to_owned(),
        _ => "/".into(),
    }
}

/// A path that every browser resolves on the current origin: it starts with one `/`, and holds
/// no whitespace, control character or backslash a browser would drop or turn into `/`.
fn is_path_on_this_origin(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.chars().any(|c| c.is_whitespace() || c.is_control() || c == '\\')
}

#[cfg(test)]
mod error_code_tests {
    use super::{ApiError, ErrorCode};

    #[test]
    fn error_codes_are_stable_names_and_unknown_ones_still_read() {
        let cases = [
            (r#"{"error":"taken","code":"email_taken"}"#, ErrorCode::EmailTaken, 409),
            (r#"{"error":"wrong","code":"wrong_credentials"}"#, ErrorCode::WrongCredentials, 401),
            (r#"{"error":"new","code":"a_code_from_a_newer_server"}"#, ErrorCode::Unknown, 500),
            (r#"{"error":"old server"}"#, ErrorCode::Unknown, 500),
        ];
        for (json, code, status) in cases {
            let error: ApiError = serde_json::from_str(json).unwrap();
            assert_eq!((error.code, error.code.status()), (code, status), "{json}");
        }
        let sent = serde_json::to_string(&ApiError { error: "x".into(), code: ErrorCode::LastOwner }).unwrap();
        assert_eq!(sent, r#"{"error":"x","code":"last_owner"}"#);
    }
}

#[cfg(test)]
mod next_tests {
    use super::page_after_sign_in;

    #[test]
    fn after_sign_in_only_paths_of_this_origin_are_followed() {
        let cases: &[(Option<&str>, &str)] = &[
            (None, "/"),
            (Some(""), "/"),
            (Some("/"), "/"),
            (Some("/board/abc"), "/board/abc"),
            (Some("/board/4Xyz9?tab=risks#top"), "/board/4Xyz9?tab=risks#top"),
            (Some("/board/a%20b"), "/board/a%20b"),
            (Some("//evil.example/x"), "/"),
            (Some("/\\evil.example"), "/"),
            (Some("/\t/evil.example"), "/"),
            (Some("/\n/evil.example"), "/"),
            (Some("/\r/evil.example"), "/"),
            (Some("/ /evil.example"), "/"),
            (Some("\t//evil.example"), "/"),
            (Some("/board\\..\\..\\evil"), "/"),
            (Some("https://evil.example"), "/"),
            (Some("javascript:alert(1)"), "/"),
            (Some("/signin?next=/x"), "/"),
            (Some("/\u{2028}/evil.example"), "/"),
        ];
        for (next, expected) in cases {
            assert_eq!(page_after_sign_in(*next), *expected, "{next:?}");
        }
    }
}

mod redacted {
    use std::fmt;

    use super::{CreatedToken, PasswordChange, SignIn, SignUp};

    const HIDDEN: &str = "<hidden>";

    impl fmt::Debug for SignUp {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("SignUp")
                .field("email", &self.email)
                .field("name", &self.name)
                .field("password", &HIDDEN)
                .field("invite", &self.invite.as_ref().map(|_| HIDDEN))
                .finish()
        }
    }

    impl fmt::Debug for SignIn {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("SignIn").field("email", &self.email).field("password", &HIDDEN).finish()
        }
    }

    impl fmt::Debug for PasswordChange {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("PasswordChange").field("current", &HIDDEN).field("new", &HIDDEN).finish()
        }
    }

    impl fmt::Debug for CreatedToken {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("CreatedToken").field("token", &self.token).field("secret", &HIDDEN).finish()
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn debug_output_hides_passwords_and_secrets() {
            let sign_up = SignUp {
                email: "li@example.com".into(),
                name: "Li".into(),
                password: "correct horse battery".into(),
                invite: Some("invite-code".into()),
            };
            let printed = format!(
                "{sign_up:?}{:?}",
                PasswordChange { current: "old secret".into(), new: "new secret".into(), keep_tokens: false }
            );
            for secret in ["correct horse", "invite-code", "old secret", "new secret"] {
                assert!(!printed.contains(secret), "{printed}");
            }
            assert!(printed.contains("li@example.com"));
        }
    }
}
