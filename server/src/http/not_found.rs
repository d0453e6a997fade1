//! The app's own 404 page (页面不存在): any address that is neither a page,
//! a route nor a file gets the app's page in the visitor's language, with
//! the header and the way home, not the browser's.

use super::WebState;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use leptos::prelude::*;

/// The router's fallback service.
pub fn service(
    state: WebState,
) -> impl tower::Service<
    Request,
    Response = Response,
    Error = std::convert::Infallible,
    Future = impl Send + 'static,
> + Clone
       + Send
       + 'static {
    let ports = state.ports.clone();
    let options = state.leptos.clone();
    let render = leptos_axum::render_app_async_with_context(
        move || {
            provide_context(ports.clone());
            leptos::nonce::provide_nonce();
        },
        move || app::shell(options.clone()),
    );
    tower::service_fn(move |request: Request| {
        let render = render.clone();
        async move {
            let mut response = render(request).await.into_response();
            *response.status_mut() = StatusCode::NOT_FOUND;
            Ok(response)
        }
    })
}
