//! PMO Board's server: a thin relay and keeper of boards.
//!
//! Browsers hold the boards (Automerge documents) and edit them, online or not. The server
//! does three things:
//! - `ws://HOST/sync` speaks the automerge-repo protocol through samod ([`sync`]), so browsers
//!   and any automerge-repo 2.x client exchange changes through it;
//! - it keeps every document in the database through sqlx ([`store`]);
//! - `GET/POST /api/boards` lists and creates boards ([`api`]), and every other page gets the
//!   Leptos app's shell ([`shell`]).
//!
//! [`Server::start`] builds all of it on a listener, so tests start real servers on port 0 and
//! stop them again.

pub mod accounts;
pub mod api;
pub mod auth;
pub mod cluster;
pub mod history;
pub mod metrics;
pub mod shell;
pub mod store;
pub mod sync;
pub mod upgrade;

use std::{net::SocketAddr, sync::Arc};

use axum::{
    extract::FromRef,
    http::StatusCode,
    routing::{delete, get, post, put},
    Router,
};
use leptos::config::LeptosOptions;
use tokio::{net::TcpListener, sync::oneshot, task::JoinHandle};
use tower_http::{
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    trace::TraceLayer,
};

use crate::store::Store;

/// How to run a server.
#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    /// Where the built site (`pkg/`, `sw.js`, assets) is; see `cargo leptos build`.
    pub site_root: String,
    /// The output name of the wasm package (`pkg/<name>.js`).
    pub output_name: String,
    /// Mark cookies `Secure`. Set it when the server is reached over https (directly or
    /// through a proxy); requests with `X-Forwarded-Proto: https` get `Secure` cookies anyway.
    pub secure_cookies: bool,
    pub limits: Limits,
}

impl Config {
    /// A configuration with the default limits, for `database_url` and the site in `site_root`.
    pub fn new(database_url: impl Into<String>, site_root: impl Into<String>) -> Config {
        Config {
            database_url: database_url.into(),
            site_root: site_root.into(),
            output_name: "pmo-board".into(),
            secure_cookies: false,
            limits: Limits::default(),
        }
    }
}

/// What one client may ask of the server. The defaults suit a PMO team; tests lower them.
#[derive(Debug, Clone)]
pub struct Limits {
    /// The largest WebSocket frame accepted from a client.
    pub max_frame_bytes: usize,
    /// The largest board, in Automerge operations, a client's changes may grow a board to.
    pub max_document_ops: u64,
    /// Sync messages a connection may send per second, sustained.
    pub messages_per_second: u32,
    /// Sync messages a connection may send at once before the rate applies.
    pub message_burst: u32,
    /// Open sync connections per account.
    pub connections_per_account: usize,
    /// Frames waiting to be written to one connection before it counts as stuck and is closed.
    pub outbound_queue: usize,
    /// Failed sign-ins for one email (or from one address) before sign-in is refused for a while.
    pub login_failures: u32,
    /// How long sign-in stays refused after too many failures.
    pub login_lockout: std::time::Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_frame_bytes: 16 * 1024 * 1024,
            max_document_ops: shared::gate::GateLimits::default().max_document_ops,
            messages_per_second: 50,
            message_burst: 500,
            connections_per_account: 32,
            outbound_queue: 1024,
            login_failures: 5,
            login_lockout: std::time::Duration::from_secs(15 * 60),
        }
    }
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub store: Store,
    pub repo: samod::Repo,
    pub acceptor: samod::AcceptorHandle,
    pub share_policy: sync::AccessPolicy,
    pub connections: sync::Connections,
    pub metrics: metrics::Metrics,
    /// This process among the nodes sharing the database (in peer ids and logs).
    pub node_id: Arc<str>,
    pub upgrades: upgrade::Upgrades,
    pub leptos_options: LeptosOptions,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> LeptosOptions {
        state.leptos_options.clone()
    }
}

/// The whole HTTP surface.
pub fn router(state: AppState) -> Router {
    let site_root = state.leptos_options.site_root.to_string();
    Router::new()
        .route("/sync", get(sync::upgrade))
        .route("/api/auth/me", get(api::me))
        .route("/api/auth/signup", post(api::sign_up))
        .route("/api/auth/signin", post(api::sign_in))
        .route("/api/auth/signout", post(api::sign_out))
        .route("/api/auth/password", post(api::change_password))
        .route("/api/tokens", get(api::list_tokens).post(api::create_token))
        .route("/api/tokens/{id}", delete(api::revoke_token))
        .route("/api/admin/settings", get(api::get_settings).put(api::put_settings))
        .route("/api/admin/invites", post(api::create_invite))
        .route("/api/boards", get(api::list_boards).post(api::create_board))
        .route("/api/boards/{id}/members", get(api::list_members).post(api::add_member))
        .route("/api/boards/{id}/members/{account_id}", put(api::change_role).delete(api::remove_member))
        .route("/api/boards/{id}/history", get(history::list))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics::metrics))
        .route("/", get(shell::page))
        .route("/board/{id}", get(shell::page))
        .route("/board/{id}/{*page}", get(shell::page))
        .route("/signin", get(shell::page))
        .fallback_service(tower_http::services::ServeDir::new(site_root))
        .layer(
            tower::ServiceBuilder::new()
                .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(|request: &axum::http::Request<_>| {
                    let id =
                        request.headers().get("x-request-id").and_then(|value| value.to_str().ok()).unwrap_or_default();
                    tracing::info_span!("request", id, method = %request.method(), path = request.uri().path())
                }))
                .layer(PropagateRequestIdLayer::x_request_id()),
        )
        .with_state(state)
}

/// `GET /healthz`: 200 when the database answers and the repo runs, 503 otherwise.
async fn healthz(axum::extract::State(state): axum::extract::State<AppState>) -> (StatusCode, &'static str) {
    match tokio::time::timeout(std::time::Duration::from_secs(2), state.store.ping()).await {
        Ok(Ok(())) => (StatusCode::OK, "ok\n"),
        Ok(Err(error)) => {
            tracing::error!(%error, "health check: the database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "the database does not answer\n")
        }
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "the database is too slow to answer\n"),
    }
}

/// A running server. Dropping it does not stop it: call [`Server::stop`].
pub struct Server {
    pub addr: SocketAddr,
    state: AppState,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
    /// Postgres only: the task listening for other nodes' notices.
    cluster: Option<JoinHandle<()>>,
}

impl Server {
    /// Connects to the database, loads the repo and serves on `listener`.
    pub async fn start(config: Config, listener: TcpListener) -> anyhow::Result<Server> {
        let addr = listener.local_addr()?;
        // Leptos renders the shell on its own executor; a second server in one process finds
        // it already set up, which is fine.
        let _ = any_spawner::Executor::init_tokio();
        // The changes the server makes (a new board, a schema upgrade) carry when they were made.
        shared::board::set_change_clock(|| history::now_ms() / 1000);
        let store = Store::connect(&config.database_url).await?;
        let node_id: Arc<str> = store.node_id().into();
        let clustered = store.engine() == store::Engine::Postgres;
        let notifier = clustered.then(|| cluster::Notifier::new(store.clone()));
        let share_policy = sync::AccessPolicy::new(store.clone(), notifier);
        let metrics = metrics::Metrics::new();
        let repo = samod::Repo::build_tokio()
            .with_storage(store.clone())
            .with_share_policy(share_policy.clone())
            .with_observer(metrics.clone())
            .load()
            .await;
        let listener_task =
            clustered.then(|| cluster::listen(store.clone(), repo.clone(), share_policy.clone(), metrics.clone()));
        let acceptor = repo.make_acceptor(url::Url::parse(&format!("ws://{addr}/sync"))?)?;
        let leptos_options = LeptosOptions::builder()
            .output_name(Arc::<str>::from(config.output_name.as_str()))
            .site_root(Arc::<str>::from(config.site_root.as_str()))
            .site_pkg_dir(Arc::<str>::from("pkg"))
            .site_addr(addr)
            .build();
        let connections = sync::Connections::new(metrics.clone());
        let state = AppState {
            config: Arc::new(config.clone()),
            store,
            repo,
            acceptor,
            share_policy,
            connections,
            metrics,
            node_id,
            upgrades: upgrade::Upgrades::default(),
            leptos_options,
        };
        let (shutdown, stopped) = oneshot::channel::<()>();
        let app = router(state.clone());
        let task = tokio::spawn(async move {
            // Sign-in throttling counts failures per client address.
            axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await
        });
        tracing::info!(%addr, "PMO Board is serving");
        Ok(Server { addr, state, shutdown: Some(shutdown), task, cluster: listener_task })
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Stops accepting work, closes every sync connection, lets samod write what it holds,
    /// and closes the database.
    pub async fn stop(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        self.state.acceptor.close();
        // samod stops each board only after its pending writes are done.
        self.state.repo.stop().await;
        if let Some(cluster) = self.cluster.take() {
            cluster.abort();
        }
        // WebSocket tasks end with their connections; the HTTP server then drains.
        let _ = tokio::time::timeout(std::time::Duration::from_secs(5), &mut self.task).await;
        self.task.abort();
        self.state.store.close().await;
    }
}
