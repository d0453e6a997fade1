//! Logging in as the demo accounts: citizens and units with a password,
//! a unit's operator with the unit's code and a login name, staff with
//! their second factor; and who a client is logged in as.

use super::{new_client, Answer, TestApp};
use app::features::accounts::api::{Login, MyAccount};
use app::features::accounts::SessionAccount;
use app::features::staff::{ConfirmSecondFactor, SecondFactorStep};
use app::ports::Clock;
use sqlx::Row;

impl TestApp {
    pub fn demo_login(&self, role_en_prefix: &str) -> (String, String) {
        let l = self
            .demo
            .logins
            .iter()
            .find(|l| l.role_en.starts_with(role_en_prefix))
            .unwrap_or_else(|| panic!("demo login {role_en_prefix}"));
        (l.login.clone(), l.password.clone())
    }

    /// The operator login name of the demo login whose English role
    /// starts so, when it is a unit's operator.
    pub fn demo_operator(&self, role_en_prefix: &str) -> Option<String> {
        self.demo
            .logins
            .iter()
            .find(|l| l.role_en.starts_with(role_en_prefix))
            .and_then(|l| l.operator.clone())
    }

    /// Who the client is logged in as (`my_account`), read into the app's
    /// own type.
    pub async fn me(&self, client: &reqwest::Client) -> Option<SessionAccount> {
        let me = self
            .call_fn(client, MyAccount {})
            .await
            .expect("my_account");
        serde_json::from_value(me.clone()).unwrap_or_else(|e| panic!("{self}: {me}: {e}"))
    }

    pub async fn login(
        &self,
        client: &reqwest::Client,
        identifier: &str,
        password: &str,
    ) -> Answer {
        let args = Login {
            identifier: identifier.into(),
            password: password.into(),
            next: None,
        };
        let answer = self.call_fn(client, args).await;
        match &answer {
            Ok(target)
                if target
                    .as_str()
                    .is_some_and(|t| t.starts_with("/login/second-factor")) =>
            {
                self.second_factor(client, identifier).await
            }
            _ => answer,
        }
    }

    /// The second step of a staff login: the code of the staff member's
    /// key (enrolled now if it was not), for the earliest time step not yet
    /// used (moving the test clock on when the steps around now are spent).
    pub async fn second_factor(&self, client: &reqwest::Client, username: &str) -> Answer {
        use app::domain::totp::{step_at, TotpKey, STEP_SECS};
        self.call_fn(client, SecondFactorStep {})
            .await
            .unwrap_or_else(|e| panic!("{self}: second factor step: {e}"));
        let (account_id, sealed, last_step): (i64, String, i64) = sqlx::query_as(
            "SELECT a.id, f.secret, f.last_step FROM staff_second_factors f JOIN accounts a ON a.id = f.account_id
             WHERE a.staff_username = $1",
        )
        .bind(username.to_ascii_lowercase())
        .fetch_one(&self.platform.store.pool)
        .await
        .unwrap_or_else(|e| panic!("{self}: the key of {username}: {e}"));
        let key = self
            .platform
            .store
            .sealing_key()
            .open(
                &sealed,
                &server::store::sealed::totp_key_context(account_id),
            )
            .expect("the key opens with the server's secret");
        let key = TotpKey::from_base32(&key).expect("a Base32 key");
        let now = step_at(self.clock.now_ms());
        let step = (now - 1).max(last_step + 1);
        if step > now + 1 {
            self.clock.advance_secs((step - now - 1) * STEP_SECS);
        }
        let code = key.code_at(step);
        self.call_fn(client, ConfirmSecondFactor { code, next: None })
            .await
    }
}

/// A client logged in as the demo account whose English role starts so.
pub async fn logged_in(app: &TestApp, role: &str) -> reqwest::Client {
    let (login, password) = app.demo_login(role);
    let client = new_client();
    match app.demo_operator(role) {
        // A unit's operator logs in with the unit's code and the login name.
        Some(name) => {
            let args = app::features::units::operators::OperatorLogin {
                unit_code: login,
                login_name: name,
                password,
                next: None,
            };
            app.call_fn(&client, args).await.expect("operator login");
        }
        None => {
            app.login(&client, &login, &password).await.expect("login");
        }
    }
    client
}

/// The account id of the demo account whose English role starts so.
pub async fn account_id(app: &TestApp, role: &str) -> i64 {
    let (login, _) = app.demo_login(role);
    // A citizen logs in with the ID number, a unit with the credit code.
    sqlx::query("SELECT id FROM accounts WHERE id_number = $1 OR credit_code = $1")
        .bind(login)
        .fetch_one(&app.platform.store.pool)
        .await
        .unwrap()
        .get::<i64, _>("id")
}
