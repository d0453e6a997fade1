//! Chinese first, English switchable. The language travels in the `lang`
//! cookie; the server renders in it and islands receive it as a prop.

use serde::{Deserialize, Serialize};

/// Interface language (界面语言).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Lang {
    /// 简体中文 — the default.
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// Name of the cookie that keeps the choice.
    pub const COOKIE: &'static str = "lang";

    /// Picks the text for this language.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// BCP 47 tag for `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// The short code used in the cookie and the switch URL.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    /// Parses a cookie value or URL segment; anything unknown is Chinese.
    pub fn from_code(code: &str) -> Lang {
        if code.trim().eq_ignore_ascii_case("en") {
            Lang::En
        } else {
            Lang::Zh
        }
    }
}

/// The value of the cookie `name` in a `Cookie` header value (the
/// `cookie` crate parses it, as the server's `CookieJar` does).
#[cfg(feature = "ssr")]
pub fn cookie_in(header: &str, name: &str) -> Option<String> {
    cookie::Cookie::split_parse(header)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_string())
}

/// The value of the cookie `name` of the request being rendered (server).
#[cfg(feature = "ssr")]
fn request_cookie(name: &str) -> Option<String> {
    let parts = leptos::prelude::use_context::<http::request::Parts>()?;
    let header = parts.headers.get(http::header::COOKIE)?.to_str().ok()?;
    cookie_in(header, name)
}

/// Text size (字号): the large-text mode (适老化) for older people and anyone
/// who reads better with bigger letters. Kept in the `text` cookie, like the
/// language.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum TextSize {
    #[default]
    Standard,
    /// 大字版
    Large,
}

impl TextSize {
    /// Name of the cookie that keeps the choice.
    pub const COOKIE: &'static str = "text";

    /// The code used in the cookie and the switch URL.
    pub fn code(self) -> &'static str {
        match self {
            TextSize::Standard => "standard",
            TextSize::Large => "large",
        }
    }

    /// Parses a cookie value or URL segment; anything unknown is standard.
    pub fn from_code(code: &str) -> TextSize {
        if code.trim().eq_ignore_ascii_case("large") {
            TextSize::Large
        } else {
            TextSize::Standard
        }
    }
}

/// The text size of the page being rendered (server side; standard in the
/// browser, where pages are not rendered).
pub fn use_text_size() -> TextSize {
    #[cfg(feature = "ssr")]
    {
        request_cookie(TextSize::COOKIE)
            .map(|v| TextSize::from_code(&v))
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        TextSize::Standard
    }
}

/// A sentence in both languages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Text {
    pub zh: String,
    pub en: String,
}

impl Text {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Text {
        Text {
            zh: zh.into(),
            en: en.into(),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        lang.pick(&self.zh, &self.en)
    }
}

/// The language of the page being rendered: on the server, from the
/// request's `lang` cookie.
pub fn use_lang() -> Lang {
    #[cfg(feature = "ssr")]
    {
        request_cookie(Lang::COOKIE)
            .map(|v| Lang::from_code(&v))
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        leptos::prelude::use_context::<Lang>().unwrap_or_default()
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_header_gives_the_language_and_the_text_size() {
        let header = "a=1; lang=en; text=large";
        assert_eq!(cookie_in(header, Lang::COOKIE).as_deref(), Some("en"));
        assert_eq!(
            cookie_in(header, TextSize::COOKIE).as_deref(),
            Some("large")
        );
        assert_eq!(cookie_in("other=en", Lang::COOKIE), None);
        assert_eq!(cookie_in("", Lang::COOKIE), None);
        assert_eq!(Lang::from_code("en"), Lang::En);
        assert_eq!(TextSize::from_code(" LARGE "), TextSize::Large);
        assert_eq!(TextSize::from_code("standard"), TextSize::Standard);
    }
}
