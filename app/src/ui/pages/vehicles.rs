//! My vehicles (我的机动车): what is
//! bound, what can be bound, and what to do next. Plain forms: they work
//! before (and without) the WASM.

use crate::domain::BindingKind;
use crate::features::bindings::{
    my_vehicles, vehicle_hints, BindOwnVehicle, ConfirmOtherVehicle, RequestOtherVehicle,
    UnbindVehicle,
};
use crate::i18n::{use_lang, Lang, Text};
use crate::ui::components::form::{server_problem, typed, typed_values, ErrorSummary, TextField};
use crate::ui::components::layout::Page;
pub use crate::ui::components::page_data::{
    load_failed, summary_row, when_loaded, DoneBanner, PostedError,
};
use crate::ui::components::sms_code::CodeField;
use crate::ui::components::table::DataTable;
use crate::ui::{form_error_from_url, require_login_redirect, today};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

/// The account pages' local navigation.
#[component]
pub fn AccountNav(lang: Lang, current: &'static str) -> impl IntoView {
    // A unit sees its own menu on the pages it shares with persons.
    if crate::ui::session_account()
        .is_some_and(|a| matches!(a.role, crate::features::accounts::AccountRole::Unit { .. }))
    {
        let current = if current == "/account/violations" {
            "/unit/violations"
        } else {
            current
        };
        return view! { <crate::ui::pages::unit::UnitNav lang current /> }.into_any();
    }
    let items = [
        ("/account", "我的主页", "My account"),
        ("/account/vehicles", "我的机动车", "My vehicles"),
        ("/account/licence", "我的驾驶证", "My licence"),
        ("/account/violations", "违法处理", "Violations"),
        ("/account/applications", "补换证业务", "Documents"),
        ("/account/plates", "预选号牌", "Plate numbers"),
        ("/account/exams", "驾考预约", "Driving tests"),
        ("/account/messages", "消息中心", "Messages"),
        (
            "/account/record-views",
            "谁查看过我的信息",
            "Who viewed my record",
        ),
    ];
    crate::ui::components::layout::subnav(lang, ("我的业务", "My services"), &items, current)
}

#[component]
pub fn VehiclesPage() -> impl IntoView {
    require_login_redirect();
    let lang = use_lang();
    let query = use_query_map();
    let done = query.with_untracked(|q| {
        if q.get("bound").is_some() {
            Some(Text::new("绑定成功。", "The vehicle is bound."))
        } else if q.get("unbound").is_some() {
            Some(Text::new("已解除绑定。", "The vehicle is unbound."))
        } else {
            None
        }
    });
    let data = Resource::new_blocking(|| (), |_| my_vehicles());
    view! {
        <Page title_zh="我的机动车" title_en="My vehicles">
            <AccountNav lang current="/account/vehicles" />
            <DoneBanner text=done lang />
            <PostedError lang paths=vec![BindOwnVehicle::PATH, UnbindVehicle::PATH] />
            {when_loaded(lang, data, vehicles_view)}
        </Page>
    }
}

/// The columns of the list of vehicles in one's name not bound yet.
const UNBOUND_COLUMNS: &[(&str, &str)] = &[
    ("号牌号码", "Plate"),
    ("车辆类型", "Type"),
    ("品牌", "Make"),
    ("操作", "Action"),
];

fn vehicles_view(
    lang: Lang,
    overview: crate::features::bindings::VehiclesOverview,
) -> impl IntoView {
    let today = today();
    let bound = if overview.bound.is_empty() {
        view! { <p>{lang.pick("您还没有绑定机动车。", "You have not bound any vehicle yet.")}</p> }
            .into_any()
    } else {
        overview
            .bound
            .into_iter()
            .map(|v| {
                let hints = vehicle_hints(&v, today)
                    .into_iter()
                    .map(|h| view! { <li>{h.get(lang).to_string()}</li> })
                    .collect_view();
                let own = match v.binding {
                    BindingKind::Own => lang.pick("本人名下", "In your name"),
                    BindingKind::NonOwn => lang.pick("非本人名下", "Not in your name"),
                };
                let small = if v.vehicle_type.is_small() {
                    lang.pick("小型机动车", "small motor vehicle")
                } else {
                    lang.pick("非小型机动车：网上只能办理变更联系方式", "not a small vehicle: online, only contact changes")
                };
                view! {
                    <section class="card" aria-labelledby=format!("plate-{}", v.vehicle_id)>
                        <h3 class="card__title" id=format!("plate-{}", v.vehicle_id)>
                            <span class="plate">{v.plate.clone()}</span>
                            " "
                            <span class="tag">{own}</span>
                        </h3>
                        <dl class="summary-list">
                            <div class="summary-list__row">
                                <dt>{lang.pick("车辆类型", "Vehicle type")}</dt>
                                <dd>{lang.pick(v.vehicle_type.zh(), v.vehicle_type.en()).to_string()} " · " {small}</dd>
                            </div>
                            <div class="summary-list__row">
                                <dt>{lang.pick("品牌/颜色", "Make / colour")}</dt>
                                <dd>{format!("{} · {}", v.brand, v.colour)}</dd>
                            </div>
                            <div class="summary-list__row">
                                <dt>{lang.pick("机动车状态", "Status")}</dt>
                                <dd>{lang.pick(v.status.zh(), v.status.en()).to_string()}</dd>
                            </div>
                            <div class="summary-list__row">
                                <dt>{lang.pick("检验有效期至", "Inspection valid until")}</dt>
                                <dd>{v.inspection_due.map(|d| d.to_string()).unwrap_or_else(|| "—".into())}</dd>
                            </div>
                            <div class="summary-list__row">
                                <dt>{lang.pick("未处理违法", "Violations not handled")}</dt>
                                <dd>
                                    {v.unhandled_violations}
                                    {(v.unhandled_violations > 0).then(|| view! {
                                        " " <a href="/account/violations">{lang.pick("去处理", "Handle them")}</a>
                                    })}
                                </dd>
                            </div>
                        </dl>
                        <ul class="list--bullet hints">{hints}</ul>
                        {(v.binding == BindingKind::Own).then(|| view! {
                            <p><a href=format!("/account/contact?target=v:{}", v.vehicle_id)>{lang.pick("变更车主联系方式", "Change the owner's phone")}<span class="visually-hidden">{format!(" {}", v.plate)}</span></a></p>
                        })}
                        <form method="post" action=UnbindVehicle::PATH class="inline-form">
                            <input type="hidden" name="vehicle_id" value=v.vehicle_id.to_string() />
                            <button class="button button--secondary" type="submit">
                                {lang.pick("解除绑定", "Unbind")}
                                <span class="visually-hidden">{format!(" {}", v.plate)}</span>
                            </button>
                        </form>
                    </section>
                }
            })
            .collect_view()
            .into_any()
    };
    let unbound = (!overview.unbound_own.is_empty()).then(|| {
        let rows = overview
            .unbound_own
            .into_iter()
            .map(|v| {
                let label = |column: usize| lang.pick(UNBOUND_COLUMNS[column].0, UNBOUND_COLUMNS[column].1);
                view! {
                    <tr>
                        <td data-label=label(0) class="plate">{v.plate.clone()}</td>
                        <td data-label=label(1)>{lang.pick(v.vehicle_type.zh(), v.vehicle_type.en()).to_string()}</td>
                        <td data-label=label(2)>{v.brand.clone()}</td>
                        <td data-label=label(3)>
                            <form method="post" action=BindOwnVehicle::PATH class="inline-form">
                                <input type="hidden" name="vehicle_id" value=v.vehicle_id.to_string() />
                                <button class="button" type="submit">
                                    {lang.pick("绑定", "Bind")}
                                    <span class="visually-hidden">{format!(" {}", v.plate)}</span>
                                </button>
                            </form>
                        </td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <h2 class="heading-l">{lang.pick("名下未绑定的机动车", "Vehicles in your name, not bound yet")}</h2>
            <p>{lang.pick("以下机动车登记在您的名下，绑定后即可在网上办理业务。", "These vehicles are registered in your name. Bind them to use online services.")}</p>
            <DataTable lang caption=("名下未绑定的机动车", "Vehicles in your name") columns=UNBOUND_COLUMNS>
                {rows}
            </DataTable>
        }
    });
    let other = match overview.non_own_refusal {
        Some(refusal) => view! {
            <div class="inset">
                <p>{refusal.rule.get(lang).to_string()}</p>
                <p><strong>{refusal.remedy.get(lang).to_string()}</strong></p>
            </div>
        }
        .into_any(),
        None => view! {
            <p>
                {format!(
                    "{}{}{}",
                    lang.pick("窗口注册用户可以绑定3辆非本人名下的机动车，您还可以绑定", "Window-registered users can bind 3 vehicles not in their name. You can bind "),
                    3 - overview.non_own_bound,
                    lang.pick("辆。绑定需车主手机号码接收的验证码确认。", " more. The owner confirms with a code sent to the owner's phone."),
                )}
            </p>
            <OtherVehicleForm lang plate_hint=plate_hint() />
        }
        .into_any(),
    };
    view! {
        <h2 class="heading-l">{lang.pick("已绑定的机动车", "Bound vehicles")}</h2>
        {bound}
        {unbound}
        <h2 class="heading-l">{lang.pick("绑定他人名下的机动车", "Bind a vehicle not in your name")}</h2>
        {other}
    }
}

fn other_labels() -> Vec<(&'static str, Text)> {
    vec![
        ("plate", Text::new("号牌号码", "Plate number")),
        (
            "vin_suffix",
            Text::new("车辆识别代号后6位", "Last 6 characters of the VIN"),
        ),
        (
            "code",
            Text::new("车主收到的短信验证码", "Code the owner received"),
        ),
    ]
}

/// The plate field's hint with this platform's example plate (冀A12345).
fn plate_hint() -> Text {
    let example = format!("{}12345", crate::ui::profile().seat().plate_prefix);
    Text::new(format!("例如：{example}"), format!("For example {example}"))
}

/// Step 1 of binding someone else's vehicle: plate and VIN suffix. A
/// plain form, as rarely used as it is: every phone would otherwise
/// download its code with the login page's. A refused form comes back with
/// each problem beside its field and what was typed; an accepted one goes
/// on to the owner's code. The hint's example plate is this platform's.
#[component]
fn OtherVehicleForm(lang: Lang, plate_hint: Text) -> impl IntoView {
    let error = Signal::stored(form_error_from_url(RequestOtherVehicle::PATH));
    let values = typed_values();
    let labels = other_labels();
    view! {
        <form class="form" method="post" action=RequestOtherVehicle::PATH novalidate>
            <ErrorSummary lang error labels=labels.clone() />
            <TextField
                lang
                name="plate"
                label=labels[0].1.clone()
                hint=plate_hint
                value=typed(&values, "plate")
                server_error=server_problem(error, "plate")
                width_class="input--w10"
            />
            <TextField
                lang
                name="vin_suffix"
                label=labels[1].1.clone()
                hint=Text::new("见机动车行驶证“车辆识别代号”栏", "See \"VIN\" on the vehicle licence")
                value=typed(&values, "vin_suffix")
                server_error=server_problem(error, "vin_suffix")
                width_class="input--w5"
            />
            <button class="button" type="submit">
                {lang.pick("向车主发送验证码", "Send a code to the owner")}
            </button>
        </form>
    }
}

/// Step 2: the owner's code.
#[component]
pub fn ConfirmOtherVehiclePage() -> impl IntoView {
    require_login_redirect();
    let lang = use_lang();
    let (plate, phone) = use_query_map().with_untracked(|q| {
        (
            q.get("plate").unwrap_or_default(),
            // Only a masked number is ever shown from the address.
            q.get("phone")
                .filter(|m| crate::domain::PhoneNumber::is_masked(m))
                .unwrap_or_default(),
        )
    });
    view! {
        <Page title_zh="车主确认" title_en="Owner's confirmation">
            <AccountNav lang current="/account/vehicles" />
            <p class="lead">
                {match lang {
                    Lang::Zh => format!("验证码已发送到机动车{plate}登记的车主手机{phone}。请向车主索取验证码，5分钟内有效。"),
                    Lang::En => format!(
                        "A code was sent to the owner's phone on record for {plate}{}. Ask the owner for it; it is valid for 5 minutes.",
                        if phone.is_empty() { String::new() } else { format!(" ({phone})") }
                    ),
                }}
            </p>
            <ConfirmOtherVehicleForm lang plate />
            <p><a href="/account/vehicles">{lang.pick("返回我的机动车", "Back to my vehicles")}</a></p>
        </Page>
    }
}

/// The owner's code: a plain form (see [`OtherVehicleForm`]).
#[component]
fn ConfirmOtherVehicleForm(lang: Lang, plate: String) -> impl IntoView {
    let error = Signal::stored(form_error_from_url(ConfirmOtherVehicle::PATH));
    let labels = other_labels();
    view! {
        <form class="form" method="post" action=ConfirmOtherVehicle::PATH novalidate>
            <ErrorSummary lang error labels=labels.clone() />
            <input type="hidden" name="plate" value=plate />
            <CodeField lang label=labels[2].1.clone() value=RwSignal::new(String::new()) error />
            <button class="button" type="submit">
                {lang.pick("确认绑定", "Confirm binding")}
            </button>
        </form>
    }
}
