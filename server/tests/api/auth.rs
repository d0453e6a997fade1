//! Login, sessions, logout and the HTTP protections, on both databases.

use crate::helpers::*;
use app::domain::{IndividualKind, RegistrationChannel};
use app::features::accounts::api::{Login, Logout};
use app::features::accounts::AccountRole;

async fn login_by_id_or_phone_then_logout_ends_the_session(app: TestApp) {
    let (login, password) = app.demo_login("Online-registered individual");
    let client = new_client();
    app.login(&client, &login, &password)
        .await
        .expect("login by ID number");
    let me = app.me(&client).await.expect("logged in");
    let id = account_id(&app, "Online-registered individual").await;
    assert_eq!(me.account_id, id, "{app}");
    // The browser gets the numbers masked, never in full.
    let masked_id = app::domain::ResidentId::parse(&login).unwrap().masked();
    assert_eq!(
        me.id_number_masked.as_deref(),
        Some(masked_id.as_str()),
        "{app}"
    );
    assert!(me.phone_masked.contains("****"), "{app}: {me:?}");
    assert!(
        matches!(
            me.role,
            AccountRole::Individual {
                kind: IndividualKind::OwnerOrDriver,
                channel: RegistrationChannel::Online,
                window: None,
                ..
            }
        ),
        "{app}: {me:?}"
    );
    app.call_fn(&client, Logout {}).await.expect("logout");
    assert_eq!(app.me(&client).await, None, "{app}: session ended");

    // The same account by its phone number.
    let phone: String = sqlx::query("SELECT phone FROM accounts WHERE id_number = $1")
        .bind(&login)
        .fetch_one(&app.platform.store.pool)
        .await
        .map(|r| sqlx::Row::get(&r, 0))
        .unwrap();
    let client = new_client();
    app.login(&client, &phone, &password)
        .await
        .expect("login by phone");
    assert_eq!(
        app.me(&client).await.map(|me| me.account_id),
        Some(id),
        "{app}: the same account"
    );
}
both_backends!(login_by_id_or_phone_then_logout_ends_the_session);

/// Every demo login reaches its own account, with the role its row records.
async fn every_account_kind_logs_in(app: TestApp) {
    for login in app.demo.logins.iter() {
        let client = new_client();
        app.login(&client, &login.login, &login.password)
            .await
            .unwrap_or_else(|e| panic!("{app}: {} cannot log in: {e}", login.role_en));
        let me = app.me(&client).await.expect("logged in");
        let row = sqlx::query(
            "SELECT kind, channel, individual_kind, staff_role FROM accounts
             WHERE id_number = $1 OR credit_code = $1 OR staff_username = $1",
        )
        .bind(&login.login)
        .fetch_one(&app.platform.store.pool)
        .await
        .unwrap();
        let text = |c: &str| sqlx::Row::get::<Option<String>, _>(&row, c);
        let told = match &me.role {
            AccountRole::Individual { kind, channel, .. } => (
                "individual",
                Some(channel.code().to_string()),
                Some(kind.code().to_string()),
                None,
            ),
            AccountRole::Unit { .. } => ("unit", Some("window".into()), None, None),
            AccountRole::Staff { role, .. } => ("staff", None, None, Some(role.code().to_string())),
        };
        let kind: String = sqlx::Row::get(&row, "kind");
        let individual_kind = text("individual_kind").filter(|_| kind == "individual");
        assert_eq!(
            told,
            (
                kind.as_str(),
                text("channel"),
                individual_kind,
                text("staff_role")
            ),
            "{app}: {}",
            login.role_en
        );
    }
}
both_backends!(every_account_kind_logs_in);

async fn wrong_passwords_are_refused_then_slowed_down_without_locking_out(app: TestApp) {
    let (login, password) = app.demo_login("Online-registered individual");
    let client = new_client();
    for _ in 0..4 {
        let err = app
            .login(&client, &login, "Wrong-password-1")
            .await
            .unwrap_err();
        assert_eq!(fields(&err), vec!["password"], "{app}: {err}");
    }
    // The fifth try at the same moment is delayed, even with the right
    // password, for exactly the policy's delay (the clock stands still, so
    // a slow machine does not matter).
    let delay = app::policy::login_delay_secs(4, 4);
    assert!(delay > 0, "four failures slow down");
    let err = app.login(&client, &login, &password).await.unwrap_err();
    assert_eq!(
        err["RateLimited"]["retry_after_secs"], delay,
        "{app}: {err}"
    );
    // Once the delay has passed, the right password works.
    app.clock.advance_secs(delay);
    app.login(&client, &login, &password)
        .await
        .expect("not locked out");

    // The owner's own address is not locked out by failures elsewhere.
    use app::ports::Accounts;
    let store = &app.platform.store;
    let key = format!("id:{login}");
    let now = 1_900_000_000_000;
    for _ in 0..10 {
        store
            .record_login(&key, "203.0.113.9", false, now)
            .await
            .unwrap();
    }
    let (pair, by_ip) = store
        .recent_login_failures(&key, "198.51.100.7", now - 1000)
        .await
        .unwrap();
    assert_eq!((pair, by_ip), (0, 0), "{app}");
    assert_eq!(app::policy::login_delay_secs(pair, by_ip), 0);
}
both_backends!(wrong_passwords_are_refused_then_slowed_down_without_locking_out);

async fn sessions_expire_when_idle(app: TestApp) {
    use app::ports::{Accounts, Actor};
    let store = &app.platform.store;
    let actor = Actor {
        account_id: Some(1),
        ip: "127.0.0.1".into(),
        operator_id: None,
        api_key: None,
    };
    let t0 = 1_800_000_000_000;
    let token = store.create_session(1, &actor, "test", t0).await.unwrap();
    let hash = server::store::sha256_hex(&token);
    let (record, operator) = store
        .resolve_session(&hash, t0 + 29 * 60 * 1000)
        .await
        .unwrap()
        .expect("a live session");
    assert_eq!((record.account_id, operator), (1, None));
    assert_eq!(
        Some(record),
        store.account_on_record(1).await.unwrap(),
        "the session's account is the account on record"
    );
    assert_eq!(
        store
            .resolve_session(&hash, t0 + 29 * 60 * 1000 + 31 * 60 * 1000)
            .await
            .unwrap(),
        None,
        "{app}"
    );
    // And an expired session is gone for good.
    assert_eq!(store.resolve_session(&hash, t0 + 1000).await.unwrap(), None);
}
both_backends!(sessions_expire_when_idle);

async fn pages_carry_security_headers_and_cross_site_posts_are_refused(app: TestApp) {
    let res = app
        .client
        .get(format!("{}/login", app.base))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains("'wasm-unsafe-eval'") && csp.contains("'nonce-"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(res.headers()["content-encoding"], "br");
    assert_eq!(res.headers()["x-frame-options"], "DENY");

    let res = app
        .client
        .post(format!("{}/api/login", app.base))
        .header("origin", "http://evil.example")
        .header("sec-fetch-site", "cross-site")
        .form(&[("identifier", "x"), ("password", "y")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403, "{app}");

    let res = app
        .client
        .get(format!("{}/no-such-page", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
}
both_backends!(pages_carry_security_headers_and_cross_site_posts_are_refused);

/// The account home page as the demo user of `role` sees it.
async fn account_home(app: &TestApp, role: &str) -> String {
    let (login, password) = app.demo_login(role);
    let client = new_client();
    app.login(&client, &login, &password).await.unwrap();
    client
        .get(format!("{}/account", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

async fn the_account_home_explains_what_an_online_user_cannot_do(app: TestApp) {
    let html = account_home(&app, "Online-registered individual").await;
    assert!(html.contains("网上注册"), "{app}");
    assert!(html.contains("窗口注册"), "{app}: refusals name the remedy");
    // A window user may submit a physical-condition certificate (D9): the
    // home links to where it is done, the licence page.
    let html = account_home(&app, "Window-registered individual").await;
    let d9 = html.find(">提交身体条件证明<").expect("D9 is listed");
    let link = html[..d9].rfind("<a").expect("a link");
    assert!(
        html[link..d9].contains("/account/licence#physical"),
        "{app}: D9 links to the licence page"
    );
    assert!(
        !html.contains("暂未开通网上办理"),
        "{app}: every service a window user may use is online"
    );
    // Not logged in: sent to the login page, to come back here.
    let (status, to) = location(&new_client(), format!("{}/account", app.base)).await;
    assert_eq!(
        (status, to.as_str()),
        (303, "/login?next=%2Faccount"),
        "{app}"
    );
}
both_backends!(the_account_home_explains_what_an_online_user_cannot_do);

/// GET without following redirects; answers (status, Location).
async fn location(client: &reqwest::Client, url: String) -> (u16, String) {
    let res = client.get(url).send().await.unwrap();
    let to = res
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (res.status().as_u16(), to)
}

async fn a_page_opened_logged_out_comes_back_after_login(app: TestApp) {
    let anon = new_client();
    let (status, to) = location(&anon, format!("{}/account/vehicles", app.base)).await;
    assert_eq!(
        (status, to.as_str()),
        (303, "/login?next=%2Faccount%2Fvehicles"),
        "{app}"
    );
    let (_, to) = location(
        &anon,
        format!("{}/account/contact?target=licence", app.base),
    )
    .await;
    assert_eq!(
        to, "/login?next=%2Faccount%2Fcontact%3Ftarget%3Dlicence",
        "{app}"
    );

    // The login page says why, and carries the path in the form.
    let html = anon
        .get(format!("{}/login?next=%2Faccount%2Fvehicles", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("请先登录，登录后将返回您要访问的页面"),
        "{app}"
    );
    assert!(
        html.contains(r#"name="next" value="/account/vehicles""#),
        "{app}"
    );
    assert!(
        html.contains(r#"href="/password-reset""#),
        "{app}: 忘记密码 link"
    );
    for evil in [
        "%2F%2Fevil.example",
        "%2F%5Cevil.example",
        "https%3A%2F%2Fevil.example",
    ] {
        let html = anon
            .get(format!("{}/login?next={evil}", app.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!html.contains("evil.example"), "{app}: {evil}");
        assert!(!html.contains("登录后将返回"), "{app}: {evil}");
    }

    // Without JavaScript: the form posts and the server redirects.
    let (id, password) = app.demo_login("Online-registered individual");
    for (next, expected) in [
        ("/account/vehicles", "/account/vehicles"),
        ("//evil.example", "/account"),
        ("/\\evil.example", "/account"),
        ("javascript:alert(1)", "/account"),
    ] {
        let client = new_client();
        let res = client
            .post(format!("{}/api/login", app.base))
            .header("accept", "text/html")
            .header("referer", format!("{}/login", app.base))
            .form(&[
                ("identifier", id.as_str()),
                ("password", password.as_str()),
                ("next", next),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 302, "{app}: {next}");
        assert_eq!(res.headers()["location"], expected, "{app}: {next}");
    }
    // With JavaScript: the answer names the page.
    let answer = app
        .call_fn(
            &new_client(),
            Login {
                identifier: id.to_string(),
                password: password.to_string(),
                next: Some("/account/messages".into()),
            },
        )
        .await
        .unwrap();
    assert_eq!(answer, "/account/messages", "{app}");

    // The language switch goes back only to a page on this site.
    for (back, expected) in [
        ("%2Faccount", "/account"),
        ("%2F%5Cevil.example", "/"),
        ("%2F%2Fevil.example", "/"),
        ("%2F%09%2Fevil.example", "/"),
    ] {
        let (_, to) = location(&anon, format!("{}/lang/en?back={back}", app.base)).await;
        assert_eq!(to, expected, "{app}: {back}");
    }
    let res = anon
        .get(format!("{}/lang/zh", app.base))
        .header("referer", "http://127.0.0.1/\\evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["location"], "/", "{app}");
}
both_backends!(a_page_opened_logged_out_comes_back_after_login);

async fn page(client: &reqwest::Client, url: String) -> String {
    client.get(url).send().await.unwrap().text().await.unwrap()
}

async fn the_home_page_and_the_menu_follow_who_is_logged_in(app: TestApp) {
    let html = page(&new_client(), format!("{}/", app.base)).await;
    assert!(html.contains("先注册，再登录办理"), "{app}");

    let (id, password) = app.demo_login("Online-registered individual");
    let client = new_client();
    app.login(&client, &id, &password).await.unwrap();
    let html = page(&client, format!("{}/", app.base)).await;
    assert!(!html.contains("先注册，再登录办理"), "{app}");
    assert!(
        html.contains(r#"<a href="/account" class="button">进入我的账户</a>"#),
        "{app}"
    );
    assert!(html.contains(">消息</a>"), "{app}: no unread messages yet");

    // Two new messages: the menu counts them on every page.
    let account_id: i64 = sqlx::query("SELECT id FROM accounts WHERE id_number = $1")
        .bind(&id)
        .fetch_one(&app.platform.store.pool)
        .await
        .map(|r| sqlx::Row::get(&r, 0))
        .unwrap();
    for title in ["一", "二"] {
        sqlx::query("INSERT INTO messages (account_id, created_at, title, body, link) VALUES ($1, 1, $2, '', '')")
            .bind(account_id)
            .bind(title)
            .execute(&app.platform.store.pool)
            .await
            .unwrap();
    }
    let html = page(&client, format!("{}/account/vehicles", app.base)).await;
    assert!(html.contains("消息（2条未读）"), "{app}");
    // The message centre marks them read.
    let html = page(&client, format!("{}/account/messages", app.base)).await;
    assert!(html.contains(r#"aria-current="page""#), "{app}");
    let html = page(&client, format!("{}/account", app.base)).await;
    assert!(!html.contains("条未读"), "{app}");

    // Just registered: the account home says so.
    let html = page(&client, format!("{}/account?welcome=1", app.base)).await;
    assert!(html.contains("注册成功"), "{app}");

    let (clerk, password) = app.demo_login("Window clerk");
    let staff = new_client();
    app.login(&staff, &clerk, &password).await.unwrap();
    let html = page(&staff, format!("{}/", app.base)).await;
    assert!(html.contains("进入民警工作台"), "{app}");
    assert!(
        !html.contains("messages-link"),
        "{app}: staff get no messages"
    );
}
both_backends!(the_home_page_and_the_menu_follow_who_is_logged_in);
