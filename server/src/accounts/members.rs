//! The `boards` and `board_members` tables: who may open which board, with what role.

use shared::api::{Member, Role};
use sqlx::{any::AnyRow, Any, Row, Transaction};

use crate::store::{BoardRecord, Store, StoreError};

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

impl Store {
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
        crate::attribution::record(&mut transaction, &record.id, changes, Some(owner_account_id), &[]).await?;
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
