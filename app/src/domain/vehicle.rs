//! Vehicles: 车辆类型 (GA 24.4), 机动车状态 and the VIN (车辆识别代号).

use super::{coded_enum, rules, string_newtype};
use serde::{Deserialize, Serialize};

/// 车辆类型 (GA 24.4 codes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum VehicleType {
    K11,
    K21,
    K31,
    K33,
    K41,
    H11,
    H21,
    H31,
    H41,
    Q11,
    B11,
    M21,
    M22,
    N11,
    X99,
}

coded_enum!(VehicleType {
    K11 => ("K11", "大型普通客车", "large bus"),
    K21 => ("K21", "中型普通客车", "medium bus"),
    K31 => ("K31", "小型普通客车", "small passenger vehicle"),
    K33 => ("K33", "轿车", "saloon car"),
    K41 => ("K41", "微型普通客车", "mini passenger vehicle"),
    H11 => ("H11", "重型普通货车", "heavy goods vehicle"),
    H21 => ("H21", "中型普通货车", "medium goods vehicle"),
    H31 => ("H31", "轻型普通货车", "light goods vehicle"),
    H41 => ("H41", "微型普通货车", "mini goods vehicle"),
    Q11 => ("Q11", "重型半挂牵引车", "heavy semi-trailer tractor"),
    B11 => ("B11", "重型普通半挂车", "heavy semi-trailer"),
    M21 => ("M21", "普通二轮摩托车", "motorcycle"),
    M22 => ("M22", "轻便二轮摩托车", "moped"),
    N11 => ("N11", "三轮汽车", "three-wheeled vehicle"),
    X99 => ("X99", "其他", "other"),
});

impl VehicleType {
    /// 小型机动车: the vehicles that carry small-car plates (小型汽车号牌) —
    /// small and mini passenger vehicles, saloon cars, light and mini goods
    /// vehicles. Every online vehicle service except V4 is limited to them.
    pub fn is_small(self) -> bool {
        matches!(
            self,
            VehicleType::K31
                | VehicleType::K33
                | VehicleType::K41
                | VehicleType::H31
                | VehicleType::H41
        )
    }
}

/// 机动车状态 (GA codes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum VehicleStatus {
    Normal,
    Transferred,
    Stolen,
    Suspended,
    Cancelled,
    ViolationPending,
    CustomsControl,
    AccidentPending,
    Suspect,
    Sealed,
    Detained,
    ForcedCancellation,
    HitAndRun,
    Locked,
    Scrapped,
    InspectionOverdue,
}

coded_enum!(VehicleStatus {
    Normal => ("A", "正常", "normal"),
    Transferred => ("B", "转出", "transferred out"),
    Stolen => ("C", "被盗抢", "stolen"),
    Suspended => ("D", "停驶", "off the road"),
    Cancelled => ("E", "注销", "deregistered"),
    ViolationPending => ("G", "违法未处理", "violations not handled"),
    CustomsControl => ("H", "海关监管", "under customs control"),
    AccidentPending => ("I", "事故未处理", "accident not handled"),
    Suspect => ("J", "嫌疑车", "suspect vehicle"),
    Sealed => ("K", "查封", "sealed"),
    Detained => ("L", "暂扣", "detained"),
    ForcedCancellation => ("M", "强制注销", "forcibly deregistered"),
    HitAndRun => ("N", "事故逃逸", "hit and run"),
    Locked => ("O", "锁定", "locked"),
    Scrapped => ("P", "达到报废标准公告牌证作废", "scrapped, plates void"),
    InspectionOverdue => ("Q", "逾期未检验", "inspection overdue"),
});

/// 车辆识别代号 (VIN): 17 characters without I, O and Q; position 9 is the
/// check digit (GB 16735 / ISO 3779), which Chinese VINs always carry.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Vin(String);
string_newtype!(Vin);

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VinError {
    Empty,
    WrongLength { len: usize },
    BadCharacter { position: usize },
    CheckDigit { expected: char },
}

rules!(VinError {
    VinError::Empty => ("vin.empty", "请输入车辆识别代号", "Enter the vehicle identification number"),
    VinError::WrongLength { len } => ("vin.length",
        "车辆识别代号应为17位，您输入了{len}位", "A VIN has 17 characters; you entered {len}"),
    VinError::BadCharacter { position } => ("vin.character",
        "车辆识别代号第{position}位无效（不使用I、O、Q）",
        "Character {position} of the VIN is not allowed (I, O and Q are never used)"),
    VinError::CheckDigit { expected } => ("vin.check",
        "车辆识别代号第9位校验位不正确，请核对合格证",
        "Character 9 of the VIN (the check digit) is wrong. Check the certificate of conformity."),
});

const VIN_WEIGHTS: [u32; 17] = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

fn vin_value(c: u8) -> Option<u32> {
    Some(match c {
        b'0'..=b'9' => u32::from(c - b'0'),
        b'A' | b'J' => 1,
        b'B' | b'K' | b'S' => 2,
        b'C' | b'L' | b'T' => 3,
        b'D' | b'M' | b'U' => 4,
        b'E' | b'N' | b'V' => 5,
        b'F' | b'W' => 6,
        b'G' | b'P' | b'X' => 7,
        b'H' | b'Y' => 8,
        b'R' | b'Z' => 9,
        _ => return None,
    })
}

impl Vin {
    pub fn parse(input: &str) -> Result<Vin, VinError> {
        let s: String = input.trim().to_ascii_uppercase();
        if s.is_empty() {
            return Err(VinError::Empty);
        }
        let len = s.chars().count();
        if len != 17 {
            return Err(VinError::WrongLength { len });
        }
        for (i, b) in s.bytes().enumerate() {
            if vin_value(b).is_none() {
                return Err(VinError::BadCharacter { position: i + 1 });
            }
        }
        let expected = Vin::check_char(&s).expect("charset checked");
        if s.as_bytes()[8] as char != expected {
            return Err(VinError::CheckDigit { expected });
        }
        Ok(Vin(s))
    }

    /// The check digit of a 17-character VIN (its own position 9 ignored).
    pub fn check_char(vin: &str) -> Option<char> {
        if vin.len() != 17 {
            return None;
        }
        let mut sum = 0;
        for (i, b) in vin.bytes().enumerate() {
            sum += vin_value(b.to_ascii_uppercase())? * VIN_WEIGHTS[i];
        }
        Some(match sum % 11 {
            10 => 'X',
            n => char::from(b'0' + n as u8),
        })
    }

    /// Fills in position 9 (used by the demo data).
    pub fn with_check_digit(vin: &str) -> Option<Vin> {
        let upper = vin.to_ascii_uppercase();
        let c = Vin::check_char(&upper)?;
        let mut bytes = upper.into_bytes();
        bytes[8] = c as u8;
        Vin::parse(&String::from_utf8(bytes).ok()?).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_vehicles_are_the_small_car_plate_types() {
        assert!(VehicleType::K33.is_small());
        assert!(VehicleType::H31.is_small());
        assert!(!VehicleType::K11.is_small());
        assert!(!VehicleType::M21.is_small());
        assert_eq!(VehicleType::from_code("K33"), Some(VehicleType::K33));
        assert_eq!(
            VehicleStatus::from_code("Q"),
            Some(VehicleStatus::InspectionOverdue)
        );
    }

    #[test]
    fn vins_carry_a_check_digit() {
        // The textbook example 1M8GDM9AXKP042788.
        assert!(Vin::parse("1M8GDM9AXKP042788").is_ok());
        assert_eq!(
            Vin::parse("1M8GDM9A1KP042788"),
            Err(VinError::CheckDigit { expected: 'X' })
        );
        assert_eq!(
            Vin::parse("1M8GDM9AXKP04278O"),
            Err(VinError::BadCharacter { position: 17 })
        );
        let made = Vin::with_check_digit("LSVAB2BJ0EN123456").unwrap();
        assert!(Vin::parse(made.as_str()).is_ok());
    }
}
