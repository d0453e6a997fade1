//! Login (登录) for citizens, units and staff.

use crate::features::accounts::Login;
use crate::i18n::{use_lang, Lang, Text};
use crate::ui::components::form::{
    form_action, go_to, latest_error, server_problem, ErrorSummary, TextField,
};
use crate::ui::components::layout::Page;
use crate::ui::{form_error_from_url, InitialError};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

#[component]
pub fn LoginPage() -> impl IntoView {
    let lang = use_lang();
    let query = leptos_router::hooks::use_query_map();
    // The page the person was sent here from, only if it is on this site.
    let next = query.with_untracked(|q| {
        q.get("next")
            .and_then(|n| crate::policy::safe_return_path(&n).map(str::to_string))
    });
    let reset_done = query.with_untracked(|q| q.get("reset").is_some());
    let roaming_refused = query.with_untracked(|q| {
        use crate::domain::roaming::Refusal;
        q.get("roaming")
            .and_then(|code| Refusal::from_code(&code))
            .map(|refusal| match refusal {
                Refusal::Internal(_) => {
                    Refusal::internal_from_reference(&q.get("ref").unwrap_or_default())
                }
                other => other,
            })
    });
    let notice = if let Some(refusal) = roaming_refused {
        Some(view! {
            <div class="notice notice--warning" role="alert" data-testid="login-notice">
                <p class="heading-m">{lang.pick("漫游登录未成功", "The roaming login did not go through")}</p>
                <p>{lang.pick(refusal.zh(), refusal.en())}</p>
                {refusal.reference().filter(|r| r != "E-00000000").map(|r| view! {
                    <p>{lang.pick("错误编号：", "Error reference: ")} <strong data-testid="error-reference">{r}</strong></p>
                })}
            </div>
        }
        .into_any())
    } else if reset_done {
        Some(view! {
            <div class="notice notice--success" role="status" data-testid="login-notice">
                {lang.pick(
                    "密码已重置，所有已登录的设备均已退出。请用新密码登录。",
                    "Your password has been reset and every device has been logged out. Log in with the new password.",
                )}
            </div>
        }
        .into_any())
    } else {
        next.as_ref().map(|_| {
            view! {
                <div class="notice" role="status" data-testid="login-notice">
                    {lang.pick(
                        "请先登录，登录后将返回您要访问的页面。",
                        "Please log in first. You will then go back to the page you asked for.",
                    )}
                </div>
            }
            .into_any()
        })
    };
    view! {
        <Page title_zh="登录" title_en="Log in">
            {notice}
            <LoginForm lang next initial_error=InitialError(form_error_from_url(Login::PATH)) />
            <p>
                <a href="/password-reset">{lang.pick("忘记密码？", "Forgotten your password?")}</a>
            </p>
            <p>
                <a href="/login/operator">{lang.pick("单位经办人登录", "Unit operators log in here")}</a>
            </p>
            <p>
                {lang.pick("还没有账户？", "No account yet? ")}
                <a href="/register">{lang.pick("注册", "Register")}</a>
            </p>
            <OtherProvinces lang />
        </Page>
    }
}

fn labels() -> Vec<(&'static str, Text)> {
    vec![
        ("identifier", Text::new("账号", "Account")),
        ("password", Text::new("密码", "Password")),
    ]
}

#[island]
pub fn LoginForm(
    lang: Lang,
    /// Where to go after login (already checked to be a path on this site).
    next: Option<String>,
    initial_error: InitialError,
) -> impl IntoView {
    let action = form_action::<Login>();
    let identifier = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = latest_error(action, initial_error.0);
    Effect::new(move |_| {
        if let Some(Ok(home)) = action.value().get() {
            go_to(&home);
        }
    });
    let pending = action.pending();
    let labels = labels();
    let next_for_login = next.clone();
    view! {
        <form
            class="form"
            method="post"
            action=Login::PATH
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                action.dispatch(Login {
                    identifier: identifier.get(),
                    password: password.get(),
                    next: next_for_login.clone(),
                });
            }
        >
            {next.map(|n| view! { <input type="hidden" name="next" value=n /> })}
            <ErrorSummary lang error labels=labels.clone() />
            <TextField
                lang
                name="identifier"
                label=labels[0].1.clone()
                hint=Text::new(
                    "个人用户填身份证号码或手机号码；单位用户填统一社会信用代码；民警填工作账号",
                    "Individuals: ID number or phone number. Units: unified social credit code. Staff: staff username.",
                )
                value=identifier
                server_error=server_problem(error, "identifier")
                autocomplete="username"
            />
            <TextField
                lang
                name="password"
                label=labels[1].1.clone()
                value=password
                server_error=server_problem(error, "password")
                input_type="password"
                autocomplete="current-password"
            />
            <button class="button" type="submit" disabled=move || pending.get()>
                {move || if pending.get() { lang.pick("正在登录…", "Logging in…") } else { lang.pick("登录", "Log in") }}
            </button>
        </form>
    }
}

/// "用其他省份账号登录": the provinces whose platforms this one trusts, each
/// a link that starts a roaming login there (nothing when there are none).
#[component]
fn OtherProvinces(lang: Lang) -> impl IntoView {
    let homes = Resource::new_blocking(|| (), |_| crate::features::roaming::roaming_homes());
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let homes = homes.get().and_then(Result::ok).unwrap_or_default();
                (!homes.is_empty()).then(|| {
                    let links = homes
                        .into_iter()
                        .map(|h| {
                            let href = format!(
                                "{}?home={}",
                                crate::domain::roaming::START_PATH,
                                crate::ui::encode_query_value(&h.province)
                            );
                            view! { <li><a href=href>{lang.pick(&h.name_zh, &h.name_en).to_string()}</a></li> }
                        })
                        .collect_view();
                    view! {
                        <section>
                            <h2 class="heading-m">{lang.pick("用其他省份账号登录", "Log in with another province's account")}</h2>
                            <p>{lang.pick(
                                "已在其他省份的平台注册的，无需在本平台重新注册：选择注册地平台，在那里登录并同意后即回到本平台。",
                                "Registered on another province's platform? No need to register again: choose that platform, log in there and agree, and you come back here.",
                            )}</p>
                            <ul>{links}</ul>
                        </section>
                    }
                })
            }}
        </Suspense>
    }
}
