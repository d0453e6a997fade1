//! The public check of a temporary plate (临时号牌查验), for anyone: by
//! the QR code's seal, or by the number and the VIN's last six characters.
//! It tells the plate's standing, the vehicle and the dealer, and only the
//! buyer's surname.

use super::service::{refused, TemporaryPlateDesk};
use super::PlateCheck;
use crate::domain::temporary_plate::{parse_number, vin_tail};
use crate::error::AppError;
use crate::i18n::Text;

impl TemporaryPlateDesk<'_> {
    /// The public check (临时号牌查验): by the QR code's seal, or by the
    /// number and the VIN's last six characters as typed. An unknown
    /// number and a wrong tail get the same answer.
    pub async fn check(
        &self,
        number: &str,
        vin_tail_typed: Option<&str>,
        seal: Option<&str>,
    ) -> Result<PlateCheck, AppError> {
        let unknown = || {
            AppError::NotFound(Text::new(
                "没有找到这副临时号牌：请核对号牌号码和车辆识别代号后六位。",
                "No such temporary plate: check the number and the last six characters of the VIN.",
            ))
        };
        if number.trim().is_empty() {
            return Err(AppError::field(
                "number",
                Text::new("请输入临时号牌号码", "Enter the temporary plate number"),
            ));
        }
        let Some(number) = parse_number(number) else {
            return Err(AppError::field(
                "number",
                Text::new(
                    "临时号牌号码由省份简称、发牌机关代号和6位数字组成，例如冀A·000123",
                    "A temporary plate number is the province, the authority's letter and six digits, e.g. 冀A·000123",
                ),
            ));
        };
        let found = self
            .plates
            .by_number(&number, self.today)
            .await?
            .filter(|f| f.plate.issued_at_ms.is_some());
        let sealed = match (
            seal.map(str::trim).filter(|s| !s.is_empty()),
            vin_tail_typed,
        ) {
            (Some(seal), _) => {
                let genuine = found
                    .as_ref()
                    .is_some_and(|f| self.plates.seal_matches(&f.plate, seal));
                if !genuine {
                    return Err(refused((
                        "二维码无效：号牌信息与发牌记录不符，可能是伪造或被改动的号牌。请向公安交通管理部门举报，或拨打122".into(),
                        "The QR code is not genuine: it does not match the plate on record and may be forged or altered. Report it to the traffic police (122)".into(),
                    )));
                }
                true
            }
            (None, tail) => {
                let tail = tail.unwrap_or_default().trim().to_uppercase();
                if tail.chars().count() != 6 {
                    return Err(AppError::field(
                        "vin_tail",
                        Text::new(
                            "请输入车辆识别代号后六位",
                            "Enter the last six characters of the VIN",
                        ),
                    ));
                }
                if found
                    .as_ref()
                    .is_none_or(|f| vin_tail(&f.plate.vin) != tail)
                {
                    return Err(unknown());
                }
                false
            }
        };
        let p = found.ok_or_else(unknown)?.plate;
        Ok(PlateCheck {
            vin_tail: vin_tail(&p.vin).to_string(),
            buyer_name_masked: crate::domain::binding::masked_name(&p.buyer_name),
            number: p.number,
            model: p.model,
            vehicle_type: p.vehicle_type,
            dealer: p.dealer,
            valid_from: p.valid_from,
            valid_until: p.valid_until,
            standing: p.standing,
            sealed,
        })
    }
}
