//! Login, sessions, logout and the HTTP protections, on both databases.

mod common;
use common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_by_id_or_phone_then_logout_ends_the_session() {
    for backend in backends() {
        let app = spawn(backend).await;
        let (login, password) = app.demo_login("Online-registered individual");
        let client = new_client();
        app.login(&client, &login, &password)
            .await
            .expect("login by ID number");
        let me = app.call_with(&client, "my_account", &[]).await.unwrap();
        assert!(me["role"]["Individual"].is_object(), "{backend}: {me}");
        app.call_with(&client, "logout", &[]).await.expect("logout");
        let me = app.call_with(&client, "my_account", &[]).await.unwrap();
        assert!(me.is_null(), "{backend}: session ended");

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
        assert!(app
            .call_with(&client, "my_account", &[])
            .await
            .unwrap()
            .is_object());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_account_kind_logs_in() {
    for backend in backends() {
        let app = spawn(backend).await;
        for login in app.demo.logins.iter() {
            let client = new_client();
            app.login(&client, &login.login, &login.password)
                .await
                .unwrap_or_else(|e| panic!("{backend}: {} cannot log in: {e}", login.role_en));
            let me = app.call_with(&client, "my_account", &[]).await.unwrap();
            assert!(me.is_object(), "{backend}: {}", login.role_en);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_passwords_are_refused_then_slowed_down_without_locking_out() {
    for backend in backends() {
        let app = spawn(backend).await;
        let (login, password) = app.demo_login("Online-registered individual");
        let client = new_client();
        for _ in 0..4 {
            let err = app
                .login(&client, &login, "Wrong-password-1")
                .await
                .unwrap_err();
            assert_eq!(fields(&err), vec!["password"], "{backend}: {err}");
        }
        // The fifth try within seconds is delayed, even with the right password.
        let err = app.login(&client, &login, &password).await.unwrap_err();
        assert_eq!(kind(&err), "RateLimited", "{backend}: {err}");

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
        assert_eq!((pair, by_ip), (0, 0), "{backend}");
        assert_eq!(app::policy::login_delay_secs(pair, by_ip), 0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_expire_when_idle() {
    use app::ports::{Accounts, Actor};
    for backend in backends() {
        let app = spawn(backend).await;
        let store = &app.platform.store;
        let actor = Actor {
            account_id: Some(1),
            ip: "127.0.0.1".into(),
        };
        let t0 = 1_800_000_000_000;
        let token = store.create_session(1, &actor, "test", t0).await.unwrap();
        let hash = server::store::sha256_hex(&token);
        assert_eq!(
            store
                .resolve_session(&hash, t0 + 29 * 60 * 1000)
                .await
                .unwrap(),
            Some(1)
        );
        assert_eq!(
            store
                .resolve_session(&hash, t0 + 29 * 60 * 1000 + 31 * 60 * 1000)
                .await
                .unwrap(),
            None,
            "{backend}"
        );
        // And an expired session is gone for good.
        assert_eq!(store.resolve_session(&hash, t0 + 1000).await.unwrap(), None);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_carry_security_headers_and_cross_site_posts_are_refused() {
    for backend in backends() {
        let app = spawn(backend).await;
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
        assert_eq!(res.status(), 403, "{backend}");

        let res = app
            .client
            .get(format!("{}/no-such-page", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404);
    }
}

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_account_home_explains_what_an_online_user_cannot_do() {
    for backend in backends() {
        let app = spawn(backend).await;
        let html = account_home(&app, "Online-registered individual").await;
        assert!(html.contains("网上注册"), "{backend}");
        assert!(
            html.contains("窗口注册"),
            "{backend}: refusals name the remedy"
        );
        // A window user may submit a physical-condition certificate (D9),
        // which is not online here yet: the home says where it is done.
        let html = account_home(&app, "Window-registered individual").await;
        let d9 = html.find("提交身体条件证明").expect("D9 is listed");
        assert!(
            html[d9..].contains("请到车辆管理所业务窗口办理"),
            "{backend}: a service with no online page says where it is done"
        );
        // Not logged in: sent to the login page.
        let res = new_client()
            .get(format!("{}/account", app.base))
            .send()
            .await
            .unwrap();
        assert!(res.status().is_redirection(), "{backend}: {}", res.status());
    }
}

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_opened_logged_out_comes_back_after_login() {
    for backend in backends() {
        let app = spawn(backend).await;
        let anon = new_client();
        let (status, to) = location(&anon, format!("{}/account/vehicles", app.base)).await;
        assert_eq!(
            (status, to.as_str()),
            (303, "/login?next=%2Faccount%2Fvehicles"),
            "{backend}"
        );
        let (_, to) = location(
            &anon,
            format!("{}/account/contact?target=licence", app.base),
        )
        .await;
        assert_eq!(
            to, "/login?next=%2Faccount%2Fcontact%3Ftarget%3Dlicence",
            "{backend}"
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
            "{backend}"
        );
        assert!(
            html.contains(r#"name="next" value="/account/vehicles""#),
            "{backend}"
        );
        assert!(
            html.contains(r#"href="/password-reset""#),
            "{backend}: 忘记密码 link"
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
            assert!(!html.contains("evil.example"), "{backend}: {evil}");
            assert!(!html.contains("登录后将返回"), "{backend}: {evil}");
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
            assert!(res.status().is_redirection(), "{backend}: {}", res.status());
            assert_eq!(res.headers()["location"], expected, "{backend}: {next}");
        }
        // With JavaScript: the answer names the page.
        let answer = app
            .call_with(
                &new_client(),
                "login",
                &[
                    ("identifier", &id),
                    ("password", &password),
                    ("next", "/account/messages"),
                ],
            )
            .await
            .unwrap();
        assert_eq!(answer, "/account/messages", "{backend}");

        // The language switch goes back only to a page on this site.
        for (back, expected) in [
            ("%2Faccount", "/account"),
            ("%2F%5Cevil.example", "/"),
            ("%2F%2Fevil.example", "/"),
            ("%2F%09%2Fevil.example", "/"),
        ] {
            let (_, to) = location(&anon, format!("{}/lang/en?back={back}", app.base)).await;
            assert_eq!(to, expected, "{backend}: {back}");
        }
        let res = anon
            .get(format!("{}/lang/zh", app.base))
            .header("referer", "http://127.0.0.1/\\evil.example")
            .send()
            .await
            .unwrap();
        assert_eq!(res.headers()["location"], "/", "{backend}");
    }
}

async fn page(client: &reqwest::Client, url: String) -> String {
    client.get(url).send().await.unwrap().text().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_home_page_and_the_menu_follow_who_is_logged_in() {
    for backend in backends() {
        let app = spawn(backend).await;
        let html = page(&new_client(), format!("{}/", app.base)).await;
        assert!(html.contains("先注册，再登录办理"), "{backend}");

        let (id, password) = app.demo_login("Online-registered individual");
        let client = new_client();
        app.login(&client, &id, &password).await.unwrap();
        let html = page(&client, format!("{}/", app.base)).await;
        assert!(!html.contains("先注册，再登录办理"), "{backend}");
        assert!(
            html.contains(r#"<a href="/account" class="button">进入我的账户</a>"#),
            "{backend}"
        );
        assert!(
            html.contains(">消息</a>"),
            "{backend}: no unread messages yet"
        );

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
        assert!(html.contains("消息（2条未读）"), "{backend}");
        // The message centre marks them read.
        let html = page(&client, format!("{}/account/messages", app.base)).await;
        assert!(html.contains(r#"aria-current="page""#), "{backend}");
        let html = page(&client, format!("{}/account", app.base)).await;
        assert!(!html.contains("条未读"), "{backend}");

        // Just registered: the account home says so.
        let html = page(&client, format!("{}/account?welcome=1", app.base)).await;
        assert!(html.contains("注册成功"), "{backend}");

        let (clerk, password) = app.demo_login("Window clerk");
        let staff = new_client();
        app.login(&staff, &clerk, &password).await.unwrap();
        let html = page(&staff, format!("{}/", app.base)).await;
        assert!(html.contains("进入民警工作台"), "{backend}");
        assert!(
            !html.contains("messages-link"),
            "{backend}: staff get no messages"
        );
    }
}
