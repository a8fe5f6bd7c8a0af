//! The `login_failures` table: sign-in throttling per email and per address.

use sqlx::Row;

use crate::store::{Store, StoreError};

/// How one sign-in key (`email:…` or `ip:…`) stands after a failure was counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailureCount {
    pub failures: i64,
    pub locked_until_ms: Option<i64>,
}

impl Store {
    /// The latest time until which any of `keys` is locked, if one is locked at `now_ms`.
    pub async fn login_locked_until(&self, keys: &[&str], now_ms: i64) -> Result<Option<i64>, StoreError> {
        let mut latest = None;
        for key in keys {
            let row = sqlx::query("SELECT locked_until_ms FROM login_failures WHERE key = $1 AND locked_until_ms > $2")
                .bind(*key)
                .bind(now_ms)
                .fetch_optional(self.reads())
                .await?;
            if let Some(row) = row {
                let until: i64 = row.try_get("locked_until_ms")?;
                latest = latest.max(Some(until));
            }
        }
        Ok(latest)
    }

    /// Counts a failed sign-in for `key`. Failures count within a window of `window_ms` from
    /// the first; the `limit`-th failure in a window locks the key for `window_ms`.
    pub async fn record_login_failure(
        &self,
        key: &str,
        now_ms: i64,
        window_ms: i64,
        limit: i64,
    ) -> Result<FailureCount, StoreError> {
        let mut transaction = self.pool().begin().await?;
        // Counts whose window has passed (and whose lock, which ends at or after the window,
        // has too) are forgotten, this key's and every other: `key` then starts afresh, and
        // guesses at made-up emails do not pile up.
        sqlx::query(
            "DELETE FROM login_failures \
             WHERE window_start_ms <= $1 AND (locked_until_ms IS NULL OR locked_until_ms <= $2)",
        )
        .bind(now_ms - window_ms)
        .bind(now_ms)
        .execute(&mut *transaction)
        .await?;
        let row = sqlx::query(
            "INSERT INTO login_failures (key, failures, window_start_ms, locked_until_ms) VALUES ($1, 1, $2, NULL) \
             ON CONFLICT (key) DO UPDATE SET failures = login_failures.failures + 1 \
             RETURNING failures, locked_until_ms",
        )
        .bind(key)
        .bind(now_ms)
        .fetch_one(&mut *transaction)
        .await?;
        let failures: i64 = row.try_get("failures")?;
        let mut locked_until_ms: Option<i64> = row.try_get("locked_until_ms")?;
        if failures >= limit && locked_until_ms.is_none_or(|until| until <= now_ms) {
            let until = now_ms + window_ms;
            sqlx::query("UPDATE login_failures SET locked_until_ms = $1 WHERE key = $2")
                .bind(until)
                .bind(key)
                .execute(&mut *transaction)
                .await?;
            locked_until_ms = Some(until);
        }
        transaction.commit().await?;
        Ok(FailureCount { failures, locked_until_ms })
    }

    /// Gives back one attempt counted for `key` (a sign-in that turned out right).
    pub async fn refund_login_attempt(&self, key: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE login_failures SET failures = failures - 1 WHERE key = $1 AND failures > 0")
            .bind(key)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    pub async fn clear_login_failures(&self, key: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM login_failures WHERE key = $1").bind(key).execute(self.pool()).await?;
        Ok(())
    }
}
