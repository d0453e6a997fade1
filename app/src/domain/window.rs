//! Registration windows (注册窗口): which ones to suggest first. A person
//! told to register at a window sees the windows in the district (区/县/县级市)
//! of their address on record first, then the vehicle administration
//! offices, then a link to the full list — not a list of every window.

/// How many windows to suggest before the link to the full list.
pub const SUGGESTED_WINDOWS: usize = 3;

/// The district of a mainland address: the part after the city (…市) that
/// ends in 区, 县 or 市, e.g. "桥西区" in "石家庄市桥西区中山路12号".
pub fn district_of(address: &str) -> Option<&str> {
    let after_city = match address.find('市') {
        Some(i) => &address[i + '市'.len_utf8()..],
        None => address,
    };
    let end = after_city
        .char_indices()
        .find(|(_, c)| matches!(c, '区' | '县' | '市'))
        .map(|(i, c)| i + c.len_utf8())?;
    let district = &after_city[..end];
    // A district name has two to six characters (高新区, 井陉矿区, 经济技术开发区).
    (2..=8)
        .contains(&district.chars().count())
        .then_some(district)
}

/// The districts of 石家庄市 by administrative division code (行政区划代码,
/// GB/T 2260): (region code, district).
pub const REGION_DISTRICTS: &[(&str, &str)] = &[
    ("130102", "长安区"),
    ("130104", "桥西区"),
    ("130105", "新华区"),
    ("130107", "井陉矿区"),
    ("130108", "裕华区"),
    ("130109", "藁城区"),
    ("130110", "鹿泉区"),
    ("130111", "栾城区"),
    ("130121", "井陉县"),
    ("130123", "正定县"),
    ("130125", "行唐县"),
    ("130126", "灵寿县"),
    ("130127", "高邑县"),
    ("130128", "深泽县"),
    ("130129", "赞皇县"),
    ("130130", "无极县"),
    ("130131", "平山县"),
    ("130132", "元氏县"),
    ("130133", "赵县"),
    ("130181", "辛集市"),
    ("130183", "晋州市"),
    ("130184", "新乐市"),
];

/// The district an ID number was issued in (its first six digits), when
/// it is one of [`REGION_DISTRICTS`]: where to suggest windows when the
/// platform may not say anything it holds about the person.
pub fn district_of_id_region(region_code: &str) -> Option<&'static str> {
    REGION_DISTRICTS
        .iter()
        .find(|(code, _)| *code == region_code)
        .map(|(_, district)| *district)
}

/// Orders windows for a person near `district`: windows whose address is in
/// that district first, then vehicle administration offices (车辆管理所),
/// then the rest, each group in its original order; at most `limit`.
pub fn suggest<'a, T>(
    windows: &'a [T],
    address_of: impl Fn(&T) -> &str,
    name_of: impl Fn(&T) -> &str,
    district: Option<&str>,
    limit: usize,
) -> Vec<&'a T> {
    let rank = |w: &T| {
        let in_district = district.is_some_and(|d| district_of(address_of(w)) == Some(d));
        if in_district {
            0
        } else if name_of(w).contains("车辆管理所") {
            1
        } else {
            2
        }
    };
    let mut ranked: Vec<(usize, &T)> = windows.iter().map(|w| (rank(w), w)).collect();
    ranked.sort_by_key(|(r, _)| *r);
    ranked.into_iter().take(limit).map(|(_, w)| w).collect()
}

/// A window's telephone as an administrator types it (咨询电话): an area
/// code and number (0311-86688888), a number alone, or a mobile; spaces
/// dropped. None when it is not one.
pub fn parse_office_phone(raw: &str) -> Option<String> {
    let phone: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    let hyphens = phone.chars().filter(|c| *c == '-').count();
    let ok = phone.chars().all(|c| c.is_ascii_digit() || c == '-')
        && hyphens <= 1
        && !phone.starts_with('-')
        && !phone.ends_with('-')
        && (7..=12).contains(&digits);
    ok.then_some(phone)
}

/// A window's code (窗口编号): 2 to 10 letters and digits, upper-cased.
pub fn parse_window_code(raw: &str) -> Option<String> {
    let code = raw.trim().to_ascii_uppercase();
    ((2..=10).contains(&code.len()) && code.chars().all(|c| c.is_ascii_alphanumeric()))
        .then_some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn office_phones_and_codes_are_read_as_typed() {
        assert_eq!(
            parse_office_phone("0311-8668 8888"),
            Some("0311-86688888".into())
        );
        assert_eq!(
            parse_office_phone("13803110001"),
            Some("13803110001".into())
        );
        assert_eq!(parse_office_phone("123456"), None);
        assert_eq!(parse_office_phone("0311--86688888"), None);
        assert_eq!(parse_office_phone("电话"), None);
        assert_eq!(parse_window_code(" w28 "), Some("W28".into()));
        assert_eq!(parse_window_code("W"), None);
        assert_eq!(parse_window_code("W-28"), None);
    }

    #[test]
    fn districts_are_read_from_addresses() {
        assert_eq!(district_of("石家庄市桥西区中山路12号"), Some("桥西区"));
        assert_eq!(district_of("石家庄市井陉矿区矿市街1号"), Some("井陉矿区"));
        assert_eq!(district_of("石家庄市正定县燕赵大街3号"), Some("正定县"));
        assert_eq!(district_of("河北省石家庄市辛集市教育路8号"), Some("辛集市"));
        assert_eq!(district_of("不详"), None);
    }

    #[test]
    fn windows_in_the_district_come_first_then_the_vehicle_offices() {
        let windows = [
            ("长安交警大队个人用户注册窗口", "石家庄市长安区建设大街1号"),
            ("车辆管理所第一分所个人用户注册窗口", "石家庄市长安区车管所"),
            ("桥西交警大队个人用户注册窗口", "石家庄市桥西区中山路12号"),
            ("正定交警大队个人用户注册窗口", "石家庄市正定县燕赵大街3号"),
        ];
        let picked = suggest(&windows, |w| w.1, |w| w.0, Some("桥西区"), 3);
        let names: Vec<&str> = picked.iter().map(|w| w.0).collect();
        assert_eq!(
            names,
            [
                "桥西交警大队个人用户注册窗口",
                "车辆管理所第一分所个人用户注册窗口",
                "长安交警大队个人用户注册窗口"
            ]
        );
        let unknown = suggest(&windows, |w| w.1, |w| w.0, None, 1);
        assert_eq!(unknown[0].0, "车辆管理所第一分所个人用户注册窗口");
    }
}
