//! The `accounts` table: sign-up, look-ups, password and language.

use shared::api::{Account, Locale, Role};
use sqlx::Row;

use super::{account, is_unique_violation, settings::settings_in, ACCOUNT_COLUMNS};
use crate::store::{Store, StoreError};

/// An account with its password hash, for checking a sign-in or a password change.
#[derive(Clone)]
pub struct AccountRecord {
    pub account: Account,
    /// The argon2 PHC string.
    pub password_hash: String,
}

impl std::fmt::Debug for AccountRecord {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("AccountRecord")
            .field("account", &self.account)
            .field("password_hash", &"<redacted>")
            .finish()
    }
}

/// A new account, as sign-up makes it.
pub struct NewAccount<'a> {
    pub id: &'a str,
    /// Already lowercased and checked.
    pub email: &'a str,
    pub name: &'a str,
    pub password_hash: &'a str,
    pub created_at_ms: i64,
}

/// Why a sign-up was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignUpRefusal {
    /// Another account has this email (in any case).
    EmailTaken,
    /// Sign-up is invite-only and no code was given.
    InviteRequired,
    /// The code is unknown, used or expired.
    InviteInvalid,
}

impl Store {
    /// Creates an account. The first account on the server becomes the instance admin and
    /// owner of every board that has no members (boards made before accounts existed). When
    /// sign-up is invite-only, `invite_code_hash` must name an unused, unexpired invite, which
    /// this uses up; otherwise it is ignored.
    pub async fn create_account(
        &self,
        new: &NewAccount<'_>,
        invite_code_hash: Option<&str>,
    ) -> Result<Result<Account, SignUpRefusal>, StoreError> {
        let mut transaction = self.pool().begin().await?;
        // Takes the settings row's lock on Postgres, so two sign-ups on an empty server
        // cannot both become the admin; SQLite has one connection and needs none.
        sqlx::query("UPDATE instance_settings SET invite_only = invite_only WHERE id = 1")
            .execute(&mut *transaction)
            .await?;
        let accounts: i64 =
            sqlx::query("SELECT COUNT(*) AS n FROM accounts").fetch_one(&mut *transaction).await?.try_get("n")?;
        let first = accounts == 0;
        let invite_only = settings_in(&mut transaction).await?.invite_only;
        if !first && invite_only && invite_code_hash.is_none() {
            return Ok(Err(SignUpRefusal::InviteRequired));
        }
        let taken = sqlx::query("SELECT id FROM accounts WHERE email = $1")
            .bind(new.email)
            .fetch_optional(&mut *transaction)
            .await?
            .is_some();
        if taken {
            return Ok(Err(SignUpRefusal::EmailTaken));
        }
        let inserted = sqlx::query(
            "INSERT INTO accounts (id, email, name, password_hash, admin, created_at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(new.id)
        .bind(new.email)
        .bind(new.name)
        .bind(new.password_hash)
        .bind(i64::from(first))
        .bind(new.created_at_ms)
        .execute(&mut *transaction)
        .await;
        match inserted {
            Ok(_) => {}
            // Someone took the email between the check and the insert.
            Err(error) if is_unique_violation(&error) => return Ok(Err(SignUpRefusal::EmailTaken)),
            Err(error) => return Err(error.into()),
        }
        if let (false, true, Some(code_hash)) = (first, invite_only, invite_code_hash) {
            let used = sqlx::query(
                "UPDATE invites SET used_at_ms = $1, used_by = $2 \
                 WHERE code_hash = $3 AND used_at_ms IS NULL AND expires_at_ms > $1",
            )
            .bind(new.created_at_ms)
            .bind(new.id)
            .bind(code_hash)
            .execute(&mut *transaction)
            .await?;
            if used.rows_affected() != 1 {
                return Ok(Err(SignUpRefusal::InviteInvalid));
            }
        }
        if first {
            sqlx::query(
                "INSERT INTO board_members (board_id, account_id, role, added_at_ms) \
                 SELECT id, $1, $2, $3 FROM boards \
                 WHERE id NOT IN (SELECT board_id FROM board_members)",
            )
            .bind(new.id)
            .bind(Role::Owner.as_str())
            .bind(new.created_at_ms)
            .execute(&mut *transaction)
            .await?;
        }
        transaction.commit().await?;
        Ok(Ok(Account {
            id: new.id.to_owned(),
            email: new.email.to_owned(),
            name: new.name.to_owned(),
            admin: first,
            language: None,
        }))
    }

    /// Why a sign-up would be refused, if it would, read without changing anything: the
    /// server asks before it spends a password hash on it. [`Store::create_account`] decides.
    pub async fn sign_up_refusal(
        &self,
        email: &str,
        invite_code_hash: Option<&str>,
        now_ms: i64,
    ) -> Result<Option<SignUpRefusal>, StoreError> {
        let accounts: i64 =
            sqlx::query("SELECT COUNT(*) AS n FROM accounts").fetch_one(self.pool()).await?.try_get("n")?;
        if accounts > 0 && self.settings().await?.invite_only {
            let Some(code_hash) = invite_code_hash else { return Ok(Some(SignUpRefusal::InviteRequired)) };
            let usable = sqlx::query(
                "SELECT code_hash FROM invites WHERE code_hash = $1 AND used_at_ms IS NULL AND expires_at_ms > $2",
            )
            .bind(code_hash)
            .bind(now_ms)
            .fetch_optional(self.pool())
            .await?
            .is_some();
            if !usable {
                return Ok(Some(SignUpRefusal::InviteInvalid));
            }
        }
        let taken = sqlx::query("SELECT id FROM accounts WHERE email = $1")
            .bind(email)
            .fetch_optional(self.pool())
            .await?
            .is_some();
        Ok(taken.then_some(SignUpRefusal::EmailTaken))
    }

    /// The account with this email (lowercased), with its password hash.
    pub async fn account_by_email(&self, email: &str) -> Result<Option<AccountRecord>, StoreError> {
        let row =
            sqlx::query(&format!("SELECT {ACCOUNT_COLUMNS}, accounts.password_hash FROM accounts WHERE email = $1"))
                .bind(email)
                .fetch_optional(self.reads())
                .await?;
        row.map(|row| Ok(AccountRecord { account: account(&row)?, password_hash: row.try_get("password_hash")? }))
            .transpose()
    }

    pub async fn account(&self, account_id: &str) -> Result<Option<AccountRecord>, StoreError> {
        let row = sqlx::query(&format!("SELECT {ACCOUNT_COLUMNS}, accounts.password_hash FROM accounts WHERE id = $1"))
            .bind(account_id)
            .fetch_optional(self.reads())
            .await?;
        row.map(|row| Ok(AccountRecord { account: account(&row)?, password_hash: row.try_get("password_hash")? }))
            .transpose()
    }

    /// Sets a new password and ends every session of the account except `keep_session_id`;
    /// unless `keep_tokens`, revokes its API tokens too. Returns the ids of the revoked tokens
    /// (their sync connections are to be closed).
    pub async fn set_password(
        &self,
        account_id: &str,
        password_hash: &str,
        keep_session_id: Option<&str>,
        keep_tokens: bool,
    ) -> Result<Vec<String>, StoreError> {
        let mut transaction = self.pool().begin().await?;
        sqlx::query("UPDATE accounts SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(account_id)
            .execute(&mut *transaction)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE account_id = $1 AND id <> $2")
            .bind(account_id)
            .bind(keep_session_id.unwrap_or(""))
            .execute(&mut *transaction)
            .await?;
        let mut revoked = Vec::new();
        if !keep_tokens {
            for row in sqlx::query("SELECT id FROM api_tokens WHERE account_id = $1")
                .bind(account_id)
                .fetch_all(&mut *transaction)
                .await?
            {
                revoked.push(row.try_get::<String, _>("id")?);
            }
            sqlx::query("DELETE FROM api_tokens WHERE account_id = $1")
                .bind(account_id)
                .execute(&mut *transaction)
                .await?;
        }
        transaction.commit().await?;
        Ok(revoked)
    }

    /// Remembers the language the person chose, for every device they sign in on.
    pub async fn set_language(&self, account_id: &str, language: Locale) -> Result<(), StoreError> {
        sqlx::query("UPDATE accounts SET language = $1 WHERE id = $2")
            .bind(language.code())
            .bind(account_id)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}
