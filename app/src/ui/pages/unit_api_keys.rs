//! The unit's open API keys (开放接口密钥), for the unit's own account: a
//! key for the unit's own system, with scopes among its granted services
//! and an expiry, shown once; the list with when each was last used; and
//! revocation at once. Plain forms (no WASM).

use crate::domain::api_key::{ApiScope, KeyState, CALLS_PER_MINUTE, VALIDITY_DAYS};
use crate::domain::date::cst_date_time;
use crate::features::api_keys::{
    unit_api_keys, ApiKeyRow, ApiKeysPage, CreateApiKey, NewKeyShown, RevokeApiKey,
};
use crate::i18n::{use_lang, Lang, Text};
use crate::ui::components::form::{
    group_class, server_problem, typed, typed_value, typed_values, ErrorSummary, RadioGroup,
    TextField,
};
use crate::ui::components::layout::Page;
use crate::ui::components::page_data::{when_loaded, DoneBanner, PostedError};
use crate::ui::components::table::DataTable;
use crate::ui::pages::unit::{require_unit_page, UnitNav};
use crate::ui::{form_error_from_url, require_login_redirect};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

fn done_banner() -> Option<Text> {
    use_query_map().with_untracked(|q| match q.get("done").as_deref() {
        Some("revoked") => Some(Text::new(
            "密钥已吊销，使用它的调用即时被拒绝。",
            "The key is revoked: calls with it are refused from now on.",
        )),
        _ => None,
    })
}

#[component]
pub fn UnitApiKeysPage() -> impl IntoView {
    require_login_redirect();
    require_unit_page();
    let lang = use_lang();
    let data = Resource::new_blocking(|| (), |_| unit_api_keys());
    view! {
        <Page title_zh="开放接口密钥" title_en="Open API keys">
            <UnitNav lang current="/unit/api-keys" />
            <DoneBanner text=done_banner() lang />
            <PostedError lang paths=vec![RevokeApiKey::PATH] />
            <p>{lang.pick(
                "本单位自己的业务系统可以通过开放接口办理交管部门授权的委托业务。每个密钥只能使用所选的接口权限，到期自动失效，可随时吊销；每次调用都记录在“操作记录”中。",
                "The unit's own system can use the entrusted services granted to the unit through the open API. Each key may use only the scopes chosen, lapses at its expiry and can be revoked at any time; every call is recorded in the unit's audit.",
            )}</p>
            <p>
                <a href="/open/docs">{lang.pick("开放接口文档", "The open API's documentation")}</a>
                {Text::new(
                    format!("（每个密钥每分钟最多调用{CALLS_PER_MINUTE}次）"),
                    format!(" (a key may make {CALLS_PER_MINUTE} calls a minute)"),
                ).get(lang).to_string()}
            </p>
            {when_loaded(lang, data, view_of)}
        </Page>
    }
}

fn view_of(lang: Lang, page: ApiKeysPage) -> AnyView {
    view! {
        {page.new_key.map(|k| new_key(lang, k))}
        <h2 class="heading-l">{lang.pick("创建密钥", "Create a key")}</h2>
        {create_form(lang, &page.offered)}
        <h2 class="heading-l">{lang.pick("本单位的密钥", "The unit's keys")}</h2>
        {table(lang, page.keys)}
    }
    .into_any()
}

/// The key just created, this once.
fn new_key(lang: Lang, shown: NewKeyShown) -> AnyView {
    view! {
        <div class="notice notice--success" role="status" tabindex="-1" autofocus id="new-key">
            <h2 class="heading-m">{Text::new(
                format!("密钥“{}”已创建", shown.name),
                format!("Key \"{}\" is created", shown.name),
            ).get(lang).to_string()}</h2>
            <p>{lang.pick(
                "请立即复制并妥善保存在本单位系统中。平台只保存其摘要，此后不再显示，遗失只能吊销后重新创建。",
                "Copy it now and keep it in the unit's system. The platform keeps only a digest and will not show it again; a lost key can only be revoked and replaced.",
            )}</p>
            <label class="label" for="new-key-value">{lang.pick("密钥", "Key")}</label>
            <textarea class="textarea textarea--key" id="new-key-value" readonly rows="3"
                autocomplete="off" spellcheck="false" data-testid="new-api-key">{shown.key}</textarea>
        </div>
    }
    .into_any()
}

fn create_form(lang: Lang, offered: &[ApiScope]) -> AnyView {
    if offered.is_empty() {
        return view! {
            <p>{lang.pick(
                "本单位尚未获得委托业务授权，不能创建开放接口密钥。",
                "The unit holds no entrusted service grant, so it cannot create open API keys.",
            )}</p>
        }
        .into_any();
    }
    let error = Signal::stored(form_error_from_url(CreateApiKey::PATH));
    let values = typed_values();
    let labels = vec![
        ("name", Text::new("密钥名称", "Key name")),
        ("scopes", Text::new("接口权限", "Scopes")),
        ("days", Text::new("有效期", "Valid for")),
    ];
    let days = typed(&values, "days");
    if days.get_untracked().is_empty() {
        days.set("90".into());
    }
    let scopes_error = server_problem(error, "scopes");
    let ticked = typed_value(&values, "scopes");
    let boxes = offered
        .iter()
        .map(|s| {
            let id = format!("scope-{}", s.code());
            let checked = offered.len() == 1 || ticked.split(',').any(|c| c == s.code());
            view! {
                <div class="checkboxes__item">
                    <input class="checkboxes__input" type="checkbox" id=id.clone() name="scopes[]"
                        value=s.code() checked=checked />
                    <label class="checkboxes__label" for=id>{lang.pick(s.zh(), s.en())}</label>
                </div>
            }
        })
        .collect_view();
    let options = VALIDITY_DAYS
        .iter()
        .map(|d| {
            let code: &'static str = match d {
                30 => "30",
                90 => "90",
                180 => "180",
                _ => "365",
            };
            (code, Text::new(format!("{d}天"), format!("{d} days")))
        })
        .collect();
    view! {
        <form class="form" method="post" action=CreateApiKey::PATH novalidate>
            <ErrorSummary lang error labels=labels.clone() />
            <TextField lang name="name" label=labels[0].1.clone() value=typed(&values, "name")
                hint=Text::new("例如对接的系统名称，最多30个字", "Such as the system that will use it; at most 30 characters")
                server_error=server_problem(error, "name") width_class="input--w20" />
            <div class=move || group_class(scopes_error.get().is_some())>
                <fieldset class="fieldset" id="scopes" aria-describedby="scopes-error">
                    <legend class="fieldset__legend">{labels[1].1.get(lang).to_string()}</legend>
                    <p class="error-message" id="scopes-error" aria-live="polite">
                        {move || scopes_error.get().map(|t| t.get(lang).to_string())}
                    </p>
                    <div class="checkboxes">{boxes}</div>
                </fieldset>
            </div>
            <RadioGroup lang name="days" legend=labels[2].1.clone() options value=days
                server_error=server_problem(error, "days") />
            <button class="button" type="submit">{lang.pick("创建密钥", "Create the key")}</button>
        </form>
    }
    .into_any()
}

const COLUMNS: &[(&str, &str)] = &[
    ("名称", "Name"),
    ("密钥编号", "Key id"),
    ("接口权限", "Scopes"),
    ("状态", "Status"),
    ("创建时间", "Created"),
    ("有效期至", "Expires"),
    ("最近使用", "Last used"),
    ("操作", "Action"),
];

fn table(lang: Lang, keys: Vec<ApiKeyRow>) -> AnyView {
    if keys.is_empty() {
        return view! {
            <p>{lang.pick("本单位还没有创建密钥。", "The unit has created no key yet.")}</p>
        }
        .into_any();
    }
    let label = move |i: usize| lang.pick(COLUMNS[i].0, COLUMNS[i].1);
    let rows = keys
        .into_iter()
        .map(|k| {
            let scopes = k
                .scopes
                .iter()
                .map(|s| lang.pick(s.zh(), s.en()))
                .collect::<Vec<_>>()
                .join(lang.pick("、", ", "));
            let state = match k.state {
                KeyState::Revoked => k
                    .revoked_at_ms
                    .map(|at| format!("{}（{}）", lang.pick(k.state.zh(), k.state.en()), cst_date_time(at)))
                    .unwrap_or_else(|| lang.pick(k.state.zh(), k.state.en()).to_string()),
                _ => lang.pick(k.state.zh(), k.state.en()).to_string(),
            };
            let revoke = (k.state == KeyState::Active).then(|| {
                view! {
                    <form method="post" action=RevokeApiKey::PATH>
                        <input type="hidden" name="id" value=k.id.to_string() />
                        <button class="button button--warning button--small" type="submit">
                            {lang.pick("吊销", "Revoke")}
                            <span class="visually-hidden">{format!(" {}", k.name)}</span>
                        </button>
                    </form>
                }
            });
            view! {
                <tr>
                    <td data-label=label(0)>{k.name.clone()}</td>
                    <td data-label=label(1) class="table__cell--nowrap"><code>{format!("jgk_{}", k.public_id)}</code></td>
                    <td data-label=label(2)>{scopes}</td>
                    <td data-label=label(3)>{state}</td>
                    <td data-label=label(4)>{cst_date_time(k.created_at_ms)}</td>
                    <td data-label=label(5)>{cst_date_time(k.expires_at_ms)}</td>
                    <td data-label=label(6)>
                        {k.last_used_at_ms.map(cst_date_time).unwrap_or_else(|| lang.pick("未使用", "Never").to_string())}
                    </td>
                    <td data-label=label(7)>{revoke}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable lang caption=("本单位的密钥", "The unit's keys") columns=COLUMNS testid="api-keys" dense=true>
            {rows}
        </DataTable>
    }
    .into_any()
}
