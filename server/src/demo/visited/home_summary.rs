//! The visitors of the two-platform demo, read from the home (冀) demo's
//! summary file, which the 冀 server writes when `DEMO_SUMMARY_JSON` names
//! it (`cli`): the demo identities with their logins there.

use super::Visitor;
use crate::demo::DemoCar;
use serde_json::Value;

/// The first online-registered owner (网上注册个人用户（车主）): their small
/// car from home was caught by a camera here, and they own a car here too.
const OWNER_ROLE: &str = "Online-registered individual (owner)";
/// Preferred among the individuals without a home licence: a new-car owner
/// (新车车主), whose licence was issued here.
const WITHOUT_LICENCE_ROLE: &str = "New-car owner";

fn text(value: &Value, key: &str) -> String {
    value[key].as_str().unwrap_or_default().to_string()
}

/// The visitors from a home demo summary: each online owner (their ID
/// number, name and phone, and their car from `owner_cars`, in the same
/// order: the first and the "#2", so that each browser project of the
/// test suite has its own) with the home car and a car here; and, when the
/// summary lists one in `without_licence`, an individual holding no
/// licence at home (a new-car owner first) with a licence issued here.
pub fn visitors_from_home_summary(summary: &Value) -> Result<Vec<Visitor>, String> {
    let logins = summary["logins"]
        .as_array()
        .ok_or("the demo summary has no logins")?;
    let owners = logins
        .iter()
        .filter(|l| text(l, "role_en").starts_with(OWNER_ROLE));
    let cars = summary["owner_cars"]
        .as_array()
        .map(|list| list.iter().collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .map(|c| DemoCar {
            plate: text(c, "plate"),
            vin: text(c, "vin"),
            owner_phone: text(c, "owner_phone"),
        })
        .filter(|c| !c.plate.is_empty() && !c.vin.is_empty());
    let mut visitors: Vec<Visitor> = owners
        .zip(cars)
        .map(|(owner, car)| Visitor {
            id_number: text(owner, "login"),
            name: text(owner, "name"),
            phone: car.owner_phone.clone(),
            home_car: Some(car),
            car_here: true,
            licence_here: false,
        })
        .collect();
    if visitors.is_empty() {
        return Err("the demo summary has no online-registered owner with an owner car".into());
    }
    let without: Vec<&Value> = summary["without_licence"]
        .as_array()
        .map(|list| list.iter().collect())
        .unwrap_or_default();
    let second = without
        .iter()
        .find(|p| text(p, "role_en").starts_with(WITHOUT_LICENCE_ROLE))
        .or(without.first());
    if let Some(p) = second {
        visitors.push(Visitor {
            id_number: text(p, "login"),
            name: text(p, "name"),
            phone: text(p, "phone"),
            home_car: None,
            car_here: false,
            licence_here: true,
        });
    }
    Ok(visitors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_owner_brings_a_car_and_the_one_without_a_licence_gets_one_here() {
        let summary = json!({
            "logins": [
                {"role_en": "Online-registered individual (owner)", "login": "130102198805171236", "name": "王伟"},
                {"role_en": "Online-registered individual (owner) #2", "login": "2", "name": "李二"},
            ],
            "owner_cars": [
                {"plate": "冀A12345", "vin": "LSVAB2BM0NN100003", "owner_phone": "13900000001"},
                {"plate": "冀A12346", "vin": "LSVAB2BM0NN100004", "owner_phone": "13900000002"},
            ],
            "without_licence": [
                {"role_en": "Learner", "login": "3", "name": "学员", "phone": "13900000003"},
                {"role_en": "New-car owner", "login": "4", "name": "新车主", "phone": "13900000004"},
            ],
        });
        let visitors = visitors_from_home_summary(&summary).unwrap();
        assert_eq!(visitors.len(), 3);
        let (owner, second) = (&visitors[0], &visitors[2]);
        // Each owner with their own car, in order.
        assert_eq!(
            (
                visitors[1].id_number.as_str(),
                visitors[1].home_car.as_ref().unwrap().plate.as_str()
            ),
            ("2", "冀A12346")
        );
        assert_eq!(
            (
                owner.id_number.as_str(),
                owner.name.as_str(),
                owner.phone.as_str()
            ),
            ("130102198805171236", "王伟", "13900000001")
        );
        assert_eq!(owner.home_car.as_ref().unwrap().plate, "冀A12345");
        assert!(owner.car_here && !owner.licence_here);
        assert_eq!(
            (second.id_number.as_str(), second.phone.as_str()),
            ("4", "13900000004")
        );
        assert!(second.licence_here && !second.car_here && second.home_car.is_none());
    }

    #[test]
    fn without_a_list_of_the_unlicensed_only_the_owner_visits() {
        let summary = json!({
            "logins": [{"role_en": "Online-registered individual (owner)", "login": "1", "name": "王伟"}],
            "owner_cars": [{"plate": "冀A12345", "vin": "V", "owner_phone": "13900000001"}],
        });
        assert_eq!(visitors_from_home_summary(&summary).unwrap().len(), 1);
        let no_car = json!({"logins": summary["logins"], "owner_cars": []});
        assert!(visitors_from_home_summary(&no_car)
            .unwrap_err()
            .contains("owner car"));
        assert!(visitors_from_home_summary(&json!({})).is_err());
    }
}
