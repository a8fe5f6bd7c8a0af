//! The `api_tokens` table: tokens for scripts, with their scopes.

use shared::api::{Account, TokenScope, TokenSummary};
use sqlx::Row;

use super::{account, ACCOUNT_COLUMNS};
use crate::store::{Store, StoreError};

impl Store {
    pub async fn insert_token(
        &self,
        token: &TokenSummary,
        secret_hash: &str,
        account_id: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO api_tokens (id, secret_hash, account_id, name, created_at_ms, last_used_at_ms, scopes) \
             VALUES ($1, $2, $3, $4, $5, NULL, $6)",
        )
        .bind(&token.id)
        .bind(secret_hash)
        .bind(account_id)
        .bind(&token.name)
        .bind(token.created_at_ms)
        .bind(scopes_text(&token.scopes))
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The account's tokens, oldest first.
    pub async fn tokens(&self, account_id: &str) -> Result<Vec<TokenSummary>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, name, created_at_ms, last_used_at_ms, scopes FROM api_tokens \
             WHERE account_id = $1 ORDER BY created_at_ms, id",
        )
        .bind(account_id)
        .fetch_all(self.reads())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(TokenSummary {
                    id: row.try_get("id")?,
                    name: row.try_get("name")?,
                    created_at_ms: row.try_get("created_at_ms")?,
                    last_used_at_ms: row.try_get("last_used_at_ms")?,
                    scopes: scopes_from(&row.try_get::<String, _>("scopes")?),
                })
            })
            .collect()
    }

    /// Revokes one of the account's tokens; false if it has no such token.
    pub async fn delete_token(&self, account_id: &str, token_id: &str) -> Result<bool, StoreError> {
        let deleted = sqlx::query("DELETE FROM api_tokens WHERE id = $1 AND account_id = $2")
            .bind(token_id)
            .bind(account_id)
            .execute(self.pool())
            .await?;
        Ok(deleted.rows_affected() > 0)
    }

    /// The token with this secret hash, its scopes and its account, noting the use (at most
    /// once a minute, to spare the database a write per request).
    pub async fn use_token(
        &self,
        secret_hash: &str,
        now_ms: i64,
    ) -> Result<Option<(String, Vec<TokenScope>, Account)>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {ACCOUNT_COLUMNS}, api_tokens.id AS token_id, api_tokens.scopes FROM api_tokens \
             JOIN accounts ON accounts.id = api_tokens.account_id WHERE api_tokens.secret_hash = $1"
        ))
        .bind(secret_hash)
        .fetch_optional(self.reads())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let token_id: String = row.try_get("token_id")?;
        sqlx::query(
            "UPDATE api_tokens SET last_used_at_ms = $1 \
             WHERE id = $2 AND (last_used_at_ms IS NULL OR last_used_at_ms < $3)",
        )
        .bind(now_ms)
        .bind(&token_id)
        .bind(now_ms - 60_000)
        .execute(self.pool())
        .await?;
        let scopes = scopes_from(&row.try_get::<String, _>("scopes")?);
        Ok(Some((token_id, scopes, account(&row)?)))
    }
}

/// Scopes as stored: their names separated by spaces.
fn scopes_text(scopes: &[TokenScope]) -> String {
    scopes.iter().map(|scope| scope.as_str()).collect::<Vec<_>>().join(" ")
}

/// Stored scopes; a name this build does not know (written by a newer one) grants nothing.
fn scopes_from(text: &str) -> Vec<TokenScope> {
    text.split_whitespace().filter_map(TokenScope::parse).collect()
}
