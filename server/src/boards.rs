//! The boards this node holds in memory: each in a samod repo of its own, unloaded when idle.
//!
//! samod 0.16 keeps every document it has opened until its repo stops: a repo has no way to
//! close one document. And its hub joins every connection to every document it holds, walking
//! all the pairs after each event, so one repo for every board makes the work grow with
//! connections × boards. So each board that is in use gets a repo of its own (sharing the one
//! [`Store`], share policy and observer), which holds that one document and only the
//! connections that asked for it; when nobody has used the board for
//! [`Config::unload_idle_boards_after`](crate::Config), its repo is stopped (samod finishes its
//! pending writes first) and dropped, which frees the document.
//!
//! A board is *in use* while a [`BoardUse`] for it exists: each sync connection holds one per
//! board it opened (see `sync::connection`), and the history page, the schema upgrade, the
//! history's background describer and the cluster listener hold one while they read. Loading and unloading one board never overlap:
//! the slot's lock is held for the whole of either, and whoever opens a board that is being
//! unloaded waits until it is gone and then loads it afresh from the database. Nothing is lost
//! by unloading: the write gate commits every change before samod sees it, so what samod still
//! writes when it stops is its own copy (compaction).
//!
//! ```text
//! open(board) ──▶ uses += 1 ──▶ slot lock ──▶ loaded? ──no──▶ new repo (reads the board)
//!                                                    └─yes──▶ BoardUse (the repo)
//! drop(BoardUse) ──▶ uses -= 1, idle since now
//! sweep (every idle/2) ──▶ uses == 0 and idle long enough ──▶ slot lock ──▶ repo.stop()
//! ```

use std::{
    collections::HashMap,
    ops::Deref,
    sync::{Arc, Mutex},
    time::Duration,
};

use samod::DocumentId;
use tokio::{sync::Mutex as AsyncMutex, time::Instant};

use crate::{access::AccessPolicy, metrics::Metrics, store::Store};

#[derive(Debug, thiserror::Error)]
pub enum BoardsError {
    #[error("the server is stopping")]
    Stopping,
    #[error("cannot accept connections for a board: {0}")]
    Acceptor(String),
}

/// One board's repo and the acceptor its sync connections are handed to.
#[derive(Clone)]
pub struct BoardRepo {
    pub repo: samod::Repo,
    pub acceptor: samod::AcceptorHandle,
}

/// Every board held on this node. Cheap to clone: clones share the boards.
#[derive(Clone)]
pub struct Boards {
    inner: Arc<Inner>,
}

struct Inner {
    slots: Mutex<Slots>,
    store: Store,
    share_policy: AccessPolicy,
    metrics: Metrics,
    /// The address the boards' acceptors name (samod reports it to peers; it routes nothing).
    url: url::Url,
    /// The node's peer id, which every board's repo takes too.
    peer_id: samod::PeerId,
    idle_after: Duration,
}

#[derive(Default)]
struct Slots {
    by_board: HashMap<DocumentId, Slot>,
    /// Set by [`Boards::stop`]: nothing is opened any more.
    stopping: bool,
}

/// A board's repo while it is loaded. Its lock is held while loading and unloading.
type SlotLock = Arc<AsyncMutex<Option<BoardRepo>>>;

struct Slot {
    repo: SlotLock,
    /// [`BoardUse`]s alive, and openers waiting for the lock.
    uses: usize,
    /// When `uses` last fell to zero.
    idle_since: Instant,
}

impl Slot {
    fn new() -> Slot {
        Slot { repo: Arc::default(), uses: 0, idle_since: Instant::now() }
    }
}

/// A board kept loaded for as long as this lives.
pub struct BoardUse {
    counted: Counted,
    repo: BoardRepo,
}

impl Deref for BoardUse {
    type Target = BoardRepo;

    fn deref(&self) -> &BoardRepo {
        &self.repo
    }
}

impl BoardUse {
    pub fn document_id(&self) -> &DocumentId {
        &self.counted.document_id
    }
}

/// One counted use of a board's slot; dropping it gives the use back.
struct Counted {
    boards: Boards,
    document_id: DocumentId,
}

impl Drop for Counted {
    fn drop(&mut self) {
        let mut slots = self.boards.inner.slots.lock().expect("the board slots");
        if let Some(slot) = slots.by_board.get_mut(&self.document_id) {
            slot.uses -= 1;
            if slot.uses == 0 {
                slot.idle_since = Instant::now();
            }
        }
    }
}

impl Boards {
    /// Boards for a server whose repos store through `store`, decide with `share_policy` and
    /// report to `metrics`, answering as the node's repo `node`; a board unused for `idle_after` is unloaded (see [`Boards::sweep`]).
    pub fn new(
        store: Store,
        share_policy: AccessPolicy,
        metrics: Metrics,
        node: &samod::Repo,
        url: url::Url,
        idle_after: Duration,
    ) -> Boards {
        let peer_id = node.peer_id();
        Boards {
            inner: Arc::new(Inner { slots: Mutex::default(), store, share_policy, metrics, url, peer_id, idle_after }),
        }
    }

    /// Counts a use of `document_id`'s slot (making the slot if there is none).
    fn count_use(&self, document_id: &DocumentId, make: bool) -> Result<Option<(Counted, SlotLock)>, BoardsError> {
        let mut slots = self.inner.slots.lock().expect("the board slots");
        if slots.stopping {
            return Err(BoardsError::Stopping);
        }
        if !make && !slots.by_board.contains_key(document_id) {
            return Ok(None);
        }
        let slot = slots.by_board.entry(document_id.clone()).or_insert_with(Slot::new);
        slot.uses += 1;
        let counted = Counted { boards: self.clone(), document_id: document_id.clone() };
        Ok(Some((counted, slot.repo.clone())))
    }

    /// The board's repo, loading it if it is not loaded; the board stays loaded while the
    /// returned use lives.
    pub async fn open(&self, document_id: &DocumentId) -> Result<BoardUse, BoardsError> {
        let (counted, slot) = self.count_use(document_id, true)?.expect("a slot was made");
        let mut repo = slot.lock().await;
        if repo.is_none() {
            *repo = Some(self.load().await?);
            self.inner.metrics.boards_loaded.inc();
        }
        let repo = repo.clone().expect("loaded above");
        Ok(BoardUse { counted, repo })
    }

    /// The board's repo if it is loaded (waiting for a load in progress), without loading it.
    pub async fn if_loaded(&self, document_id: &DocumentId) -> Option<BoardUse> {
        let (counted, slot) = self.count_use(document_id, false).ok()??;
        let repo = slot.lock().await.clone()?;
        Some(BoardUse { counted, repo })
    }

    /// Stores `document` as a new board in a repo of its own (loaded, and unloaded once idle
    /// like any other), and returns its id.
    pub async fn create(&self, document: automerge::Automerge) -> Result<DocumentId, BoardsError> {
        let repo = self.load().await?;
        let handle = repo.repo.create(document).await.map_err(|_| BoardsError::Stopping)?;
        let document_id = handle.document_id().clone();
        // The lock is held in a block of its own: a guard alive across an await would make
        // this future unfit for other threads.
        let refused = {
            let mut slots = self.inner.slots.lock().expect("the board slots");
            if slots.stopping {
                Some(repo)
            } else {
                let slot = Slot { repo: Arc::new(AsyncMutex::new(Some(repo))), uses: 0, idle_since: Instant::now() };
                slots.by_board.insert(document_id.clone(), slot);
                None
            }
        };
        if let Some(repo) = refused {
            repo.repo.stop().await;
            return Err(BoardsError::Stopping);
        }
        self.inner.metrics.boards_loaded.inc();
        Ok(document_id)
    }

    /// A repo holding nothing yet, for one board.
    async fn load(&self) -> Result<BoardRepo, BoardsError> {
        let inner = &self.inner;
        // The node's peer id: clients address every message to the peer they joined (samod
        // drops a message for another `targetId`), and a board's repo answers as that peer.
        let repo = samod::Repo::build_tokio()
            .with_peer_id(inner.peer_id.clone())
            .with_storage(inner.store.clone())
            .with_share_policy(inner.share_policy.clone())
            .with_observer(inner.metrics.clone())
            .load()
            .await;
        let acceptor =
            repo.make_acceptor(inner.url.clone()).map_err(|error| BoardsError::Acceptor(error.to_string()))?;
        Ok(BoardRepo { repo, acceptor })
    }

    /// The boards loaded now.
    pub fn loaded(&self) -> Vec<DocumentId> {
        let slots = self.inner.slots.lock().expect("the board slots");
        slots
            .by_board
            .iter()
            // A slot whose lock is taken is loading or unloading: count it as loaded.
            .filter(|(_, slot)| !matches!(slot.repo.try_lock(), Ok(repo) if repo.is_none()))
            .map(|(document_id, _)| document_id.clone())
            .collect()
    }

    /// Unloads every board nobody has used for the idle period; returns how many it unloaded.
    pub async fn sweep(&self) -> usize {
        let idle: Vec<(DocumentId, tokio::sync::OwnedMutexGuard<Option<BoardRepo>>)> = {
            let slots = self.inner.slots.lock().expect("the board slots");
            let now = Instant::now();
            slots
                .by_board
                .iter()
                .filter(|(_, slot)| slot.uses == 0 && now.duration_since(slot.idle_since) >= self.inner.idle_after)
                // A taken lock means someone is loading it: not idle after all.
                .filter_map(|(document_id, slot)| Some((document_id.clone(), slot.repo.clone().try_lock_owned().ok()?)))
                .collect()
        };
        let mut unloaded = 0;
        for (document_id, mut repo) in idle {
            // Openers that arrived meanwhile wait for this lock, and load the board afresh.
            if let Some(board) = repo.take() {
                board.acceptor.close();
                board.repo.stop().await;
                self.inner.metrics.boards_loaded.dec();
                self.inner.metrics.boards_unloaded.inc();
                unloaded += 1;
                tracing::debug!(board = %document_id, "unloaded an idle board");
            }
            drop(repo);
            let mut slots = self.inner.slots.lock().expect("the board slots");
            let forget = slots
                .by_board
                .get(&document_id)
                .is_some_and(|slot| slot.uses == 0 && slot.repo.try_lock().is_ok_and(|repo| repo.is_none()));
            if forget {
                slots.by_board.remove(&document_id);
            }
        }
        unloaded
    }

    /// Sweeps every half idle period until the boards stop.
    pub fn spawn_sweeper(&self) -> tokio::task::JoinHandle<()> {
        let boards = self.clone();
        let every = (self.inner.idle_after / 2).clamp(Duration::from_millis(10), Duration::from_secs(30));
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                if boards.inner.slots.lock().expect("the board slots").stopping {
                    return;
                }
                boards.sweep().await;
            }
        })
    }

    /// Stops every board's repo, each after its pending writes; nothing is opened after this.
    pub async fn stop(&self) {
        let all: Vec<SlotLock> = {
            let mut slots = self.inner.slots.lock().expect("the board slots");
            slots.stopping = true;
            slots.by_board.values().map(|slot| slot.repo.clone()).collect()
        };
        let stops = all.into_iter().map(|slot| async move {
            if let Some(board) = slot.lock().await.take() {
                board.acceptor.close();
                board.repo.stop().await;
            }
        });
        futures::future::join_all(stops).await;
        self.inner.metrics.boards_loaded.set(0);
    }
}
