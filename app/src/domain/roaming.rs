//! Roaming between provincial platforms (漫游, SPEC §6): a person logs in
//! at the platform where they registered (the home platform, 注册地平台)
//! and is let into another province's platform (the visited platform,
//! 漫游地平台) with no second registration.
//!
//! The messages, each a signed JWS of its own `typ` (`jws`):
//! 1. The visited platform sends the browser to the home platform's
//!    [`AUTHORIZE_PATH`] with its province (`aud`), a `state` tied to a
//!    cookie and a `nonce`.
//! 2. The home platform logs the person in (its own login and throttling),
//!    asks them to agree, and sends the browser back to the visited
//!    platform's [`CALLBACK_PATH`] with a one-time `code` (valid
//!    [`CODE_SECS`]).
//! 3. The visited platform posts a [`TokenRequest`] (typ
//!    [`TYP_REQUEST`], signed with its own key) to the home platform's
//!    [`TOKEN_PATH`], which answers with an [`Assertion`] (typ
//!    [`TYP_ASSERTION`]): who the person is, how they registered, the
//!    vehicles and licence they bound at home, for this audience only, for
//!    at most [`ASSERTION_MAX_SECS`].
//! 4. Logging out or being disabled at home sends a [`Notice`] (typ
//!    [`TYP_NOTICE`]) to each platform visited, to its [`NOTICE_PATH`].
//!
//! Beside the login, a platform checking a peer's signed credential asks
//! the peer whether it still holds (`credential_status`).
//!
//! `docs/roaming.md` writes the protocol down for other implementers. This
//! module holds the messages and the checks on them; the keys, the
//! exchange and the sessions are the server's.

use super::account::{IndividualKind, RegistrationChannel};
use super::binding::{may_bind_vehicle, Binder};
use super::credential::CLOCK_SKEW_SECS;
use super::violation::BindingKind;
use serde::{Deserialize, Serialize};

pub mod credential_status;
mod refusal;

pub use refusal::Refusal;

/// The header `typ` of a token request (换取身份断言请求).
pub const TYP_REQUEST: &str = "JG-ROAM-REQ";
/// The header `typ` of an identity assertion (身份断言).
pub const TYP_ASSERTION: &str = "JG-ROAM";
/// The header `typ` of a notice (会话通知).
pub const TYP_NOTICE: &str = "JG-ROAM-NOTICE";
/// Longer than any roaming message this platform makes: refused unread.
pub const MAX_CHARS: usize = 16_000;
/// An assertion holds at most this long (two minutes).
pub const ASSERTION_MAX_SECS: i64 = 120;
/// A token request or a notice holds at most this long.
pub const MESSAGE_MAX_SECS: i64 = 60;
/// A one-time code holds this long.
pub const CODE_SECS: i64 = 60;
/// The browser has this long from leaving the visited platform to coming
/// back (the state cookie's life).
pub const STATE_SECS: i64 = 600;
/// At most this many vehicles travel in an assertion.
pub const MAX_VEHICLES: usize = 50;
/// Vehicles not in the person's name a window registration may bind
/// (SPEC §3): no assertion carries more.
pub use super::services::MAX_NON_OWN_BINDINGS as MAX_NOT_OWN;

/// How a vehicle the home platform asserted is bound on the visited
/// platform, if at all: as the person's own when this registry has it in
/// their name; as not their own when it was bound so at home, only for a
/// window registration and within its three (`binding::may_bind_vehicle`,
/// counting the `non_own_bound` here already); else not at all (home and
/// this registry disagree on whose it is).
pub fn binding_here(
    channel: RegistrationChannel,
    own_at_home: bool,
    in_their_name_here: bool,
    non_own_bound: usize,
) -> Option<BindingKind> {
    if in_their_name_here {
        return Some(BindingKind::Own);
    }
    let binder = Binder::Individual(channel);
    (!own_at_home && may_bind_vehicle(binder, BindingKind::NonOwn, non_own_bound).is_ok())
        .then_some(BindingKind::NonOwn)
}

/// The visited platform's page that sends the browser home
/// (`?home=冀`): "用其他省份账号登录".
pub const START_PATH: &str = "/roam/start";
/// The home platform's page where the person agrees (step 2).
pub const AUTHORIZE_PATH: &str = "/roam/authorize";
/// The visited platform's address the browser comes back to.
pub const CALLBACK_PATH: &str = "/roam/callback";
/// The home platform's exchange (server to server).
pub const TOKEN_PATH: &str = "/roam/token";
/// A platform's address for notices (server to server).
pub const NOTICE_PATH: &str = "/roam/notice";

/// Step 3: the visited platform asks for the assertion behind a code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    /// The visited platform (its province).
    pub iss: String,
    /// The home platform.
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
    pub jti: String,
    /// The one-time code the browser brought back.
    pub code: String,
}

/// Step 3's answer: who the person is, for one platform, for two minutes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assertion {
    /// The home platform.
    pub iss: String,
    /// The visited platform it is for.
    pub aud: String,
    /// The person's account at home (opaque to the visited platform).
    pub sub: String,
    pub iat: i64,
    pub exp: i64,
    pub jti: String,
    /// The nonce the visited platform sent in step 1.
    pub nonce: String,
    pub person: RoamingPerson,
    /// The vehicles bound at home (绑定的机动车).
    pub vehicles: Vec<RoamingVehicle>,
}

/// The person, as their home platform registered them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoamingPerson {
    /// 公民身份号码
    pub id_number: String,
    pub name: String,
    /// The mobile phone on the home account.
    pub phone: String,
    /// 注册方式 at home, as its code (`online`, `window`): what they may
    /// do follows it (SPEC §3).
    pub channel: String,
    /// 个人用户类别, as its code (`owner_or_driver`, `learner`,
    /// `new_car_owner`).
    pub kind: String,
}

impl RoamingPerson {
    /// The person with the ID number in its canonical form (capital X),
    /// when the ID number, the name and the phone number are each valid.
    pub fn checked(&self) -> Option<RoamingPerson> {
        use super::identity::{PersonName, PhoneNumber, ResidentId};
        let id = ResidentId::parse(&self.id_number).ok()?;
        PersonName::parse(&self.name).ok()?;
        PhoneNumber::parse(&self.phone).ok()?;
        Some(RoamingPerson {
            id_number: id.as_str().to_string(),
            ..self.clone()
        })
    }

    /// The channel and kind, when both codes are known.
    pub fn registration(&self) -> Option<(RegistrationChannel, IndividualKind)> {
        Some((
            RegistrationChannel::from_code(&self.channel)?,
            IndividualKind::from_code(&self.kind)?,
        ))
    }
}

/// A vehicle bound at home.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoamingVehicle {
    /// 号牌号码
    pub plate: String,
    /// 车辆识别代号
    pub vin: String,
    /// In the person's name (本人机动车), or one of the three a window
    /// registration may bind (非本人机动车).
    pub own: bool,
}

/// Step 4: the home platform tells a visited one that the person's
/// sessions there end.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Notice {
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
    pub jti: String,
    /// The person's account at home, as in their assertions.
    pub sub: String,
    pub event: NoticeEvent,
}

/// Why the sessions end.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeEvent {
    /// 在注册地平台退出登录
    LoggedOut,
    /// 注册地平台停用了账户
    Disabled,
}

impl NoticeEvent {
    pub fn code(self) -> &'static str {
        match self {
            NoticeEvent::LoggedOut => "logged_out",
            NoticeEvent::Disabled => "disabled",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "logged_out" => Some(NoticeEvent::LoggedOut),
            "disabled" => Some(NoticeEvent::Disabled),
            _ => None,
        }
    }
}

/// A message's time window: issued no later than now (with the clock
/// skew), not yet over (with the skew), and holding no longer than
/// `max_secs`.
pub fn check_window(iat: i64, exp: i64, now_secs: i64, max_secs: i64) -> Result<(), Refusal> {
    if iat > now_secs + CLOCK_SKEW_SECS {
        return Err(Refusal::NotYetValid);
    }
    if exp < iat || exp - iat > max_secs || exp + CLOCK_SKEW_SECS <= now_secs {
        return Err(Refusal::Expired);
    }
    Ok(())
}

/// The checks on an assertion's claims once its signature holds: from the
/// platform asked, for this one, in time, for this browser's nonce, and
/// with no more vehicles than a home platform sends.
pub fn check_assertion(
    a: &Assertion,
    home: &str,
    me: &str,
    nonce: &str,
    now_secs: i64,
) -> Result<(), Refusal> {
    if a.iss != home {
        return Err(Refusal::WrongIssuer);
    }
    if a.aud != me {
        return Err(Refusal::WrongAudience);
    }
    check_window(a.iat, a.exp, now_secs, ASSERTION_MAX_SECS)?;
    if a.nonce != nonce || nonce.is_empty() {
        return Err(Refusal::StateMismatch);
    }
    if a.sub.is_empty()
        || a.sub.len() > 64
        || a.jti.is_empty()
        || a.jti.len() > 64
        || a.vehicles.len() > MAX_VEHICLES
        || a.vehicles.iter().filter(|v| !v.own).count() > MAX_NOT_OWN
        || a.vehicles
            .iter()
            .any(|v| v.plate.chars().count() > 16 || v.vin.len() > 17)
        || a.person.registration().is_none()
        || a.person.checked().is_none()
    {
        return Err(Refusal::Malformed);
    }
    Ok(())
}

/// A random value for `state`, `nonce`, a code or a `jti`: 128 bits, hex.
pub fn random_token(random: [u8; 16]) -> String {
    super::credential::credential_id(random)
}

/// A `state` or `nonce` as it may arrive: 32 lowercase hex characters.
pub fn well_formed_token(text: &str) -> bool {
    text.len() == 32 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The state cookie's value: `state.nonce.home` (the home province
/// percent-free: its abbreviation's UTF-8 in hex).
pub fn state_cookie(state: &str, nonce: &str, home: &str) -> String {
    let home_hex: String = home.bytes().map(|b| format!("{b:02x}")).collect();
    format!("{state}.{nonce}.{home_hex}")
}

/// The state cookie read back: (state, nonce, home).
pub fn read_state_cookie(value: &str) -> Option<(String, String, String)> {
    let mut parts = value.split('.');
    let (Some(state), Some(nonce), Some(home_hex), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    if !well_formed_token(state) || !well_formed_token(nonce) || home_hex.len() % 2 != 0 {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..home_hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(home_hex.get(i..i + 2)?, 16).ok())
        .collect();
    let home = String::from_utf8(bytes?).ok()?;
    Some((state.into(), nonce.into(), home))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assertion() -> Assertion {
        Assertion {
            iss: "冀".into(),
            aud: "京".into(),
            sub: "17".into(),
            iat: 1_800_000_000,
            exp: 1_800_000_000 + ASSERTION_MAX_SECS,
            jti: random_token([1; 16]),
            nonce: random_token([2; 16]),
            person: RoamingPerson {
                id_number: "110101199003071233".into(),
                name: "张三".into(),
                phone: "13800001234".into(),
                channel: "online".into(),
                kind: "owner_or_driver".into(),
            },
            vehicles: vec![],
        }
    }

    #[test]
    fn an_assertion_passes_only_from_home_for_me_in_time_with_my_nonce() {
        let a = assertion();
        let n = a.nonce.clone();
        let now = a.iat + 10;
        assert_eq!(check_assertion(&a, "冀", "京", &n, now), Ok(()));
        assert_eq!(
            check_assertion(&a, "晋", "京", &n, now),
            Err(Refusal::WrongIssuer)
        );
        assert_eq!(
            check_assertion(&a, "冀", "晋", &n, now),
            Err(Refusal::WrongAudience)
        );
        let other = random_token([3; 16]);
        assert_eq!(
            check_assertion(&a, "冀", "京", &other, now),
            Err(Refusal::StateMismatch)
        );
        // The skew minute past exp still passes; one more second does not.
        let last = a.exp + CLOCK_SKEW_SECS - 1;
        assert_eq!(check_assertion(&a, "冀", "京", &n, last), Ok(()));
        assert_eq!(
            check_assertion(&a, "冀", "京", &n, last + 1),
            Err(Refusal::Expired)
        );
        assert_eq!(
            check_assertion(&a, "冀", "京", &n, a.iat - CLOCK_SKEW_SECS - 1),
            Err(Refusal::NotYetValid)
        );
        // Longer than two minutes is refused even while in time.
        let long = Assertion {
            exp: a.iat + ASSERTION_MAX_SECS + 1,
            ..a.clone()
        };
        assert_eq!(
            check_assertion(&long, "冀", "京", &n, now),
            Err(Refusal::Expired)
        );
        let many = Assertion {
            vehicles: vec![
                RoamingVehicle {
                    plate: "冀A12345".into(),
                    vin: "LSVAA4182E2000001".into(),
                    own: true,
                };
                MAX_VEHICLES + 1
            ],
            ..a
        };
        assert_eq!(
            check_assertion(&many, "冀", "京", &n, now),
            Err(Refusal::Malformed)
        );
    }

    #[test]
    fn the_state_cookie_round_trips_and_refuses_anything_else() {
        let s = random_token([4; 16]);
        let n = random_token([5; 16]);
        let v = state_cookie(&s, &n, "冀");
        assert!(v.is_ascii());
        assert_eq!(
            read_state_cookie(&v),
            Some((s.clone(), n.clone(), "冀".into()))
        );
        assert_eq!(read_state_cookie(&format!("{s}.{n}")), None);
        assert_eq!(read_state_cookie(&format!("{s}.{n}.e")), None);
        assert_eq!(read_state_cookie(&format!("{s}.{n}.zz")), None);
        assert_eq!(read_state_cookie(&format!("{s}X.{n}.e586")), None);
        assert!(!well_formed_token("ABCDEF0123456789abcdef0123456789"));
    }

    #[test]
    fn every_refusal_has_a_code_and_words_in_both_languages() {
        for r in Refusal::ALL {
            assert_eq!(Refusal::from_code(r.code()), Some(r));
            assert!(!r.zh().is_empty() && r.en().is_ascii());
        }
        assert_eq!(Refusal::from_code("nope"), None);
        for e in [NoticeEvent::LoggedOut, NoticeEvent::Disabled] {
            assert_eq!(NoticeEvent::from_code(e.code()), Some(e));
        }
    }

    #[test]
    fn the_messages_travel_as_json_with_nothing_unknown() {
        let a = assertion();
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(serde_json::from_str::<Assertion>(&json).unwrap(), a);
        let extra = json.replacen('{', "{\"admin\":true,", 1);
        assert!(serde_json::from_str::<Assertion>(&extra).is_err());
        assert!(json.contains(r#""channel":"online""#), "{json}");
        assert_eq!(
            a.person.registration(),
            Some((RegistrationChannel::Online, IndividualKind::OwnerOrDriver))
        );
        let odd = Assertion {
            person: RoamingPerson {
                kind: "admin".into(),
                ..a.person.clone()
            },
            ..a.clone()
        };
        assert_eq!(
            check_assertion(&odd, "冀", "京", &a.nonce, a.iat),
            Err(Refusal::Malformed)
        );
    }

    #[test]
    fn what_a_roaming_login_binds_here() {
        use RegistrationChannel::{Online, Window};
        // In their name here: their own, whatever home said.
        assert_eq!(binding_here(Online, true, true, 0), Some(BindingKind::Own));
        assert_eq!(binding_here(Online, false, true, 3), Some(BindingKind::Own));
        // Not theirs here though home says it is: home and this registry
        // disagree, so nothing.
        assert_eq!(binding_here(Window, true, false, 0), None);
        // Bound at home as not theirs: only a window registration, within
        // three counting what is bound here already.
        assert_eq!(binding_here(Online, false, false, 0), None);
        assert_eq!(
            binding_here(Window, false, false, 2),
            Some(BindingKind::NonOwn)
        );
        assert_eq!(binding_here(Window, false, false, 3), None);
    }
}
