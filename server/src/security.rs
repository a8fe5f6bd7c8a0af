//! Security headers on every response, and a Content Security Policy on the app's pages.
//!
//! The policy allows scripts from this origin, WebAssembly compilation (`'wasm-unsafe-eval'`)
//! and, by their SHA-256, exactly the inline scripts the page carries (Leptos' hydration
//! script, which loads the wasm app): the hashes are taken from the page being sent, so the
//! policy follows whatever the shell emits and a script injected anywhere else does not run.
//! Styles allow inline `style` attributes, which the components set.

use axum::{
    body::Body,
    http::{header, HeaderValue},
    response::Response,
};
use base64::Engine as _;
use sha2::{Digest, Sha256};

/// The largest page whose inline scripts are hashed; the shell is a few KiB.
const MAX_PAGE_BYTES: usize = 1024 * 1024;

/// Adds the headers every response gets, and the policy for HTML pages.
pub async fn headers(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let headers = &mut parts.headers;
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    let html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"));
    // A page that has its policy already (the app's files are given theirs before they are
    // compressed), or whose body is compressed and so cannot be read for scripts, goes as it is.
    if !html || headers.contains_key(header::CONTENT_SECURITY_POLICY) || headers.contains_key(header::CONTENT_ENCODING)
    {
        return Response::from_parts(parts, body);
    }
    let Ok(page) = axum::body::to_bytes(body, MAX_PAGE_BYTES).await else {
        // Too large to read for hashes: refuse every inline script rather than send it open.
        parts.headers.insert(header::CONTENT_SECURITY_POLICY, policy(&[]));
        parts.headers.remove(header::CONTENT_LENGTH);
        return Response::from_parts(parts, Body::empty());
    };
    let hashes = inline_script_hashes(&String::from_utf8_lossy(&page));
    parts.headers.insert(header::CONTENT_SECURITY_POLICY, policy(&hashes));
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(page))
}

/// The policy for a page whose inline scripts have these hashes (`sha256-…`).
fn policy(hashes: &[String]) -> HeaderValue {
    let scripts: String = hashes.iter().map(|hash| format!(" '{hash}'")).collect();
    let policy = format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{scripts}; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data:; connect-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    );
    HeaderValue::from_str(&policy).expect("hashes are base64")
}

/// `sha256-<base64>` of the content of every `<script>` without `src` in `page`.
fn inline_script_hashes(page: &str) -> Vec<String> {
    let mut hashes = Vec::new();
    let mut rest = page;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(open_end) = after.find('>') else { break };
        let tag = &after[..open_end];
        let body_and_more = &after[open_end + 1..];
        let Some(close) = body_and_more.find("</script>") else { break };
        if !tag.contains(" src=") {
            let digest = Sha256::digest(&body_and_more.as_bytes()[..close]);
            hashes.push(format!("sha256-{}", base64::engine::general_purpose::STANDARD.encode(digest)));
        }
        rest = &body_and_more[close + "</script>".len()..];
    }
    hashes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_hashed_and_external_ones_are_not() {
        let page = r#"<head><script type="module">import('/pkg/a.js')</script><script src="/x.js"></script>
            <script>1</script></head>"#;
        let hashes = inline_script_hashes(page);
        let expected = |text: &str| {
            format!("sha256-{}", base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text.as_bytes())))
        };
        assert_eq!(hashes, vec![expected("import('/pkg/a.js')"), expected("1")]);
    }
}
