//! Seeded simulations of the whole sync path.
//!
//! Each seed draws a plan: three devices (`shared`'s session state machine, which the browser
//! runs too, over real WebSockets, each with its own storage) make random edits of every kind
//! on one board, go offline for a while and come back, reload their page now and then, while
//! the real server (the write gate, samod, SQLite) restarts now and then. When the plan is
//! done, everyone reconnects, and then:
//! - every editor and the board the server has stored are equal;
//! - no project is duplicated, and every project added anywhere is there unless some editor
//!   deleted it;
//! - every change the server acknowledged to an editor is stored;
//! - a device that reloads finds every change it had in its storage, and no sync message ever
//!   left a device before the changes it could carry were stored (checked on every send).
//!
//! The plan is a pure function of the seed, so a failure prints the seed and the plan and can
//! be replayed: `PMO_SIM_SEED=<seed> cargo test -p server --test it simulation`. The timing of
//! frames on the sockets is not seeded (it is the real network stack), so a replay runs the
//! same edits, disconnects and restarts in the same order, though not always byte for byte
//! the same interleaving. `PMO_SIM_SEEDS=<n>` runs n seeds starting at `PMO_SIM_FIRST_SEED`
//! (default 0), shared out to `PMO_SIM_LANES` servers side by side (default 4); `make simulate
//! SEEDS=<n>` runs many from a random start, in processes of one lane each.

use std::{
    collections::{BTreeMap, BTreeSet},
    fmt,
    net::SocketAddr,
    panic::AssertUnwindSafe,
    time::Duration,
};

use automerge::ChangeHash;
use futures::FutureExt;
use rand::{rngs::StdRng, Rng, SeedableRng};
use server::Server;
use shared::{
    board::{Board, NewPerson, NewProject, NewRisk, RiskId},
    risk::Roam,
    IsoWeek, PersonId, ProjectId, Stage,
};

use crate::{device::Device, editor::read_from_server, harness};

const EDITORS: usize = 3;
const STEPS: usize = 40;
/// Servers the seeds are shared out to, each running its seeds one after the other
/// (`PMO_SIM_LANES`). A seed mostly waits on its sockets and timers, so lanes side by side
/// take less wall time than one.
const LANES: u64 = 4;

/// One thing that happens in a simulation.
#[derive(Debug, Clone)]
enum Step {
    /// An editor changes the board (online or offline).
    Edit { editor: usize, edit: Edit },
    /// An editor handles what the server sent for a while.
    Pump { editor: usize, millis: u64 },
    /// Everyone handles what the server sent.
    PumpAll,
    /// An editor loses its connection (the socket is dropped without a goodbye).
    GoOffline { editor: usize },
    /// An editor that is offline connects again.
    ComeBack { editor: usize },
    /// An editor's page is reloaded: its session starts again from what it stored.
    Reload { editor: usize },
    /// The server stops (finishing its writes) and starts again on the same database.
    RestartServer,
}

/// An edit, with indexes into the board's current projects and people (modulo their count)
/// so that any edit can be drawn before the board it applies to exists.
#[derive(Debug, Clone)]
enum Edit {
    AddProject { name: String },
    Rename { project: usize, name: String },
    Move { project: usize, to: usize },
    SetStage { project: usize, stage: usize },
    SetBudget { project: usize, budget: u32 },
    DeleteProject { project: usize },
    AddPerson { name: String, capacity: u8 },
    Book { project: usize, person: usize, week: u32, hours: u8 },
    AddRisk { project: usize, probability: u8, impact: u8 },
    Depend { project: usize, on: usize },
}

struct Plan {
    seed: u64,
    steps: Vec<Step>,
}

impl Plan {
    fn draw(seed: u64) -> Plan {
        let mut rng = StdRng::seed_from_u64(seed);
        let steps = (0..STEPS)
            .map(|_| {
                let editor = rng.random_range(0..EDITORS);
                match rng.random_range(0..100) {
                    0..58 => Step::Edit { editor, edit: Edit::draw(&mut rng) },
                    58..73 => Step::Pump { editor, millis: rng.random_range(1..40) },
                    73..79 => Step::PumpAll,
                    79..87 => Step::GoOffline { editor },
                    87..95 => Step::ComeBack { editor },
                    95..97 => Step::Reload { editor },
                    _ => Step::RestartServer,
                }
            })
            .collect();
        Plan { seed, steps }
    }
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "seed {} ({} steps):", self.seed, self.steps.len())?;
        for (index, step) in self.steps.iter().enumerate() {
            writeln!(f, "  {index:>3}. {step:?}")?;
        }
        Ok(())
    }
}

impl Edit {
    fn draw(rng: &mut StdRng) -> Edit {
        let project = rng.random_range(0..1000);
        let name = |rng: &mut StdRng| format!("P{}", rng.random_range(0..10_000));
        match rng.random_range(0..10) {
            0 | 1 => Edit::AddProject { name: name(rng) },
            2 => Edit::Rename { project, name: name(rng) },
            3 => Edit::Move { project, to: rng.random_range(0..8) },
            4 => Edit::SetStage { project, stage: rng.random_range(0..Stage::ALL.len()) },
            5 => Edit::SetBudget { project, budget: rng.random_range(0..1_000_000) },
            6 => Edit::DeleteProject { project },
            7 => Edit::AddPerson {
                name: format!("Person {}", rng.random_range(0..100)),
                capacity: rng.random_range(0..60),
            },
            8 => Edit::Book {
                project,
                person: rng.random_range(0..1000),
                week: rng.random_range(1..6),
                hours: rng.random_range(0..50),
            },
            _ if rng.random_bool(0.5) => {
                Edit::AddRisk { project, probability: rng.random_range(1..=5), impact: rng.random_range(1..=5) }
            }
            _ => Edit::Depend { project, on: rng.random_range(0..1000) },
        }
    }

    /// Applies the edit through the board's validated API. An edit the board refuses (a
    /// dependency cycle, say) changes nothing, which is part of what is being tested.
    fn apply(&self, board: &mut Board, ledger: &mut Ledger) {
        let projects = board.projects();
        let people = board.people();
        let project = |index: usize| (!projects.is_empty()).then(|| projects[index % projects.len()].id.clone());
        let _ = match self {
            Edit::AddProject { name } => {
                let id = ProjectId::random();
                ledger.added.insert(id.clone());
                board.add_project(id, NewProject { name: name.clone(), stage: Stage::Proposed, budget: 1_000.0 })
            }
            Edit::Rename { project: index, name } => match project(*index) {
                Some(id) => board.rename_project(&id, name),
                None => Ok(()),
            },
            Edit::Move { project: index, to } => match project(*index) {
                Some(id) => board.move_project(&id, *to),
                None => Ok(()),
            },
            Edit::SetStage { project: index, stage } => match project(*index) {
                Some(id) => board.set_project_stage(&id, Stage::ALL[*stage]),
                None => Ok(()),
            },
            Edit::SetBudget { project: index, budget } => match project(*index) {
                Some(id) => board.set_project_budget(&id, f64::from(*budget)),
                None => Ok(()),
            },
            Edit::DeleteProject { project: index } => match project(*index) {
                Some(id) => {
                    ledger.deleted.insert(id.clone());
                    board.delete_project(&id)
                }
                None => Ok(()),
            },
            Edit::AddPerson { name, capacity } => {
                board.add_person(PersonId::random(), NewPerson::named(name, f64::from(*capacity)))
            }
            Edit::Book { project: index, person, week, hours } => match (project(*index), people.is_empty()) {
                (Some(id), false) => board.set_allocation(
                    &id,
                    &people[person % people.len()].id,
                    IsoWeek::new(2027, *week).expect("a week of 2027"),
                    f64::from(*hours),
                ),
                _ => Ok(()),
            },
            Edit::AddRisk { project: index, probability, impact } => match project(*index) {
                Some(id) => board.add_risk(
                    RiskId::random(),
                    &id,
                    NewRisk {
                        title: "Supplier late".into(),
                        probability: *probability,
                        impact: *impact,
                        owner: String::new(),
                        mitigation: String::new(),
                        roam: Roam::Owned,
                    },
                ),
                None => Ok(()),
            },
            Edit::Depend { project: index, on } => match (project(*index), project(*on)) {
                (Some(id), Some(on)) if id != on => board.add_dependency(&id, &on),
                _ => Ok(()),
            },
        };
    }
}

/// What the editors did, to say at the end which projects must exist.
#[derive(Default)]
struct Ledger {
    added: BTreeSet<ProjectId>,
    deleted: BTreeSet<ProjectId>,
}

/// The server under simulation: restarted in place, on the same address and database.
struct Node {
    server: Option<Server>,
    addr: SocketAddr,
    database_url: String,
}

impl Node {
    async fn restart(&mut self) {
        if let Some(server) = self.server.take() {
            server.stop().await;
        }
        self.server = Some(harness::start_server_with(config(&self.database_url), self.addr).await);
    }
}

/// The test servers' configuration, with no limit on the boards the planner owns: each seed
/// makes a board, and `make simulate` runs hundreds of seeds on one server (the default limit,
/// 200, stopped the 201st).
fn config(database_url: &str) -> server::Config {
    let mut config = harness::config(database_url);
    config.limits.boards_per_account = usize::MAX;
    config
}

async fn run(plan: &Plan, node: &mut Node, owner: &harness::ApiClient, token: &str) {
    let board = owner.create_board(&format!("Simulation {}", plan.seed)).await;
    let document_id = board.document_id().to_owned();
    let mut editors: Vec<Device> =
        (0..EDITORS).map(|index| Device::new(&format!("editor{index}"), &document_id, token)).collect();
    for editor in &mut editors {
        assert!(editor.connect(node.addr).await, "an editor connects");
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while !editor.board().is_loaded() {
            assert!(tokio::time::Instant::now() < deadline, "{}: the board did not arrive", editor.name);
            editor.pump(Duration::from_millis(50)).await;
        }
    }
    let mut ledger = Ledger::default();
    // Every set of heads the server acknowledged to any editor, to check against its storage.
    let mut acknowledged: BTreeMap<String, Vec<ChangeHash>> = BTreeMap::new();

    for step in &plan.steps {
        match step {
            Step::Edit { editor, edit } => {
                editors[*editor].edit(|board| edit.apply(board, &mut ledger)).await;
            }
            Step::Pump { editor, millis } => editors[*editor].pump(Duration::from_millis(*millis)).await,
            Step::PumpAll => {
                for editor in &mut editors {
                    editor.pump(Duration::from_millis(10)).await;
                }
            }
            Step::GoOffline { editor } => editors[*editor].go_offline().await,
            Step::ComeBack { editor } => {
                let editor = &mut editors[*editor];
                if !editor.is_connected() {
                    assert!(editor.connect(node.addr).await, "{} reconnects", editor.name);
                }
            }
            Step::Reload { editor } => {
                let editor = &mut editors[*editor];
                let (before, after) = editor.reload().await;
                assert_eq!(before, after, "{} lost changes that were not stored when its page reloaded", editor.name);
            }
            Step::RestartServer => {
                node.restart().await;
                for editor in &mut editors {
                    // The old connections are gone; the editors find out on their next read.
                    editor.pump(Duration::from_millis(1)).await;
                }
            }
        }
        for editor in &editors {
            if !editor.saved.is_empty() {
                acknowledged.insert(format!("{}:{:?}", editor.name, editor.saved), editor.saved.clone());
            }
        }
    }

    // Everyone comes back and syncs until nothing is left to send and all agree.
    for editor in &mut editors {
        if !editor.is_connected() {
            assert!(editor.connect(node.addr).await, "{} reconnects at the end", editor.name);
        }
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        for editor in &mut editors {
            if !editor.is_connected() {
                assert!(editor.connect(node.addr).await, "{} reconnects at the end", editor.name);
            }
            editor.pump(Duration::from_millis(20)).await;
        }
        let heads: Vec<Vec<ChangeHash>> = editors.iter_mut().map(|editor| editor.board().heads()).collect();
        let unsynced: usize = editors.iter().map(Device::unsynced).sum();
        if unsynced == 0 && heads.windows(2).all(|pair| pair[0] == pair[1]) {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "the editors did not converge: {unsynced} changes unsynced");
    }

    let mut stored = read_from_server(node.addr, &document_id, token).await;
    let heads = editors[0].board().heads();
    assert_eq!(stored.heads(), heads, "the server's stored board has exactly what the editors have");
    for (who, saved) in &acknowledged {
        assert!(stored.contains(saved), "a change acknowledged to {who} is not stored");
    }
    let expected = stored.snapshot();
    for editor in &mut editors {
        assert_eq!(editor.board().snapshot(), expected, "{} sees the same board as the server", editor.name);
    }
    let ids: Vec<&ProjectId> = expected.projects.iter().map(|project| &project.id).collect();
    let unique: BTreeSet<&ProjectId> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "a project is duplicated");
    for id in ledger.added.difference(&ledger.deleted) {
        assert!(unique.contains(id), "project {id} was added, never deleted, and is gone");
    }
    for id in &ledger.deleted {
        assert!(!unique.contains(id), "project {id} was deleted and is back");
    }
}

fn env_number(name: &str) -> Option<u64> {
    let value = std::env::var(name).ok()?;
    Some(value.trim().parse().unwrap_or_else(|_| panic!("{name} must be a number, not {value:?}")))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seeded_simulations_of_editors_and_server_restarts_converge_and_lose_nothing() {
    let (seeds, lanes): (Vec<u64>, u64) = match env_number("PMO_SIM_SEED") {
        Some(seed) => (vec![seed], 1),
        None => {
            let first = env_number("PMO_SIM_FIRST_SEED").unwrap_or(0);
            let count = env_number("PMO_SIM_SEEDS").unwrap_or(20);
            ((first..first + count).collect(), env_number("PMO_SIM_LANES").unwrap_or(LANES).max(1))
        }
    };
    let started = std::time::Instant::now();
    // Lane `i` runs seeds i, i + lanes, i + 2 × lanes, … one after the other on its own server.
    let runs: Vec<_> = (0..lanes as usize)
        .map(|lane| {
            let seeds: Vec<u64> = seeds.iter().copied().skip(lane).step_by(lanes as usize).collect();
            tokio::spawn(run_lane(seeds))
        })
        .collect();
    for run in runs {
        if let Err(error) = run.await {
            std::panic::resume_unwind(error.into_panic());
        }
    }
    eprintln!("simulation: {} seeds in {lanes} lanes in {:.1} s", seeds.len(), started.elapsed().as_secs_f64());
}

/// Runs `seeds` one after the other on one server and its database, restarted as the plans say.
async fn run_lane(seeds: Vec<u64>) {
    let database = harness::TestDatabase::new();
    let server = harness::start_server_with(config(&database.url()), "127.0.0.1:0".parse().unwrap()).await;
    let addr = server.addr;
    let mut node = Node { server: Some(server), addr, database_url: database.url() };
    let owner = harness::ApiClient::sign_up(addr, "planner@example.com").await;
    let token = owner.create_token("simulation").await;
    for seed in seeds {
        let plan = Plan::draw(seed);
        let outcome = AssertUnwindSafe(run(&plan, &mut node, &owner, &token)).catch_unwind().await;
        if let Err(panic) = outcome {
            eprintln!("\nThe simulation failed. Replay it with PMO_SIM_SEED={seed}.\n{plan}");
            std::panic::resume_unwind(panic);
        }
    }
    if let Some(server) = node.server.take() {
        server.stop().await;
    }
}

/// A connection attempt that fails (the server is away for a moment, or on a busy machine the
/// socket takes longer than its timeout) is tried again after the session's back-off, as the
/// browser's timer does, instead of leaving the device offline: the simulations' "reconnects
/// at the end" failed this way on a loaded machine.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_whose_first_attempt_fails_connects_when_the_server_is_back() {
    let database = harness::TestDatabase::new();
    let server = harness::start_server_with(config(&database.url()), "127.0.0.1:0".parse().unwrap()).await;
    let addr = server.addr;
    let owner = harness::ApiClient::sign_up(addr, "planner@example.com").await;
    let token = owner.create_token("simulation").await;
    let board = owner.create_board("Away for a moment").await;
    server.stop().await;

    // The server comes back half a second after the device first tries.
    let url = database.url();
    let back = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(500)).await;
        harness::start_server_with(config(&url), addr).await
    });
    let mut device = Device::new("editor0", board.document_id(), &token);
    assert!(device.connect(addr).await, "the device connects once the server is back");
    back.await.expect("the server starts again").stop().await;
}
