//! The one random source of the demo data — `rand`'s `StdRng`, seeded, so a
//! seed always gives the same registry — and the draws of people and places
//! made from it: names (姓名), mobile numbers (手机号码), landlines and
//! addresses (住址).

use rand::seq::SliceRandom;
use rand::{rngs::StdRng, Rng as _, SeedableRng};
use std::collections::HashSet;

/// The seeded random number generator (随机数发生器) every demo draw uses.
pub(super) struct Rng(StdRng);

impl Rng {
    pub(super) fn seeded(seed: u64) -> Self {
        Rng(StdRng::seed_from_u64(seed))
    }

    /// A number in `0..n` (`n` at least 1).
    pub(super) fn below(&mut self, n: u64) -> u64 {
        self.0.gen_range(0..n)
    }

    /// One entry of a non-empty list.
    pub(super) fn pick<'a, T>(&mut self, list: &'a [T]) -> &'a T {
        list.choose(&mut self.0).expect("a non-empty list")
    }

    /// True `percent` times in a hundred.
    pub(super) fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧", "程", "曹",
    "袁", "邓", "许", "傅", "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾", "丁", "魏", "薛",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀", "霞", "平", "刚", "桂", "英", "华", "玉", "建", "文", "辉", "力", "婷", "鹏", "宇",
    "浩", "凯", "欣", "佳", "怡", "子", "晨", "思", "雨", "泽", "博", "然", "琳", "颖", "志", "海",
];
pub(super) const STREETS: &[&str] = &[
    "中山路",
    "裕华路",
    "槐安路",
    "建设大街",
    "体育大街",
    "友谊大街",
    "和平路",
    "胜利大街",
    "石获南路",
    "新华路",
    "红旗大街",
    "西三庄街",
    "北二环东路",
    "南二环西路",
    "东岗路",
    "塔北路",
    "翟营大街",
];
/// Mobile network prefixes (号段).
const MOBILE_PREFIXES: &[&str] = &[
    "133", "135", "136", "138", "139", "150", "151", "152", "155", "158", "177", "180", "185",
    "187", "189",
];

/// A surname and one or two given-name characters.
pub(super) fn name(rng: &mut Rng) -> String {
    let mut n = rng.pick(SURNAMES).to_string();
    n.push_str(rng.pick::<&str>(GIVEN));
    if rng.chance(70) {
        n.push_str(rng.pick::<&str>(GIVEN));
    }
    n
}

/// A mobile number not in `used` (and then added to it).
pub(super) fn phone(rng: &mut Rng, used: &mut HashSet<String>) -> String {
    loop {
        let prefix = rng.pick(MOBILE_PREFIXES);
        let p = format!("{prefix}{:08}", rng.below(100_000_000));
        if used.insert(p.clone()) {
            return p;
        }
    }
}

/// A Shijiazhuang landline (区号0311, eight digits starting with 8).
pub(super) fn window_phone(rng: &mut Rng) -> String {
    format!("0311-8{:07}", rng.below(10_000_000))
}

/// A flat in a district of Shijiazhuang.
pub(super) fn address(rng: &mut Rng, district: &str) -> String {
    format!(
        "河北省石家庄市{district}{}{}号{}单元{}室",
        rng.pick(STREETS),
        rng.below(400) + 1,
        rng.below(6) + 1,
        rng.below(2000) + 101
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seed_always_gives_the_same_draws() {
        let (mut a, mut b) = (Rng::seeded(7), Rng::seeded(7));
        let mut used = (HashSet::new(), HashSet::new());
        for _ in 0..100 {
            assert_eq!(a.below(1_000_000), b.below(1_000_000));
            assert_eq!(name(&mut a), name(&mut b));
            assert_eq!(phone(&mut a, &mut used.0), phone(&mut b, &mut used.1));
        }
        assert_ne!(Rng::seeded(1).below(1 << 40), Rng::seeded(2).below(1 << 40));
    }

    #[test]
    fn window_phones_are_shijiazhuang_landlines() {
        let mut rng = Rng::seeded(3);
        for _ in 0..1000 {
            let p = window_phone(&mut rng);
            let (area, number) = p.split_once('-').unwrap();
            assert_eq!(area, "0311");
            assert_eq!(number.len(), 8, "{p}");
            assert!(number.starts_with('8') && number.chars().all(|c| c.is_ascii_digit()));
        }
    }

    #[test]
    fn mobile_numbers_are_eleven_digits_and_never_repeat() {
        let mut rng = Rng::seeded(5);
        let mut used = HashSet::new();
        for _ in 0..2000 {
            let p = phone(&mut rng, &mut used);
            assert!(
                p.len() == 11 && p.chars().all(|c| c.is_ascii_digit()),
                "{p}"
            );
        }
        assert_eq!(used.len(), 2000);
    }
}
