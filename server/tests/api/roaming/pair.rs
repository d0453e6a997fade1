//! Two platforms that trust each other, for the roaming tests: 冀 and 京,
//! each with its own database, configuration file (the other on its trust
//! list) and signing keys, answering on listeners bound before either
//! starts; and the requests a browser makes between them.

use crate::helpers::{beijing_noon_today, logged_in, spawn_on_at, Backend, TestApp};
use app::domain::jws::Alg;
use app::features::bindings::api::BindOwnVehicle;
use app::ports::{Clock, CredentialKeys};
use app::profile::{Peer, PeerKey};
use server::demo::visited::{load_visitors, Visitor};
use server::signing::{KeyRing, KeySource};
use std::path::PathBuf;

pub const HEBEI_NAME: &str = "河北省互联网交通安全综合服务管理平台";

/// Two platforms that trust each other, and the visitor 京 knows.
pub struct Pair {
    pub hebei: TestApp,
    pub beijing: TestApp,
    /// The 冀 online owner (ID number, password) with business in 京.
    pub owner: (String, String),
    /// Their car registered in 冀, recorded in 京 with two violations.
    pub home_plate: String,
    /// Their car registered in 京.
    pub plate_here: String,
    /// 京's signing keys, for tests that speak as 京.
    pub beijing_keys: PathBuf,
}

/// A folder with one signing key of `alg`, and the key as peers list it.
pub fn key_dir(profile_text: &str, name: &str, alg: Alg) -> (PathBuf, PeerKey) {
    let path = std::env::temp_dir().join(format!(
        "roaming-keys-{name}-{}-{}",
        std::process::id(),
        app::domain::roaming::random_token(rand::random())
    ));
    std::fs::create_dir_all(&path).unwrap();
    let (kid, pem) = server::signing::new_key_file(alg).unwrap();
    std::fs::write(path.join(format!("{kid}.pem")), pem).unwrap();
    let profile = server::profile::parse(name, profile_text).unwrap();
    let ring = KeyRing::load(
        &profile,
        &KeySource::Dir {
            path: path.clone(),
            generate: None,
        },
        None,
    )
    .unwrap();
    assert_eq!(ring.current_alg(), alg);
    (path, ring.published_keys().remove(0).key)
}

/// A trust-list entry, as `server peer-entry` writes one.
pub fn peer_entry(province: &str, name_zh: &str, base_url: &str, key: &PeerKey) -> String {
    let entry = toml::to_string(&TrustList {
        peers: vec![Peer {
            province: province.into(),
            name_zh: name_zh.into(),
            name_en: format!("{province} platform"),
            base_url: base_url.into(),
            keys: vec![key.clone()],
        }],
    })
    .unwrap();
    format!("\n{entry}")
}

#[derive(serde::Serialize)]
struct TrustList {
    peers: Vec<Peer>,
}

pub fn write_profile(name: &str, text: &str) -> String {
    let path = std::env::temp_dir().join(format!(
        "roaming-{name}-{}-{}.toml",
        std::process::id(),
        app::domain::roaming::random_token(rand::random())
    ));
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

pub fn beijing_profile() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../config/beijing.toml"
    ))
    .unwrap()
}

/// 冀 and 京, each trusting the other; `extra_peers` joins 京's list and
/// `hebei_extra` 冀's.
pub async fn spawn_pair_with(backend: Backend, extra_peers: &str, hebei_extra: &str) -> Pair {
    let hebei_text = server::profile::DEVELOPMENT_PROFILE.to_string();
    let beijing_text = beijing_profile();
    // 冀 signs with Ed25519, 京 with SM2 (SM3): each checks the other's.
    let (he_keys, he_key) = key_dir(&hebei_text, "hebei", Alg::EdDsa);
    let (bj_keys, bj_key) = key_dir(&beijing_text, "beijing", Alg::Sm2Sm3);
    let he_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let bj_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let he_url = format!("http://{}", he_listener.local_addr().unwrap());
    let bj_url = format!("http://{}", bj_listener.local_addr().unwrap());
    let he_profile = write_profile(
        "hebei",
        &format!(
            "{hebei_text}{hebei_extra}{}",
            peer_entry(
                "京",
                "北京市互联网交通安全综合服务管理平台",
                &bj_url,
                &bj_key
            )
        ),
    );
    let bj_profile = write_profile(
        "beijing",
        &format!(
            "{beijing_text}{}{extra_peers}",
            peer_entry("冀", HEBEI_NAME, &he_url, &he_key)
        ),
    );
    let noon = beijing_noon_today();
    let hebei = spawn_platform(backend, he_listener, noon, he_profile, &he_keys).await;
    let beijing = spawn_platform(backend, bj_listener, noon, bj_profile, &bj_keys).await;
    // Both clocks start at the same noon.
    assert_eq!(beijing.clock.now_ms(), hebei.clock.now_ms());
    let owner = hebei.demo_login("Online-registered individual");
    let car = hebei.demo.owner_cars[0].clone();
    let name: String = hebei
        .scalar("SELECT name FROM persons WHERE id_number = $1", &owner.0)
        .await;
    // And a window-registered person of 冀 whose licence 京 issued.
    let driver = hebei.demo_login("Window-registered individual (owner)");
    let (driver_name, driver_phone): (String, String) =
        sqlx::query_as("SELECT name, phone FROM persons WHERE id_number = $1")
            .bind(&driver.0)
            .fetch_one(&hebei.platform.store.pool)
            .await
            .unwrap();
    let visitors = [
        Visitor {
            id_number: owner.0.clone(),
            name,
            phone: car.owner_phone.clone(),
            home_car: Some(car.clone()),
            car_here: true,
            licence_here: false,
        },
        Visitor {
            id_number: driver.0.clone(),
            name: driver_name,
            phone: driver_phone,
            home_car: None,
            car_here: false,
            licence_here: true,
        },
    ];
    // They bound the car at home.
    let car_id: i64 = hebei
        .scalar("SELECT id FROM vehicles WHERE plate = $1", &car.plate)
        .await;
    let client = logged_in(&hebei, "Online-registered individual").await;
    hebei
        .call_fn(&client, BindOwnVehicle { vehicle_id: car_id })
        .await
        .unwrap_or_else(|e| panic!("{hebei}: binding the car: {e}"));
    let loaded = load_visitors(
        &beijing.platform.store.pool,
        &visitors,
        beijing.clock.today(),
        beijing.clock.now_ms(),
    )
    .await
    .unwrap();
    Pair {
        hebei,
        beijing,
        owner,
        home_plate: car.plate,
        plate_here: loaded.cars_here[0].plate.clone(),
        beijing_keys: bj_keys,
    }
}

/// One platform of a pair: its configuration file and its key folder.
async fn spawn_platform(
    backend: Backend,
    listener: tokio::net::TcpListener,
    noon: i64,
    profile: String,
    keys: &std::path::Path,
) -> TestApp {
    let keys = keys.to_path_buf();
    spawn_on_at(backend, listener, noon, move |config, _| {
        config.profile_path = Some(profile);
        config.signing_keys = Some(KeySource::Dir {
            path: keys,
            generate: None,
        });
    })
    .await
}

pub async fn spawn_pair(backend: Backend) -> Pair {
    spawn_pair_with(backend, "", "").await
}

/// The `Location` of a redirect.
pub fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// A query parameter of an address.
pub fn param(url: &str, name: &str) -> String {
    let query = url.split_once('?').map(|(_, q)| q).unwrap_or_default();
    form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// GET with the client, no redirect followed; transport errors fail.
pub async fn get(client: &reqwest::Client, url: &str) -> reqwest::Response {
    client
        .get(url)
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {url}: {e}"))
}

/// 京's start: answers the address at 冀 it sends the browser to.
pub async fn start_at(app: &TestApp, client: &reqwest::Client, home: &str) -> String {
    let res = get(
        client,
        &format!("{}/roam/start?home={}", app.base, urlencode(home)),
    )
    .await;
    assert_eq!(res.status(), 303, "{app}");
    location(&res)
}

pub fn urlencode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// 冀's consent form posted as a browser posts it (no JavaScript): the
/// answer redirects.
pub async fn grant(
    he: &TestApp,
    browser: &reqwest::Client,
    state: &str,
    nonce: &str,
) -> reqwest::Response {
    browser
        .post(format!("{}/api/roaming/grant", he.base))
        .header("accept", "text/html")
        .header("referer", format!("{}/roam/authorize", he.base))
        .form(&[("aud", "京"), ("state", state), ("nonce", nonce)])
        .send()
        .await
        .unwrap()
}
