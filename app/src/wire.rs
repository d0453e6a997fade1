//! How a server function's answer travels (应答编码): JSON, read on the
//! browser as text.
//!
//! An island's props reach the browser as JSON text and Leptos reads them
//! with `serde_json::from_str`. server_fn's own JSON encoding reads answers
//! with `serde_json::from_slice`, a second JSON reader with its own copy of
//! every decoder it meets, in a module the phone downloads before the page
//! works. Every server function answers through [`JsonText`] (its
//! `output`), and the one error type ([`crate::error::AppError`]) is
//! encoded with it too, so the browser's module carries the text reader
//! only. What goes on the wire is the same JSON as before.

use leptos::server_fn::codec::Post;
use leptos::server_fn::{Bytes, ContentType, Decodes, Encodes, Format, FormatType};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// JSON, decoded from UTF-8 text (the reader island props use).
pub struct JsonText;

/// A server function's answer: JSON in the body of its `POST`'s response.
pub type JsonAnswer = Post<JsonText>;

impl ContentType for JsonText {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl FormatType for JsonText {
    const FORMAT_TYPE: Format = Format::Text;
}

impl<T: Serialize> Encodes<T> for JsonText {
    type Error = serde_json::Error;

    fn encode(output: &T) -> Result<Bytes, Self::Error> {
        serde_json::to_vec(output).map(Bytes::from)
    }
}

impl<T: DeserializeOwned> Decodes<T> for JsonText {
    type Error = serde_json::Error;

    fn decode(bytes: Bytes) -> Result<T, Self::Error> {
        from_text(&bytes)
    }
}

/// Reads a value from JSON bytes through the text reader (see the module).
pub fn from_text<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, serde_json::Error> {
    let text = std::str::from_utf8(bytes).map_err(serde::de::Error::custom)?;
    serde_json::from_str(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::AppError;

    #[test]
    fn an_answer_comes_back_as_it_was_sent() {
        let sent = vec![(String::from("京A12345"), 7i64)];
        let bytes = <JsonText as Encodes<_>>::encode(&sent).unwrap();
        let back: Vec<(String, i64)> = <JsonText as Decodes<_>>::decode(bytes).unwrap();
        assert_eq!(back, sent);
    }

    #[test]
    fn bytes_that_are_not_text_or_not_json_are_refused() {
        let not_text = Bytes::from_static(&[b'"', 0xff, b'"']);
        assert!(<JsonText as Decodes<String>>::decode(not_text).is_err());
        let not_json = Bytes::from_static(b"{\"NotLoggedIn\":");
        assert!(<JsonText as Decodes<AppError>>::decode(not_json).is_err());
    }
}

/// Every server function answers through [`JsonAnswer`]: one without it
/// would bring server_fn's byte reader back into the browser's module.
#[cfg(test)]
mod every_server_function {
    fn sources(dir: &std::path::Path, out: &mut Vec<(std::path::PathBuf, String)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                out.push((path, text));
            }
        }
    }

    #[test]
    fn answers_as_json_text() {
        let mut files = Vec::new();
        sources(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut files,
        );
        let mut seen = 0;
        for (path, text) in &files {
            for line in text.lines().map(str::trim) {
                if line.starts_with("#[server(") && !line.starts_with("#[server(default)") {
                    seen += 1;
                    assert!(
                        line.contains("output = crate::wire::JsonAnswer"),
                        "{}: {line}",
                        path.display()
                    );
                }
            }
        }
        assert!(seen > 100, "found {seen} server functions");
    }
}
