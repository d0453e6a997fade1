//! The payment routes (缴款): the hand-off page that sends the payer to the
//! gateway (`GET /payments/checkout`), the gateway's signed
//! server-to-server notice (`POST /payments/notify`), the payer's browser
//! coming back (`GET /payments/return`), and the simulated bank's own pages
//! (`GET /dev/bank/checkout`, `POST /dev/bank/pay`, development only).
//! Settling is idempotent, so the notice and the return record the payment
//! once.

use super::WebState;
use crate::payments::SimulatedBank;
use app::features::accounts::session::CurrentSession;
use app::ports::{
    GatewayForm, GatewayMessage, NoticeChannel, NoticeRefusal, PayerDevice, PaymentNotice,
    PaymentOrder, Settlement,
};
use axum::extract::{Form, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Extension;

/// What became of a gateway's message.
#[derive(Debug)]
pub enum Received {
    /// It paid: the settlement (idempotent).
    Settled(Settlement),
    /// Authentic, but no proof of payment: nothing recorded.
    NoPayment {
        order_no: String,
    },
    Refused(NoticeRefusal),
}

/// Reads a gateway's message through the payment port and records a
/// verified payment.
pub async fn receive(
    state: &WebState,
    channel: NoticeChannel,
    fields: &[(String, String)],
) -> Received {
    match state.ports.payments.read_message(channel, fields) {
        Ok(GatewayMessage::Paid(notice)) => Received::Settled(settle(state, &notice).await),
        Ok(GatewayMessage::NoPayment { order_no }) => Received::NoPayment { order_no },
        Err(refusal) => {
            tracing::warn!(?channel, %refusal, "payment message refused");
            Received::Refused(refusal)
        }
    }
}

/// Records a verified notice.
async fn settle(state: &WebState, notice: &PaymentNotice) -> Settlement {
    match state
        .ports
        .fine_payments
        .settle_payment(notice, state.ports.clock.now_ms())
        .await
    {
        Ok(settlement) => {
            if matches!(
                settlement,
                Settlement::AmountMismatch | Settlement::UnknownOrder
            ) {
                tracing::error!(order = %notice.order_no, ?settlement, "payment notice not matching an order");
            }
            settlement
        }
        Err(err) => {
            tracing::error!(order = %notice.order_no, error = %err, "settling a payment failed");
            Settlement::UnknownOrder
        }
    }
}

/// `POST /payments/notify`: the gateway's server-to-server notice. Answers
/// `success` once recorded, or when it reports no payment (the gateway
/// retries anything else); a refused notice records nothing.
pub async fn notify(
    State(state): State<WebState>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    match receive(&state, NoticeChannel::ServerNotice, &fields).await {
        Received::Settled(
            Settlement::Paid { .. } | Settlement::AlreadyPaid { .. } | Settlement::RefundDue { .. },
        )
        | Received::NoPayment { .. } => "success".into_response(),
        Received::Settled(_) => (StatusCode::UNPROCESSABLE_ENTITY, "fail").into_response(),
        Received::Refused(refusal @ NoticeRefusal::Malformed(_)) => {
            (StatusCode::BAD_REQUEST, format!("fail: {refusal}")).into_response()
        }
        Received::Refused(refusal @ NoticeRefusal::NotAuthentic(_)) => {
            (StatusCode::FORBIDDEN, format!("fail: {refusal}")).into_response()
        }
    }
}

/// `GET /payments/return`: the payer's browser coming back from the
/// gateway. To the receipt once the order is paid; to the violation, which
/// says the payment is being confirmed, while the gateway's notice is on
/// its way.
pub async fn browser_return(
    State(state): State<WebState>,
    Query(fields): Query<Vec<(String, String)>>,
) -> Response {
    let failed = || Redirect::to("/account/violations?payment=failed").into_response();
    match receive(&state, NoticeChannel::BrowserReturn, &fields).await {
        Received::Settled(
            Settlement::Paid { receipt_no, .. } | Settlement::AlreadyPaid { receipt_no, .. },
        ) => Redirect::to(&format!("/account/receipts/{receipt_no}")).into_response(),
        Received::Settled(Settlement::RefundDue { .. }) => {
            Redirect::to("/account/messages").into_response()
        }
        Received::NoPayment { order_no } => {
            match state.ports.fine_payments.payment_order(&order_no).await {
                Ok(Some(PaymentOrder {
                    receipt_no: Some(receipt_no),
                    ..
                })) => Redirect::to(&format!("/account/receipts/{receipt_no}")).into_response(),
                Ok(Some(order)) if order.status == "refund_due" => {
                    Redirect::to("/account/messages").into_response()
                }
                Ok(Some(order)) => Redirect::to(&format!(
                    "/account/violations/{}?payment=pending",
                    order.violation_id
                ))
                .into_response(),
                _ => failed(),
            }
        }
        _ => failed(),
    }
}

#[derive(serde::Deserialize)]
pub struct CheckoutQuery {
    /// Missing is the same as unknown: the page says there is no such order.
    #[serde(default)]
    order_no: String,
}

/// `GET /payments/checkout`: the hand-off page (前往支付). Signs the
/// gateway request now (a fresh timestamp) for the payer's own open order
/// and sends the browser on with a GET form — submitted by a script, or by
/// the button without JavaScript. A phone gets the gateway's phone checkout.
pub async fn checkout(
    State(state): State<WebState>,
    session: Option<Extension<CurrentSession>>,
    headers: HeaderMap,
    Query(q): Query<CheckoutQuery>,
) -> Response {
    let Some(Extension(session)) = session else {
        return Redirect::to("/login").into_response();
    };
    // A unit's operator pays only when granted violations and fines.
    if !session
        .account
        .may_use_unit_service(&[app::domain::unit_operator::OperatorService::Violations])
    {
        return (
            StatusCode::FORBIDDEN,
            Html(plain_page(
                "未获准办理 / Not allowed",
                "<p>您的经办人账户未获准办理“违法处理和罚款缴纳”。</p><p lang=\"en\">Your operator login is not allowed to use \"Violations and fines\".</p>",
            )),
        )
            .into_response();
    }
    let not_found = || {
        (
            StatusCode::NOT_FOUND,
            Html(plain_page(
                "订单不存在 / No such order",
                "<p>没有这个缴款订单。</p><p lang=\"en\">There is no such payment order.</p>\
                 <p><a href=\"/account/violations\">返回违法记录 / Back to violations</a></p>",
            )),
        )
            .into_response()
    };
    let order = match state
        .ports
        .fine_payments
        .payment_order(q.order_no.trim())
        .await
    {
        Ok(Some(order)) => order,
        Ok(None) => return not_found(),
        Err(err) => {
            tracing::error!(error = %err, "checkout: order");
            return (StatusCode::INTERNAL_SERVER_ERROR, "error").into_response();
        }
    };
    // Only the account whose fine it is (another's order is "not found").
    match state
        .ports
        .fines
        .violation(session.account.account_id, order.violation_id)
        .await
    {
        Ok(Some(_)) => {}
        Ok(None) => return not_found(),
        Err(err) => {
            tracing::error!(error = %err, "checkout: violation");
            return (StatusCode::INTERNAL_SERVER_ERROR, "error").into_response();
        }
    }
    if let Some(receipt_no) = &order.receipt_no {
        return Redirect::to(&format!("/account/receipts/{receipt_no}")).into_response();
    }
    if order.status != "pending" || order.expires_at <= state.ports.clock.now_ms() {
        // Expired or replaced: "去缴款" on the violation opens a fresh order.
        return Redirect::to(&format!("/account/violations/{}", order.violation_id))
            .into_response();
    }
    let device = payer_device(&headers);
    match state.ports.payments.hand_off(&order, device) {
        Some(form) => hand_off_page(&order, &form),
        None => Redirect::to(&state.ports.payments.checkout_url(&order)).into_response(),
    }
}

/// A phone's browser (手机): its user agent says `Mobi`, Android or iPhone.
fn payer_device(headers: &HeaderMap) -> PayerDevice {
    let agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if ["Mobi", "Android", "iPhone"]
        .iter()
        .any(|m| agent.contains(m))
    {
        PayerDevice::Phone
    } else {
        PayerDevice::Computer
    }
}

/// The script that submits the form, allowed by its hash in the page's CSP.
const SUBMIT_SCRIPT: &str = "document.getElementById('pay').submit();";

fn hand_off_page(order: &PaymentOrder, form: &GatewayForm) -> Response {
    use base64::Engine;
    use sha2::Digest;
    let inputs: String = form
        .fields
        .iter()
        .map(|(k, v)| {
            format!(
                "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
                escape(k),
                escape(v)
            )
        })
        .collect();
    let body = format!(
        "<p>应缴金额：<strong data-testid=\"pay-amount\">¥{amount}</strong>（订单 {order_no}）</p>\
         <p lang=\"en\">Amount due ¥{amount} (order {order_no}). You are being taken to Alipay to pay.</p>\
         <form id=\"pay\" method=\"get\" action=\"{action}\" accept-charset=\"utf-8\">{inputs}\
         <button type=\"submit\">前往支付宝付款 / Continue to Alipay</button></form>\
         <p><a href=\"/account/violations/{violation_id}\">取消，返回 / Cancel</a></p>\
         <script>{SUBMIT_SCRIPT}</script>",
        amount = app::domain::violation::yuan_text(order.amount_fen),
        order_no = escape(&order.order_no),
        action = escape(&form.action),
        violation_id = order.violation_id,
    );
    let script_hash = base64::engine::general_purpose::STANDARD
        .encode(sha2::Sha256::digest(SUBMIT_SCRIPT.as_bytes()));
    // No form-action: the gateway redirects the submitted form on to its
    // cashier pages, which a form-action list would block.
    let csp = format!(
        "default-src 'none'; script-src 'sha256-{script_hash}'; base-uri 'none'; frame-ancestors 'none'"
    );
    (
        [
            (header::CACHE_CONTROL, "no-store".to_string()),
            (header::CONTENT_SECURITY_POLICY, csp),
        ],
        Html(plain_page("正在前往支付宝 / Going to Alipay", &body)),
    )
        .into_response()
}

fn plain_page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title></head><body><main><h1>{title}</h1>{body}</main></body></html>"
    )
}

#[derive(serde::Deserialize)]
pub struct OrderQuery {
    order_no: String,
}

/// `GET /dev/bank/checkout`: the simulated bank's payment page.
pub async fn bank_checkout(State(state): State<WebState>, Query(q): Query<OrderQuery>) -> Response {
    let order = match state.ports.fine_payments.payment_order(&q.order_no).await {
        Ok(Some(order)) => order,
        Ok(None) => {
            return (
                StatusCode::NOT_FOUND,
                Html(bank_page("订单不存在", "<p>没有这个订单。</p>")),
            )
                .into_response()
        }
        Err(err) => {
            tracing::error!(error = %err, "bank checkout");
            return (StatusCode::INTERNAL_SERVER_ERROR, "error").into_response();
        }
    };
    let amount = app::domain::violation::yuan_text(order.amount_fen);
    let order_no = escape(&order.order_no);
    let body = if order.status == "paid" {
        format!("<p>订单 {order_no} 已经支付，不会重复扣款。</p><p><a href=\"/account/violations\">返回平台</a></p>")
    } else {
        let payee = escape(&state.ports.profile.seat().payee_zh);
        format!(
            "<p>收款方：{payee}（非税收入）</p>\
             <p>订单号：<strong>{order_no}</strong></p>\
             <p>金额：<strong data-testid=\"bank-amount\">¥{amount}</strong></p>\
             <form method=\"post\" action=\"/dev/bank/pay\">\
               <input type=\"hidden\" name=\"order_no\" value=\"{order_no}\">\
               <button type=\"submit\">确认支付</button>\
             </form>\
             <p><a href=\"/account/violations\">取消支付，返回平台</a></p>"
        )
    };
    (
        [(header::CACHE_CONTROL, "no-store")],
        Html(bank_page("模拟银行支付", &body)),
    )
        .into_response()
}

#[derive(serde::Deserialize)]
pub struct PayForm {
    order_no: String,
}

/// `POST /dev/bank/pay`: the payer confirms at the bank. The bank notifies
/// the platform, then sends the browser back with a signed return.
pub async fn bank_pay(State(state): State<WebState>, Form(form): Form<PayForm>) -> Response {
    let order = match state
        .ports
        .fine_payments
        .payment_order(&form.order_no)
        .await
    {
        Ok(Some(order)) => order,
        _ => return (StatusCode::NOT_FOUND, "no such order").into_response(),
    };
    let Some(bank) = state.bank.clone() else {
        return (StatusCode::NOT_FOUND, "no simulated bank").into_response();
    };
    let bank_ref = SimulatedBank::bank_ref(&order.order_no);
    let notice = PaymentNotice {
        signature: bank.sign(&order.order_no, order.amount_fen, &bank_ref),
        order_no: order.order_no.clone(),
        amount_fen: order.amount_fen,
        bank_ref: bank_ref.clone(),
    };
    // Server-to-server notice first (as a real bank does).
    let _ = receive(
        &state,
        NoticeChannel::ServerNotice,
        &SimulatedBank::notice_fields(&notice),
    )
    .await;
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("order_no", &notice.order_no)
        .append_pair("amount_fen", &notice.amount_fen.to_string())
        .append_pair("bank_ref", &notice.bank_ref)
        .append_pair("signature", &notice.signature)
        .finish();
    let location = format!("/payments/return?{query}");
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}

fn bank_page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title>\
         <style>body{{font-family:sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;line-height:1.6}}\
         .banner{{background:#fdf2d0;border-left:6px solid #b58105;padding:.5rem 1rem}}\
         button{{font-size:1.1rem;padding:.6rem 1.5rem;background:#00703c;color:#fff;border:0;border-radius:4px;cursor:pointer}}\
         button:focus{{outline:3px solid #fd0}}</style></head><body>\
         <p class=\"banner\">开发环境的模拟银行：不会真实扣款。</p><h1>{title}</h1>{body}</body></html>"
    )
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
