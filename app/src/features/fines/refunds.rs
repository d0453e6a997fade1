//! Refunds of money paid twice (退款登记): a business-centre clerk records
//! each refund the finance office made, with its reference; the payer is
//! told.

use super::port::RefundRecorded;
use crate::error::AppError;
use crate::features::port::Actor;
use crate::i18n::Text;
use crate::ports::Ports;

/// A refund reference (退款凭证号) as typed: 4 to 40 letters, digits or
/// hyphens.
pub fn parse_reference(raw: &str) -> Result<String, AppError> {
    let reference = raw.trim().to_ascii_uppercase();
    if (4..=40).contains(&reference.len())
        && reference
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        Ok(reference)
    } else {
        Err(AppError::field(
            "reference",
            Text::new(
                "请填写财务退款凭证号（4至40位字母、数字或连字符）",
                "Enter the finance office's refund reference (4 to 40 letters, digits or hyphens)",
            ),
        ))
    }
}

/// Records one refund.
pub async fn record(
    ports: &Ports,
    payment_id: i64,
    reference: &str,
    actor: &Actor,
) -> Result<(), AppError> {
    let reference = parse_reference(reference)?;
    match ports
        .refunds
        .record_refund(payment_id, &reference, actor)
        .await?
    {
        RefundRecorded::Recorded => Ok(()),
        RefundRecorded::NotDue => Err(AppError::NotFound(Text::new(
            "没有找到这笔待退款项",
            "No such payment is owed back",
        ))),
        RefundRecorded::AlreadyRecorded => Err(AppError::Conflict(Text::new(
            "这笔款项的退款已经登记",
            "That refund has already been recorded",
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_read_as_typed() {
        assert_eq!(parse_reference(" tk-2026-0001 ").unwrap(), "TK-2026-0001");
        assert!(parse_reference("ab").is_err());
        assert!(parse_reference("退款001").is_err());
    }
}
