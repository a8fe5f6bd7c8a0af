//! The background describer: rows of a board's history written without a summary are
//! described soon after they are written, so that by the time a member pages through them
//! their summaries are kept and a page is one indexed query.
//!
//! Rows are written without a summary by a restored backup (every change of the board), a
//! merged scenario, a new board or scenario, the server's own changes (a schema upgrade) and a
//! sync message whose changes go beyond [`shared::gate::DESCRIBED_PER_MESSAGE`]. Whoever commits
//! such rows hands the board to [`Describer::describe_soon`], which only queues it (it never
//! waits and never fails); at start the describer queues every board the database says still
//! has undescribed rows (the partial index `change_history_undescribed`), so a restart in the
//! middle leaves none undescribed for good. One task per server works through the queue:
//!
//! ```text
//! describe_soon(board) ──▶ queue ──▶ round: the board's next 100 undescribed rows, newest first
//!                                      ├─ slices: hold the document ≤ SLICE, describe, let go, pause
//!                                      ├─ keep the 100 summaries in one transaction
//!                                      └─ more? back of the queue (other boards take turns)
//! ```
//!
//! Newest first, because pages are newest first: a restored board's first page is described in
//! its first round. Each slice holds the board's document (`DocHandle::with_document`, which
//! the write gate needs for every edit) for [`SLICE`] at most plus the one change that crosses
//! it, then lets go and pauses, so an edit to the board waits for one slice at most, never for
//! the whole history. The slices run one at a time on a thread of their own, at the server's
//! priority: a lower one (nice +10) made edits no faster, and a thread the scheduler passes
//! over while it holds a board's document makes that board's edits wait. The board is
//! kept loaded (a [`BoardUse`]) only while the describer works on it; afterwards it unloads
//! when idle like any other. A change the document does not hold yet (committed by the gate,
//! not yet applied by samod) is skipped and its board looked at again a little later, a few
//! times.
//!
//! The request path keeps its own description for the rows the background has not reached
//! yet (`history::describe`). Both compute a summary from the change alone, so they give the
//! same text, and whichever keeps it first keeps it (`Store::keep_summaries` writes only rows
//! still undescribed). `/metrics` counts the rows each described (`pmo_history_described`),
//! the boards waiting and how long each slice held a document.

use std::{
    collections::{HashMap, VecDeque},
    sync::{Arc, Mutex},
    time::Duration,
};

use samod::DocumentId;
use tokio::{sync::Notify, task::JoinHandle, time::Instant};

use super::{describe_some, SLICE};
use crate::{
    boards::{BoardUse, Boards},
    metrics::{DescribedBy, Metrics},
    store::Store,
};

/// Undescribed rows read at a time: described slice by slice, then kept in one transaction.
pub const ROWS_PER_ROUND: u32 = 100;

/// How long the describer lets go of a board's document between two slices, so that an edit
/// waiting for it takes it first.
const PAUSE: Duration = Duration::from_millis(1);

/// A board with rows whose change its document does not hold yet (or whose round failed) is
/// looked at again after this times the attempt, up to [`RETRIES`] times; after that, the next
/// rows written, a restart or a history request describe them.
const RETRY_AFTER: Duration = Duration::from_secs(1);
const RETRIES: u32 = 5;

/// The queue of boards to describe, and the task working through it. Cheap to clone: clones
/// share the queue.
#[derive(Clone)]
pub struct Describer {
    inner: Arc<Inner>,
}

struct Inner {
    waiting: Mutex<Waiting>,
    wake: Notify,
    metrics: Metrics,
}

#[derive(Default)]
struct Waiting {
    order: VecDeque<String>,
    /// Each board waiting, and where its next round starts: `None` at its newest row.
    from: HashMap<String, Option<i64>>,
}

/// What one round of a board did.
enum Round {
    /// There are older undescribed rows below `cursor`.
    More {
        cursor: i64,
        not_held: usize,
    },
    Done {
        not_held: usize,
    },
}

/// The board the describer is working on, kept loaded while it does.
struct Held {
    board_id: String,
    handle: samod::DocHandle,
    _use: BoardUse,
}

impl Describer {
    pub fn new(metrics: Metrics) -> Describer {
        Describer { inner: Arc::new(Inner { waiting: Mutex::default(), wake: Notify::new(), metrics }) }
    }

    /// Rows of `board_id` were committed without their summaries: describe them soon, newest
    /// first. Call it after the rows' transaction committed. It never waits and never fails.
    pub fn describe_soon(&self, board_id: &str) {
        let mut waiting = self.inner.waiting.lock().expect("the describer's queue");
        // Queued already, it starts again at the newest rows, where these are.
        if waiting.from.insert(board_id.to_owned(), None).is_none() {
            waiting.order.push_back(board_id.to_owned());
            self.inner.metrics.history_boards_waiting.inc();
        }
        drop(waiting);
        self.inner.wake.notify_one();
    }

    /// The next board to describe, and where to start.
    fn next(&self) -> Option<(String, Option<i64>)> {
        let mut waiting = self.inner.waiting.lock().expect("the describer's queue");
        let board_id = waiting.order.pop_front()?;
        let from = waiting.from.remove(&board_id).flatten();
        self.inner.metrics.history_boards_waiting.dec();
        Some((board_id, from))
    }

    /// Queues `board_id` again behind the others, to go on below `cursor`, unless rows were
    /// written meanwhile (it is queued from its newest rows then).
    fn continue_later(&self, board_id: &str, cursor: i64) {
        let mut waiting = self.inner.waiting.lock().expect("the describer's queue");
        if !waiting.from.contains_key(board_id) {
            waiting.from.insert(board_id.to_owned(), Some(cursor));
            waiting.order.push_back(board_id.to_owned());
            self.inner.metrics.history_boards_waiting.inc();
        }
    }

    /// Starts the server's describer: first the boards the database says have undescribed
    /// rows, then every board handed to [`Describer::describe_soon`], until aborted.
    pub fn spawn(&self, store: Store, boards: Boards) -> JoinHandle<()> {
        let describer = self.clone();
        tokio::spawn(async move {
            let worker = match DescriberThread::start() {
                Ok(worker) => worker,
                Err(error) => {
                    tracing::error!(%error, "cannot start the history describer; history pages describe their rows");
                    return;
                }
            };
            match store.boards_with_undescribed().await {
                Ok(boards) => {
                    if !boards.is_empty() {
                        tracing::info!(boards = boards.len(), "describing the history rows left undescribed");
                    }
                    for board_id in boards {
                        describer.describe_soon(&board_id);
                    }
                }
                Err(error) => tracing::warn!(%error, "cannot look for undescribed history rows"),
            }
            describer.work(&store, &boards, &worker).await;
        })
    }

    async fn work(&self, store: &Store, boards: &Boards, worker: &DescriberThread) {
        let mut held: Option<Held> = None;
        // Rows of the pass in progress that were not described, per board.
        let mut skipped: HashMap<String, usize> = HashMap::new();
        let mut attempts: HashMap<String, u32> = HashMap::new();
        let mut later: Vec<(Instant, String)> = Vec::new();
        loop {
            let now = Instant::now();
            later.retain(|(at, board_id)| {
                let due = *at <= now;
                if due {
                    self.describe_soon(board_id);
                }
                !due
            });
            let Some((board_id, from)) = self.next() else {
                // Nothing to do: the board is let go, to be unloaded once idle.
                held = None;
                let woken = self.inner.wake.notified();
                match later.iter().map(|(at, _)| *at).min() {
                    Some(at) => {
                        let _ = tokio::time::timeout_at(at, woken).await;
                    }
                    None => woken.await,
                }
                continue;
            };
            if from.is_none() {
                skipped.remove(&board_id);
            }
            let not_done = match self.round(store, boards, worker, &mut held, &board_id, from).await {
                Ok(Round::More { cursor, not_held }) => {
                    *skipped.entry(board_id.clone()).or_default() += not_held;
                    self.continue_later(&board_id, cursor);
                    continue;
                }
                Ok(Round::Done { not_held }) => not_held + skipped.remove(&board_id).unwrap_or(0),
                Err(error) => {
                    tracing::warn!(%error, board_id, "describing a board's history failed; trying again later");
                    held = None;
                    1
                }
            };
            if not_done == 0 {
                attempts.remove(&board_id);
                continue;
            }
            let attempt = attempts.entry(board_id.clone()).or_default();
            *attempt += 1;
            if *attempt <= RETRIES {
                later.push((Instant::now() + RETRY_AFTER * *attempt, board_id));
            } else {
                tracing::debug!(board_id, "history rows left undescribed; a history request describes them");
                attempts.remove(&board_id);
            }
        }
    }

    /// Describes `board_id`'s next [`ROWS_PER_ROUND`] undescribed rows below `from`, newest
    /// first, a slice at a time, and keeps their summaries.
    async fn round(
        &self,
        store: &Store,
        boards: &Boards,
        worker: &DescriberThread,
        held: &mut Option<Held>,
        board_id: &str,
        from: Option<i64>,
    ) -> anyhow::Result<Round> {
        let rows = store.undescribed(board_id, from, ROWS_PER_ROUND).await?;
        let Some(&(cursor, _)) = rows.last() else { return Ok(Round::Done { not_held: 0 }) };
        let more = rows.len() == ROWS_PER_ROUND as usize;
        let handle = match held {
            Some(held) if held.board_id == board_id => held.handle.clone(),
            _ => {
                *held = None;
                let Ok(document_id) = board_id.parse::<DocumentId>() else {
                    return Ok(Round::Done { not_held: 0 });
                };
                let board = boards.open(&document_id).await?;
                let Some(handle) = board.repo.find(document_id).await? else {
                    tracing::warn!(board_id, "history rows of a board that has no document");
                    return Ok(Round::Done { not_held: 0 });
                };
                *held = Some(Held { board_id: board_id.to_owned(), handle: handle.clone(), _use: board });
                handle
            }
        };
        let hashes: Arc<[String]> = rows.into_iter().map(|(_, hash)| hash).collect();
        let mut described = Vec::new();
        let mut looked_at = 0;
        while looked_at < hashes.len() {
            let (handle, hashes, metrics) = (handle.clone(), hashes.clone(), self.inner.metrics.clone());
            let slice = worker
                .run(move || {
                    handle.with_document(|document| {
                        let held = std::time::Instant::now();
                        let slice = describe_some(document, &hashes[looked_at..], SLICE);
                        metrics.history_hold_seconds.observe(held.elapsed().as_secs_f64());
                        slice
                    })
                })
                .await;
            let Some((some, looked)) = slice else { anyhow::bail!("describing a change failed") };
            described.extend(some);
            looked_at += looked;
            tokio::time::sleep(PAUSE).await;
        }
        let not_held = hashes.len() - described.len();
        let kept = store.keep_summaries(board_id, &described).await?;
        self.inner.metrics.history_described(DescribedBy::Background, kept);
        Ok(if more { Round::More { cursor, not_held } } else { Round::Done { not_held } })
    }
}

/// A thread of its own that runs the describer's slices one after another, off the blocking
/// pool that requests use. It ends when the describer's task does (its queue closes).
struct DescriberThread {
    jobs: std::sync::mpsc::Sender<Job>,
}

type Job = Box<dyn FnOnce() + Send>;

impl DescriberThread {
    fn start() -> std::io::Result<DescriberThread> {
        let (jobs, queue) = std::sync::mpsc::channel::<Job>();
        std::thread::Builder::new().name("pmo-describer".into()).spawn(move || {
            for job in queue {
                job();
            }
        })?;
        Ok(DescriberThread { jobs })
    }

    /// Runs `job` on the thread; `None` if it panicked or the thread is gone.
    async fn run<R: Send + 'static>(&self, job: impl FnOnce() -> R + Send + 'static) -> Option<R> {
        let (done, result) = tokio::sync::oneshot::channel();
        let job = Box::new(move || {
            let _ = done.send(std::panic::catch_unwind(std::panic::AssertUnwindSafe(job)));
        });
        self.jobs.send(job).ok()?;
        result.await.ok()?.ok()
    }
}
