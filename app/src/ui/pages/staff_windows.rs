//! The administrator's registration windows (注册窗口管理): the list with
//! each window's edit page, and a new window. Plain forms.

use crate::domain::StaffPower;
use crate::features::accounts::{registration_windows, RegistrationWindow};
use crate::features::staff::{AddWindow, UpdateWindow};
use crate::i18n::{use_lang, Lang, Text};
use crate::ui::components::layout::Page;
use crate::ui::components::page_data::{when_loaded, DoneBanner, PostedError};
use crate::ui::pages::staff::staff_page;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::{use_params_map, use_query_map};

fn field(
    lang: Lang,
    id: &'static str,
    label: (&'static str, &'static str),
    value: String,
) -> impl IntoView {
    view! {
        <div class="form-group">
            <label class="label" for=id>{lang.pick(label.0, label.1)}</label>
            <input class="input input--w20" id=id name=id type="text" value=value autocomplete="off" required />
        </div>
    }
}

#[component]
pub fn WindowsPage() -> impl IntoView {
    let lang = use_lang();
    let done = use_query_map().with_untracked(|q| {
        if q.get("added").is_some() {
            Some(Text::new(
                "已新增注册窗口，现在可以为该窗口创建民警账户。",
                "The window was added; create its clerks' accounts now.",
            ))
        } else if q.get("updated").is_some() {
            Some(Text::new(
                "已更新窗口信息，群众看到的窗口列表同时更新。",
                "The window was updated; the public list shows it at once.",
            ))
        } else {
            None
        }
    });
    let data = Resource::new_blocking(|| (), |_| registration_windows());
    let body = match staff_page(lang, &[StaffPower::ManageWindows]) {
        Err(v) => v,
        Ok(_) => view! {
            <DoneBanner lang text=done />
            <PostedError lang paths=vec![AddWindow::PATH] />
            {when_loaded(lang, data, windows)}
        }
        .into_any(),
    };
    view! { <Page title_zh="注册窗口管理" title_en="Registration windows">{body}</Page> }
}

fn windows(lang: Lang, list: Vec<RegistrationWindow>) -> impl IntoView {
    let cell = move |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let rows = list
        .into_iter()
        .map(|w| {
            view! {
                <tr>
                    <td data-label=cell("窗口", "Window")><a href=format!("/staff/windows/{}", w.id)>{w.name}</a></td>
                    <td data-label=cell("受理", "Registers")>{if w.serves_units { cell("单位用户", "Units") } else { cell("个人用户", "Individuals") }}</td>
                    <td data-label=cell("地址", "Address")>{w.address}</td>
                    <td data-label=cell("电话", "Phone")>{w.phone}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="section" aria-labelledby="new-window">
            <h2 class="heading-m" id="new-window">{cell("新增注册窗口", "Add a window")}</h2>
            <form class="form" method="post" action=AddWindow::PATH novalidate>
                {field(lang, "code", ("窗口编号", "Code"), String::new())}
                {field(lang, "name", ("窗口名称", "Name"), String::new())}
                <div class="form-group">
                    <label class="label" for="serves">{cell("受理", "Registers")}</label>
                    <select class="select" id="serves" name="serves">
                        <option value="individual">{cell("个人用户", "Individuals")}</option>
                        <option value="unit">{cell("单位用户", "Units")}</option>
                    </select>
                </div>
                {field(lang, "address", ("地址", "Address"), String::new())}
                {field(lang, "phone", ("咨询电话", "Telephone"), String::new())}
                <button class="button" type="submit">{cell("新增窗口", "Add the window")}</button>
            </form>
        </section>
        <h2 class="heading-m">{cell("全部注册窗口", "All windows")}</h2>
        <div class="table-wrap">
            <table class="table" data-testid="windows">
                <caption class="visually-hidden">{cell("注册窗口", "Windows")}</caption>
                <thead><tr>
                    <th scope="col">{cell("窗口", "Window")}</th>
                    <th scope="col">{cell("受理", "Registers")}</th>
                    <th scope="col">{cell("地址", "Address")}</th>
                    <th scope="col">{cell("电话", "Phone")}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

#[component]
pub fn WindowPage() -> impl IntoView {
    let lang = use_lang();
    let id: i64 = use_params_map()
        .with_untracked(|p| p.get("id").and_then(|v| v.parse().ok()))
        .unwrap_or(-1);
    let data = Resource::new_blocking(|| (), |_| registration_windows());
    let body = match staff_page(lang, &[StaffPower::ManageWindows]) {
        Err(v) => v,
        Ok(_) => view! {
            <PostedError lang paths=vec![UpdateWindow::PATH] />
            {when_loaded(lang, data, move |lang, list: Vec<RegistrationWindow>| {
                match list.into_iter().find(|w| w.id == id) {
                    None => view! { <p role="alert">{lang.pick("没有找到该注册窗口。", "No such window.")}</p> }.into_any(),
                    Some(w) => view! {
                        <form class="form" method="post" action=UpdateWindow::PATH novalidate>
                            <input type="hidden" name="window_id" value=w.id.to_string() />
                            {field(lang, "name", ("窗口名称", "Name"), w.name)}
                            {field(lang, "address", ("地址", "Address"), w.address)}
                            {field(lang, "phone", ("咨询电话", "Telephone"), w.phone)}
                            <button class="button" type="submit">{lang.pick("保存", "Save")}</button>
                        </form>
                    }
                    .into_any(),
                }
            })}
            <p><a href="/staff/windows">{lang.pick("返回注册窗口列表", "Back to the windows")}</a></p>
        }
        .into_any(),
    };
    view! { <Page title_zh="修改注册窗口" title_en="Edit a window">{body}</Page> }
}
