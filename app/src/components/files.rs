//! Files in the browser: a download made on this device (exports, backups) and the bytes of a
//! file the person picked. Nothing here needs the server, so both work offline.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Saves `bytes` as a file called `name`: a `Blob`, an object URL and a click on a link that is
/// never shown. The URL is let go right after the click (the download keeps its copy). An error
/// is the browser's own, for the page to put in a sentence.
pub fn download(bytes: &[u8], name: &str, media_type: &str) -> Result<(), String> {
    let failed = |what: &str, error: JsValue| format!("{what}: {error:?}");
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(media_type);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        .map_err(|error| failed("Blob", error))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|error| failed("Blob", error))?;
    let document = leptos::prelude::document();
    let link = document
        .create_element("a")
        .map_err(|error| failed("a", error))?
        .unchecked_into::<web_sys::HtmlAnchorElement>();
    link.set_href(&url);
    link.set_download(name);
    link.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// The files chosen in a file input, each with its name and bytes; or the name of the file that
/// could not be read, with the browser's reason.
pub async fn read_files(input: &web_sys::HtmlInputElement) -> Result<Vec<(String, Vec<u8>)>, (String, String)> {
    let Some(list) = input.files() else { return Ok(Vec::new()) };
    let mut files = Vec::new();
    for index in 0..list.length() {
        let Some(file) = list.get(index) else { continue };
        let buffer = JsFuture::from(file.array_buffer()).await.map_err(|error| (file.name(), format!("{error:?}")))?;
        files.push((file.name(), js_sys::Uint8Array::new(&buffer).to_vec()));
    }
    Ok(files)
}

/// A file name from the board's name and a date: "2027 portfolio 2026-11-28.xlsx". Characters
/// that file systems refuse become `-`.
pub fn file_name(board_name: &str, extension: &str) -> String {
    let today = chrono::Local::now().date_naive();
    let safe: String =
        board_name.trim().chars().map(|c| if "\\/:*?\"<>|".contains(c) || c.is_control() { '-' } else { c }).collect();
    let safe = if safe.is_empty() { "board".to_owned() } else { safe };
    format!("{safe} {today}.{extension}")
}

/// Lets the browser paint (a progress message) before a long computation starts.
pub async fn let_the_page_paint() {
    let (sender, receiver) = futures::channel::oneshot::channel::<()>();
    leptos::prelude::set_timeout(
        move || {
            let _ = sender.send(());
        },
        std::time::Duration::from_millis(30),
    );
    let _ = receiver.await;
}
