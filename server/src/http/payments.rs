//! The payment routes (缴款): the gateway's signed server-to-server
//! notice (`POST /payments/notify`), the payer's browser coming back
//! (`GET /payments/return`), and the simulated bank's own pages
//! (`GET /dev/bank/checkout`, `POST /dev/bank/pay`). Settling is
//! idempotent, so the notice and the return record the payment once.

use super::WebState;
use crate::payments::SimulatedBank;
use app::ports::{PaymentNotice, Settlement};
use axum::extract::{Form, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};

/// Verifies and records a bank notice. `None` when the signature is bad.
pub async fn accept_notice(state: &WebState, notice: &PaymentNotice) -> Option<Settlement> {
    if !state.ports.payments.verify(notice) {
        tracing::warn!(order = %notice.order_no, "payment notice with a bad signature refused");
        return None;
    }
    match state
        .ports
        .fines
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
            Some(settlement)
        }
        Err(err) => {
            tracing::error!(order = %notice.order_no, error = %err, "settling a payment failed");
            Some(Settlement::UnknownOrder)
        }
    }
}

/// `POST /payments/notify`: the bank's server-to-server notice. Answers
/// `success` once recorded (the bank retries otherwise).
pub async fn notify(State(state): State<WebState>, Form(notice): Form<PaymentNotice>) -> Response {
    match accept_notice(&state, &notice).await {
        Some(
            Settlement::Paid { .. } | Settlement::AlreadyPaid { .. } | Settlement::RefundDue { .. },
        ) => "success".into_response(),
        Some(_) => (StatusCode::UNPROCESSABLE_ENTITY, "fail").into_response(),
        None => (StatusCode::FORBIDDEN, "bad signature").into_response(),
    }
}

/// `GET /payments/return`: the payer's browser coming back from the bank.
pub async fn browser_return(
    State(state): State<WebState>,
    Query(notice): Query<PaymentNotice>,
) -> Response {
    match accept_notice(&state, &notice).await {
        Some(Settlement::Paid { receipt_no, .. } | Settlement::AlreadyPaid { receipt_no, .. }) => {
            Redirect::to(&format!("/account/receipts/{receipt_no}")).into_response()
        }
        Some(Settlement::RefundDue { .. }) => Redirect::to("/account/messages").into_response(),
        _ => Redirect::to("/account/violations?payment=failed").into_response(),
    }
}

#[derive(serde::Deserialize)]
pub struct OrderQuery {
    order_no: String,
}

/// `GET /dev/bank/checkout`: the simulated bank's payment page.
pub async fn bank_checkout(State(state): State<WebState>, Query(q): Query<OrderQuery>) -> Response {
    let order = match state.ports.fines.payment_order(&q.order_no).await {
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
        format!(
            "<p>收款方：石家庄市公安局交通管理局（非税收入）</p>\
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
    let order = match state.ports.fines.payment_order(&form.order_no).await {
        Ok(Some(order)) => order,
        _ => return (StatusCode::NOT_FOUND, "no such order").into_response(),
    };
    let bank = state.bank.clone();
    let bank_ref = SimulatedBank::bank_ref(&order.order_no);
    let notice = PaymentNotice {
        signature: bank.sign(&order.order_no, order.amount_fen, &bank_ref),
        order_no: order.order_no.clone(),
        amount_fen: order.amount_fen,
        bank_ref: bank_ref.clone(),
    };
    // Server-to-server notice first (as a real bank does).
    let _ = accept_notice(&state, &notice).await;
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
