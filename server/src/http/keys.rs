//! This platform's key document (公钥文档,
//! `/.well-known/platform-keys.json`): its public signing keys as a JSON
//! Web Key Set (RFC 7517; Ed25519 keys as RFC 8037 writes them, SM2 keys
//! as `EC` keys on the curve `SM2` with `x` and `y`), with the
//! province that signs with them. Peers copy the keys into their trust
//! lists; anyone may check a credential offline with them.

use super::WebState;
use app::domain::jws::Alg;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// `GET /.well-known/platform-keys.json`.
pub async fn platform_keys(State(state): State<WebState>) -> Response {
    let keys = &state.ports.credential_keys;
    let issuer = keys.issuer();
    let (name_zh, name_en) = keys.issuer_name(&issuer).unwrap_or_default();
    let listed: Vec<_> = keys
        .published_keys()
        .into_iter()
        .map(|k| {
            let alg = Alg::from_curve(&k.key.crv).unwrap_or(Alg::EdDsa);
            let mut jwk = json!({
                "kty": if alg == Alg::EdDsa { "OKP" } else { "EC" },
                "crv": k.key.crv,
                "alg": alg.name(),
                "use": "sig",
                "kid": k.key.kid,
                "x": k.key.x,
                "current": k.current,
            });
            if let Some(y) = k.key.y {
                jwk["y"] = y.into();
            }
            jwk
        })
        .collect();
    (
        [(header::CACHE_CONTROL, "public, max-age=300")],
        axum::Json(json!({
            "issuer": issuer,
            "name_zh": name_zh,
            "name_en": name_en,
            "keys": listed,
        })),
    )
        .into_response()
}
