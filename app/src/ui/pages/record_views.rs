//! Who viewed my record (谁查看过我的信息): every time an officer opened the
//! person's record — when, the officer's police number (警号) and unit, and
//! why. Plain page, no WASM.

use crate::domain::date::cst_date_time;
use crate::features::accounts::{my_record_views, RecordView};
use crate::i18n::{use_lang, Lang};
use crate::ui::components::layout::Page;
use crate::ui::components::page_data::when_loaded;
use crate::ui::pages::vehicles::AccountNav;
use crate::ui::require_login_redirect;
use leptos::prelude::*;

#[component]
pub fn RecordViewsPage() -> impl IntoView {
    let lang = use_lang();
    require_login_redirect();
    let data = Resource::new_blocking(|| (), |_| my_record_views());
    view! {
        <Page title_zh="谁查看过我的信息" title_en="Who viewed my record">
            <AccountNav lang current="/account/record-views" />
            <p class="lead">{lang.pick(
                "民警因办理业务查看您的个人信息时，系统都会记录。下面列出每次查看的时间、民警警号、所属单位和事由。如有疑问，请拨打服务热线122。",
                "Each time an officer opens your record to do their work, it is recorded. Below are the time, the officer's police number and unit, and the reason. If something looks wrong, call 122.",
            )}</p>
            {when_loaded(lang, data, views)}
        </Page>
    }
}

fn views(lang: Lang, list: Vec<RecordView>) -> AnyView {
    if list.is_empty() {
        return view! { <p data-testid="record-views-empty">{lang.pick("还没有民警查看过您的信息。", "No officer has viewed your record yet.")}</p> }.into_any();
    }
    let cell = move |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let rows = list
        .into_iter()
        .map(|v| {
            let role = v
                .role
                .map(|r| lang.pick(r.zh(), r.en()).to_string())
                .unwrap_or_default();
            view! {
                <tr>
                    <td data-label=cell("查看时间", "When")>{cst_date_time(v.at_ms)}</td>
                    <td data-label=cell("民警警号", "Police number")>{v.police_no.clone()}</td>
                    <td data-label=cell("所属单位", "Unit")>{v.unit.clone()}</td>
                    <td data-label=cell("岗位", "Role")>{role}</td>
                    <td data-label=cell("事由", "Why")>{v.why_text().get(lang).to_string()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="table" data-testid="record-views">
                <caption class="visually-hidden">{lang.pick("查看记录", "Reads of my record")}</caption>
                <thead>
                    <tr>
                        <th scope="col">{cell("查看时间", "When")}</th>
                        <th scope="col">{cell("民警警号", "Police number")}</th>
                        <th scope="col">{cell("所属单位", "Unit")}</th>
                        <th scope="col">{cell("岗位", "Role")}</th>
                        <th scope="col">{cell("事由", "Why")}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}
