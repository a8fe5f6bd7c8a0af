//! The open board, as every page of it and the widgets inside them reach it: the session, what
//! the pages show (the live board, or the board as it was at the URL's `?at=`), the member's
//! access, and the links between the board's pages, which keep the point in history.
//!
//! The board's frame ([`crate::pages::board`]) opens the session and provides the context;
//! pages and widgets below it take it with [`BoardContext::get`]. It lives here, below both,
//! so that the frame can show widgets (the time-travel banner) that need the context without
//! either importing the other back.

use std::sync::Arc;

use leptos::prelude::*;
use shared::{
    board::{Board, BoardError, BoardSnapshot},
    history::{point::heads_param, ChangeHash},
};

use crate::{
    components::members::BoardAccess,
    language::Message,
    session::{BoardSession, SetAside, SyncStatus},
};

/// What the pages show of the board: the live board, or the board as it was at the point the
/// URL names (`?at=`).
#[derive(Clone, Copy)]
pub struct BoardView {
    pub snapshot: Memo<Arc<BoardSnapshot>>,
    pub status: RwSignal<SyncStatus>,
    /// Changes the server refused, kept aside as text (see [`crate::session::SetAside`]).
    pub set_aside: RwSignal<Option<SetAside>>,
}

/// The open board, for every page inside the board's frame.
#[derive(Clone, Copy)]
pub struct BoardContext {
    pub session: StoredValue<BoardSession, LocalStorage>,
    pub view: BoardView,
    /// The live board, whatever point the pages show.
    pub live: RwSignal<Arc<BoardSnapshot>>,
    /// The point in the board's history the pages show (`?at=`), `None` for now.
    pub at: Memo<Option<Vec<ChangeHash>>>,
    /// Why the last edit was refused, shown above the page (in the language of the moment).
    pub notice: RwSignal<Option<Message>>,
    pub access: BoardAccess,
    /// False for viewers and while the account's role is unknown to be an editor's.
    pub editable: Memo<bool>,
    document_id: StoredValue<String>,
}

impl BoardContext {
    /// The context the board's frame provides for `document_id`, with no notice shown yet.
    pub fn new(
        session: StoredValue<BoardSession, LocalStorage>,
        view: BoardView,
        live: RwSignal<Arc<BoardSnapshot>>,
        at: Memo<Option<Vec<ChangeHash>>>,
        access: BoardAccess,
        editable: Memo<bool>,
        document_id: String,
    ) -> BoardContext {
        BoardContext {
            session,
            view,
            live,
            at,
            notice: RwSignal::new(None),
            access,
            editable,
            document_id: StoredValue::new(document_id),
        }
    }

    /// The open board. Only pages rendered inside the board's frame may ask.
    pub fn get() -> BoardContext {
        expect_context()
    }

    /// Applies an edit, showing why it was refused if it was.
    pub fn apply(self, change: impl FnOnce(&mut Board) -> Result<(), BoardError>) {
        match self.edit(change) {
            Ok(()) => self.notice.set(None),
            Err(message) => self.notice.set(Some(message)),
        }
    }

    /// Applies an edit and answers why it was refused, for a field that shows the reason in
    /// place (see [`crate::components::field::Field`]).
    pub fn try_apply(self, change: impl FnOnce(&mut Board) -> Result<(), BoardError>) -> Result<(), Message> {
        let result = self.edit(change);
        if result.is_ok() {
            self.notice.set(None);
        }
        result
    }

    /// The board as it was is never changed: an edit there would land on the live board.
    fn edit(self, change: impl FnOnce(&mut Board) -> Result<(), BoardError>) -> Result<(), Message> {
        if self.at.with_untracked(Option::is_some) {
            return Err(message!(board.read_only_then));
        }
        self.session.with_value(|session| session.edit(change)).map_err(|refused| {
            // Projects are named as they were when the edit was refused.
            let live = self.live.get_untracked();
            Message::new(move |locale| crate::words::edit_refused(locale, &refused, &|id| project_name(&live, id)))
        })
    }

    /// Why the board refused something, in the reader's language (projects named as now).
    pub fn word(self, error: &BoardError) -> Message {
        let (live, error) = (self.live.get_untracked(), error.clone());
        Message::new(move |locale| crate::words::board_error(locale, &error, &|id| project_name(&live, id)))
    }

    /// The link to one of this board's pages: `""` for the board itself, `"dashboard"`, …; at
    /// the point the pages show, so moving between pages stays at that point.
    pub fn href(self, page: &str) -> String {
        match self.at.get_untracked() {
            Some(heads) => self.href_at(page, &heads),
            None => self.live_href(page),
        }
    }

    /// The open document's id (a board's, or a scenario's), without `automerge:`.
    pub fn document_id(self) -> String {
        self.document_id.get_value()
    }

    /// The link to one of this board's pages as it is now.
    pub fn live_href(self, page: &str) -> String {
        let id = self.document_id.get_value();
        if page.is_empty() {
            format!("/board/{id}")
        } else {
            format!("/board/{id}/{page}")
        }
    }

    /// The link to one of this board's pages as it was at `heads`.
    pub fn href_at(self, page: &str, heads: &[ChangeHash]) -> String {
        format!("{}?at={}", self.live_href(page), heads_param(heads))
    }
}

/// A project's name on `board`, or its id if it is gone.
fn project_name(board: &BoardSnapshot, id: &shared::ProjectId) -> String {
    board.project(id).map_or_else(|| id.to_string(), |project| project.name.clone())
}
