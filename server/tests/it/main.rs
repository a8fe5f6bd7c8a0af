//! The server's integration tests, in one binary: real servers on loopback, real WebSockets,
//! real SQLite files and, when `PMO_TEST_POSTGRES_URL` is set, a real Postgres.

mod access;
mod adversarial;
mod api;
mod assets;
mod auth;
mod bench_smoke;
mod cluster;
mod device;
mod durability;
mod editor;
mod exchange;
mod gate;
mod harness;
mod history;
mod load;
mod ops;
mod process;
mod scenarios;
mod simulation;
mod storage;
mod sync;
mod unload;
