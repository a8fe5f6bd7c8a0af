//! The server's integration tests, in one binary: real servers on loopback, real WebSockets,
//! real SQLite files and, when `PMO_TEST_POSTGRES_URL` is set, a real Postgres.

mod api;
mod harness;
mod storage;
mod sync;
