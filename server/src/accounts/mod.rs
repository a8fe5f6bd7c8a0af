//! Accounts, sessions, API tokens, invites, sign-in throttling and board membership: the
//! queries behind `/api/auth`, `/api/tokens`, `/api/admin` and `/api/boards`.
//!
//! These are more [`Store`](crate::store::Store) methods, one per question the server asks,
//! over the tables of `migrations/*/0002_accounts.sql`. The same SQL runs on SQLite and Postgres. Nothing here
//! reads a clock or sees a secret: callers pass the time (`now_ms`, Unix milliseconds) and
//! the SHA-256 of a session, token or invite secret ([`crate::auth`] makes both), so the
//! database never holds anything that would let its reader sign in.
//!
//! Whatever must stay true across several rows is done in one transaction: a sign-up that
//! uses an invite, a new board with its first change and its owner, and every membership
//! change (a board always keeps at least one owner). Membership changes first lock the
//! board's row in `boards`, so on Postgres two owners demoting each other at once cannot
//! both succeed and leave the board without an owner.
//!
//! One file per table (or pair of tables): `account.rs` (`accounts`), `sessions.rs`,
//! `tokens.rs` (`api_tokens`), `settings.rs` (the instance's settings and `invites`),
//! `throttle.rs` (`login_failures`) and `members.rs` (`boards` and `board_members`). Each adds
//! its own `impl Store` block.

use shared::api::{Account, Locale};
use sqlx::{any::AnyRow, Row};

use crate::store::StoreError;

mod account;
mod members;
mod sessions;
mod settings;
mod throttle;
mod tokens;

pub use account::{AccountRecord, NewAccount, SignUpRefusal};
pub use members::{MembershipChange, MembershipRefusal};
pub use sessions::SessionRecord;
pub use throttle::FailureCount;

pub(crate) const ACCOUNT_COLUMNS: &str =
    "accounts.id, accounts.email, accounts.name, accounts.admin, accounts.language";

pub(crate) fn account(row: &AnyRow) -> Result<Account, StoreError> {
    Ok(Account {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        name: row.try_get("name")?,
        admin: row.try_get::<i64, _>("admin")? != 0,
        // A value this server does not know (written by a newer one) reads as no choice.
        language: row.try_get::<Option<String>, _>("language")?.as_deref().and_then(Locale::parse),
    })
}

pub(crate) fn is_unique_violation(error: &sqlx::Error) -> bool {
    error.as_database_error().is_some_and(|error| error.is_unique_violation())
}
