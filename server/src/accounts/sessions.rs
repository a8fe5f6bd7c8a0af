//! The `sessions` table: a signed-in browser's session, renewed as it is used.

use shared::api::Account;
use sqlx::Row;

use super::{account, ACCOUNT_COLUMNS};
use crate::store::{Store, StoreError};

/// A live session with its account.
#[derive(Clone)]
pub struct SessionRecord {
    /// The SHA-256 (hex) of the cookie's secret.
    pub id: String,
    pub account: Account,
    pub csrf_token: String,
    pub last_seen_at_ms: i64,
    pub expires_at_ms: i64,
}

impl std::fmt::Debug for SessionRecord {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("SessionRecord")
            .field("account", &self.account)
            .field("last_seen_at_ms", &self.last_seen_at_ms)
            .field("expires_at_ms", &self.expires_at_ms)
            .finish_non_exhaustive()
    }
}

impl Store {
    pub async fn insert_session(
        &self,
        session_id: &str,
        account_id: &str,
        csrf_token: &str,
        now_ms: i64,
        expires_at_ms: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sessions (id, account_id, csrf_token, created_at_ms, last_seen_at_ms, expires_at_ms) \
             VALUES ($1, $2, $3, $4, $4, $5)",
        )
        .bind(session_id)
        .bind(account_id)
        .bind(csrf_token)
        .bind(now_ms)
        .bind(expires_at_ms)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The session, if it exists and has not expired at `now_ms`.
    pub async fn session(&self, session_id: &str, now_ms: i64) -> Result<Option<SessionRecord>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {ACCOUNT_COLUMNS}, sessions.csrf_token, sessions.last_seen_at_ms, sessions.expires_at_ms \
             FROM sessions JOIN accounts ON accounts.id = sessions.account_id \
             WHERE sessions.id = $1 AND sessions.expires_at_ms > $2"
        ))
        .bind(session_id)
        .bind(now_ms)
        .fetch_optional(self.reads())
        .await?;
        row.map(|row| {
            Ok(SessionRecord {
                id: session_id.to_owned(),
                account: account(&row)?,
                csrf_token: row.try_get("csrf_token")?,
                last_seen_at_ms: row.try_get("last_seen_at_ms")?,
                expires_at_ms: row.try_get("expires_at_ms")?,
            })
        })
        .transpose()
    }

    /// Records that the session was used and pushes its expiry out (sliding expiry).
    pub async fn touch_session(&self, session_id: &str, now_ms: i64, expires_at_ms: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE sessions SET last_seen_at_ms = $1, expires_at_ms = $2 WHERE id = $3")
            .bind(now_ms)
            .bind(expires_at_ms)
            .bind(session_id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    pub async fn delete_session(&self, session_id: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE id = $1").bind(session_id).execute(self.pool()).await?;
        Ok(())
    }

    /// Forgets every session that expired at or before `now_ms`; how many.
    pub async fn delete_expired_sessions(&self, now_ms: i64) -> Result<u64, StoreError> {
        let done =
            sqlx::query("DELETE FROM sessions WHERE expires_at_ms <= $1").bind(now_ms).execute(self.pool()).await?;
        Ok(done.rows_affected())
    }
}
