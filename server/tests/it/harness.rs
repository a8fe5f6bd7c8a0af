//! Starting servers and signing up accounts; the native sync client is `editor::Editor`.

use std::{net::SocketAddr, ops::Deref, path::PathBuf, sync::Arc};

use reqwest::{cookie::CookieStore, Method, RequestBuilder, Response};
use server::{metrics::MetricsToken, Config, Server};
use shared::api::{BoardSummary, CreatedToken, Me, Member, Role, CSRF_COOKIE, CSRF_HEADER};
use tokio::net::TcpListener;

/// A temporary directory holding one SQLite database, reused across server restarts.
pub struct TestDatabase {
    dir: tempfile::TempDir,
}

impl TestDatabase {
    pub fn new() -> TestDatabase {
        TestDatabase { dir: tempfile::tempdir().expect("a temporary directory") }
    }

    pub fn url(&self) -> String {
        format!("sqlite://{}", self.path().display())
    }

    pub fn path(&self) -> PathBuf {
        self.dir.path().join("pmo-board.db")
    }
}

/// A schema of its own in the Postgres named by `PMO_TEST_POSTGRES_URL`, dropped by
/// [`TestPostgres::drop_schema`]. `None` when the variable is not set (outside CI).
pub struct TestPostgres {
    admin: sqlx::PgPool,
    schema: String,
    url: String,
}

impl TestPostgres {
    pub async fn new() -> Option<TestPostgres> {
        let base_url = crate::storage::postgres_url()?;
        let schema = format!("pmo_test_{}", rand::random::<u32>());
        let admin = sqlx::PgPool::connect(&base_url).await.expect("connect to PMO_TEST_POSTGRES_URL");
        sqlx::query(&format!("CREATE SCHEMA {schema}")).execute(&admin).await.unwrap();
        let separator = if base_url.contains('?') { '&' } else { '?' };
        let url = format!("{base_url}{separator}options=-c%20search_path%3D{schema}");
        Some(TestPostgres { admin, schema, url })
    }

    pub fn url(&self) -> String {
        self.url.clone()
    }

    pub async fn drop_schema(self) {
        sqlx::query(&format!("DROP SCHEMA {} CASCADE", self.schema)).execute(&self.admin).await.unwrap();
    }
}

/// Runs `story` with the URL of a fresh Postgres schema, if `PMO_TEST_POSTGRES_URL` is set.
pub async fn on_postgres<F, Fut>(story: F)
where
    F: FnOnce(String) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let Some(postgres) = TestPostgres::new().await else { return };
    story(postgres.url()).await;
    postgres.drop_schema().await;
}

/// Starts a server on a free loopback port with the given database.
pub async fn start_server(database_url: &str) -> Server {
    start_server_on(database_url, "127.0.0.1:0".parse().unwrap()).await
}

pub async fn start_server_on(database_url: &str, addr: SocketAddr) -> Server {
    start_server_with(config(database_url), addr).await
}

/// The configuration [`start_server`] starts a server with.
pub fn config(database_url: &str) -> Config {
    Config { metrics_token: MetricsToken::new(METRICS_TOKEN), ..Config::new(database_url, "target/site") }
}

/// The `/metrics` token of the servers [`start_server`] starts.
pub const METRICS_TOKEN: &str = "test-metrics-token";

/// `GET /metrics` of a server started with [`METRICS_TOKEN`]: the figures' text.
pub async fn metrics_text(addr: SocketAddr) -> String {
    let response = reqwest::Client::new()
        .get(format!("http://{addr}/metrics"))
        .bearer_auth(METRICS_TOKEN)
        .send()
        .await
        .expect("GET /metrics");
    assert_eq!(response.status(), 200, "GET /metrics with the token");
    response.text().await.expect("the figures")
}

/// Starts a server with `config` (its limits, say) on `addr`.
pub async fn start_server_with(config: Config, addr: SocketAddr) -> Server {
    let listener = TcpListener::bind(addr).await.expect("a loopback port");
    Server::start(config, listener).await.expect("the server starts")
}

/// The password every test account gets from [`ApiClient::sign_up`].
pub const PASSWORD: &str = "correct horse battery staple";

/// A browser talking to the JSON API: a cookie jar, and the CSRF header on every change, read
/// from the `pmo_csrf` cookie as the app does.
pub struct ApiClient {
    pub http: reqwest::Client,
    jar: Arc<reqwest::cookie::Jar>,
    base: reqwest::Url,
}

impl ApiClient {
    /// A browser that has opened the app but not signed in: it has the `pmo_csrf` cookie.
    pub async fn new(addr: SocketAddr) -> ApiClient {
        let jar = Arc::new(reqwest::cookie::Jar::default());
        let http = reqwest::Client::builder().cookie_provider(jar.clone()).build().expect("an HTTP client");
        let client = ApiClient { http, jar, base: format!("http://{addr}").parse().unwrap() };
        let response = client.get("/api/auth/me").send().await.expect("GET /api/auth/me");
        assert_eq!(response.status(), 401, "a new browser is signed out");
        assert!(!client.csrf().is_empty(), "GET /api/auth/me sets the pmo_csrf cookie");
        client
    }

    /// Like [`ApiClient::new`], connecting from another loopback address (`127.0.0.x`), so the
    /// server counts it as another client.
    pub async fn from_address(addr: SocketAddr, local: std::net::IpAddr) -> ApiClient {
        let jar = Arc::new(reqwest::cookie::Jar::default());
        let http = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .local_address(local)
            .build()
            .expect("an HTTP client");
        let client = ApiClient { http, jar, base: format!("http://{addr}").parse().unwrap() };
        let response = client.get("/api/auth/me").send().await.expect("GET /api/auth/me");
        assert_eq!(response.status(), 401, "a new browser is signed out");
        client
    }

    /// Signs up `email` with [`PASSWORD`] and a name made from the email; panics if refused.
    pub async fn sign_up(addr: SocketAddr, email: &str) -> ApiClient {
        let client = ApiClient::new(addr).await;
        let name = email.split('@').next().unwrap_or(email);
        let response = client.try_sign_up(email, name, PASSWORD, None).await;
        assert_eq!(response.status(), 201, "signing up {email}: {}", response.text().await.unwrap_or_default());
        client
    }

    /// Signs up an account with a random email.
    pub async fn fresh(addr: SocketAddr) -> ApiClient {
        ApiClient::sign_up(addr, &format!("member-{}@example.com", rand::random::<u32>())).await
    }

    /// `POST /api/auth/signup`, answered as it comes.
    pub async fn try_sign_up(&self, email: &str, name: &str, password: &str, invite: Option<&str>) -> Response {
        let body = serde_json::json!({ "email": email, "name": name, "password": password, "invite": invite });
        self.post("/api/auth/signup").json(&body).send().await.expect("POST /api/auth/signup")
    }

    /// `POST /api/auth/signin`, answered as it comes.
    pub async fn try_sign_in(&self, email: &str, password: &str) -> Response {
        let body = serde_json::json!({ "email": email, "password": password });
        self.post("/api/auth/signin").json(&body).send().await.expect("POST /api/auth/signin")
    }

    /// The server's address.
    pub fn addr(&self) -> SocketAddr {
        let host = self.base.host_str().expect("a host");
        format!("{host}:{}", self.base.port().expect("a port")).parse().expect("an address")
    }

    /// The value of the `pmo_csrf` cookie, or "" if there is none.
    pub fn csrf(&self) -> String {
        self.cookie(CSRF_COOKIE)
    }

    /// The value of the cookie `name`, or "" if there is none.
    pub fn cookie(&self, name: &str) -> String {
        let cookies = self.jar.cookies(&self.base).map(|value| value.to_str().unwrap_or_default().to_owned());
        cookies
            .unwrap_or_default()
            .split("; ")
            .find_map(|pair| pair.strip_prefix(&format!("{name}=")).map(str::to_owned))
            .unwrap_or_default()
    }

    /// A request to `path` with the cookies and, unless it is a GET, the CSRF header.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let url = self.base.join(path).expect("a path");
        let builder = self.http.request(method.clone(), url);
        if method == Method::GET {
            builder
        } else {
            builder.header(CSRF_HEADER, self.csrf())
        }
    }

    pub fn get(&self, path: &str) -> RequestBuilder {
        self.request(Method::GET, path)
    }

    pub fn post(&self, path: &str) -> RequestBuilder {
        self.request(Method::POST, path)
    }

    pub fn put(&self, path: &str) -> RequestBuilder {
        self.request(Method::PUT, path)
    }

    pub fn delete(&self, path: &str) -> RequestBuilder {
        self.request(Method::DELETE, path)
    }

    /// `GET /api/auth/me`; panics unless signed in.
    pub async fn me(&self) -> Me {
        let response = self.get("/api/auth/me").send().await.expect("GET /api/auth/me");
        assert_eq!(response.status(), 200, "signed in");
        response.json().await.expect("a Me")
    }

    /// Creates an API token and returns its secret.
    pub async fn create_token(&self, name: &str) -> String {
        let response = self.post("/api/tokens").json(&serde_json::json!({ "name": name })).send().await.unwrap();
        assert_eq!(response.status(), 201, "creating a token");
        response.json::<CreatedToken>().await.expect("a created token").secret
    }

    /// The boards this account can open.
    pub async fn boards(&self) -> Vec<BoardSummary> {
        let response = self.get("/api/boards").send().await.expect("GET /api/boards");
        assert_eq!(response.status(), 200, "listing boards");
        response.json().await.expect("board summaries")
    }

    pub async fn create_board(&self, name: &str) -> BoardSummary {
        let response = self.post("/api/boards").json(&serde_json::json!({ "name": name })).send().await.unwrap();
        assert_eq!(response.status(), 201, "creating a board: {}", response.text().await.unwrap_or_default());
        response.json().await.expect("a board summary")
    }

    /// Adds the account with `email` to the board; panics if refused.
    pub async fn add_member(&self, board_id: &str, email: &str, role: Role) -> Member {
        let response = self
            .post(&format!("/api/boards/{board_id}/members"))
            .json(&serde_json::json!({ "email": email, "role": role }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201, "adding {email}: {}", response.text().await.unwrap_or_default());
        response.json().await.expect("a member")
    }

    /// Removes the account from the board; panics if refused.
    pub async fn remove_member(&self, board_id: &str, account_id: &str) {
        let response = self.delete(&format!("/api/boards/{board_id}/members/{account_id}")).send().await.unwrap();
        assert_eq!(response.status(), 204, "removing {account_id}: {}", response.text().await.unwrap_or_default());
    }
}

/// Checks that `response` has `status` and an `ApiError` whose message contains `words`.
pub async fn expect_error(response: Response, status: u16, words: &str) {
    let (url, got) = (response.url().path().to_owned(), response.status());
    let body = response.text().await.unwrap_or_default();
    assert_eq!(got, status, "{url}: {body}");
    let error: shared::api::ApiError =
        serde_json::from_str(&body).unwrap_or_else(|_| panic!("{url}: not an ApiError: {body}"));
    assert!(error.error.contains(words), "{url}: `{}` lacks `{words}`", error.error);
}

/// Like [`expect_error`], and the answer carries `code`, which the app words the refusal by.
pub async fn expect_refusal(response: Response, status: u16, code: shared::api::ErrorCode, words: &str) {
    let (url, got) = (response.url().path().to_owned(), response.status());
    let body = response.text().await.unwrap_or_default();
    assert_eq!(got, status, "{url}: {body}");
    let error: shared::api::ApiError =
        serde_json::from_str(&body).unwrap_or_else(|_| panic!("{url}: not an ApiError: {body}"));
    assert_eq!(error.code, code, "{url}: {body}");
    assert!(error.error.contains(words), "{url}: `{}` lacks `{words}`", error.error);
}

/// A board made by a fresh account, with that account and an API token of it (for the
/// WebSocket's `?token=`). It derefs to the board's summary.
pub struct TestBoard {
    pub summary: BoardSummary,
    pub owner: ApiClient,
    pub token: String,
}

impl Deref for TestBoard {
    type Target = BoardSummary;

    fn deref(&self) -> &BoardSummary {
        &self.summary
    }
}

/// Signs up a fresh account on the server at `addr` and creates a board named `name` with it.
pub async fn create_board(addr: SocketAddr, name: &str) -> TestBoard {
    let owner = ApiClient::fresh(addr).await;
    let summary = owner.create_board(name).await;
    let token = owner.create_token("tests").await;
    TestBoard { summary, owner, token }
}
