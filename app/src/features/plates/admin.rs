//! The administrator's plate pools (号池管理): load a series of numbers into
//! a configured city's pool (every ordinary number in it that no vehicle
//! carries and no withheld series covers), and withhold a series from issue
//! with a reason (its available numbers leave the pool).

use super::port::SeriesWithheld;
use super::PoolCity;
use crate::domain::plate::fold_typed;
use crate::domain::plate_pool::{parse_series, serials_in_series};
use crate::domain::plate_selection::SERIAL_ALPHABET;
use crate::error::{AppError, FieldCheck};
use crate::features::port::Actor;
use crate::i18n::Text;
use crate::ports::Ports;

fn city_of<'p>(ports: &'p Ports, city: &str) -> Result<&'p crate::profile::City, AppError> {
    ports.profile.city(city.trim()).ok_or_else(|| {
        AppError::field(
            "city",
            Text::new(
                "请选择本省配置的号牌发牌机关",
                "Choose one of the province's plate prefixes",
            ),
        )
    })
}

/// Every configured city's pool, with the series withheld.
pub async fn pools(ports: &Ports) -> Result<Vec<PoolCity>, AppError> {
    let mut stored = ports.plate_pools.pools().await?;
    let mut out = Vec::new();
    for city in &ports.profile.cities {
        let mut pool = match stored.iter().position(|p| p.city == city.plate_prefix) {
            Some(i) => stored.remove(i),
            None => PoolCity {
                city: city.plate_prefix.clone(),
                available: 0,
                shown: 0,
                held: 0,
                taken: 0,
                configured_withheld: Vec::new(),
                withheld: Vec::new(),
            },
        };
        pool.configured_withheld = city.withheld_series.clone();
        out.push(pool);
    }
    Ok(out)
}

/// Loads a series; answers how many numbers were added.
pub async fn load_series(
    ports: &Ports,
    city: &str,
    series: &str,
    actor: &Actor,
) -> Result<usize, AppError> {
    let mut check = FieldCheck::new();
    let city = city_of(ports, city);
    let series = check.take("series", parse_series(series));
    let city = city?;
    check.finish()?;
    let series = series.expect("checked");
    let mut withheld = city.withheld_series.clone();
    withheld.extend(
        ports
            .plate_pools
            .withheld_series(&city.plate_prefix)
            .await?,
    );
    if let Some(w) = withheld.iter().find(|w| series.starts_with(w.as_str())) {
        return Err(AppError::field(
            "series",
            Text::new(
                format!("该号段属于保留号段{w}，不能投放"),
                format!("That series is within the withheld series {w}"),
            ),
        ));
    }
    let plates: Vec<String> = serials_in_series(&series)
        .into_iter()
        .filter(|s| !withheld.iter().any(|w| s.starts_with(w.as_str())))
        .map(|s| format!("{}{s}", city.plate_prefix))
        .collect();
    Ok(ports
        .plate_pools
        .load_numbers(&city.plate_prefix, &plates, actor)
        .await?)
}

/// A series to withhold: 1 to 4 characters of the serial alphabet.
fn parse_withheld(input: &str) -> Result<String, Text> {
    let series = fold_typed(input);
    if (1..=4).contains(&series.chars().count())
        && series.chars().all(|c| SERIAL_ALPHABET.contains(c))
    {
        Ok(series)
    } else {
        Err(Text::new(
            "保留号段为号牌序号的前1至4位（数字和字母，不含I、O）",
            "A withheld series is the first 1 to 4 characters of the serial (digits and letters, not I or O)",
        ))
    }
}

/// Withholds a series with a reason; answers how many numbers left the pool.
pub async fn withhold(
    ports: &Ports,
    city: &str,
    series: &str,
    reason: &str,
    actor: &Actor,
) -> Result<usize, AppError> {
    let mut check = FieldCheck::new();
    let city = city_of(ports, city);
    let series = parse_withheld(series)
        .map_err(|t| check.push("series", t))
        .ok();
    let reason = reason.trim();
    if !(2..=100).contains(&reason.chars().count()) {
        check.push(
            "reason",
            Text::new(
                "请填写保留原因（2至100个字）",
                "Give the reason (2 to 100 characters)",
            ),
        );
    }
    let city = city?;
    check.finish()?;
    let series = series.expect("checked");
    match ports
        .plate_pools
        .withhold_series(&city.plate_prefix, &series, reason, actor)
        .await?
    {
        SeriesWithheld::Withheld(removed) => Ok(removed),
        SeriesWithheld::AlreadyWithheld => Err(AppError::Conflict(Text::new(
            "该号段已经保留",
            "That series is already withheld",
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn withheld_series_are_short_prefixes() {
        assert_eq!(parse_withheld(" 88 "), Ok("88".into()));
        assert_eq!(parse_withheld("ｄ"), Ok("D".into()));
        assert!(parse_withheld("").is_err());
        assert!(parse_withheld("D1234").is_err());
        assert!(parse_withheld("I1").is_err());
    }
}
