//! The app's two languages: which one is in use, switching between them, and remembering the
//! choice on this device and on the account.
//!
//! The words live in the catalogues (`app/locales/<language>/<namespace>.json`), compiled into
//! the typed keys of [`crate::i18n`] and read with `t!` / `t_string!`. Figures go through
//! `shared::format` with the [`Language`] of the moment.
//!
//! Where the language comes from, first match wins:
//!
//! ```text
//! the account's choice (GET /api/auth/me) ─ once signed in, on any device
//! this device's cookie `pmo_lang`          ─ the last choice made here (the server reads it too)
//! the browser's Accept-Language            ─ the first visit (the server picks the shell's lang)
//! ```
//!
//! The server writes the language it chose into `<html lang>`, which the app starts from, so the
//! first paint is already in the right language. Choosing a language in the account menu
//! switches every page at once, without a reload, and is remembered in the cookie and, when
//! signed in, on the account.

pub use shared::format::Locale as Language;

use crate::i18n::Locale;

/// The catalogue's locale for a language.
pub fn catalogue_locale(language: Language) -> Locale {
    match language {
        Language::En => Locale::en,
        Language::Zh => Locale::zh,
    }
}

/// The language of a catalogue locale.
pub fn language_of(locale: Locale) -> Language {
    match locale {
        Locale::en => Language::En,
        Locale::zh => Language::Zh,
    }
}

/// `template` with each `{name}` replaced by its value; a `{name}` with no value stays as it is.
pub fn fill(template: &str, values: &[(&str, &dyn std::fmt::Display)]) -> String {
    let mut filled = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        filled.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after
            .find('}')
            .and_then(|close| values.iter().find(|(name, _)| *name == &after[..close]).map(|found| (close, found.1)));
        match value {
            Some((close, value)) => {
                filled.push_str(&value.to_string());
                rest = &after[close + 1..];
            }
            None => {
                filled.push('{');
                rest = after;
            }
        }
    }
    filled.push_str(rest);
    filled
}

/// A message on screen (an error, a notice, a confirmation, a progress line) kept as what it
/// says rather than as text: it is worded each time it is shown, in the language of that moment,
/// so a message already on screen follows a switch of language like the labels around it.
///
/// Build one with `message!` (lib.rs) from a catalogue key and its values, or with
/// [`Message::new`] when the wording needs more (a server error's code, a refused value); show
/// it with [`Message::text`] inside a view's closure, which tracks the language.
#[derive(Clone)]
pub struct Message(std::sync::Arc<dyn Fn(Locale) -> String + Send + Sync>);

impl Message {
    /// A message worded by `words` in whatever language it is shown in.
    pub fn new(words: impl Fn(Locale) -> String + Send + Sync + 'static) -> Message {
        Message(std::sync::Arc::new(words))
    }

    /// Text that is in no catalogue and reads the same in every language: the browser's own
    /// words, a name, or an English reason from `shared` that has no wording of its own yet.
    pub fn as_is(text: impl Into<String>) -> Message {
        let text = text.into();
        Message::new(move |_| text.clone())
    }

    /// The message in `locale`'s words.
    pub fn in_locale(&self, locale: Locale) -> String {
        (self.0)(locale)
    }
}

impl std::fmt::Debug for Message {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "Message({:?})", self.in_locale(Locale::en))
    }
}

/// Two messages are equal when they say the same in every language.
impl PartialEq for Message {
    fn eq(&self, other: &Message) -> bool {
        std::sync::Arc::ptr_eq(&self.0, &other.0)
            || [Locale::en, Locale::zh].into_iter().all(|locale| self.in_locale(locale) == other.in_locale(locale))
    }
}

/// A language's name in that language, as a language menu lists it.
pub fn native_name(language: Language) -> &'static str {
    match language {
        Language::En => "English",
        Language::Zh => "中文",
    }
}

#[cfg(feature = "hydrate")]
pub use browser::*;

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::*;
    use shared::api::{ErrorCode, LANGUAGE_COOKIE};
    use wasm_bindgen::JsCast;

    use super::{catalogue_locale, language_of, native_name, Language};
    use crate::{
        account::{Auth, AuthState},
        api::{self, FetchError},
        cookies::cookie_value,
        i18n::*,
    };

    /// The language in use (tracked: a closure that calls it follows the switch). Take the
    /// context when the component is made: event handlers and tasks run outside it.
    pub fn language(i18n: I18nContext<Locale>) -> Language {
        language_of(i18n.get_locale())
    }

    /// The language in use, for figures (`shared::format`): tracked inside a view's closure;
    /// English where there is no language context (outside the app's tree).
    pub fn lang() -> Language {
        use_context::<I18nContext<Locale>>().map_or(Language::En, |i18n| language_of(i18n.get_locale()))
    }

    /// Minutes east of UTC of this browser's time zone at the moment `at_ms` (daylight saving
    /// changes it through the year).
    fn utc_offset_minutes(at_ms: i64) -> i32 {
        -(js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at_ms as f64)).get_timezone_offset() as i32)
    }

    /// A moment in the reader's time zone and language (tracked): "28 Nov 2026, 08:15" /
    /// "2026年11月28日 08:15".
    pub fn local_time(at_ms: i64) -> String {
        shared::format::local_time(lang(), at_ms, utc_offset_minutes(at_ms))
    }

    /// The time of day of a moment in the reader's time zone: "08:15".
    pub fn local_clock(at_ms: i64) -> String {
        shared::format::local_clock(at_ms, utc_offset_minutes(at_ms))
    }

    /// The day of a moment in the reader's time zone and language (tracked): "28 Nov 2026".
    pub fn local_date(at_ms: i64) -> String {
        shared::format::local_date(lang(), at_ms, utc_offset_minutes(at_ms))
    }

    impl super::Message {
        /// The message in the language in use (tracked: shown from a view's closure, it is
        /// worded again when the language changes).
        pub fn text(&self, i18n: I18nContext<Locale>) -> String {
            self.in_locale(i18n.get_locale())
        }
    }

    /// The language this device chose last, from its cookie.
    pub fn device_language() -> Option<Language> {
        let document = document().dyn_into::<web_sys::HtmlDocument>().ok()?;
        cookie_value(&document.cookie().ok()?, LANGUAGE_COOKIE).as_deref().and_then(Language::parse)
    }

    /// Before the app mounts: a shell that came from the service worker's cache may carry the
    /// language of an earlier visit; this device's latest choice wins over it.
    pub fn prepare_document() {
        if let (Some(language), Some(root)) = (device_language(), document().document_element()) {
            let _ = root.set_attribute("lang", language.code());
        }
    }

    /// Remembers the language on this device for a year (the server reads the cookie too).
    fn remember_on_device(language: Language) {
        if let Ok(document) = document().dyn_into::<web_sys::HtmlDocument>() {
            let _ = document
                .set_cookie(&format!("{LANGUAGE_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax", language.code()));
        }
    }

    /// Switches the whole app to `language` and remembers it here and, when signed in and
    /// online, on the account.
    pub fn choose(i18n: I18nContext<Locale>, language: Language) {
        i18n.set_locale(catalogue_locale(language));
        remember_on_device(language);
        if matches!(Auth::get().state.get_untracked(), AuthState::SignedIn(_)) {
            leptos::task::spawn_local(async move {
                // Offline the device still remembers it; the account learns it at the next choice.
                let _ = api::set_language(language).await;
            });
        }
    }

    /// Keeps the app in the account's language: when an account with a chosen language signs
    /// in (or the app finds it signed in), the app switches to that language.
    pub fn follow_account_language() {
        let i18n = use_i18n();
        let account_language = Memo::new(move |_| Auth::get().account().and_then(|account| account.language));
        Effect::new(move |_| {
            if let Some(language) = account_language.get() {
                if language_of(i18n.get_locale_untracked()) != language {
                    i18n.set_locale(catalogue_locale(language));
                }
                remember_on_device(language);
            }
        });
    }

    /// The language menu: each language named in itself.
    #[component]
    pub fn LanguageSwitch() -> impl IntoView {
        let i18n = use_i18n();
        view! {
            <label class="language-switch">
                <span>{t!(i18n, common.language)}</span>
                <select data-testid="language-switch"
                    on:change=move |ev| {
                        if let Some(language) = Language::parse(&event_target_value(&ev)) {
                            choose(i18n, language);
                        }
                    }>
                    {Language::ALL.into_iter().map(|option| view! {
                        <option value=option.code() lang=option.code()
                            selected=move || language_of(i18n.get_locale()) == option>{native_name(option)}</option>
                    }).collect_view()}
                </select>
            </label>
        }
    }

    /// A failed request as a message on screen: worded by [`explain`] in the language of the
    /// moment it is shown.
    pub fn refusal(error: FetchError) -> super::Message {
        super::Message::new(move |locale| explain(locale, &error))
    }

    /// What to tell a person about a failed request, in `locale`'s words: the server's stable
    /// error code picks the sentence.
    pub fn explain(locale: Locale, error: &FetchError) -> String {
        match error {
            FetchError::Unreachable => td_string!(locale, common.unreachable).to_string(),
            FetchError::BadAnswer(_) => td_string!(locale, errors.bad_answer).to_string(),
            FetchError::Refused { code, message, retry_after_secs, .. } => {
                explain_code(locale, *code, message, *retry_after_secs)
            }
        }
    }

    /// The sentence for one error code.
    pub fn explain_code(locale: Locale, code: ErrorCode, message: &str, retry_after_secs: Option<u64>) -> String {
        let min = shared::api::PASSWORD_MIN_CHARS;
        match code {
            ErrorCode::BadRequest => td_string!(locale, errors.bad_request).to_string(),
            ErrorCode::BadEmail => td_string!(locale, errors.bad_email).to_string(),
            ErrorCode::BadName => td_string!(locale, errors.bad_name).to_string(),
            ErrorCode::BadPassword => trd!(locale, errors.bad_password, min).to_string(),
            ErrorCode::BadBoardName => td_string!(locale, errors.bad_board_name).to_string(),
            ErrorCode::BadTokenName => td_string!(locale, errors.bad_token_name).to_string(),
            ErrorCode::BadLanguage => td_string!(locale, errors.bad_language).to_string(),
            ErrorCode::BackupUnreadable => td_string!(locale, errors.backup_unreadable).to_string(),
            ErrorCode::BackupEmpty => td_string!(locale, errors.backup_empty).to_string(),
            ErrorCode::BackupRefused => td_string!(locale, errors.backup_refused).to_string(),
            ErrorCode::BackupNotABoard => td_string!(locale, errors.backup_not_a_board).to_string(),
            ErrorCode::SignInFirst => td_string!(locale, errors.sign_in_first).to_string(),
            ErrorCode::SessionEnded => td_string!(locale, errors.session_ended).to_string(),
            ErrorCode::TokenInvalid => td_string!(locale, errors.token_invalid).to_string(),
            ErrorCode::WrongCredentials => td_string!(locale, errors.wrong_credentials).to_string(),
            ErrorCode::NoSuchAccount => td_string!(locale, errors.no_such_account).to_string(),
            ErrorCode::CsrfMissing => td_string!(locale, errors.csrf_missing).to_string(),
            ErrorCode::WrongCurrentPassword => td_string!(locale, errors.wrong_current_password).to_string(),
            ErrorCode::InviteRequired => td_string!(locale, errors.invite_required).to_string(),
            ErrorCode::InviteInvalid => td_string!(locale, errors.invite_invalid).to_string(),
            ErrorCode::AdminOnly => td_string!(locale, errors.admin_only).to_string(),
            ErrorCode::OwnerOnly => td_string!(locale, errors.owner_only).to_string(),
            ErrorCode::BoardLimit => td_string!(locale, errors.board_limit).to_string(),
            ErrorCode::Forbidden => td_string!(locale, errors.forbidden).to_string(),
            ErrorCode::NoSuchBoard => td_string!(locale, errors.no_such_board).to_string(),
            ErrorCode::NoAccountWithEmail => td_string!(locale, errors.no_account_with_email).to_string(),
            ErrorCode::NotAMember => td_string!(locale, errors.not_a_member).to_string(),
            ErrorCode::NoSuchToken => td_string!(locale, errors.no_such_token).to_string(),
            ErrorCode::NotFound => td_string!(locale, errors.not_found).to_string(),
            ErrorCode::EmailTaken => td_string!(locale, errors.email_taken).to_string(),
            ErrorCode::AlreadyMember => td_string!(locale, errors.already_member).to_string(),
            ErrorCode::LastOwner => td_string!(locale, errors.last_owner).to_string(),
            ErrorCode::Conflict => td_string!(locale, errors.conflict).to_string(),
            ErrorCode::TooManyAttempts => match retry_after_secs {
                None => td_string!(locale, errors.too_many_attempts).to_string(),
                Some(seconds) if seconds <= 60 => td_string!(locale, errors.too_many_attempts_minute).to_string(),
                Some(seconds) => {
                    let minutes = seconds.div_ceil(60);
                    trd!(locale, errors.too_many_attempts_minutes, minutes).to_string()
                }
            },
            ErrorCode::TooManySignUps => td_string!(locale, errors.too_many_sign_ups).to_string(),
            ErrorCode::TooManyMemberAdds => td_string!(locale, errors.too_many_member_adds).to_string(),
            ErrorCode::Busy => td_string!(locale, errors.busy).to_string(),
            ErrorCode::Internal => td_string!(locale, errors.internal).to_string(),
            ErrorCode::Unknown => trd!(locale, errors.unknown, message).to_string(),
        }
    }
}

/// The catalogues are complete: every namespace listed in `Cargo.toml` has a file in each
/// language, every file is listed, and each key of one language is in the other with the same
/// `{variables}`. (leptos_i18n fills a key missing in Chinese with the English text, with
/// only a warning at build time: this test is what fails.)
#[cfg(test)]
mod tests {
    use std::{
        collections::{BTreeMap, BTreeSet},
        path::{Path, PathBuf},
    };

    use super::{fill, Language, Message};

    fn locales_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("locales")
    }

    /// The namespaces of `[package.metadata.leptos-i18n]`.
    fn listed_namespaces() -> Vec<String> {
        let manifest = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml")).unwrap();
        let line =
            manifest.lines().find(|line| line.trim_start().starts_with("namespaces")).expect("namespaces = [...]");
        let list = line.split_once('[').and_then(|(_, rest)| rest.split_once(']')).expect("a list").0;
        list.split(',').map(|name| name.trim().trim_matches('"').to_owned()).filter(|name| !name.is_empty()).collect()
    }

    /// Every key of a catalogue (nested objects as `outer.inner`) with its `{variables}`.
    fn keys(value: &serde_json::Value, prefix: &str, into: &mut BTreeMap<String, BTreeSet<String>>) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, value) in map {
                    let path = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
                    keys(value, &path, into);
                }
            }
            serde_json::Value::String(text) => {
                let variables = text
                    .split('{')
                    .skip(1)
                    .filter_map(|rest| rest.split_once('}'))
                    .map(|(name, _)| name.trim().to_owned())
                    .collect();
                into.insert(prefix.to_owned(), variables);
            }
            other => panic!("{prefix}: a catalogue holds text, not {other}"),
        }
    }

    fn catalogue(language: Language, namespace: &str) -> Result<BTreeMap<String, BTreeSet<String>>, String> {
        let path = locales_dir().join(language.code()).join(format!("{namespace}.json"));
        let text = std::fs::read_to_string(&path).map_err(|error| format!("{}: {error}", path.display()))?;
        let json: serde_json::Value =
            serde_json::from_str(&text).map_err(|error| format!("{}: {error}", path.display()))?;
        let mut found = BTreeMap::new();
        keys(&json, "", &mut found);
        Ok(found)
    }

    /// What is wrong with the catalogues, one line per problem.
    fn problems() -> Vec<String> {
        let namespaces = listed_namespaces();
        let mut problems = Vec::new();
        for language in Language::ALL {
            let dir = locales_dir().join(language.code());
            for entry in std::fs::read_dir(&dir).unwrap() {
                let name = entry.unwrap().file_name().to_string_lossy().into_owned();
                let namespace = name.trim_end_matches(".json");
                if !namespaces.iter().any(|listed| listed == namespace) {
                    problems.push(format!("{}/{name} is not listed in Cargo.toml's namespaces", language.code()));
                }
            }
        }
        for namespace in &namespaces {
            let (english, chinese) = match (catalogue(Language::En, namespace), catalogue(Language::Zh, namespace)) {
                (Ok(english), Ok(chinese)) => (english, chinese),
                (english, chinese) => {
                    problems.extend(english.err().into_iter().chain(chinese.err()));
                    continue;
                }
            };
            for (key, variables) in &english {
                match chinese.get(key) {
                    None => problems.push(format!("zh/{namespace}.json lacks `{key}`")),
                    Some(other) if other != variables => problems.push(format!(
                        "`{namespace}.{key}` has variables {variables:?} in English but {other:?} in Chinese"
                    )),
                    Some(_) => {}
                }
            }
            for key in chinese.keys().filter(|key| !english.contains_key(*key)) {
                problems.push(format!("en/{namespace}.json lacks `{key}`"));
            }
        }
        problems
    }

    #[test]
    fn every_key_is_in_both_languages() {
        let problems = problems();
        assert!(problems.is_empty(), "the catalogues are incomplete:\n{}", problems.join("\n"));
    }

    #[test]
    fn a_missing_key_is_found() {
        // The checker itself, on a catalogue pair that differs (so the test above can fail).
        let mut english = BTreeMap::new();
        keys(&serde_json::json!({ "a": "A {n}", "b": { "c": "C" } }), "", &mut english);
        assert_eq!(english.keys().collect::<Vec<_>>(), ["a", "b.c"]);
        assert_eq!(english["a"], BTreeSet::from(["n".to_owned()]));
    }

    #[test]
    fn a_message_is_worded_in_the_language_it_is_shown_in() {
        use crate::i18n::Locale;
        let refused = message!(errors.wrong_credentials);
        assert_eq!(refused.in_locale(Locale::en), "Wrong email or password.");
        assert_eq!(refused.in_locale(Locale::zh), "电子邮件或密码错误。");
        // Its values are kept with it and filled in each time.
        let count = 3;
        let moved = message!(scoring.moved, count);
        assert!(moved.in_locale(Locale::en).contains('3') && moved.in_locale(Locale::zh).contains('3'));
        assert_ne!(moved.in_locale(Locale::en), moved.in_locale(Locale::zh));
        // One message wrapping another words both in the same language.
        let not_saved = Message::new(move |locale| {
            trd!(locale, components.not_saved, typed = "-5", reason = refused.in_locale(locale))
        });
        assert_eq!(not_saved.in_locale(Locale::zh), "“-5”未保存：电子邮件或密码错误。");
        assert_eq!(not_saved, not_saved.clone());
        assert_ne!(not_saved, moved);
    }

    #[test]
    fn variables_are_filled_in_by_name() {
        let (count, name) = (3, "Li");
        let cases: [(&str, String); 5] = [
            ("3 changes kept", fill("{count} changes kept", &[("count", &count)])),
            ("Also here: Li", fill("Also here: {name}", &[("name", &name)])),
            ("Li booked 3 h", fill("{name} booked {count} h", &[("count", &count), ("name", &name)])),
            ("{unknown} stays", fill("{unknown} stays", &[("count", &count)])),
            ("a { b", fill("a { b", &[])),
        ];
        for (expected, filled) in cases {
            assert_eq!(filled, expected);
        }
    }
}
