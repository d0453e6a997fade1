//! Surveillance violations (违法处理): the list, one violation with its
//! handling and payment, the receipt (缴款凭证), and the message centre.

use crate::domain::date::cst_date_time;
use crate::domain::violation::{payment_due, yuan_text};
use crate::domain::ViolationStatus;
use crate::features::fines::{
    fine_receipt, my_violations, violation_detail, HandleViolation, PayFine, ViolationItem,
};
use crate::features::messages::my_messages;
use crate::i18n::{use_lang, Lang, Text};
use crate::ui::components::layout::Page;
use crate::ui::components::page_data::{summary_row, when_loaded};
use crate::ui::components::pager::{page_href, pager};
use crate::ui::components::table::DataTable;
use crate::ui::pages::vehicles::{load_failed, AccountNav, DoneBanner, PostedError};
use crate::ui::{require_login_redirect, today};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::{use_params_map, use_query_map};

fn penalty_text(lang: Lang, v: &ViolationItem) -> String {
    match (v.fine_yuan, v.points, lang) {
        (0, 0, Lang::Zh) => "警告".into(),
        (0, 0, Lang::En) => "warning".into(),
        (f, p, Lang::Zh) => format!("罚款{f}元，记{p}分"),
        (f, p, Lang::En) => format!("fine {f} yuan, {p} points"),
    }
}

#[component]
pub fn ViolationsPage() -> impl IntoView {
    require_login_redirect();
    let lang = use_lang();
    let (failed, page) = use_query_map().with_untracked(|q| {
        (
            q.get("payment").is_some_and(|v| v == "failed"),
            q.get("page"),
        )
    });
    let data = Resource::new_blocking(move || page.clone(), my_violations);
    view! {
        <Page title_zh="电子监控违法处理" title_en="Camera-recorded violations">
            <AccountNav lang current="/account/violations" />
            {failed.then(|| view! {
                <div class="error-summary" role="alert">
                    <h2 class="error-summary__title">{lang.pick("支付没有完成，没有扣款记录。请重新缴纳。", "The payment was not completed and nothing was recorded. Please try again.")}</h2>
                </div>
            })}
            <p>{lang.pick(
                "这里列出您已绑定机动车的电子监控违法记录。处理前请核对违法事实；处理后请在15日内缴纳罚款，逾期每日按罚款数额的3%加处罚款。处罚为警告的，没有罚款，处理后即处理完毕。",
                "These are the camera-recorded violations of your bound vehicles. Check the facts before handling; then pay within 15 days — after that 3% of the fine is added per day. A warning has no fine: once handled it is done.",
            )}</p>
            {when_loaded(lang, data, list_view)}
        </Page>
    }
}

/// The columns of the violations list (违法记录), as its cells label themselves.
const VIOLATION_COLUMNS: &[(&str, &str)] = &[
    ("号牌号码", "Plate"),
    ("违法时间", "When"),
    ("违法地点", "Where"),
    ("违法行为", "What"),
    ("处罚", "Penalty"),
    ("状态", "Status"),
    ("操作", "Action"),
];

fn list_view(lang: Lang, overview: crate::features::fines::ViolationsOverview) -> impl IntoView {
    let hidden = (overview.hidden_for_owner > 0).then(|| {
        view! {
            <div class="inset">
                {match lang {
                    Lang::Zh => format!("您绑定的非本人名下机动车另有{}条违法记录，按规定只能由机动车所有人或驾驶人本人处理（非本人名下机动车只能处理警告或200元以下罚款且未记分的违法）。", overview.hidden_for_owner),
                    Lang::En => format!("Vehicles not in your name have {} more violations that only the owner or driver may handle (for such vehicles you can handle only warnings or fines of at most 200 yuan with no points).", overview.hidden_for_owner),
                }}
            </div>
        }
    });
    if overview.items.items.is_empty() {
        return view! {
            <p>{lang.pick("没有违法记录。", "No violations.")}</p>
            {hidden}
        }
        .into_any();
    }
    let pager = pager(lang, &overview.items, ("违法记录", "Violations"), |n| {
        page_href("/account/violations", &[], "page", n)
    });
    let rows = overview
        .items
        .items
        .into_iter()
        .map(|v| {
            let verdict = v.may_handle(crate::ui::profile().home_province());
            let status = lang.pick(v.status.zh(), v.status.en()).to_string();
            let action = match (&verdict, v.status) {
                (Err(r), ViolationStatus::Unhandled | ViolationStatus::HandledUnpaid) => view! {
                    <span class="refused">{lang.pick(&r.rule_zh, &r.rule_en).to_string()}</span>
                }
                .into_any(),
                (_, ViolationStatus::Unhandled) => view! {
                    <a href=format!("/account/violations/{}", v.id)>{lang.pick("处理", "Handle")}<span class="visually-hidden">{format!(" {}", v.code)}</span></a>
                }
                .into_any(),
                (_, ViolationStatus::HandledUnpaid) => view! {
                    <a href=format!("/account/violations/{}", v.id)>{lang.pick("缴款", "Pay")}<span class="visually-hidden">{format!(" {}", v.code)}</span></a>
                }
                .into_any(),
                (_, ViolationStatus::Paid) => match &v.receipt_no {
                    Some(no) => view! { <a href=format!("/account/receipts/{no}")>{lang.pick("缴款凭证", "Receipt")}</a> }.into_any(),
                    None => view! { <span>"—"</span> }.into_any(),
                },
                (_, ViolationStatus::Done) => view! {
                    <span>{lang.pick("无需缴款", "Nothing to pay")}</span>
                }
                .into_any(),
            };
            let label = |column: usize| lang.pick(VIOLATION_COLUMNS[column].0, VIOLATION_COLUMNS[column].1);
            view! {
                <tr>
                    <td data-label=label(0) class="plate">{v.plate.clone()}</td>
                    <td data-label=label(1)>{cst_date_time(v.occurred_at_ms)}</td>
                    <td data-label=label(2)>{v.place.clone()}</td>
                    <td data-label=label(3)>{v.description.clone()}</td>
                    <td data-label=label(4)>{penalty_text(lang, &v)}</td>
                    <td data-label=label(5)>{status}</td>
                    <td data-label=label(6)>{action}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable lang caption=("违法记录", "Violations") columns=VIOLATION_COLUMNS testid="violations">
            {rows}
        </DataTable>
        {pager}
        {hidden}
    }
    .into_any()
}

#[component]
pub fn ViolationPage() -> impl IntoView {
    require_login_redirect();
    let lang = use_lang();
    let id = use_params_map().with_untracked(|p| p.get("id").and_then(|s| s.parse::<i64>().ok()));
    let handled = use_query_map().with_untracked(|q| {
        q.get("handled").map(|_| {
            Text::new(
                "处理成功，处罚决定书已生成。",
                "Handled. The penalty decision is issued.",
            )
        })
    });
    // Back from the payment gateway before its notice arrived (支付确认中).
    let pending =
        use_query_map().with_untracked(|q| q.get("payment").is_some_and(|v| v == "pending"));
    let data = Resource::new_blocking(move || id, |id| violation_detail(id.unwrap_or(-1)));
    // A unit's step 1 of naming the driver, done without JavaScript.
    let code_sent = use_query_map().with_untracked(|q| q.get("code_sent"));
    view! {
        <Page title_zh="违法详情" title_en="Violation">
            <AccountNav lang current="/account/violations" />
            <DoneBanner text=handled lang />
            {pending.then(|| view! {
                <div class="notice" role="status" data-testid="payment-pending">
                    {lang.pick(
                        "支付结果确认中：支付平台确认到账后（通常几秒钟），本页显示已缴清，缴款凭证发到消息中心。请稍后刷新本页，不要重复付款；如已重复付款，多付的款项将原路退回。",
                        "Confirming your payment: once the payment service confirms it (usually within seconds) this page shows the fine as paid and the receipt arrives in your messages. Refresh this page in a moment; please do not pay again — a second payment would be refunded.",
                    )}
                </div>
            })}
            <PostedError lang paths=vec![HandleViolation::PATH, PayFine::PATH] />
            {when_loaded(lang, data, move |lang, v| detail_view(lang, v, code_sent.clone()))}
            <p><a href="/account/violations">{lang.pick("返回违法列表", "Back to violations")}</a></p>
        </Page>
    }
}

fn detail_view(lang: Lang, v: ViolationItem, code_sent: Option<String>) -> impl IntoView {
    let today = today();
    let row = summary_row(lang);
    let facts = view! {
        <dl class="summary-list">
            {row("号牌号码", "Plate", v.plate.clone())}
            {row("违法时间", "When", cst_date_time(v.occurred_at_ms))}
            {row("违法地点", "Where", v.place.clone())}
            {row("违法代码", "Code", v.code.clone())}
            {row("违法行为", "What", v.description.clone())}
            {row("处罚", "Penalty", penalty_text(lang, &v))}
            {row("采集机关", "Recorded by", format!("{}{}", v.recorded_province, lang.pick("省公安交通管理部门", " traffic authority")))}
            {row("状态", "Status", lang.pick(v.status.zh(), v.status.en()).to_string())}
            {v.decision_no.clone().map(|no| row("处罚决定书编号", "Decision number", no))}
        </dl>
    };
    let by_unit = crate::ui::session_account()
        .is_some_and(|a| matches!(a.role, crate::features::accounts::AccountRole::Unit { .. }));
    let verdict = match v.status {
        ViolationStatus::Unhandled => {
            v.may_handle_by(crate::ui::profile().home_province(), by_unit)
        }
        _ => v.may_handle(crate::ui::profile().home_province()),
    };
    let profile = crate::ui::profile();
    let home = profile.home_province();
    if by_unit
        && v.status == ViolationStatus::Unhandled
        && v.points > 0
        && v.may_handle(home).is_ok()
    {
        return view! {
            {facts}
            {super::name_driver::name_driver_section(lang, v.id, v.points, code_sent)}
        }
        .into_any();
    }
    // Recorded by a province whose platform trusts this one: roam there.
    let roam_to = profile
        .peers
        .iter()
        .find(|p| p.province == v.recorded_province && p.province != home)
        .map(|p| {
            let href = format!(
                "{}{}?home={}",
                p.base_url.trim_end_matches('/'),
                crate::domain::roaming::START_PATH,
                crate::ui::encode_query_value(home)
            );
            let text = match lang {
                Lang::Zh => format!("前往{}办理", p.name_zh),
                Lang::En => format!("Handle it on the {}", p.name_en),
            };
            view! { <p><a class="button" href=href data-testid="roam-to">{text}</a></p> }
        });
    let next = match (verdict, v.status) {
        (Err(r), ViolationStatus::Unhandled | ViolationStatus::HandledUnpaid) => view! {
            <div class="inset" data-testid="refusal">
                <p>{lang.pick(&r.rule_zh, &r.rule_en).to_string()}</p>
                <p><strong>{lang.pick(&r.remedy_zh, &r.remedy_en).to_string()}</strong></p>
                {roam_to}
            </div>
        }
        .into_any(),
        (Ok(()), ViolationStatus::Unhandled) => view! {
            <form method="post" action=HandleViolation::PATH class="form">
                <input type="hidden" name="violation_id" value=v.id.to_string() />
                <div class="form-group">
                    <fieldset class="fieldset" id="confirm">
                        <legend class="fieldset__legend">{lang.pick("确认违法事实", "Confirm the facts")}</legend>
                        <div class="checkboxes__item">
                            <input class="checkboxes__input" type="checkbox" id="confirm-yes" name="confirm" value="yes" />
                            <label class="checkboxes__label" for="confirm-yes">
                                {if by_unit {
                                    lang.pick("本单位对上述违法事实无异议，接受处理", "The unit does not dispute the facts above and accepts the penalty")
                                } else {
                                    lang.pick("本人对上述违法事实无异议，接受处理", "I do not dispute the facts above and accept the penalty")
                                }}
                            </label>
                        </div>
                    </fieldset>
                </div>
                <p class="hint">{lang.pick(
                    "如有异议，请不要在网上处理，携带证据到违法行为发生地的交警大队申辩。",
                    "If you dispute it, do not handle it online: bring evidence to the traffic police team where it happened.",
                )}</p>
                <button class="button" type="submit">{lang.pick("确认处理", "Handle it")}</button>
            </form>
        }
        .into_any(),
        (Ok(()), ViolationStatus::HandledUnpaid) => {
            let decided = v.decided_on.unwrap_or(today);
            let surcharge = v.surcharge_fen(today);
            let due = v.amount_due_fen(today);
            view! {
                <h2 class="heading-m">{lang.pick("缴纳罚款", "Pay the fine")}</h2>
                <dl class="summary-list" data-testid="amount">
                    {row("罚款", "Fine", format!("¥{}", yuan_text(i64::from(v.fine_yuan) * 100)))}
                    {row("加处罚款", "Late surcharge", format!("¥{}", yuan_text(surcharge)))}
                    {row("应缴金额", "Total due", format!("¥{}", yuan_text(due)))}
                    {row("缴款期限", "Pay by", payment_due(decided).to_string())}
                </dl>
                <form method="post" action=PayFine::PATH>
                    <input type="hidden" name="violation_id" value=v.id.to_string() />
                    <button class="button" type="submit">{lang.pick("去缴款", "Pay now")}</button>
                </form>
                <p class="hint">{lang.pick(
                    "将跳转到支付平台（如支付宝）付款。重复点击或在多个窗口支付都不会重复扣款。",
                    "You will go to the payment service (such as Alipay) to pay. Clicking twice or paying in two windows never charges twice.",
                )}</p>
            }
            .into_any()
        }
        (_, ViolationStatus::Paid) => match v.receipt_no.clone() {
            Some(no) => view! {
                <p>{lang.pick("该罚款已缴清。", "This fine is paid.")} " " <a href=format!("/account/receipts/{no}")>{lang.pick("查看缴款凭证", "See the receipt")}</a></p>
            }
            .into_any(),
            None => view! { <p>{lang.pick("该违法已处理完毕。", "This violation is settled.")}</p> }.into_any(),
        },
        (_, ViolationStatus::Done) => view! {
            <p data-testid="done">{lang.pick(
                "处罚为警告，没有罚款，无需缴款。该违法已处理完毕。",
                "The penalty is a warning with no fine, so there is nothing to pay. This violation is done.",
            )}</p>
        }
        .into_any(),
    };
    view! {
        {facts}
        {next}
    }
    .into_any()
}

#[component]
pub fn ReceiptPage() -> impl IntoView {
    require_login_redirect();
    let lang = use_lang();
    let no = use_params_map().with_untracked(|p| p.get("no").unwrap_or_default());
    let data = Resource::new_blocking(move || no.clone(), fine_receipt);
    view! {
        <Page title_zh="罚款缴纳凭证" title_en="Fine payment receipt">
            {when_loaded(lang, data, receipt_view)}
            <p class="no-print"><a href="/account/violations">{lang.pick("返回违法列表", "Back to violations")}</a></p>
        </Page>
    }
}

fn receipt_view(lang: Lang, r: crate::features::fines::Receipt) -> impl IntoView {
    let row = summary_row(lang);
    view! {
        <div class="panel--confirmation" role="status" tabindex="-1" autofocus>
            <p class="panel__title">{lang.pick("缴款成功", "Paid")}</p>
            <p class="panel__body">
                {lang.pick("凭证编号", "Receipt number")} " " <strong data-testid="receipt-no">{r.receipt_no.clone()}</strong>
            </p>
        </div>
        <dl class="summary-list receipt">
            {row("缴款人", "Payer", r.payer.clone())}
            {row("处罚决定书编号", "Decision number", r.decision_no.clone())}
            {row("号牌号码", "Plate", r.plate.clone())}
            {row("违法时间", "When", cst_date_time(r.occurred_at_ms))}
            {row("违法地点", "Where", r.place.clone())}
            {row("违法行为", "What", format!("{} {}", r.violation_code, r.description))}
            {row("罚款", "Fine", format!("¥{}", yuan_text(r.fine_fen)))}
            {row("加处罚款", "Late surcharge", format!("¥{}", yuan_text(r.surcharge_fen)))}
            {row("实缴金额", "Amount paid", format!("¥{}", yuan_text(r.amount_fen)))}
            {row("缴款时间", "Paid at", cst_date_time(r.paid_at_ms))}
            {row("订单号", "Order number", r.order_no.clone())}
            {row("银行流水号", "Bank reference", r.bank_ref.clone())}
            {row("收款单位", "Payee", { let p = crate::ui::profile(); lang.pick(&p.seat().payee_zh, &p.seat().payee_en).to_string() })}
        </dl>
        {same_order(lang, &r)}
        {r.qr_svg.clone().map(|svg| view! {
            <div class="receipt__check">
                <div class="qr receipt__qr" role="img" data-testid="receipt-qr"
                    aria-label=lang.pick("核验二维码：交管部门签名的凭证，扫描可查验本凭证的真伪", "Check code: a credential signed by the traffic authority; scan it to check this receipt is genuine")
                    inner_html=svg></div>
                <p class="hint">{lang.pick("扫描二维码或打开下面的核验地址，可查验本凭证是否为交管部门出具、内容是否被改动。", "Scan the code or open the address below to check that the traffic authority issued this receipt and that nothing in it was changed.")}</p>
                {r.verify_url.clone().map(|url| view! { <p class="verify"><a href=url.clone() data-testid="receipt-verify">{lang.pick("核验本凭证", "Check this receipt")}</a></p> })}
            </div>
        })}
        <p class="hint">{lang.pick("本凭证可用浏览器的“打印”功能打印或保存为PDF。", "Print this receipt or save it as PDF with your browser's Print command.")}</p>
        <crate::ui::components::print::PrintButton lang />
    }
}

/// The other fines of a combined order (合并缴款), each a link to its own
/// receipt, and the order's total.
fn same_order(lang: Lang, r: &crate::features::fines::Receipt) -> Option<AnyView> {
    if r.same_order.is_empty() {
        return None;
    }
    let count = r.same_order.len() + 1;
    let total = r.amount_fen + r.same_order.iter().map(|o| o.amount_fen).sum::<i64>();
    let links = r
        .same_order
        .iter()
        .map(|o| {
            let href = format!("/account/receipts/{}", o.receipt_no);
            view! {
                <li>
                    <a href=href>{format!("{} ¥{}", o.plate, yuan_text(o.amount_fen))}</a>
                    " " {lang.pick("凭证编号", "receipt")} " " {o.receipt_no.clone()}
                </li>
            }
        })
        .collect_view();
    Some(
        view! {
            <section class="no-print" aria-labelledby="same-order">
                <h2 class="heading-m" id="same-order">{lang.pick("同一订单合并缴纳的其他罚款", "The other fines paid by this order")}</h2>
                <p>{match lang {
                    Lang::Zh => format!("本订单合并缴纳{count}笔罚款，共¥{}；每笔罚款各有一张缴款凭证：", yuan_text(total)),
                    Lang::En => format!("This order paid {count} fines, ¥{} in all; each fine has a receipt of its own:", yuan_text(total)),
                }}</p>
                <ul data-testid="same-order">{links}</ul>
            </section>
        }
        .into_any(),
    )
}

#[component]
pub fn MessagesPage() -> impl IntoView {
    require_login_redirect();
    let lang = use_lang();
    let page = use_query_map().with_untracked(|q| q.get("page"));
    let data = Resource::new_blocking(move || page.clone(), my_messages);
    view! {
        <Page title_zh="消息中心" title_en="Messages">
            <AccountNav lang current="/account/messages" />
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(list) if list.items.is_empty() => view! { <p>{lang.pick("暂无消息。", "No messages.")}</p> }.into_any(),
                        Ok(list) => view! {
                            <ol class="messages" data-testid="messages">
                                {list
                                    .items
                                    .clone()
                                    .into_iter()
                                    .map(|m| view! {
                                        <li class=if m.read { "message" } else { "message message--unread" }>
                                            <h2 class="heading-m">
                                                {(!m.read).then(|| view! { <span class="tag">{lang.pick("新", "New")}</span> " " })}
                                                {m.title.clone()}
                                            </h2>
                                            <p class="caption">{cst_date_time(m.created_at_ms)}</p>
                                            <p>{m.body.clone()}</p>
                                            {(!m.link.is_empty()).then(|| view! { <p><a href=m.link.clone()>{lang.pick("查看", "Open")}</a></p> })}
                                        </li>
                                    })
                                    .collect_view()}
                            </ol>
                            {pager(lang, &list, ("消息", "Messages"), |n| page_href("/account/messages", &[], "page", n))}
                        }
                        .into_any(),
                        Err(err) => load_failed(lang, err),
                    }
                })}
            </Suspense>
        </Page>
    }
}
