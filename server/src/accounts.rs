//! Accounts, sessions, API tokens, invites, sign-in throttling and board membership: the
//! queries behind `/api/auth`, `/api/tokens`, `/api/admin` and `/api/boards`.
//!
//! These are more [`Store`] methods, one per question the server asks, over the tables of
//! `migrations/*/0002_accounts.sql`. The same SQL runs on SQLite and Postgres. Nothing here
//! reads a clock or sees a secret: callers pass the time (`now_ms`, Unix milliseconds) and
//! the SHA-256 of a session, token or invite secret ([`crate::auth`] makes both), so the
//! database never holds anything that would let its reader sign in.
//!
//! Whatever must stay true across several rows is done in one transaction: a sign-up that
//! uses an invite, a new board with its first change and its owner, and every membership
//! change (a board always keeps at least one owner). Membership changes first lock the
//! board's row in `boards`, so on Postgres two owners demoting each other at once cannot
//! both succeed and leave the board without an owner.

use shared::api::{Account, InstanceSettings, Locale, Member, Role, TokenScope, TokenSummary};
use sqlx::{any::AnyRow, Any, Row, Transaction};

use crate::store::{BoardRecord, Store, StoreError};

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

/// What an owner does to a board's members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MembershipChange {
    /// Adds the account with this email (lowercased).
    Add {
        email: String,
        role: Role,
    },
    SetRole {
        account_id: String,
        role: Role,
    },
    Remove {
        account_id: String,
    },
}

/// Why a membership change was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MembershipRefusal {
    /// No such board, or the one acting is not a member of it: the same answer for both, so a
    /// member list never tells an outsider that a board exists.
    NoBoard,
    /// The one acting is a member but not an owner.
    NotOwner,
    /// No account has the email to add.
    NoAccount,
    /// The account to add is a member already.
    AlreadyMember,
    /// The account to change or remove is not a member.
    NoMember,
    /// The change would leave the board without an owner.
    LastOwner,
}

/// How one sign-in key (`email:…` or `ip:…`) stands after a failure was counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailureCount {
    pub failures: i64,
    pub locked_until_ms: Option<i64>,
}

const ACCOUNT_COLUMNS: &str = "accounts.id, accounts.email, accounts.name, accounts.admin, accounts.language";

impl Store {
    // ---- accounts ---------------------------------------------------------------------------

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

    // ---- sessions ---------------------------------------------------------------------------

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

    /// Forgets every session that expired before `now_ms`.
    pub async fn delete_expired_sessions(&self, now_ms: i64) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE expires_at_ms <= $1").bind(now_ms).execute(self.pool()).await?;
        Ok(())
    }

    // ---- API tokens -------------------------------------------------------------------------

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

    // ---- instance settings and invites ------------------------------------------------------

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

    // ---- sign-in throttling -----------------------------------------------------------------

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

    // ---- boards and members -----------------------------------------------------------------

    /// What `account_id` may do with the board `board_id` (a document id without
    /// `automerge:`), or `None` if it is not a member or there is no such board. For a
    /// scenario's id, the role on the scenario's board: a scenario has no members of its own.
    pub async fn role(&self, board_id: &str, account_id: &str) -> Result<Option<Role>, StoreError> {
        let row = sqlx::query(
            "SELECT role FROM board_members WHERE account_id = $2 \
             AND board_id = COALESCE((SELECT board_id FROM scenarios WHERE id = $1), $1)",
        )
        .bind(board_id)
        .bind(account_id)
        .fetch_optional(self.reads())
        .await?;
        row.map(|row| role(&row)).transpose()
    }

    /// Makes a board durable in one transaction: its changes as samod storage chunks (under
    /// `<document id>/incremental/<change hash hex>`, where samod itself would put them), its
    /// row in the index, and its owner. A board that is listed therefore always has a document
    /// and an owner, even if the server stops before samod has written anything.
    pub async fn create_board(
        &self,
        record: &BoardRecord,
        owner_account_id: &str,
        changes: &[(automerge::ChangeHash, Vec<u8>)],
    ) -> Result<(), StoreError> {
        let mut transaction = self.pool().begin().await?;
        crate::store::insert_changes(&mut transaction, &record.id, changes).await?;
        crate::history::record(&mut transaction, &record.id, changes, Some(owner_account_id), &[]).await?;
        sqlx::query("INSERT INTO boards (id, name, created_at_ms) VALUES ($1, $2, $3)")
            .bind(&record.id)
            .bind(&record.name)
            .bind(record.created_at_ms)
            .execute(&mut *transaction)
            .await?;
        sqlx::query("INSERT INTO board_members (board_id, account_id, role, added_at_ms) VALUES ($1, $2, $3, $4)")
            .bind(&record.id)
            .bind(owner_account_id)
            .bind(Role::Owner.as_str())
            .bind(record.created_at_ms)
            .execute(&mut *transaction)
            .await?;
        transaction.commit().await?;
        Ok(())
    }

    /// The boards `account_id` is a member of, with its role on each, oldest first.
    pub async fn boards_of(&self, account_id: &str) -> Result<Vec<(BoardRecord, Role)>, StoreError> {
        let rows = sqlx::query(
            "SELECT boards.id, boards.name, boards.created_at_ms, board_members.role \
             FROM boards JOIN board_members ON board_members.board_id = boards.id \
             WHERE board_members.account_id = $1 ORDER BY boards.created_at_ms, boards.id",
        )
        .bind(account_id)
        .fetch_all(self.reads())
        .await?;
        rows.iter()
            .map(|row| {
                let record = BoardRecord {
                    id: row.try_get("id")?,
                    name: row.try_get("name")?,
                    created_at_ms: row.try_get("created_at_ms")?,
                };
                Ok((record, role(row)?))
            })
            .collect()
    }

    /// The board's members: owners first, then editors, then viewers, each by name. For a
    /// scenario's id, its board's members.
    pub async fn members(&self, board_id: &str) -> Result<Vec<Member>, StoreError> {
        let rows = sqlx::query(
            "SELECT accounts.id, accounts.email, accounts.name, board_members.role \
             FROM board_members JOIN accounts ON accounts.id = board_members.account_id \
             WHERE board_members.board_id = COALESCE((SELECT board_id FROM scenarios WHERE id = $1), $1)",
        )
        .bind(board_id)
        .fetch_all(self.reads())
        .await?;
        let mut members = rows.iter().map(member).collect::<Result<Vec<_>, StoreError>>()?;
        members
            .sort_by(|a, b| b.role.cmp(&a.role).then_with(|| a.name.cmp(&b.name)).then_with(|| a.email.cmp(&b.email)));
        Ok(members)
    }

    /// Applies one membership change for `actor_account_id`, who must be an owner of the board
    /// (or be removing themself: anyone may leave). Refused, with nothing changed, when the
    /// board would be left without an owner. Returns the member as it now is (none after a
    /// removal).
    pub async fn change_membership(
        &self,
        board_id: &str,
        actor_account_id: &str,
        change: &MembershipChange,
        now_ms: i64,
    ) -> Result<Result<Option<Member>, MembershipRefusal>, StoreError> {
        let mut transaction = self.pool().begin().await?;
        // Serialises membership changes per board (a row lock on Postgres).
        let board = sqlx::query("UPDATE boards SET name = name WHERE id = $1")
            .bind(board_id)
            .execute(&mut *transaction)
            .await?;
        if board.rows_affected() == 0 {
            return Ok(Err(MembershipRefusal::NoBoard));
        }
        let Some(actor_role) = role_in(&mut transaction, board_id, actor_account_id).await? else {
            return Ok(Err(MembershipRefusal::NoBoard));
        };
        let leaving = matches!(change, MembershipChange::Remove { account_id } if account_id == actor_account_id);
        if !actor_role.can_manage_members() && !leaving {
            return Ok(Err(MembershipRefusal::NotOwner));
        }
        let account_id = match change {
            MembershipChange::Add { email, role } => {
                let Some(row) = sqlx::query("SELECT id FROM accounts WHERE email = $1")
                    .bind(email)
                    .fetch_optional(&mut *transaction)
                    .await?
                else {
                    return Ok(Err(MembershipRefusal::NoAccount));
                };
                let account_id: String = row.try_get("id")?;
                if role_in(&mut transaction, board_id, &account_id).await?.is_some() {
                    return Ok(Err(MembershipRefusal::AlreadyMember));
                }
                sqlx::query(
                    "INSERT INTO board_members (board_id, account_id, role, added_at_ms) VALUES ($1, $2, $3, $4)",
                )
                .bind(board_id)
                .bind(&account_id)
                .bind(role.as_str())
                .bind(now_ms)
                .execute(&mut *transaction)
                .await?;
                account_id
            }
            MembershipChange::SetRole { account_id, role } => {
                let changed = sqlx::query("UPDATE board_members SET role = $1 WHERE board_id = $2 AND account_id = $3")
                    .bind(role.as_str())
                    .bind(board_id)
                    .bind(account_id)
                    .execute(&mut *transaction)
                    .await?;
                if changed.rows_affected() == 0 {
                    return Ok(Err(MembershipRefusal::NoMember));
                }
                account_id.clone()
            }
            MembershipChange::Remove { account_id } => {
                let removed = sqlx::query("DELETE FROM board_members WHERE board_id = $1 AND account_id = $2")
                    .bind(board_id)
                    .bind(account_id)
                    .execute(&mut *transaction)
                    .await?;
                if removed.rows_affected() == 0 {
                    return Ok(Err(MembershipRefusal::NoMember));
                }
                account_id.clone()
            }
        };
        let owners: i64 = sqlx::query("SELECT COUNT(*) AS n FROM board_members WHERE board_id = $1 AND role = $2")
            .bind(board_id)
            .bind(Role::Owner.as_str())
            .fetch_one(&mut *transaction)
            .await?
            .try_get("n")?;
        if owners == 0 {
            // Dropping the transaction rolls it back.
            return Ok(Err(MembershipRefusal::LastOwner));
        }
        let member = sqlx::query(
            "SELECT accounts.id, accounts.email, accounts.name, board_members.role \
             FROM board_members JOIN accounts ON accounts.id = board_members.account_id \
             WHERE board_members.board_id = $1 AND board_members.account_id = $2",
        )
        .bind(board_id)
        .bind(&account_id)
        .fetch_optional(&mut *transaction)
        .await?
        .map(|row| member(&row))
        .transpose()?;
        transaction.commit().await?;
        Ok(Ok(member))
    }
}

async fn settings_in(transaction: &mut Transaction<'_, Any>) -> Result<InstanceSettings, StoreError> {
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

async fn role_in(
    transaction: &mut Transaction<'_, Any>,
    board_id: &str,
    account_id: &str,
) -> Result<Option<Role>, StoreError> {
    let row = sqlx::query("SELECT role FROM board_members WHERE board_id = $1 AND account_id = $2")
        .bind(board_id)
        .bind(account_id)
        .fetch_optional(&mut **transaction)
        .await?;
    row.map(|row| role(&row)).transpose()
}

/// Scopes as stored: their names separated by spaces.
fn scopes_text(scopes: &[TokenScope]) -> String {
    scopes.iter().map(|scope| scope.as_str()).collect::<Vec<_>>().join(" ")
}

/// Stored scopes; a name this build does not know (written by a newer one) grants nothing.
fn scopes_from(text: &str) -> Vec<TokenScope> {
    text.split_whitespace().filter_map(TokenScope::parse).collect()
}

fn account(row: &AnyRow) -> Result<Account, StoreError> {
    Ok(Account {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        name: row.try_get("name")?,
        admin: row.try_get::<i64, _>("admin")? != 0,
        // A value this server does not know (written by a newer one) reads as no choice.
        language: row.try_get::<Option<String>, _>("language")?.as_deref().and_then(Locale::parse),
    })
}

fn member(row: &AnyRow) -> Result<Member, StoreError> {
    Ok(Member {
        account_id: row.try_get("id")?,
        email: row.try_get("email")?,
        name: row.try_get("name")?,
        role: role(row)?,
    })
}

fn role(row: &AnyRow) -> Result<Role, StoreError> {
    let text: String = row.try_get("role")?;
    Role::parse(&text).ok_or_else(|| {
        StoreError::Query(sqlx::Error::Decode(format!("`{text}` in board_members.role is not a role").into()))
    })
}

fn is_unique_violation(error: &sqlx::Error) -> bool {
    error.as_database_error().is_some_and(|error| error.is_unique_violation())
}
