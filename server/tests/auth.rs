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
