//! The error of a form posted without JavaScript (无脚本表单的错误).
//!
//! A server function called by a plain form post answers with a redirect
//! back to the form. `server_fn` would carry the error in that address
//! (`?__path=…&__err=…`), and a page that showed it would show whatever
//! anyone writes into a link, in the platform's official error box. So the
//! server takes the error out of the address and keeps it in a cookie
//! instead ([`FORM_ERROR_COOKIE`]: HttpOnly, SameSite=Strict, one minute,
//! `__Host-` in production), which no other site can set; the page reads it
//! once and clears it. The address is never read.

/// The cookie the server keeps a form's error in, from the redirect to the
/// page that shows it.
pub const FORM_ERROR_COOKIE: &str = "jgformerr";
/// How long the cookie lives: enough for the browser to follow a redirect.
pub const FORM_ERROR_SECS: i64 = 60;

/// The cookie's value: the server function's path and its error as
/// `server_fn` encodes it (URL-safe Base64 of JSON), `|` between.
pub fn cookie_value(server_fn_path: &str, encoded_error: &str) -> String {
    format!("{server_fn_path}|{encoded_error}")
}

/// The encoded error in a cookie value, when it is from this server
/// function.
pub fn encoded_error_for<'a>(value: &'a str, server_fn_path: &str) -> Option<&'a str> {
    let (path, encoded) = value.split_once('|')?;
    (path == server_fn_path && !encoded.is_empty()).then_some(encoded)
}

/// The error a server function reported for a form posted without
/// JavaScript, kept for this page in [`FORM_ERROR_COOKIE`] (read once, then
/// cleared). Pages hand it to their island so the person sees the same
/// error summary as with JavaScript. Nothing in the page's address counts.
pub fn form_error_from_url(server_fn_path: &str) -> Option<crate::error::AppError> {
    #[cfg(feature = "ssr")]
    {
        use crate::features::accounts::session::{request_cookie, set_cookie};
        use leptos::server_fn::error::ServerFnUrlError;
        let value = request_cookie(FORM_ERROR_COOKIE)?;
        let encoded = encoded_error_for(&value, server_fn_path)?;
        if let Ok(ports) = crate::features::request::ports() {
            set_cookie(&ports, FORM_ERROR_COOKIE, "", 0, "Strict");
        }
        Some(ServerFnUrlError::<crate::error::AppError>::decode_err(
            encoded,
        ))
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = server_fn_path;
        None
    }
}

/// A form's error handed to its island as a prop: the error's JSON in a
/// string, decoded as a server function's error answer is, from text (see
/// [`crate::wire`]: the browser's module carries one JSON reader).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct InitialError(pub Option<crate::error::AppError>);

impl serde::Serialize for InitialError {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let json = match &self.0 {
            Some(e) => Some(serde_json::to_string(e).map_err(serde::ser::Error::custom)?),
            None => None,
        };
        json.serialize(serializer)
    }
}

impl<'de> serde::Deserialize<'de> for InitialError {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let json: Option<String> = serde::Deserialize::deserialize(deserializer)?;
        Ok(InitialError(
            json.and_then(|j| serde_json::from_str(&j).ok()),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_error_is_found_only_for_its_own_server_function() {
        let value = cookie_value("/api/login", "eyJOb3RMb2dnZWRJbiI6bnVsbH0=");
        assert_eq!(
            encoded_error_for(&value, "/api/login"),
            Some("eyJOb3RMb2dnZWRJbiI6bnVsbH0=")
        );
        assert_eq!(encoded_error_for(&value, "/api/logout"), None);
        assert_eq!(encoded_error_for("/api/login", "/api/login"), None);
        assert_eq!(encoded_error_for("/api/login|", "/api/login"), None);
    }

    #[test]
    fn an_islands_error_prop_travels_as_text_and_comes_back_whole() {
        use crate::error::AppError;
        use crate::i18n::Text;
        let error = AppError::field(
            "phone",
            Text::new("请输入手机号码", "Enter the phone number"),
        );
        let prop = InitialError(Some(error.clone()));
        let json = serde_json::to_string(&prop).unwrap();
        assert!(json.starts_with('"'), "a string: {json}");
        let back: InitialError = serde_json::from_str(&json).unwrap();
        assert_eq!(back, prop);
        let none: InitialError =
            serde_json::from_str(&serde_json::to_string(&InitialError(None)).unwrap()).unwrap();
        assert_eq!(none, InitialError(None));
    }
}
