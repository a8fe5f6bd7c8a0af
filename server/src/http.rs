//! Serving HTTP: the router on hyper's HTTP/1 connections, with the limits `axum::serve` lacks.
//!
//! `axum::serve` gives every accepted socket a task and waits for its headers as long as the
//! client likes, so a few thousand sockets that never finish a request (slowloris) hold the
//! server's file descriptors and memory. Here:
//! - a client must send a request's headers within [`Limits::header_read_timeout`], or hyper
//!   closes the connection;
//! - at most [`Limits::max_connections`] connections are open at once, and at most
//!   [`Limits::connections_per_address`] from one client address; a socket past either cap is
//!   closed at once (and counted in `/metrics`), before anything is read from it.
//!
//! A connection upgraded to a WebSocket leaves these counts (its HTTP connection has ended);
//! sync connections have their own cap per account (see [`crate::sync`]).

use std::{
    collections::HashMap,
    convert::Infallible,
    future::Future,
    net::IpAddr,
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{extract::ConnectInfo, Router};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::{
    net::TcpListener,
    sync::{watch, Semaphore},
};
use tower::ServiceExt;

use crate::{metrics::Metrics, Limits};

/// Serves `router` on `listener` until `shutdown` completes, then lets the requests in flight
/// finish. Handlers see the client's address as `ConnectInfo<SocketAddr>`.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: &Limits,
    metrics: Metrics,
    shutdown: impl Future<Output = ()>,
) {
    let connections = Arc::new(Semaphore::new(limits.max_connections));
    let addresses = Addresses::default();
    // Dropping `stop` tells every connection to finish; `finished` closes when they all have.
    let (stop, stopping) = watch::channel(());
    let (finished, all_finished) = watch::channel(());
    tokio::pin!(shutdown);
    loop {
        let (stream, client) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors, say: wait instead of spinning.
                    tracing::warn!(%error, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Ok(permit) = connections.clone().try_acquire_owned() else {
            metrics.refused("too_many_connections");
            continue;
        };
        let Some(address) = addresses.acquire(client.ip(), limits.connections_per_address) else {
            metrics.refused("too_many_from_address");
            continue;
        };
        let router = router.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<hyper::body::Incoming>| {
            request.extensions_mut().insert(ConnectInfo(client));
            let router = router.clone();
            async move { Ok::<_, Infallible>(infallible(router.oneshot(request.map(axum::body::Body::new)).await)) }
        });
        let mut builder = hyper::server::conn::http1::Builder::new();
        builder.timer(TokioTimer::new()).header_read_timeout(limits.header_read_timeout);
        let mut stopping = stopping.clone();
        let finished = all_finished.clone();
        tokio::spawn(async move {
            let connection = builder.serve_connection(TokioIo::new(stream), service).with_upgrades();
            tokio::pin!(connection);
            let mut stopped = false;
            loop {
                tokio::select! {
                    result = connection.as_mut() => {
                        if let Err(error) = result {
                            tracing::debug!(%error, %client, "HTTP connection ended");
                        }
                        break;
                    }
                    _ = stopping.changed(), if !stopped => {
                        stopped = true;
                        connection.as_mut().graceful_shutdown();
                    }
                }
            }
            drop((permit, address, finished));
        });
    }
    drop(listener);
    drop(stop);
    drop(all_finished);
    finished.closed().await;
}

/// Open connections per client address.
#[derive(Clone, Default)]
struct Addresses(Arc<Mutex<HashMap<IpAddr, usize>>>);

impl Addresses {
    fn acquire(&self, ip: IpAddr, limit: usize) -> Option<AddressPermit> {
        let mut open = self.0.lock().expect("the address table");
        let count = open.entry(ip).or_default();
        if *count >= limit {
            return None;
        }
        *count += 1;
        Some(AddressPermit { addresses: self.clone(), ip })
    }
}

/// One open connection from an address; dropping it frees the slot.
struct AddressPermit {
    addresses: Addresses,
    ip: IpAddr,
}

impl Drop for AddressPermit {
    fn drop(&mut self) {
        let mut open = self.addresses.0.lock().expect("the address table");
        if let Some(count) = open.get_mut(&self.ip) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.ip);
            }
        }
    }
}

/// `Result<T, Infallible>` without the `Result`.
fn infallible<T>(result: Result<T, Infallible>) -> T {
    match result {
        Ok(value) => value,
        Err(never) => match never {},
    }
}
