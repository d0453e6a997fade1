//! The administrator's staff accounts (民警账户管理): the list, a new
//! account, and one account with disable/enable and password reset.
//! Plain forms (no WASM); the server checks the administrator and every
//! field.

use crate::domain::date::cst_date_time;
use crate::domain::{StaffPower, StaffRole};
use crate::features::staff::{
    staff_member, staff_roster, CreateStaffMember, ResetStaffPassword, SetStaffDisabled,
    StaffMember, StaffRoster,
};
use crate::i18n::{use_lang, Lang, Text};
use crate::ui::components::layout::Page;
use crate::ui::components::page_data::{when_loaded, DoneBanner, PostedError};
use crate::ui::components::pager::{page_href, pager};
use crate::ui::pages::staff::staff_page;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::{use_params_map, use_query_map};

fn done_text() -> Option<Text> {
    use_query_map().with_untracked(|q| {
        if q.get("created").is_some() {
            Some(Text::new("已创建民警账户。该民警首次登录时须绑定身份验证器。", "The staff account was created. The officer sets up an authenticator app at first login."))
        } else if q.get("disabled").is_some() {
            Some(Text::new("已停用该账户，其登录已全部退出。", "The account was disabled and logged out everywhere."))
        } else if q.get("enabled").is_some() {
            Some(Text::new("已重新启用该账户。", "The account was enabled again."))
        } else if q.get("reset").is_some() {
            Some(Text::new("已重置密码并解除原身份验证器，该民警下次登录时重新绑定。", "The password was reset and the old authenticator removed; the officer sets one up at next login."))
        } else {
            None
        }
    })
}

fn status_text(lang: Lang, m: &StaffMember) -> &'static str {
    match (m.disabled, m.enrolled) {
        (true, _) => lang.pick("已停用", "Disabled"),
        (false, true) => lang.pick("正常", "Active"),
        (false, false) => lang.pick("待绑定身份验证器", "Authenticator not set up"),
    }
}

#[component]
pub fn StaffAccountsPage() -> impl IntoView {
    let lang = use_lang();
    let page = use_query_map().with_untracked(|q| q.get("page"));
    let data = Resource::new_blocking(move || page.clone(), staff_roster);
    let body = match staff_page(lang, &[StaffPower::ManageStaff]) {
        Err(v) => v,
        Ok(_) => view! {
            <DoneBanner lang text=done_text() />
            <PostedError lang paths=vec![CreateStaffMember::PATH, SetStaffDisabled::PATH, ResetStaffPassword::PATH] />
            {when_loaded(lang, data, roster)}
        }
        .into_any(),
    };
    view! { <Page title_zh="民警账户管理" title_en="Staff accounts">{body}</Page> }
}

fn roster(lang: Lang, roster: StaffRoster) -> impl IntoView {
    let pager = pager(
        lang,
        &roster.members,
        ("民警账户", "Staff accounts"),
        |n| page_href("/staff/admin/staff", &[], "page", n),
    );
    let rows = roster
        .members
        .items
        .iter()
        .map(|m| {
            let cell = |zh: &'static str, en: &'static str| lang.pick(zh, en);
            view! {
                <tr>
                    <td data-label=cell("登录名", "Username")><a href=format!("/staff/admin/staff/{}", m.account_id)>{m.username.clone()}</a></td>
                    <td data-label=cell("姓名", "Name")>{m.display_name.clone()}</td>
                    <td data-label=cell("岗位", "Role")>{lang.pick(m.role.zh(), m.role.en()).to_string()}</td>
                    <td data-label=cell("警号", "Police no.")>{m.police_no.clone()}</td>
                    <td data-label=cell("所属单位", "Unit")>{m.unit.clone()}</td>
                    <td data-label=cell("窗口", "Window")>{m.window.clone().unwrap_or_else(|| "—".into())}</td>
                    <td class="table__cell--nowrap" data-label=cell("状态", "Status")>{status_text(lang, m)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="table" data-testid="staff-list">
                <caption class="visually-hidden">{lang.pick("民警账户", "Staff accounts")}</caption>
                <thead>
                    <tr>
                        <th scope="col">{lang.pick("登录名", "Username")}</th>
                        <th scope="col">{lang.pick("姓名", "Name")}</th>
                        <th scope="col">{lang.pick("岗位", "Role")}</th>
                        <th scope="col">{lang.pick("警号", "Police no.")}</th>
                        <th scope="col">{lang.pick("所属单位", "Unit")}</th>
                        <th scope="col">{lang.pick("窗口", "Window")}</th>
                        <th scope="col">{lang.pick("状态", "Status")}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        {pager}
        <NewStaffForm lang windows=roster.windows />
    }
}

/// A labelled text input of a plain form.
fn text_input(
    name: &'static str,
    label: String,
    hint: Option<String>,
    input_type: &'static str,
    autocomplete: &'static str,
) -> impl IntoView {
    let hint_id = format!("{name}-hint");
    let described = hint.as_ref().map(|_| hint_id.clone());
    view! {
        <div class="form-group">
            <label class="label" for=name>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id>{h}</p> })}
            <input class="input" id=name name=name type=input_type autocomplete=autocomplete aria-describedby=described required />
        </div>
    }
}

#[component]
fn NewStaffForm(
    lang: Lang,
    windows: Vec<crate::features::accounts::RegistrationWindow>,
) -> impl IntoView {
    let roles = StaffRole::ALL
        .iter()
        .map(|r| view! { <option value=r.code()>{lang.pick(r.zh(), r.en())}</option> })
        .collect_view();
    let windows = windows
        .into_iter()
        .map(|w| view! { <option value=w.id.to_string()>{w.name}</option> })
        .collect_view();
    let t = |zh: &str, en: &str| lang.pick(zh, en).to_string();
    view! {
        <section aria-labelledby="new-staff" class="section">
            <h2 id="new-staff">{lang.pick("新建民警账户", "New staff account")}</h2>
            <form class="form" method="post" action=CreateStaffMember::PATH novalidate>
                {text_input("username", t("登录名", "Username"), Some(t("3至16位小写字母、数字、下划线或连字符，以字母开头", "3 to 16 lower-case letters, digits, _ or -, starting with a letter")), "text", "off")}
                {text_input("display_name", t("姓名", "Name"), None, "text", "off")}
                <div class="form-group">
                    <label class="label" for="role">{lang.pick("岗位", "Role")}</label>
                    <select class="select" id="role" name="role">{roles}</select>
                </div>
                {text_input("police_no", t("警号", "Police number"), Some(t("6位数字，会向被查阅信息的群众显示", "6 digits; shown to the people whose records the officer opens")), "text", "off")}
                {text_input("unit", t("所属单位", "Unit"), None, "text", "off")}
                <div class="form-group">
                    <label class="label" for="window_id">{lang.pick("所在注册窗口（仅注册窗口民警）", "Registration window (window clerks only)")}</label>
                    <select class="select" id="window_id" name="window_id">
                        <option value="">{lang.pick("无", "None")}</option>
                        {windows}
                    </select>
                </div>
                {text_input("password", t("初始密码", "Initial password"), Some(t("当面交给该民警；8至32位，含字母和数字", "Hand it to the officer in person; 8 to 32 characters with letters and digits")), "password", "new-password")}
                {text_input("password_confirm", t("再次输入初始密码", "Initial password again"), None, "password", "new-password")}
                <button class="button" type="submit">{lang.pick("创建账户", "Create account")}</button>
            </form>
        </section>
    }
}

#[component]
pub fn StaffAccountPage() -> impl IntoView {
    let lang = use_lang();
    let id: i64 = use_params_map()
        .with_untracked(|p| p.get("id").and_then(|v| v.parse().ok()))
        .unwrap_or(-1);
    let data = Resource::new_blocking(move || id, staff_member);
    let body = match staff_page(lang, &[StaffPower::ManageStaff]) {
        Err(v) => v,
        Ok(_) => view! {
            <PostedError lang paths=vec![SetStaffDisabled::PATH, ResetStaffPassword::PATH] />
            {when_loaded(lang, data, member_view)}
            <p><a href="/staff/admin/staff">{lang.pick("返回民警账户列表", "Back to staff accounts")}</a></p>
        }
        .into_any(),
    };
    view! { <Page title_zh="民警账户" title_en="Staff account">{body}</Page> }
}

fn member_view(lang: Lang, m: StaffMember) -> impl IntoView {
    let row = crate::ui::components::page_data::summary_row(lang);
    let id = m.account_id.to_string();
    let t = |zh: &str, en: &str| lang.pick(zh, en).to_string();
    let toggle = if m.disabled {
        view! {
            <form class="form" method="post" action=SetStaffDisabled::PATH>
                <input type="hidden" name="account_id" value=id.clone() />
                <input type="hidden" name="disable" value="0" />
                <button class="button" type="submit">{lang.pick("重新启用", "Enable again")}</button>
            </form>
        }
        .into_any()
    } else {
        view! {
            <form class="form" method="post" action=SetStaffDisabled::PATH novalidate>
                <input type="hidden" name="account_id" value=id.clone() />
                <input type="hidden" name="disable" value="1" />
                {text_input("reason", t("停用原因", "Reason"), Some(t("如调离、退休；停用后其登录立即退出", "e.g. transferred or retired; the officer is logged out at once")), "text", "off")}
                <button class="button button--warning" type="submit">{lang.pick("停用账户", "Disable account")}</button>
            </form>
        }
        .into_any()
    };
    view! {
        <dl class="summary-list">
            {row("登录名", "Username", m.username.clone())}
            {row("姓名", "Name", m.display_name.clone())}
            {row("岗位", "Role", lang.pick(m.role.zh(), m.role.en()).to_string())}
            {row("警号", "Police number", m.police_no.clone())}
            {row("所属单位", "Unit", m.unit.clone())}
            {row("注册窗口", "Window", m.window.clone().unwrap_or_else(|| "—".into()))}
            {row("状态", "Status", status_text(lang, &m).to_string())}
            {row("创建时间", "Created", cst_date_time(m.created_at_ms))}
        </dl>
        <section aria-labelledby="toggle-heading" class="section">
            <h2 id="toggle-heading">{if m.disabled { lang.pick("启用账户", "Enable the account") } else { lang.pick("停用账户", "Disable the account") }}</h2>
            {toggle}
        </section>
        <section aria-labelledby="reset-heading" class="section">
            <h2 id="reset-heading">{lang.pick("重置密码", "Reset the password")}</h2>
            <p>{lang.pick("重置后原身份验证器失效，该民警下次登录时重新绑定。", "The old authenticator stops working; the officer sets one up at next login.")}</p>
            <form class="form" method="post" action=ResetStaffPassword::PATH novalidate>
                <input type="hidden" name="account_id" value=id />
                {text_input("password", t("新密码", "New password"), None, "password", "new-password")}
                {text_input("password_confirm", t("再次输入新密码", "New password again"), None, "password", "new-password")}
                <button class="button" type="submit">{lang.pick("重置密码", "Reset password")}</button>
            </form>
        </section>
    }
}
