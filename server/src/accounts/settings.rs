//! The instance's settings (open sign-up or invites only) and the `invites` table.

use shared::api::InstanceSettings;
use sqlx::{any::AnyRow, Any, Row, Transaction};

use crate::store::{Store, StoreError};

impl Store {
    pub async fn settings(&self) -> Result<InstanceSettings, StoreError> {
        let row =
            sqlx::query("SELECT invite_only FROM instance_settings WHERE id = 1").fetch_optional(self.reads()).await?;
        settings_from(row)
    }

    pub async fn set_settings(&self, settings: &InstanceSettings) -> Result<(), StoreError> {
        sqlx::query("UPDATE instance_settings SET invite_only = $1 WHERE id = 1")
            .bind(i64::from(settings.invite_only))
            .execute(self.pool())
            .await?;
        Ok(())
    }

    pub async fn insert_invite(
        &self,
        code_hash: &str,
        created_by: &str,
        now_ms: i64,
        expires_at_ms: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO invites (code_hash, created_by, created_at_ms, expires_at_ms) VALUES ($1, $2, $3, $4)",
        )
        .bind(code_hash)
        .bind(created_by)
        .bind(now_ms)
        .bind(expires_at_ms)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Forgets every invite that expired at or before `now_ms`, used or not; how many.
    pub async fn delete_expired_invites(&self, now_ms: i64) -> Result<u64, StoreError> {
        let done =
            sqlx::query("DELETE FROM invites WHERE expires_at_ms <= $1").bind(now_ms).execute(self.pool()).await?;
        Ok(done.rows_affected())
    }
}

pub(super) async fn settings_in(transaction: &mut Transaction<'_, Any>) -> Result<InstanceSettings, StoreError> {
    let row = sqlx::query("SELECT invite_only FROM instance_settings WHERE id = 1")
        .fetch_optional(&mut **transaction)
        .await?;
    settings_from(row)
}

fn settings_from(row: Option<AnyRow>) -> Result<InstanceSettings, StoreError> {
    let invite_only = match row {
        Some(row) => row.try_get::<i64, _>("invite_only")? != 0,
        None => false,
    };
    Ok(InstanceSettings { invite_only })
}
