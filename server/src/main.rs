//! `pmo-board`: serves PMO Board on one address with one database.

use std::net::SocketAddr;

use anyhow::Context;
use clap::Parser;
use server::{Config, Server};

/// PMO Board: a portfolio board for PMO teams, synced live and offline.
#[derive(Debug, Parser)]
#[command(version)]
struct Cli {
    /// Address to listen on.
    #[arg(long, env = "PMO_ADDR", default_value = "127.0.0.1:3000")]
    addr: SocketAddr,
    /// sqlite://path/to/file.db (embedded, the default) or postgres://user@host/database.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://data/pmo-board.db")]
    database_url: String,
    /// The built site: the wasm package, styles, service worker and assets.
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    site_root: String,
    /// The name of the wasm package in `<site root>/pkg/`.
    #[arg(long, env = "LEPTOS_OUTPUT_NAME", default_value = "pmo-board")]
    output_name: String,
    /// Mark session cookies Secure: set this when users reach the server over https.
    #[arg(long, env = "PMO_SECURE_COOKIES")]
    secure_cookies: bool,
    /// Unload a board from memory once nobody has used it for this many seconds.
    #[arg(long, env = "PMO_UNLOAD_IDLE_BOARDS_AFTER_SECS", default_value_t = 120)]
    unload_idle_boards_after_secs: u64,
    /// Open TCP connections, server-wide.
    #[arg(long, env = "PMO_MAX_CONNECTIONS")]
    max_connections: Option<usize>,
    /// Open TCP connections from one client address (raise it behind a proxy, or for a load test).
    #[arg(long, env = "PMO_CONNECTIONS_PER_ADDRESS")]
    connections_per_address: Option<usize>,
    /// Sign-ups from one address within the sign-in lockout period (15 minutes).
    #[arg(long, env = "PMO_SIGNUPS_PER_ADDRESS")]
    signups_per_address: Option<u32>,
    /// The bearer token `GET /metrics` asks for (a scraper sends `Authorization: Bearer <token>`).
    /// Without it `/metrics` is not served. Prefer the environment: a flag shows in `ps`.
    #[arg(long, env = "PMO_METRICS_TOKEN", hide_env_values = true)]
    metrics_token: Option<String>,
    /// Load balancers or reverse proxies (addresses or networks, comma-separated, e.g.
    /// `10.0.0.0/8,127.0.0.1`) whose `X-Forwarded-For` names the client for throttling.
    #[arg(long, env = "PMO_TRUSTED_PROXIES", default_value = "")]
    trusted_proxies: server::proxies::TrustedProxies,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,tower_http=warn,samod=warn,samod_core=warn".into()),
        )
        .init();
    let cli = Cli::parse();
    if !std::path::Path::new(&cli.site_root).join("pkg").exists() {
        tracing::warn!(
            site_root = cli.site_root,
            "the site is not built here: run `make run` (or `cargo leptos build`) first"
        );
    }
    let listener =
        tokio::net::TcpListener::bind(cli.addr).await.with_context(|| format!("cannot listen on {}", cli.addr))?;
    let mut config = Config {
        output_name: cli.output_name,
        secure_cookies: cli.secure_cookies,
        unload_idle_boards_after: std::time::Duration::from_secs(cli.unload_idle_boards_after_secs),
        metrics_token: cli.metrics_token.as_deref().and_then(server::metrics::MetricsToken::new),
        trusted_proxies: cli.trusted_proxies,
        ..Config::new(cli.database_url, cli.site_root)
    };
    if config.metrics_token.is_none() {
        tracing::info!("/metrics is not served: set PMO_METRICS_TOKEN to serve it to a scraper with that token");
    }
    let limits = &mut config.limits;
    limits.max_connections = cli.max_connections.unwrap_or(limits.max_connections);
    limits.connections_per_address = cli.connections_per_address.unwrap_or(limits.connections_per_address);
    limits.signups_per_address = cli.signups_per_address.unwrap_or(limits.signups_per_address);
    let server = Server::start(config, listener).await?;
    println!("PMO Board is ready on http://{}", server.addr);
    shutdown_signal().await;
    tracing::info!("shutting down: finishing pending writes");
    server.stop().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
