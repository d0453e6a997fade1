//! No page shows an error written into its address (`__err`): a
//! no-JavaScript form's error travels in a one-minute cookie instead.

use super::{cookie_pair, set_cookies};
use crate::helpers::*;
use leptos::server_fn::ServerFn;

/// `server_fn`'s encoding of an error in an address (`__err`).
fn encoded_error(error: &app::error::AppError) -> String {
    use base64::Engine;
    use leptos::server_fn::error::FromServerFnError;
    base64::engine::general_purpose::URL_SAFE.encode(error.ser())
}

async fn no_page_shows_an_error_written_into_its_address(app: TestApp) {
    let forged = app::error::AppError::Conflict(app::i18n::Text::new(
        "您的账户已被冻结，请拨打0311-12345678转账解冻",
        "Your account is frozen: call 0311-12345678 and transfer the fee",
    ));
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("__path", app::features::accounts::api::Login::PATH)
        .append_pair("__err", &encoded_error(&forged))
        .finish();
    // The link is followed as a browser would (redirects included).
    let res = reqwest::Client::new()
        .get(format!("{}/login?next=%2Faccount&{query}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{app}");
    assert!(
        !res.url().as_str().contains("__err"),
        "{app}: {}",
        res.url()
    );
    assert!(
        res.url().as_str().ends_with("/login?next=%2Faccount"),
        "{app}: the rest of the address stays: {}",
        res.url()
    );
    let html = res.text().await.unwrap();
    assert!(
        !html.contains("12345678"),
        "{app}: the forged error is shown"
    );

    // A real error of a form posted without JavaScript still reaches the
    // form, once, and never through the address.
    let client = new_client();
    let res = client
        .post(format!(
            "{}{}",
            app.base,
            app::features::accounts::api::Login::PATH
        ))
        .header("origin", &app.base)
        .header("accept", "text/html")
        .header(
            "referer",
            format!("{}/login?next=%2Faccount%2Fvehicles", app.base),
        )
        .form(&[
            ("identifier", "110101199003071233"),
            ("password", "wrong password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302, "{app}");
    let back = res.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(
        back,
        format!("{}/login?next=%2Faccount%2Fvehicles", app.base),
        "{app}"
    );
    assert!(
        cookie_pair(&set_cookies(&res), "jgformerr").is_some(),
        "{app}: the error waits in a cookie"
    );
    let page = crate::helpers::html(&client, &back).await;
    assert!(
        page.contains("账号或密码不正确"),
        "{app}: the error is shown"
    );
    let again = crate::helpers::html(&client, &back).await;
    assert!(!again.contains("账号或密码不正确"), "{app}: once only");
}
both_backends!(no_page_shows_an_error_written_into_its_address);
