//! Accounts over HTTP: sign-up, sign-in and out, the instance admin and invites, sign-in
//! throttling, password changes, CSRF, and API tokens. The stories that exercise SQL run on
//! SQLite and, when `PMO_TEST_POSTGRES_URL` is set, on Postgres.

use std::time::Duration;

use reqwest::{header, StatusCode};
use server::{Config, Limits};
use shared::api::{
    ApiError, ErrorCode, InstanceSettings, Invite, LanguageChoice, Locale, Me, TokenSummary, CSRF_HEADER,
};

use crate::harness::{expect_error, on_postgres, start_server, start_server_with, ApiClient, TestDatabase, PASSWORD};

fn set_cookies(response: &reqwest::Response) -> Vec<String> {
    response.headers().get_all(header::SET_COOKIE).iter().map(|value| value.to_str().unwrap().to_owned()).collect()
}

fn cookie_named<'a>(cookies: &'a [String], name: &str) -> &'a str {
    cookies
        .iter()
        .find(|cookie| cookie.starts_with(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no {name} cookie in {cookies:?}"))
}

/// Sign up, see who you are, sign out, sign in again; the first account is the admin.
async fn accounts_story(url: &str) {
    let server = start_server(url).await;
    let alice = ApiClient::new(server.addr).await;
    let response = alice.try_sign_up("  Alice.Li@Example.COM ", " Alice Li ", PASSWORD, None).await;
    assert_eq!(response.status(), 201);
    let cookies = set_cookies(&response);
    let session = cookie_named(&cookies, "pmo_session");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(session.contains(attribute), "{session}");
    }
    assert!(!session.contains("Secure"), "plain http gets no Secure cookie: {session}");
    assert!(!cookie_named(&cookies, "pmo_csrf").contains("HttpOnly"), "the app reads pmo_csrf");
    let me: Me = response.json().await.unwrap();
    assert_eq!(me.account.email, "alice.li@example.com", "emails are trimmed and lowercased");
    assert_eq!(me.account.name, "Alice Li");
    assert!(me.account.admin, "the first account is the instance admin");
    assert_eq!(me.csrf_token, alice.csrf(), "the pmo_csrf cookie holds the session's CSRF token");
    assert_eq!(alice.me().await, me);

    let bob = ApiClient::sign_up(server.addr, "bob@example.com").await;
    assert!(!bob.me().await.account.admin, "only the first account is the admin");
    let taken = ApiClient::new(server.addr).await;
    expect_error(taken.try_sign_up("ALICE.LI@example.com", "Other", PASSWORD, None).await, 409, "exists already").await;

    // Signing out ends the session and clears the cookies.
    let response = alice.post("/api/auth/signout").send().await.unwrap();
    assert_eq!(response.status(), 204);
    assert!(cookie_named(&set_cookies(&response), "pmo_session").contains("Max-Age=0"));
    expect_error(alice.get("/api/auth/me").send().await.unwrap(), 401, "sign in").await;
    expect_error(alice.get("/api/boards").send().await.unwrap(), 401, "sign in").await;

    // Signing in again, with the email in any case.
    alice.get("/api/auth/me").send().await.unwrap();
    let response = alice.try_sign_in("ALICE.li@example.com", PASSWORD).await;
    assert_eq!(response.status(), 200);
    let again: Me = response.json().await.unwrap();
    assert_eq!(again.account, me.account);
    assert_ne!(again.csrf_token, me.csrf_token, "a new session has a new CSRF token");
    assert_eq!(alice.me().await, again);

    // A wrong password and an unknown email get the same answer.
    let stranger = ApiClient::new(server.addr).await;
    expect_error(
        stranger.try_sign_in("alice.li@example.com", "not the password").await,
        401,
        "email or the password is wrong",
    )
    .await;
    expect_error(stranger.try_sign_in("nobody@example.com", PASSWORD).await, 401, "email or the password is wrong")
        .await;
    server.stop().await;
}

#[tokio::test]
async fn accounts_sign_up_sign_out_and_sign_in_on_sqlite() {
    accounts_story(&TestDatabase::new().url()).await;
}

#[tokio::test]
async fn accounts_sign_up_sign_out_and_sign_in_on_postgres() {
    on_postgres(|url| async move { accounts_story(&url).await }).await;
}

#[tokio::test]
async fn sign_up_says_what_is_wrong_with_what_was_typed() {
    let database = TestDatabase::new();
    let server = start_server(&database.url()).await;
    let client = ApiClient::new(server.addr).await;
    let long_name = "n".repeat(101);
    // (email, name, password, words the error must contain)
    let cases = [
        ("not-an-email", "Ann", PASSWORD, "does not look like an email"),
        ("ann@localhost", "Ann", PASSWORD, "does not look like an email"),
        ("ann@example.com", "Ann", "short", "at least 10 characters"),
        ("ann@example.com", "   ", PASSWORD, "name cannot be empty"),
        ("ann@example.com", long_name.as_str(), PASSWORD, "at most 100 characters"),
    ];
    for (email, name, password, words) in cases {
        expect_error(client.try_sign_up(email, name, password, None).await, 400, words).await;
    }
    let response =
        client.post("/api/auth/signup").json(&serde_json::json!({ "email": "ann@example.com" })).send().await;
    expect_error(response.unwrap(), 400, "missing field").await;
    // Nothing was created: the next sign-up is still the first, and so the admin.
    let ann = ApiClient::sign_up(server.addr, "ann@example.com").await;
    assert!(ann.me().await.account.admin);
    server.stop().await;
}

/// Invite-only sign-up: only the admin switches it on and makes codes; a code works once.
async fn invite_story(url: &str) {
    let server = start_server(url).await;
    let admin = ApiClient::sign_up(server.addr, "admin@example.com").await;
    let member = ApiClient::sign_up(server.addr, "member@example.com").await;

    let only_admin = "only the instance admin";
    expect_error(member.get("/api/admin/settings").send().await.unwrap(), 403, only_admin).await;
    let invite_only = serde_json::json!({ "invite_only": true });
    expect_error(member.put("/api/admin/settings").json(&invite_only).send().await.unwrap(), 403, only_admin).await;
    expect_error(member.post("/api/admin/invites").send().await.unwrap(), 403, only_admin).await;

    let settings: InstanceSettings = admin.get("/api/admin/settings").send().await.unwrap().json().await.unwrap();
    assert!(!settings.invite_only, "sign-up is open at first");
    let response = admin.put("/api/admin/settings").json(&invite_only).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.json::<InstanceSettings>().await.unwrap().invite_only);
    let settings: InstanceSettings = admin.get("/api/admin/settings").send().await.unwrap().json().await.unwrap();
    assert!(settings.invite_only);

    let carol = ApiClient::new(server.addr).await;
    expect_error(carol.try_sign_up("carol@example.com", "Carol", PASSWORD, None).await, 403, "by invitation only")
        .await;
    expect_error(carol.try_sign_up("carol@example.com", "Carol", PASSWORD, Some("made-up")).await, 403, "not valid")
        .await;

    let response = admin.post("/api/admin/invites").send().await.unwrap();
    assert_eq!(response.status(), 201);
    let invite: Invite = response.json().await.unwrap();
    assert!(invite.expires_at_ms > server::auth::now_ms());
    let response = carol.try_sign_up("carol@example.com", "Carol", PASSWORD, Some(&invite.code)).await;
    assert_eq!(response.status(), 201);
    assert!(!carol.me().await.account.admin);

    let dave = ApiClient::new(server.addr).await;
    expect_error(dave.try_sign_up("dave@example.com", "Dave", PASSWORD, Some(&invite.code)).await, 403, "used already")
        .await;

    // An expired code is refused too.
    let admin_id = admin.me().await.account.id;
    let expired = server::auth::secret_hash("expired-code");
    server.state().store.insert_invite(&expired, &admin_id, 0, 1).await.unwrap();
    expect_error(dave.try_sign_up("dave@example.com", "Dave", PASSWORD, Some("expired-code")).await, 403, "expired")
        .await;

    // Open again: no code needed.
    admin.put("/api/admin/settings").json(&serde_json::json!({ "invite_only": false })).send().await.unwrap();
    assert_eq!(dave.try_sign_up("dave@example.com", "Dave", PASSWORD, None).await.status(), 201);
    server.stop().await;
}

#[tokio::test]
async fn invite_only_sign_up_on_sqlite() {
    invite_story(&TestDatabase::new().url()).await;
}

#[tokio::test]
async fn invite_only_sign_up_on_postgres() {
    on_postgres(|url| async move { invite_story(&url).await }).await;
}

/// Too many failures for one email from one address, or from one address at all, refuse
/// sign-in with 429 until the lockout has passed; a success then works and clears the count of
/// the email from that address. The lockout is five
/// seconds so that three password checks (slow in debug builds) fit in its window.
async fn throttling_story(url: &str) {
    let limits = Limits {
        login_failures: 3,
        login_failures_per_address: 3,
        login_lockout: Duration::from_secs(5),
        ..Limits::default()
    };
    let config = Config { limits, ..Config::new(url, "target/site") };
    let server = start_server_with(config, "127.0.0.1:0".parse().unwrap()).await;
    ApiClient::sign_up(server.addr, "alice@example.com").await;
    ApiClient::sign_up(server.addr, "bob@example.com").await;
    let guesser = ApiClient::new(server.addr).await;
    for guess in ["password01", "password02", "password03"] {
        expect_error(guesser.try_sign_in("alice@example.com", guess).await, 401, "wrong").await;
    }
    let response = guesser.try_sign_in("alice@example.com", PASSWORD).await;
    let retry_after: u64 =
        response.headers().get(header::RETRY_AFTER).expect("a Retry-After header").to_str().unwrap().parse().unwrap();
    assert!((1..=5).contains(&retry_after), "Retry-After: {retry_after}");
    expect_error(response, 429, "try again in").await;
    // The address is locked too, whichever account it tries.
    expect_error(guesser.try_sign_in("bob@example.com", PASSWORD).await, 429, "too many failed sign-ins").await;

    tokio::time::sleep(Duration::from_millis(retry_after * 1000 + 100)).await;
    assert_eq!(guesser.try_sign_in("alice@example.com", PASSWORD).await.status(), 200);
    // The success cleared the email's count, and the address's lockout has passed.
    for _ in 0..2 {
        expect_error(guesser.try_sign_in("alice@example.com", "password04").await, 401, "wrong").await;
    }
    assert_eq!(guesser.try_sign_in("alice@example.com", PASSWORD).await.status(), 200);
    server.stop().await;
}

#[tokio::test]
async fn repeated_failures_lock_sign_in_until_the_lockout_passes_on_sqlite() {
    throttling_story(&TestDatabase::new().url()).await;
}

#[tokio::test]
async fn repeated_failures_lock_sign_in_until_the_lockout_passes_on_postgres() {
    on_postgres(|url| async move { throttling_story(&url).await }).await;
}

#[tokio::test]
async fn changing_the_password_signs_out_every_other_session() {
    let database = TestDatabase::new();
    let server = start_server(&database.url()).await;
    let laptop = ApiClient::sign_up(server.addr, "alice@example.com").await;
    let phone = ApiClient::new(server.addr).await;
    assert_eq!(phone.try_sign_in("alice@example.com", PASSWORD).await.status(), 200);
    let token = laptop.create_token("script").await;

    let change = |current: &str, new: &str| serde_json::json!({ "current": current, "new": new });
    let new_password = "a much longer passphrase";
    let response = laptop.post("/api/auth/password").json(&change("wrong password", new_password)).send().await;
    expect_error(response.unwrap(), 403, "current password is wrong").await;
    let response = laptop.post("/api/auth/password").json(&change(PASSWORD, "short")).send().await;
    expect_error(response.unwrap(), 400, "at least 10 characters").await;
    assert_eq!(phone.me().await.account.email, "alice@example.com", "refused changes end nothing");

    let response = laptop.post("/api/auth/password").json(&change(PASSWORD, new_password)).send().await.unwrap();
    assert_eq!(response.status(), 204);
    assert_eq!(laptop.me().await.account.email, "alice@example.com", "the session that changed it goes on");
    expect_error(phone.get("/api/auth/me").send().await.unwrap(), 401, "session has ended").await;

    let other = ApiClient::new(server.addr).await;
    expect_error(other.try_sign_in("alice@example.com", PASSWORD).await, 401, "wrong").await;
    assert_eq!(other.try_sign_in("alice@example.com", new_password).await.status(), 200);
    // API tokens are revoked with the old password (unless kept: see the adversarial suite).
    let response = reqwest::Client::new().get(format!("http://{}/api/boards", server.addr)).bearer_auth(&token).send();
    expect_error(response.await.unwrap(), 401, "revoked").await;
    server.stop().await;
}

#[tokio::test]
async fn cookie_sessions_need_the_csrf_header_to_change_anything_and_tokens_do_not() {
    let database = TestDatabase::new();
    let server = start_server(&database.url()).await;
    let alice = ApiClient::sign_up(server.addr, "alice@example.com").await;
    let url = format!("http://{}/api/boards", server.addr);
    let board = serde_json::json!({ "name": "Portfolio" });

    // (the X-CSRF-Token header, or none)
    for header in [None, Some(""), Some("forged")] {
        let mut request = alice.http.post(&url).json(&board);
        if let Some(value) = header {
            request = request.header(CSRF_HEADER, value);
        }
        expect_error(request.send().await.unwrap(), 403, "X-CSRF-Token").await;
    }
    assert_eq!(alice.get("/api/boards").send().await.unwrap().status(), 200, "reads need no CSRF header");
    assert_eq!(alice.post("/api/boards").json(&board).send().await.unwrap().status(), 201);

    // A token needs none: a browser never sends it by itself. (Changing things through the API
    // is a scope a token is made with.)
    let body = serde_json::json!({ "name": "script", "scopes": ["read", "write"] });
    let response = alice.post("/api/tokens").json(&body).send().await.unwrap();
    let token = response.json::<shared::api::CreatedToken>().await.unwrap().secret;
    let response = reqwest::Client::new().post(&url).bearer_auth(&token).json(&board).send().await.unwrap();
    assert_eq!(response.status(), 201);
    assert_eq!(alice.boards().await.len(), 2);

    // Before sign-in, sign-up and sign-in repeat the pmo_csrf cookie in the header.
    let browser = ApiClient::new(server.addr).await;
    let sign_in = serde_json::json!({ "email": "alice@example.com", "password": PASSWORD });
    let signup = serde_json::json!({ "email": "eve@example.com", "name": "Eve", "password": PASSWORD });
    let base = format!("http://{}", server.addr);
    for (path, body) in [("/api/auth/signin", &sign_in), ("/api/auth/signup", &signup)] {
        let without = browser.http.post(format!("{base}{path}")).json(body).send().await.unwrap();
        expect_error(without, 403, "X-CSRF-Token").await;
        let wrong = browser.http.post(format!("{base}{path}")).header(CSRF_HEADER, "guess").json(body).send();
        expect_error(wrong.await.unwrap(), 403, "X-CSRF-Token").await;
        // A client without the cookie cannot just make up a header.
        let no_cookie = reqwest::Client::new().post(format!("{base}{path}")).header(CSRF_HEADER, "guess").json(body);
        expect_error(no_cookie.send().await.unwrap(), 403, "X-CSRF-Token").await;
    }
    assert_eq!(browser.try_sign_in("alice@example.com", PASSWORD).await.status(), 200);
    server.stop().await;
}

#[tokio::test]
async fn cookies_are_secure_behind_an_https_proxy() {
    let database = TestDatabase::new();
    let server = start_server(&database.url()).await;
    let browser = ApiClient::new(server.addr).await;
    let body = serde_json::json!({ "email": "alice@example.com", "name": "Alice", "password": PASSWORD });
    let response =
        browser.post("/api/auth/signup").header("x-forwarded-proto", "https").json(&body).send().await.unwrap();
    assert_eq!(response.status(), 201);
    let cookies = set_cookies(&response);
    assert!(cookie_named(&cookies, "pmo_session").contains("Secure"), "{cookies:?}");
    assert!(cookie_named(&cookies, "pmo_csrf").contains("Secure"), "{cookies:?}");
    server.stop().await;
}

/// Tokens are listed without their secrets, work as bearer credentials (and for the
/// WebSocket's `?token=`), record their use, and stop working once revoked.
async fn tokens_story(url: &str) {
    let server = start_server(url).await;
    let alice = ApiClient::sign_up(server.addr, "alice@example.com").await;
    let bob = ApiClient::sign_up(server.addr, "bob@example.com").await;
    expect_error(
        alice.post("/api/tokens").json(&serde_json::json!({ "name": " " })).send().await.unwrap(),
        400,
        "name",
    )
    .await;

    let response = alice.post("/api/tokens").json(&serde_json::json!({ "name": "CI export" })).send().await.unwrap();
    assert_eq!(response.status(), 201);
    let created: shared::api::CreatedToken = response.json().await.unwrap();
    assert!(created.secret.starts_with("pmo_"), "{}", created.secret);
    let listed: Vec<TokenSummary> = alice.get("/api/tokens").send().await.unwrap().json().await.unwrap();
    assert_eq!(listed, std::slice::from_ref(&created.token));
    assert_eq!(listed[0].last_used_at_ms, None);
    let listed_text = alice.get("/api/tokens").send().await.unwrap().text().await.unwrap();
    assert!(!listed_text.contains(&created.secret), "the secret is shown once");
    let bobs: Vec<TokenSummary> = bob.get("/api/tokens").send().await.unwrap().json().await.unwrap();
    assert!(bobs.is_empty(), "each account sees its own tokens");

    let script = reqwest::Client::new();
    let boards = format!("http://{}/api/boards", server.addr);
    assert_eq!(script.get(&boards).bearer_auth(&created.secret).send().await.unwrap().status(), 200);
    let me: Me = script
        .get(format!("http://{}/api/auth/me", server.addr))
        .bearer_auth(&created.secret)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me.account.email, "alice@example.com");
    let listed: Vec<TokenSummary> = alice.get("/api/tokens").send().await.unwrap().json().await.unwrap();
    assert!(listed[0].last_used_at_ms.is_some(), "the use is recorded");
    let account = server::auth::caller_from_token(server.state(), &created.secret).await.unwrap();
    assert_eq!(account.map(|account| account.email).as_deref(), Some("alice@example.com"));

    // (Authorization header, words of the 401)
    let cases = [
        ("Bearer pmo_not-a-token", "not valid"),
        ("Bearer nonsense", "not valid"),
        ("Basic YWxpY2U6cGFzc3dvcmQ=", "Bearer"),
    ];
    for (authorization, words) in cases {
        let response = script.get(&boards).header(header::AUTHORIZATION, authorization).send().await.unwrap();
        expect_error(response, 401, words).await;
    }

    let path = format!("/api/tokens/{}", created.token.id);
    expect_error(bob.delete(&path).send().await.unwrap(), 404, "no API token").await;
    assert_eq!(alice.delete(&path).send().await.unwrap().status(), StatusCode::NO_CONTENT);
    expect_error(script.get(&boards).bearer_auth(&created.secret).send().await.unwrap(), 401, "revoked").await;
    assert_eq!(server::auth::caller_from_token(server.state(), &created.secret).await.unwrap(), None);
    let listed: Vec<TokenSummary> = alice.get("/api/tokens").send().await.unwrap().json().await.unwrap();
    assert!(listed.is_empty());
    expect_error(alice.delete(&path).send().await.unwrap(), 404, "no API token").await;
    server.stop().await;
}

#[tokio::test]
async fn tokens_are_created_listed_used_and_revoked_on_sqlite() {
    tokens_story(&TestDatabase::new().url()).await;
}

#[tokio::test]
async fn tokens_are_created_listed_used_and_revoked_on_postgres() {
    on_postgres(|url| async move { tokens_story(&url).await }).await;
}

#[tokio::test]
async fn every_account_endpoint_answers_401_without_credentials() {
    let database = TestDatabase::new();
    let server = start_server(&database.url()).await;
    let client = reqwest::Client::new();
    let cases = [
        ("GET", "/api/auth/me"),
        ("POST", "/api/auth/signout"),
        ("POST", "/api/auth/password"),
        ("GET", "/api/tokens"),
        ("POST", "/api/tokens"),
        ("DELETE", "/api/tokens/some-id"),
        ("GET", "/api/admin/settings"),
        ("PUT", "/api/admin/settings"),
        ("POST", "/api/admin/invites"),
        ("GET", "/api/boards"),
        ("POST", "/api/boards"),
        ("GET", "/api/boards/abc/members"),
        ("POST", "/api/boards/abc/members"),
        ("PUT", "/api/boards/abc/members/someone"),
        ("DELETE", "/api/boards/abc/members/someone"),
    ];
    for (method, path) in cases {
        let request = client
            .request(method.parse().unwrap(), format!("http://{}{path}", server.addr))
            .json(&serde_json::json!({}));
        expect_error(request.send().await.unwrap(), 401, "sign in first").await;
    }
    server.stop().await;
}

/// Every refusal the app shows carries a stable code beside the English text, which the app
/// translates; the code and the status agree.
#[tokio::test]
async fn refusals_carry_a_stable_code_the_app_translates() {
    let database = TestDatabase::new();
    let server = start_server(&database.url()).await;
    let alice = ApiClient::sign_up(server.addr, "alice@example.com").await;
    let board = alice.create_board("Portfolio").await;
    let stranger = ApiClient::new(server.addr).await;
    let members = format!("/api/boards/{}/members", board.document_id());
    let alice_id = alice.me().await.account.id;
    let responses = [
        (stranger.try_sign_up("not-an-email", "Ann", PASSWORD, None).await, ErrorCode::BadEmail),
        (stranger.try_sign_up("ann@example.com", "   ", PASSWORD, None).await, ErrorCode::BadName),
        (stranger.try_sign_up("ann@example.com", "Ann", "short", None).await, ErrorCode::BadPassword),
        (stranger.try_sign_up("alice@example.com", "Ann", PASSWORD, None).await, ErrorCode::EmailTaken),
        (stranger.try_sign_in("alice@example.com", "wrong password!").await, ErrorCode::WrongCredentials),
        (stranger.get("/api/boards").send().await.unwrap(), ErrorCode::SignInFirst),
        (
            alice
                .post("/api/auth/password")
                .json(&serde_json::json!({ "current": "wrong password!", "new": PASSWORD }))
                .send()
                .await
                .unwrap(),
            ErrorCode::WrongCurrentPassword,
        ),
        (
            alice
                .post(&members)
                .json(&serde_json::json!({ "email": "nobody@example.com", "role": "editor" }))
                .send()
                .await
                .unwrap(),
            ErrorCode::NoAccountWithEmail,
        ),
        (
            alice
                .put(&format!("{members}/{alice_id}"))
                .json(&serde_json::json!({ "role": "viewer" }))
                .send()
                .await
                .unwrap(),
            ErrorCode::LastOwner,
        ),
        (alice.get("/api/boards/nonesuch/members").send().await.unwrap(), ErrorCode::NoSuchBoard),
        (
            alice.put("/api/auth/language").json(&serde_json::json!({ "language": "fr" })).send().await.unwrap(),
            ErrorCode::BadLanguage,
        ),
    ];
    for (response, code) in responses {
        let (path, status) = (response.url().path().to_owned(), response.status().as_u16());
        let error: ApiError = response.json().await.unwrap();
        assert_eq!((error.code, status), (code, code.status()), "{path}: {}", error.error);
        assert!(!error.error.is_empty(), "{path}: the English text stays beside the code");
    }
    server.stop().await;
}

/// The language a person chooses is kept on the account, so another device speaks it too.
#[tokio::test]
async fn the_chosen_language_follows_the_account() {
    let database = TestDatabase::new();
    let server = start_server(&database.url()).await;
    let alice = ApiClient::sign_up(server.addr, "alice@example.com").await;
    assert_eq!(alice.me().await.account.language, None, "no choice until one is made");
    for language in [Locale::Zh, Locale::En, Locale::Zh] {
        let response = alice.put("/api/auth/language").json(&LanguageChoice { language }).send().await.unwrap();
        assert_eq!(response.status(), 204);
        assert_eq!(alice.me().await.account.language, Some(language));
    }
    let other_device = ApiClient::new(server.addr).await;
    let response = other_device.try_sign_in("alice@example.com", PASSWORD).await;
    let me: Me = response.json().await.unwrap();
    assert_eq!(me.account.language, Some(Locale::Zh));
    let response = ApiClient::new(server.addr)
        .await
        .put("/api/auth/language")
        .json(&LanguageChoice { language: Locale::En })
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401, "only a signed-in person has a language to remember");
    server.stop().await;
}
