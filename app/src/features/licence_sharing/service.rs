//! The share desk: the holder makes, lists and revokes codes; anyone with
//! a code and the licence number's last four characters checks the
//! licence, within a limit of wrong checks per address.

use super::port::{LicenceShares, NewShareCode, ShareCheck, ShareLookup};
use super::{CheckedLicence, SharePage};
use crate::domain::identity::ResidentId;
use crate::domain::share_code::{
    display, is_result_key, new_code, parse_code, parse_days, parse_licence_tail, parse_party,
    result_key, FAILED_CHECKS_PER_HOUR, MAX_ACTIVE, RESULT_MINUTES,
};
use crate::error::{AppError, FieldCheck};
use crate::features::accounts::SessionAccount;
use crate::features::bindings::port::OwnerKey;
use crate::features::bindings::service::BindingDesk;
use crate::features::port::Actor;
use crate::i18n::Text;
use crate::ports::Ports;

const HOUR_MS: i64 = 3_600_000;

/// The create form as posted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ShareForm {
    pub party: String,
    pub days: String,
}

/// The check form as posted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CheckForm {
    pub code: String,
    pub licence_tail: String,
    pub checker: String,
}

/// The share desk (驾驶证信息分享).
pub struct ShareDesk<'a> {
    pub shares: &'a dyn LicenceShares,
    pub bindings: BindingDesk<'a>,
    pub now_ms: i64,
}

impl<'a> ShareDesk<'a> {
    pub fn of(ports: &'a Ports) -> ShareDesk<'a> {
        ShareDesk {
            shares: &*ports.licence_shares,
            bindings: BindingDesk::of(ports),
            now_ms: ports.clock.now_ms(),
        }
    }

    /// The holder's page: whether a licence is bound, and the codes.
    pub async fn page(&self, holder: &SessionAccount) -> Result<SharePage, AppError> {
        let licence_bound = self
            .bindings
            .licence(holder)
            .await?
            .is_some_and(|l| l.bound);
        Ok(SharePage {
            licence_bound,
            codes: self
                .shares
                .share_codes(holder.account_id, self.now_ms)
                .await?,
        })
    }

    /// Makes a code for a named party; answers it as shown.
    pub async fn create(
        &self,
        holder: &SessionAccount,
        form: &ShareForm,
        actor: &Actor,
    ) -> Result<String, AppError> {
        let mut check = FieldCheck::new();
        let party = check.take_text(
            "party",
            parse_party(
                &form.party,
                Text::new(
                    "请填写分享给谁，如：某某汽车租赁公司",
                    "Say who it is for, such as a car-rental firm",
                ),
            ),
        );
        let days = check.take_text("days", parse_days(&form.days));
        check.finish()?;
        let (Some(party), Some(days)) = (party, days) else {
            unreachable!("FieldCheck::finish refuses a form with a field missing")
        };
        let bound = self
            .bindings
            .licence(holder)
            .await?
            .is_some_and(|l| l.bound);
        let OwnerKey::Person(licence_number) = holder.registry_owner()? else {
            return Err(AppError::NotLoggedIn);
        };
        if !bound {
            return Err(AppError::not_allowed(
                Text::new(
                    "只能分享已绑定的本人驾驶证。",
                    "Only your own bound licence can be shared.",
                ),
                Text::new(
                    "请先在“我的驾驶证”绑定本人驾驶证。",
                    "Bind your licence on “My driving licence” first.",
                ),
            ));
        }
        let code = new_code(rand::random());
        let new = NewShareCode {
            account_id: holder.account_id,
            licence_number,
            code: code.clone(),
            party,
            expires_at_ms: self.now_ms + days * 24 * HOUR_MS,
        };
        if self
            .shares
            .create_share_code(&new, MAX_ACTIVE, actor)
            .await?
            .is_none()
        {
            return Err(AppError::Conflict(Text::new(
                format!("您已有{MAX_ACTIVE}个有效的分享码。请先撤销不再需要的分享码。"),
                format!("You have {MAX_ACTIVE} active share codes already. Revoke one you no longer need first."),
            )));
        }
        Ok(display(&code))
    }

    /// Revokes the holder's code at once.
    pub async fn revoke(
        &self,
        holder: &SessionAccount,
        id: i64,
        actor: &Actor,
    ) -> Result<(), AppError> {
        if self
            .shares
            .revoke_share_code(holder.account_id, id, actor)
            .await?
        {
            return Ok(());
        }
        Err(AppError::NotFound(Text::new(
            "没有找到这个有效的分享码，它可能已被撤销。",
            "No such active share code: it may have been revoked already.",
        )))
    }

    /// Checks a licence with a code (驾驶证信息核查), from address `ip`;
    /// answers the key its result is read by.
    pub async fn check(&self, form: &CheckForm, ip: &str) -> Result<String, AppError> {
        let mut check = FieldCheck::new();
        let code = check.take_text("code", parse_code(&form.code));
        let tail = check.take_text("licence_tail", parse_licence_tail(&form.licence_tail));
        let checker = check.take_text(
            "checker",
            parse_party(
                &form.checker,
                Text::new(
                    "请填写核查单位或个人的名称，持证人会看到",
                    "Say who is checking: the holder sees it",
                ),
            ),
        );
        check.finish()?;
        let (Some(code), Some(tail), Some(checker)) = (code, tail, checker) else {
            unreachable!("FieldCheck::finish refuses a form with a field missing")
        };
        let key = result_key(rand::random());
        let lookup = self
            .shares
            .check_share_code(
                &ShareCheck {
                    code: &code,
                    licence_tail: &tail,
                    checker: &checker,
                    ip,
                    result_key: &key,
                },
                self.now_ms,
                FAILED_CHECKS_PER_HOUR,
                self.now_ms - HOUR_MS,
            )
            .await?;
        match lookup {
            ShareLookup::Found => Ok(key),
            ShareLookup::TooMany => Err(AppError::RateLimited {
                retry_after_secs: 3600,
                message: Text::new(
                    "核查失败次数过多，请一小时后再试，或请持证人确认分享码。",
                    "Too many failed checks: try again in an hour, or ask the holder to confirm the code.",
                ),
            }),
            ShareLookup::NoMatch => Err(AppError::NotFound(Text::new(
                "分享码或驾驶证号后4位不正确。请核对后重试，或请持证人重新提供分享码。",
                "The share code or the licence number's last four characters are wrong. Check them, or ask the holder for the code again.",
            ))),
            ShareLookup::Revoked => Err(AppError::NotFound(Text::new(
                "持证人已撤销这个分享码。如需核查，请持证人重新生成。",
                "The holder has revoked this code. Ask them for a new one.",
            ))),
            ShareLookup::Expired => Err(AppError::NotFound(Text::new(
                "这个分享码已过期。如需核查，请持证人重新生成。",
                "This code has expired. Ask the holder for a new one.",
            ))),
        }
    }

    /// A check's result, read by its key for a quarter of an hour while
    /// the code is in force: the licence as the registry has it now.
    pub async fn result(&self, key: &str) -> Result<CheckedLicence, AppError> {
        let gone = || {
            AppError::NotFound(Text::new(
                "这次核查的结果已过期（15分钟），或分享码已不再有效。请重新核查。",
                "This check's result has expired (15 minutes), or the code is no longer in force. Check again.",
            ))
        };
        if !is_result_key(key) {
            return Err(gone());
        }
        let found = self
            .shares
            .share_result(key, self.now_ms - RESULT_MINUTES * 60_000, self.now_ms)
            .await?
            .ok_or_else(gone)?;
        let l = found.licence;
        Ok(CheckedLicence {
            name: found.name,
            number: ResidentId::masked_or_stars(&found.licence_number),
            class: l.class,
            status: l.status,
            valid_from: l.valid_from,
            valid_until: l.valid_until,
            points: l.points,
            cycle_ends: l.cycle_ends,
            party: found.party,
            code_expires_at_ms: found.code_expires_at_ms,
            checked_at_ms: found.checked_at_ms,
        })
    }
}
