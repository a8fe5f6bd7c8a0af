//! Reading `document.cookie`, for the CSRF token and the language chosen before signing in.

/// The value of cookie `name` in a `document.cookie` string (`a=1; b=2`).
pub fn cookie_value(cookies: &str, name: &str) -> Option<String> {
    cookies.split(';').find_map(|pair| {
        let (key, value) = pair.trim().split_once('=')?;
        (key == name && !value.is_empty()).then(|| value.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_values_are_found_by_exact_name() {
        let cases: &[(&str, &str, Option<&str>)] = &[
            ("pmo_csrf=abc", "pmo_csrf", Some("abc")),
            ("a=1; pmo_csrf=abc; b=2", "pmo_csrf", Some("abc")),
            ("x_pmo_csrf=no; pmo_csrf=yes", "pmo_csrf", Some("yes")),
            ("pmo_csrf=", "pmo_csrf", None),
            ("", "pmo_csrf", None),
            ("other=1", "pmo_csrf", None),
        ];
        for (cookies, name, expected) in cases {
            assert_eq!(cookie_value(cookies, name).as_deref(), *expected, "{cookies:?}");
        }
    }
}
