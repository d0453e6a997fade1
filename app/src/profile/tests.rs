//! The platform profile's tests: parsing, checks and defaults.

use super::*;

fn hebei() -> PlatformProfile {
    PlatformProfile {
        session_cookie: SessionCookieName::default(),
        province: Province {
            abbreviation: "冀".into(),
            name_zh: "河北省".into(),
            name_en: "Hebei".into(),
            authority_zh: "河北省公安厅交通管理局".into(),
            authority_en: "Hebei Traffic Police".into(),
            helpline: "122".into(),
        },
        cities: vec![City {
            name_zh: "石家庄市".into(),
            name_en: "Shijiazhuang".into(),
            plate_prefix: "冀A".into(),
            withheld_series: vec!["O".into(), "88".into()],
            plate_pool_size: 10,
            payee_zh: "石家庄市公安局交通管理局".into(),
            payee_en: "Shijiazhuang Traffic Police".into(),
        }],
        business_centres: vec![BusinessCentre {
            city: "冀A".into(),
            name_zh: "石家庄市车辆管理所".into(),
            address_zh: "石家庄市桥西区".into(),
            address_en: "Qiaoxi District, Shijiazhuang".into(),
            phone: "0311-86910122".into(),
        }],
        registration_windows: Vec::new(),
        exam_centres: Vec::new(),
        fees: Fees {
            plate_pair_yuan: 100,
            vehicle_licence_yuan: 10,
            driving_licence_yuan: 10,
            postage_yuan: 20,
        },
        peers: Vec::new(),
    }
}

#[test]
fn a_peer_must_be_another_province_at_a_web_address() {
    let mut p = hebei();
    p.peers.push(Peer {
        province: "京".into(),
        base_url: "https://bj.example.gov.cn".into(),
        ..Default::default()
    });
    assert_eq!(p.problems(), Vec::<String>::new());
    p.peers.push(Peer {
        province: "冀".into(),
        base_url: "ftp://x".into(),
        ..Default::default()
    });
    let problems = p.problems().join("\n");
    assert!(
        problems.contains("\"冀\" is not another province"),
        "{problems}"
    );
    assert!(problems.contains("ftp://x"), "{problems}");
}

#[test]
fn a_peers_origin_is_its_base_urls_scheme_and_host_only() {
    let peer = |url: &str| Peer {
        base_url: url.into(),
        ..Peer::default()
    };
    assert_eq!(
        peer("https://bj.122.gov.cn/portal/").origin().as_deref(),
        Some("https://bj.122.gov.cn")
    );
    assert_eq!(
        peer("http://127.0.0.1:3101").origin().as_deref(),
        Some("http://127.0.0.1:3101")
    );
    for bad in [
        "ftp://x",
        "https://",
        "https://a b",
        "https://x;y",
        "bj.122.gov.cn",
    ] {
        assert_eq!(peer(bad).origin(), None, "{bad}");
    }
}

#[test]
fn the_session_cookie_is_a_short_lowercase_token() {
    let mut p = hebei();
    assert_eq!(p.session_cookie.as_str(), "jgsid");
    for good in ["jgsid_bj", "a", "x9", &"a".repeat(32)] {
        p.session_cookie = SessionCookieName::new(good);
        assert_eq!(p.problems(), Vec::<String>::new(), "{good}");
    }
    for bad in [
        "",
        "JGSID",
        "jg-sid",
        "jg sid",
        "jgsid;",
        "__Host-jgsid",
        "京",
        &"a".repeat(33),
    ] {
        p.session_cookie = SessionCookieName::new(bad);
        let problems = p.problems().join("\n");
        assert!(problems.contains("session_cookie"), "{bad:?}: {problems}");
    }
}

#[test]
fn the_session_cookie_is_named_or_defaults() {
    #[derive(Deserialize)]
    struct Only {
        #[serde(default)]
        session_cookie: SessionCookieName,
    }
    let named: Only = serde_json::from_str(r#"{"session_cookie": "jgsid_bj"}"#).unwrap();
    assert_eq!(named.session_cookie.as_str(), "jgsid_bj");
    let absent: Only = serde_json::from_str("{}").unwrap();
    assert_eq!(
        absent.session_cookie.as_str(),
        crate::policy::SESSION_COOKIE
    );
}

#[test]
fn a_sound_profile_has_no_problems() {
    let p = hebei();
    assert_eq!(p.problems(), Vec::<String>::new());
    assert_eq!(p.home_province(), "冀");
    assert_eq!(p.seat().plate_prefix, "冀A");
    assert_eq!(p.collection_centre().unwrap().name_zh, "石家庄市车辆管理所");
    assert_eq!(p.fees.production_fee_yuan(ServiceCode::V5), 100);
    assert_eq!(p.fees.production_fee_yuan(ServiceCode::D1), 10);
    assert_eq!(p.fees.production_fee_yuan(ServiceCode::V3), 0);
    assert!(p.seat().withholds("88123") && !p.seat().withholds("12388"));
}

#[test]
fn each_mistake_is_named() {
    let mut p = hebei();
    p.province.abbreviation = "X".into();
    p.cities.push(p.cities[0].clone());
    p.cities[0].plate_prefix = "冀I".into();
    p.cities[1].withheld_series = vec!["o".into()];
    p.business_centres[0].city = "冀Z".into();
    let problems = p.problems().join("\n");
    for part in [
        "not a province abbreviation",
        "plate_prefix \"冀I\"",
        "withheld series \"o\"",
        "city 冀Z is not among the cities",
    ] {
        assert!(problems.contains(part), "{part} missing from:\n{problems}");
    }
    assert!(PlatformProfile::default().problems().len() >= 3);
}
