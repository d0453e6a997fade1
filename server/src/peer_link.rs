//! The link to peer platforms (互信平台间通信): posts roaming messages and
//! credential status requests to a peer's base address, server to server,
//! with a short timeout and no redirects followed (a peer answers at its
//! own address or not at all).

use app::domain::roaming::credential_status::CREDENTIAL_STATUS_PATH;
use app::domain::roaming::{NOTICE_PATH, TOKEN_PATH};
use app::ports::{PeerError, PeerLink};
use async_trait::async_trait;
use std::time::Duration;

/// How long a peer has to answer.
const TIMEOUT: Duration = Duration::from_secs(5);
/// The longest answer read from a peer.
const MAX_ANSWER: usize = 16_000;

/// Peers over HTTP(S).
pub struct HttpPeers {
    client: reqwest::Client,
}

impl HttpPeers {
    pub fn new() -> Result<HttpPeers, String> {
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent("jg-platform-roaming/1")
            .build()
            .map_err(|e| format!("the peer link's HTTP client: {e}"))?;
        Ok(HttpPeers { client })
    }

    async fn post(&self, base_url: &str, path: &str, body: &str) -> Result<String, PeerError> {
        let url = format!("{}{path}", base_url.trim_end_matches('/'));
        let response = self
            .client
            .post(&url)
            .header(reqwest::header::CONTENT_TYPE, crate::http::roaming::JOSE)
            .body(body.to_string())
            .send()
            .await
            .map_err(|e| PeerError::Unreachable(format!("{url}: {e}")))?;
        let status = response.status();
        // A declared length over the limit is not read at all.
        if response
            .content_length()
            .is_some_and(|n| n > MAX_ANSWER as u64)
        {
            return Err(PeerError::Unreachable(format!(
                "{url}: the answer is too long"
            )));
        }
        let bytes = response
            .bytes()
            .await
            .map_err(|e| PeerError::Unreachable(format!("{url}: reading the answer: {e}")))?;
        if bytes.len() > MAX_ANSWER {
            return Err(PeerError::Unreachable(format!(
                "{url}: the answer is too long"
            )));
        }
        let text = String::from_utf8_lossy(&bytes).into_owned();
        if status.is_success() {
            return Ok(text);
        }
        if status.is_client_error() {
            let code = serde_json::from_str::<serde_json::Value>(&text)
                .ok()
                .and_then(|v| v["error"].as_str().map(str::to_string))
                .unwrap_or_else(|| status.to_string());
            return Err(PeerError::Refused(code));
        }
        Err(PeerError::Unreachable(format!("{url}: {status}")))
    }
}

#[async_trait]
impl PeerLink for HttpPeers {
    async fn exchange(&self, base_url: &str, request: &str) -> Result<String, PeerError> {
        self.post(base_url, TOKEN_PATH, request).await
    }

    async fn notify(&self, base_url: &str, notice: &str) -> Result<(), PeerError> {
        self.post(base_url, NOTICE_PATH, notice).await.map(|_| ())
    }

    async fn credential_status(&self, base_url: &str, request: &str) -> Result<String, PeerError> {
        self.post(base_url, CREDENTIAL_STATUS_PATH, request).await
    }
}
