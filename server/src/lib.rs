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

pub mod access;
pub mod accounts;
pub mod api;
pub mod attribution;
pub mod auth;
pub mod boards;
pub mod cluster;
pub mod connections;
pub mod error;
pub mod exchange;
pub mod history;
pub mod http;
pub mod metrics;
pub mod proxies;
pub mod scenarios;
pub mod security;
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
    /// A board nobody has used for this long is unloaded (see [`boards`]).
    pub unload_idle_boards_after: std::time::Duration,
    /// The bearer token `GET /metrics` must carry. Without one, `/metrics` is not served: its
    /// figures (connections, boards, refusals) are for operators, not for anyone who asks.
    pub metrics_token: Option<metrics::MetricsToken>,
    /// Load balancers and reverse proxies whose `X-Forwarded-For` names the client that
    /// throttling counts (see [`proxies`]); nobody else's is read.
    pub trusted_proxies: proxies::TrustedProxies,
    /// How often expired sessions and invites are deleted (and once at start).
    pub purge_expired_every: std::time::Duration,
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
            unload_idle_boards_after: std::time::Duration::from_secs(120),
            metrics_token: None,
            trusted_proxies: proxies::TrustedProxies::default(),
            purge_expired_every: std::time::Duration::from_secs(60 * 60),
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
    /// Failed sign-ins for one email from one address before that address may not try that
    /// email for a while (the email alone is no key: anyone could lock its owner out).
    pub login_failures: u32,
    /// Failed sign-ins from one address, whatever the emails, before it may not sign in for a
    /// while.
    pub login_failures_per_address: u32,
    /// Members an account may add by email within `login_lockout` (each answer says whether
    /// an account has the email).
    pub member_adds_per_account: u32,
    /// How long sign-in stays refused after too many failures.
    pub login_lockout: std::time::Duration,
    /// Bytes waiting to be written to one connection before it counts as stuck and is closed
    /// (a single frame larger than this still goes out when nothing else is waiting).
    pub outbound_queue_bytes: usize,
    /// The largest presence (`ephemeral`) message a client may send.
    pub max_presence_bytes: usize,
    /// Presence messages a connection may send per second, sustained.
    pub presence_per_second: u32,
    /// Presence messages a connection may send at once before the rate applies.
    pub presence_burst: u32,
    /// The longest text value a change may put in a board, in bytes.
    pub max_string_bytes: usize,
    /// Boards one account may own.
    pub boards_per_account: usize,
    /// Sign-ups from one address within `login_lockout`.
    pub signups_per_address: u32,
    /// Passwords hashed or checked at once, server-wide (each argon2 hash takes 19 MiB).
    pub concurrent_password_hashes: usize,
    /// Open TCP connections, server-wide.
    pub max_connections: usize,
    /// Open TCP connections from one client address.
    pub connections_per_address: usize,
    /// How long a client may take to send a request's headers.
    pub header_read_timeout: std::time::Duration,
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
            login_failures_per_address: 30,
            member_adds_per_account: 60,
            login_lockout: std::time::Duration::from_secs(15 * 60),
            outbound_queue_bytes: 32 * 1024 * 1024,
            max_presence_bytes: 16 * 1024,
            presence_per_second: 10,
            presence_burst: 50,
            max_string_bytes: shared::gate::GateLimits::default().max_string_bytes,
            boards_per_account: 200,
            signups_per_address: 30,
            concurrent_password_hashes: 4,
            max_connections: 4096,
            connections_per_address: 256,
            header_read_timeout: std::time::Duration::from_secs(10),
        }
    }
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub store: Store,
    /// The node's repo: it holds no board, only every connection's handshake.
    pub repo: samod::Repo,
    pub acceptor: samod::AcceptorHandle,
    /// The boards held in memory, each in a repo of its own.
    pub boards: boards::Boards,
    pub share_policy: access::AccessPolicy,
    pub connections: connections::Connections,
    pub metrics: metrics::Metrics,
    /// This process among the nodes sharing the database (in peer ids and logs).
    pub node_id: Arc<str>,
    pub upgrades: upgrade::Upgrades,
    /// Describes, in the background, the history rows written without a summary.
    pub describer: history::background::Describer,
    pub password_hashing: auth::PasswordHashing,
    pub leptos_options: LeptosOptions,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> LeptosOptions {
        state.leptos_options.clone()
    }
}

/// The app: its shell for every page, the built site's files, and for any other path the shell
/// with a 404 (the app then says there is no such page). Compressed (br or gzip, as the browser
/// accepts: the wasm is most of a first load), and revalidated on every load (`no-cache` with
/// `Last-Modified`): the files' names are not hashed, so none may be cached for good, and a warm
/// load is a round of 304s.
///
/// A release build of the site holds `pmo-board.wasm.gz` (and `.br` where the `brotli` tool is
/// installed) made at build time at the best ratio (scripts/build-site.sh), served as they are.
/// Anything else up to [`COMPRESS_AT_MOST`] is compressed as it goes out, at a middling level
/// (brotli's default, 11, takes seconds on the wasm); bigger responses (the tens of MB of a
/// debug wasm, served on a developer's machine) go out plain rather than hold a core for seconds.
fn app_files(state: AppState) -> Router<AppState> {
    use axum::http::{header::CACHE_CONTROL, HeaderValue};
    use axum::http::{header::CONTENT_LENGTH, Extensions, HeaderMap, Version};
    use tower_http::{
        compression::{predicate::Predicate, CompressionLayer, CompressionLevel, DefaultPredicate},
        set_header::SetResponseHeaderLayer,
    };

    let small_enough = |_: StatusCode, _: Version, headers: &HeaderMap, _: &Extensions| {
        let length = headers.get(CONTENT_LENGTH).and_then(|length| length.to_str().ok()?.parse::<u64>().ok());
        length.is_none_or(|length| length <= COMPRESS_AT_MOST)
    };

    let site_root = state.leptos_options.site_root.to_string();
    let not_found = get(shell::page).with_state(state);
    Router::new()
        .route("/", get(shell::page))
        .route("/board/{id}", get(shell::page))
        .route("/board/{id}/{*page}", get(shell::page))
        .route("/signin", get(shell::page))
        .fallback_service(
            tower_http::services::ServeDir::new(site_root)
                .precompressed_br()
                .precompressed_gzip()
                .not_found_service(not_found),
        )
        // The page's policy hashes its inline scripts, so it is taken before compression.
        .layer(axum::middleware::map_response(security::headers))
        .layer(
            CompressionLayer::new()
                .quality(CompressionLevel::Precise(5))
                .compress_when(DefaultPredicate::new().and(small_enough)),
        )
        .layer(SetResponseHeaderLayer::if_not_present(CACHE_CONTROL, HeaderValue::from_static("no-cache")))
}

/// The largest response compressed as it goes out (see [`app_files`]).
const COMPRESS_AT_MOST: u64 = 8 * 1024 * 1024;

/// The whole HTTP surface.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/sync", get(sync::upgrade))
        .route("/api/auth/me", get(api::me))
        .route("/api/auth/signup", post(api::sign_up))
        .route("/api/auth/signin", post(api::sign_in))
        .route("/api/auth/signout", post(api::sign_out))
        .route("/api/auth/password", post(api::change_password))
        .route("/api/auth/language", put(api::set_language))
        .route("/api/tokens", get(api::list_tokens).post(api::create_token))
        .route("/api/tokens/{id}", delete(api::revoke_token))
        .route("/api/admin/settings", get(api::get_settings).put(api::put_settings))
        .route("/api/admin/invites", post(api::create_invite))
        .route("/api/boards", get(api::list_boards).post(api::create_board))
        .route("/api/boards/{id}/members", get(api::list_members).post(api::add_member))
        .route("/api/boards/{id}/members/{account_id}", put(api::change_role).delete(api::remove_member))
        .route("/api/boards/{id}/history", get(history::list))
        .route("/api/boards/{id}/scenarios", get(scenarios::list).post(scenarios::create))
        .route("/api/boards/{id}/scenarios/{scenario}/merge", post(scenarios::merge))
        .route("/api/boards/{id}/scenarios/{scenario}/discard", post(scenarios::discard))
        .route("/api/scenarios/{id}", get(scenarios::get))
        .route("/api/boards/{id}/export.xlsx", get(exchange::export_xlsx))
        .route("/api/boards/{id}/document", get(exchange::document))
        .route("/api/boards/{id}/export/{file}", get(exchange::export_csv))
        // A backup is a whole board: it may be as large as the largest sync frame.
        .route(
            "/api/boards/restore",
            post(exchange::restore).layer(axum::extract::DefaultBodyLimit::max(state.config.limits.max_frame_bytes)),
        )
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics::metrics))
        .merge(app_files(state.clone()))
        .layer(axum::middleware::map_response_with_state((), json_errors))
        .layer(axum::middleware::map_response(security::headers))
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

/// Errors from `/api` and `/sync` are `{"error": …}` like the handlers' own, axum's rejections
/// included (405 for a wrong method, 413 for a body over the limit, 400 for a `/sync` request
/// that is no WebSocket upgrade), which axum answers in plain text or with no body at all.
async fn json_errors(
    axum::extract::State(()): axum::extract::State<()>,
    uri: axum::http::Uri,
    response: axum::response::Response,
) -> axum::response::Response {
    use axum::{http::header, response::IntoResponse};
    let path = uri.path();
    let status = response.status();
    let json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/json"));
    if !(path.starts_with("/api/") || path == "/sync")
        || json
        || !(status.is_client_error() || status.is_server_error())
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let text =
        axum::body::to_bytes(body, 16 * 1024).await.map(|bytes| String::from_utf8_lossy(&bytes).trim().to_owned());
    let error = match text {
        Ok(text) if !text.is_empty() => text,
        _ => status.canonical_reason().unwrap_or("error").to_lowercase(),
    };
    parts.headers.remove(header::CONTENT_TYPE);
    parts.headers.remove(header::CONTENT_LENGTH);
    let code = shared::api::ErrorCode::for_status(status.as_u16());
    (parts, axum::Json(shared::api::ApiError { error, code })).into_response()
}

/// How long `/healthz` waits for the database: a load balancer asks often and wants an answer
/// quickly, and a database that takes longer is, for it, out.
const HEALTH_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(1);

/// `GET /healthz`: 200 when the database answers a query on the application's tables within
/// [`HEALTH_TIMEOUT`], 503 otherwise.
async fn healthz(axum::extract::State(state): axum::extract::State<AppState>) -> (StatusCode, &'static str) {
    match tokio::time::timeout(HEALTH_TIMEOUT, state.store.ping()).await {
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
    /// Unloads idle boards.
    sweeper: JoinHandle<()>,
    /// Deletes expired sessions and invites.
    purger: JoinHandle<()>,
    /// Describes history rows written without a summary.
    describer: JoinHandle<()>,
}

impl Server {
    /// Connects to the database, loads the repo and serves on `listener`.
    pub async fn start(config: Config, listener: TcpListener) -> anyhow::Result<Server> {
        let addr = listener.local_addr()?;
        // Leptos renders the shell on its own executor; a second server in one process finds
        // it already set up, which is fine.
        let _ = any_spawner::Executor::init_tokio();
        // The changes the server makes (a new board, a schema upgrade) carry when they were made.
        shared::board::set_change_clock(|| attribution::now_ms() / 1000);
        let store = Store::connect(&config.database_url).await?;
        let node_id: Arc<str> = store.node_id().into();
        let clustered = store.engine() == store::Engine::Postgres;
        let notifier = clustered.then(|| cluster::Notifier::new(store.clone()));
        let share_policy =
            access::AccessPolicy::new(store.clone(), notifier.clone().map(cluster::Notifier::access_changes));
        let metrics = metrics::Metrics::new();
        let repo = samod::Repo::build_tokio()
            .with_storage(store.clone())
            .with_share_policy(share_policy.clone())
            .with_observer(metrics.clone())
            .load()
            .await;
        let connections =
            connections::Connections::new(metrics.clone(), notifier.map(cluster::Notifier::credential_endings));
        let url = url::Url::parse(&format!("ws://{addr}/sync"))?;
        let boards = boards::Boards::new(
            store.clone(),
            share_policy.clone(),
            metrics.clone(),
            &repo,
            url.clone(),
            config.unload_idle_boards_after,
        );
        let sweeper = boards.spawn_sweeper();
        let purger = tokio::spawn(auth::purge_expired_every(store.clone(), config.purge_expired_every));
        let listener_task = clustered.then(|| {
            cluster::listen(store.clone(), boards.clone(), share_policy.clone(), metrics.clone(), connections.clone())
        });
        let acceptor = repo.make_acceptor(url)?;
        let leptos_options = LeptosOptions::builder()
            .output_name(Arc::<str>::from(config.output_name.as_str()))
            .site_root(Arc::<str>::from(config.site_root.as_str()))
            .site_pkg_dir(Arc::<str>::from("pkg"))
            .site_addr(addr)
            .build();
        let describer = history::background::Describer::new(metrics.clone());
        let state = AppState {
            config: Arc::new(config.clone()),
            store,
            repo,
            acceptor,
            boards,
            share_policy,
            connections,
            metrics,
            node_id,
            upgrades: upgrade::Upgrades::default(),
            describer,
            password_hashing: auth::PasswordHashing::new(config.limits.concurrent_password_hashes),
            leptos_options,
        };
        let describer_task = state.describer.spawn(state.store.clone(), state.boards.clone());
        let (shutdown, stopped) = oneshot::channel::<()>();
        let app = router(state.clone());
        let (limits, metrics) = (config.limits.clone(), state.metrics.clone());
        let task = tokio::spawn(async move {
            http::serve(listener, app, &limits, metrics, async {
                let _ = stopped.await;
            })
            .await;
            Ok(())
        });
        tracing::info!(%addr, "PMO Board is serving");
        Ok(Server {
            addr,
            state,
            shutdown: Some(shutdown),
            task,
            cluster: listener_task,
            sweeper,
            purger,
            describer: describer_task,
        })
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
        // What it has not described yet, the next start finds.
        self.describer.abort();
        // samod stops each board only after its pending writes are done.
        self.state.boards.stop().await;
        self.sweeper.abort();
        self.purger.abort();
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
