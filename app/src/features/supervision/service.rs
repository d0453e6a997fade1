//! Supervision's orchestration: looking accounts up (masked) and opening
//! one (recorded as a view of the person's record), disabling and
//! re-enabling, filing and deciding appeals.

use super::port::{AccountQuery, AppealDecided, AppealFiled};
use super::{AccountFile, AccountHit, MyBlacklistEntry};
use crate::domain::{CreditCode, Date, PhoneNumber, ResidentId};
use crate::error::AppError;
use crate::features::port::Actor;
use crate::i18n::Text;
use crate::ports::Ports;

/// What a clerk typed to find an account: an ID number, a credit code or
/// a phone number, as typed (spaces, full-width digits).
pub fn parse_query(raw: &str) -> Result<AccountQuery, AppError> {
    if let Ok(id) = ResidentId::parse(raw) {
        return Ok(AccountQuery::IdNumber(id));
    }
    if let Ok(code) = CreditCode::parse(raw) {
        return Ok(AccountQuery::CreditCode(code));
    }
    if let Ok(phone) = PhoneNumber::parse(raw) {
        return Ok(AccountQuery::Phone(phone));
    }
    Err(AppError::field(
        "query",
        Text::new(
            "请输入18位身份证号码、18位统一社会信用代码或11位手机号码",
            "Enter an 18-character ID number, an 18-character credit code or an 11-digit phone number",
        ),
    ))
}

/// The accounts matching, masked.
pub async fn find(ports: &Ports, raw: &str) -> Result<Vec<AccountHit>, AppError> {
    let query = parse_query(raw)?;
    let files = ports.supervision.find_accounts(&query).await?;
    Ok(files.iter().map(AccountFile::hit).collect())
}

fn no_such_account() -> AppError {
    AppError::NotFound(Text::new("没有找到该账户", "No such account"))
}

/// Opens an account's file in full; the opening is recorded for the
/// holder to see (`why`: `supervision:…` or `window:…`).
pub async fn open(
    ports: &Ports,
    account_id: i64,
    why: &str,
    actor: &Actor,
) -> Result<AccountFile, AppError> {
    let file = ports
        .supervision
        .account_file(account_id)
        .await?
        .ok_or_else(no_such_account)?;
    ports
        .record_views
        .record_view(account_id, why, actor)
        .await?;
    Ok(file)
}

fn reason_of(raw: &str, what: Text) -> Result<String, AppError> {
    let reason = raw.trim();
    if (2..=200).contains(&reason.chars().count()) {
        Ok(reason.to_string())
    } else {
        Err(AppError::field("reason", what))
    }
}

/// Disables (with a reason) or re-enables an individual or unit account.
pub async fn set_disabled(
    ports: &Ports,
    account_id: i64,
    disable: bool,
    reason: &str,
    actor: &Actor,
) -> Result<(), AppError> {
    let reason = reason_of(
        reason,
        Text::new(
            "请填写原因（2至200个字），将告知账户持有人",
            "Give the reason (2 to 200 characters); the holder is told it",
        ),
    )?;
    let file = ports
        .supervision
        .account_file(account_id)
        .await?
        .ok_or_else(no_such_account)?;
    if file.disabled.is_some() == disable {
        return Err(AppError::Conflict(if disable {
            Text::new("该账户已是停用状态", "The account is already disabled")
        } else {
            Text::new("该账户未停用", "The account is not disabled")
        }));
    }
    let change = ports
        .supervision
        .set_account_disabled(account_id, disable, &reason, actor);
    if disable {
        // Its sessions on the platforms it roamed to end too.
        crate::features::roaming::service::announcing(
            ports,
            account_id,
            crate::domain::roaming::NoticeEvent::Disabled,
            change,
        )
        .await?;
    } else {
        change.await?;
    }
    Ok(())
}

/// My blacklist entries with my appeals.
pub async fn my_blacklist(
    ports: &Ports,
    account_id: i64,
    today: Date,
) -> Result<Vec<MyBlacklistEntry>, AppError> {
    let entries = ports.blacklists.blacklist_of(account_id).await?;
    let appeals = ports.supervision.appeals_of(account_id).await?;
    Ok(entries
        .into_iter()
        .map(|entry| MyBlacklistEntry {
            in_force: entry.lifted.is_none() && entry.until >= today,
            appeals: appeals
                .iter()
                .filter(|a| a.entry_id == entry.id)
                .cloned()
                .collect(),
            entry,
        })
        .collect())
}

/// Files an appeal with the person's reason.
pub async fn file_appeal(
    ports: &Ports,
    account_id: i64,
    entry_id: i64,
    reason: &str,
    today: Date,
    actor: &Actor,
) -> Result<i64, AppError> {
    let reason = reason_of(
        reason,
        Text::new(
            "请写明申诉理由（2至200个字），如拒收或未领取的原因",
            "Give your reason (2 to 200 characters), such as why the post was refused or not collected",
        ),
    )?;
    match ports
        .supervision
        .file_appeal(account_id, entry_id, &reason, today, actor)
        .await?
    {
        AppealFiled::Filed(id) => Ok(id),
        AppealFiled::NoSuchEntry => Err(AppError::NotFound(Text::new(
            "没有找到该黑名单记录",
            "No such blacklist entry",
        ))),
        AppealFiled::NotInForce => Err(AppError::Conflict(Text::new(
            "该黑名单记录已解除或已到期，无需申诉",
            "That entry has been lifted or has ended; there is nothing to appeal",
        ))),
        AppealFiled::AlreadyWaiting => Err(AppError::Conflict(Text::new(
            "您对该记录的申诉正在审核，请等待结果",
            "Your appeal against that entry is being reviewed; please wait for the result",
        ))),
    }
}

/// A supervisor's decision: `decision` is "lift" or "uphold".
pub async fn decide_appeal(
    ports: &Ports,
    appeal_id: i64,
    decision: &str,
    reason: &str,
    actor: &Actor,
) -> Result<(), AppError> {
    let lift = match decision {
        "lift" => Some(true),
        "uphold" => Some(false),
        _ => None,
    };
    let reason = reason_of(
        reason,
        Text::new(
            "请填写决定理由（2至200个字），将告知申诉人",
            "Give the reason for the decision (2 to 200 characters); the appellant is told it",
        ),
    );
    let Some(lift) = lift else {
        let mut problems = vec![crate::error::FieldProblem::new(
            "decision",
            Text::new("请选择审核结果", "Choose a decision"),
        )];
        if let Err(AppError::Fields(more)) = reason {
            problems.extend(more);
        }
        return Err(AppError::Fields(problems));
    };
    let reason = reason?;
    match ports
        .supervision
        .decide_appeal(appeal_id, lift, &reason, actor)
        .await?
    {
        AppealDecided::Decided => Ok(()),
        AppealDecided::NoSuchAppeal => Err(AppError::NotFound(Text::new(
            "没有找到该申诉",
            "No such appeal",
        ))),
        AppealDecided::AlreadyDecided => Err(AppError::Conflict(Text::new(
            "该申诉已有审核结果",
            "That appeal has already been decided",
        ))),
    }
}
