//! The real `pmo-board` binary as a child process, for tests that kill it.

use std::{
    net::SocketAddr,
    process::{Child, Command, Stdio},
    time::Duration,
};

/// A `pmo-board` process on a fixed loopback port, which can be killed and started again.
pub struct Node {
    pub addr: SocketAddr,
    database_url: String,
    /// Flags beyond the address and the database.
    args: Vec<String>,
    child: Option<Child>,
}

impl Node {
    /// Starts `pmo-board` on a free loopback port and waits until `/healthz` answers.
    pub async fn start(database_url: &str) -> Node {
        Node::start_with(database_url, &[]).await
    }

    /// Starts `pmo-board` with more flags, e.g. `["--signups-per-address", "100"]`.
    pub async fn start_with(database_url: &str, args: &[&str]) -> Node {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut node = Node {
            addr: format!("127.0.0.1:{port}").parse().unwrap(),
            database_url: database_url.to_owned(),
            args: args.iter().map(|arg| (*arg).to_owned()).collect(),
            child: None,
        };
        node.restart().await;
        node
    }

    /// Starts the process again on the same port and database.
    pub async fn restart(&mut self) {
        assert!(self.child.is_none(), "the node is still running");
        let child = Command::new(env!("CARGO_BIN_EXE_pmo-board"))
            .args(["--addr", &self.addr.to_string(), "--database-url", &self.database_url])
            .args(&self.args)
            .env("RUST_LOG", std::env::var("PMO_TEST_NODE_LOG").unwrap_or_else(|_| "warn".into()))
            .stdout(if std::env::var("PMO_TEST_NODE_LOG").is_ok() { Stdio::inherit() } else { Stdio::null() })
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the pmo-board binary starts");
        self.child = Some(child);
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        let client = reqwest::Client::new();
        loop {
            if let Ok(response) = client.get(format!("http://{}/healthz", self.addr)).send().await {
                if response.status() == 200 {
                    return;
                }
            }
            if let Some(status) = self.child.as_mut().unwrap().try_wait().unwrap() {
                panic!("pmo-board exited at start: {status}");
            }
            assert!(tokio::time::Instant::now() < deadline, "pmo-board did not become healthy");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// SIGTERM, then waits for the process to exit (SIGKILL after `within`).
    pub async fn terminate(&mut self, within: Duration) -> std::process::ExitStatus {
        let mut child = self.child.take().expect("the node is running");
        let sent = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().expect("kill(1)");
        assert!(sent.success(), "SIGTERM was sent");
        let deadline = tokio::time::Instant::now() + within;
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                return status;
            }
            if tokio::time::Instant::now() >= deadline {
                child.kill().unwrap();
                panic!("pmo-board did not stop within {within:?} of SIGTERM");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The process's resident memory (`VmRSS` in `/proc`), in MiB.
    pub fn rss_mib(&self) -> f64 {
        let pid = self.child.as_ref().expect("the node is running").id();
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc/<pid>/status");
        let kib: f64 = status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmRSS in /proc/<pid>/status");
        kib / 1024.0
    }

    /// SIGKILL: no shutdown, no flushing.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().expect("SIGKILL");
            child.wait().expect("the killed process is reaped");
        }
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.kill();
    }
}
