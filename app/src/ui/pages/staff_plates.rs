//! The administrator's plate pools (号池管理): each configured city's pool by
//! status and its withheld series; load a series; withhold a series. Plain
//! forms.

use crate::domain::StaffPower;
use crate::features::plates::{
    staff_plate_pools, PoolCity, StaffLoadPlateSeries, StaffWithholdPlateSeries,
};
use crate::i18n::{use_lang, Lang, Text};
use crate::ui::components::layout::Page;
use crate::ui::components::page_data::{when_loaded, DoneBanner, PostedError};
use crate::ui::pages::staff::staff_page;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

#[component]
pub fn PlatePoolsPage() -> impl IntoView {
    let lang = use_lang();
    let done = use_query_map().with_untracked(|q| {
        q.get("loaded")
            .map(|n| {
                Text::new(
                    format!("已投放{n}个号码。"),
                    format!("{n} numbers were added."),
                )
            })
            .or_else(|| {
                q.get("withheld").map(|n| {
                    Text::new(
                        format!("已保留该号段，{n}个号码撤出号池。"),
                        format!("The series is withheld; {n} numbers left the pool."),
                    )
                })
            })
    });
    let data = Resource::new_blocking(|| (), |_| staff_plate_pools());
    let body = match staff_page(lang, &[StaffPower::ManagePlatePools]) {
        Err(v) => v,
        Ok(_) => view! {
            <DoneBanner lang text=done />
            <PostedError lang paths=vec![StaffLoadPlateSeries::PATH, StaffWithholdPlateSeries::PATH] />
            {when_loaded(lang, data, pools)}
        }
        .into_any(),
    };
    view! { <Page title_zh="号牌号池管理" title_en="Plate pools">{body}</Page> }
}

fn city_select(lang: Lang, id: &'static str, cities: &[PoolCity]) -> impl IntoView {
    let options = cities
        .iter()
        .map(|c| view! { <option value=c.city.clone()>{c.city.clone()}</option> })
        .collect_view();
    view! {
        <div class="form-group">
            <label class="label" for=id>{lang.pick("号牌发牌机关", "Plate prefix")}</label>
            <select class="select" id=id name="city">{options}</select>
        </div>
    }
}

fn pools(lang: Lang, cities: Vec<PoolCity>) -> impl IntoView {
    let cell = move |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let rows = cities
        .iter()
        .map(|c| {
            let mut withheld: Vec<String> = c.configured_withheld.iter().map(|s| format!("{s}（{}）", lang.pick("配置文件", "configuration"))).collect();
            withheld.extend(c.withheld.iter().map(|(s, r)| format!("{s}（{r}）")));
            view! {
                <tr>
                    <td data-label=cell("号牌发牌机关", "Prefix")>{c.city.clone()}</td>
                    <td data-label=cell("可选", "Available")>{c.available}</td>
                    <td data-label=cell("选号中", "Shown")>{c.shown}</td>
                    <td data-label=cell("预留", "Held")>{c.held}</td>
                    <td data-label=cell("已选用", "Taken")>{c.taken}</td>
                    <td data-label=cell("保留号段", "Withheld")>{if withheld.is_empty() { "—".to_string() } else { withheld.join("、") }}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="table" data-testid="plate-pools">
                <caption class="visually-hidden">{cell("号池", "Pools")}</caption>
                <thead><tr>
                    <th scope="col">{cell("号牌发牌机关", "Prefix")}</th>
                    <th scope="col">{cell("可选", "Available")}</th>
                    <th scope="col">{cell("选号中", "Shown")}</th>
                    <th scope="col">{cell("预留", "Held")}</th>
                    <th scope="col">{cell("已选用", "Taken")}</th>
                    <th scope="col">{cell("保留号段", "Withheld")}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <section class="section" aria-labelledby="load-heading">
            <h2 class="heading-m" id="load-heading">{cell("投放号段", "Load a series")}</h2>
            <form class="form" method="post" action=StaffLoadPlateSeries::PATH novalidate>
                {city_select(lang, "load-city", &cities)}
                <div class="form-group">
                    <label class="label" for="load-series">{cell("号段（序号前3或4位）", "Series (first 3 or 4 characters)")}</label>
                    <p class="hint" id="load-series-hint">{cell("如D12投放D1200至D12ZZ中的普通号码；已被车辆使用、保留或已在号池的号码跳过", "e.g. D12 adds the ordinary numbers D1200 to D12ZZ; numbers in use, withheld or already in the pool are skipped")}</p>
                    <input class="input input--w5" id="load-series" name="series" type="text" autocomplete="off" aria-describedby="load-series-hint" required />
                </div>
                <button class="button" type="submit">{cell("投放", "Load")}</button>
            </form>
        </section>
        <section class="section" aria-labelledby="withhold-heading">
            <h2 class="heading-m" id="withhold-heading">{cell("保留号段", "Withhold a series")}</h2>
            <form class="form" method="post" action=StaffWithholdPlateSeries::PATH novalidate>
                {city_select(lang, "withhold-city", &cities)}
                <div class="form-group">
                    <label class="label" for="withhold-series">{cell("号段（序号前1至4位）", "Series (first 1 to 4 characters)")}</label>
                    <input class="input input--w5" id="withhold-series" name="series" type="text" autocomplete="off" required />
                </div>
                <div class="form-group">
                    <label class="label" for="withhold-reason">{cell("保留原因", "Reason")}</label>
                    <input class="input input--w20" id="withhold-reason" name="reason" type="text" autocomplete="off" required />
                </div>
                <button class="button button--warning" type="submit">{cell("保留并撤出号池", "Withhold and take out of the pool")}</button>
            </form>
        </section>
    }
}
