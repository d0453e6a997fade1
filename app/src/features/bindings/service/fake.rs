//! An in-memory registry (车驾管登记) and SMS-code store for the services'
//! unit tests: it answers from what a test puts in it and records every
//! change a service asks for, so that a test can check what was (and was
//! not) done. Plate pre-selection and test booking use it for who an
//! account is in the registry.

use crate::domain::{
    BindingKind, IndividualKind, PhoneNumber, PlateNumber, RegistrationChannel, Sms, StaffRole,
    UnitKind,
};
use crate::features::accounts::port::{CodeRejection, SmsCodes};
use crate::features::accounts::{AccountRole, SessionAccount};
use crate::features::bindings::port::{
    BindRejection, Bindings, ContactTarget, OwnerKey, RegistryVehicle,
};
use crate::features::bindings::{MyLicence, MyVehicle, UnboundVehicle};
use crate::features::port::Actor;
use crate::port_error::PortResult;
use async_trait::async_trait;
use std::future::Future;
use std::sync::Mutex;
use std::task::{Context, Poll, Waker};

/// The code the fake SMS store sends (the owner would read it out).
pub(crate) const CODE: &str = "482913";

/// The ID number of the test accounts' holder (a valid resident ID).
pub(crate) const HOLDER_ID: &str = "110101199001011237";

/// What a service asked the fake to do, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Call {
    UnboundOwn {
        account_id: i64,
        owner: OwnerKey,
    },
    BindVehicle {
        account_id: i64,
        vehicle_id: i64,
        kind: BindingKind,
        ip: String,
    },
    UnbindVehicle {
        account_id: i64,
        vehicle_id: i64,
    },
    Licence {
        account_id: i64,
        id_number: String,
    },
    BindLicence {
        account_id: i64,
        id_number: String,
    },
    UnbindLicence {
        account_id: i64,
    },
    SendCode {
        phone: String,
        purpose: String,
        subject: String,
        ip: String,
        now_ms: i64,
        sms: Sms,
    },
    UseCode {
        phone: String,
        purpose: String,
        subject: String,
        code: String,
        now_ms: i64,
    },
}

/// The registry as a test sets it up, and what was asked of it.
#[derive(Default)]
pub(crate) struct FakeRegistry {
    pub bound: Vec<MyVehicle>,
    pub unbound_own: Vec<UnboundVehicle>,
    pub vehicles: Vec<RegistryVehicle>,
    /// The licence held under [`HOLDER_ID`].
    pub licence: Option<MyLicence>,
    /// What the next binding meets (vehicle or licence); None binds.
    pub bind_refusal: Mutex<Option<BindRejection>>,
    /// Whether there was something to unbind.
    pub was_bound: bool,
    /// Seconds to wait when the sending quota refuses a code.
    pub send_wait: Option<i64>,
    /// What the next typed code meets; None accepts it.
    pub code_rejection: Mutex<Option<CodeRejection>>,
    pub calls: Mutex<Vec<Call>>,
}

impl FakeRegistry {
    fn record(&self, call: Call) {
        self.calls.lock().expect("calls").push(call);
    }

    /// Every change and lookup asked for so far.
    pub fn calls(&self) -> Vec<Call> {
        self.calls.lock().expect("calls").clone()
    }

    fn bind_outcome(&self) -> Result<(), BindRejection> {
        match self.bind_refusal.lock().expect("refusal").take() {
            None => Ok(()),
            Some(r) => Err(r),
        }
    }
}

const UNUSED: &str = "not used by the services under test";

#[async_trait]
impl Bindings for FakeRegistry {
    async fn bound_vehicles(&self, _: i64) -> PortResult<Vec<MyVehicle>> {
        Ok(self.bound.clone())
    }
    async fn unbound_own_vehicles(
        &self,
        account_id: i64,
        owner: &OwnerKey,
    ) -> PortResult<Vec<UnboundVehicle>> {
        self.record(Call::UnboundOwn {
            account_id,
            owner: owner.clone(),
        });
        Ok(self.unbound_own.clone())
    }
    async fn vehicle_by_plate(&self, plate: &PlateNumber) -> PortResult<Option<RegistryVehicle>> {
        Ok(self
            .vehicles
            .iter()
            .find(|v| v.plate.as_deref() == Some(plate.as_str()))
            .cloned())
    }
    async fn vehicle_by_id(&self, vehicle_id: i64) -> PortResult<Option<RegistryVehicle>> {
        Ok(self.vehicles.iter().find(|v| v.id == vehicle_id).cloned())
    }
    async fn bind_vehicle(
        &self,
        account_id: i64,
        vehicle_id: i64,
        kind: BindingKind,
        actor: &Actor,
    ) -> PortResult<Result<(), BindRejection>> {
        self.record(Call::BindVehicle {
            account_id,
            vehicle_id,
            kind,
            ip: actor.ip.clone(),
        });
        Ok(self.bind_outcome())
    }
    async fn unbind_vehicle(
        &self,
        account_id: i64,
        vehicle_id: i64,
        _: &Actor,
    ) -> PortResult<bool> {
        self.record(Call::UnbindVehicle {
            account_id,
            vehicle_id,
        });
        Ok(self.was_bound)
    }
    async fn licence(&self, account_id: i64, id_number: &str) -> PortResult<Option<MyLicence>> {
        self.record(Call::Licence {
            account_id,
            id_number: id_number.into(),
        });
        Ok(self.licence.clone().filter(|_| id_number == HOLDER_ID))
    }
    async fn bind_licence(
        &self,
        account_id: i64,
        id_number: &str,
        _: &Actor,
    ) -> PortResult<Result<(), BindRejection>> {
        self.record(Call::BindLicence {
            account_id,
            id_number: id_number.into(),
        });
        Ok(self.bind_outcome())
    }
    async fn unbind_licence(&self, account_id: i64, _: &Actor) -> PortResult<bool> {
        self.record(Call::UnbindLicence { account_id });
        Ok(self.was_bound)
    }
    async fn change_contact(
        &self,
        _: i64,
        _: &ContactTarget,
        _: &str,
        _: &PhoneNumber,
        _: &Actor,
    ) -> PortResult<()> {
        unimplemented!("{UNUSED}")
    }
}

#[async_trait]
impl SmsCodes for FakeRegistry {
    async fn send_code_worded(
        &self,
        text: &(dyn for<'c> Fn(&'c str) -> Sms + Send + Sync),
        phone: &PhoneNumber,
        purpose: &str,
        subject: &str,
        ip: &str,
        now_ms: i64,
    ) -> PortResult<Result<(), i64>> {
        if let Some(wait) = self.send_wait {
            return Ok(Err(wait));
        }
        self.record(Call::SendCode {
            phone: phone.as_str().into(),
            purpose: purpose.into(),
            subject: subject.into(),
            ip: ip.into(),
            now_ms,
            sms: text(CODE),
        });
        Ok(Ok(()))
    }
    async fn live_code_sent_at(
        &self,
        _: &PhoneNumber,
        _: &str,
        _: &str,
        _: i64,
    ) -> PortResult<Option<i64>> {
        unimplemented!("{UNUSED}")
    }
    async fn use_code(
        &self,
        phone: &PhoneNumber,
        purpose: &str,
        subject: &str,
        code: &str,
        now_ms: i64,
    ) -> PortResult<Result<(), CodeRejection>> {
        self.record(Call::UseCode {
            phone: phone.as_str().into(),
            purpose: purpose.into(),
            subject: subject.into(),
            code: code.into(),
            now_ms,
        });
        Ok(
            match self.code_rejection.lock().expect("rejection").take() {
                None => Ok(()),
                Some(r) => Err(r),
            },
        )
    }
    async fn delete_spent_codes(&self, _: i64) -> PortResult<usize> {
        unimplemented!("{UNUSED}")
    }
}

/// Runs a future of the fakes (they never wait).
pub(crate) fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(value) = future.as_mut().poll(&mut cx) {
            return value;
        }
    }
}

/// Who acts in the tests, from where.
pub(crate) fn actor() -> Actor {
    Actor {
        account_id: Some(1),
        ip: "203.0.113.9".into(),
        operator_id: None,
        api_key: None,
    }
}

/// An account as the session layer shows it: a person is the holder of
/// [`HOLDER_ID`], a unit is its credit code, staff are no one.
fn account(role: AccountRole) -> SessionAccount {
    let owner = role.registry_owner(Some(HOLDER_ID));
    SessionAccount {
        account_id: 1,
        display_name: "张三丰".into(),
        phone_masked: "138****1234".into(),
        id_number_masked: Some("110101********1237".into()),
        role,
        operator: None,
        roaming_from: None,
        owner,
    }
}

/// An individual registered in this way (网上注册 or 窗口注册).
pub(crate) fn person(kind: IndividualKind, channel: RegistrationChannel) -> SessionAccount {
    account(AccountRole::Individual {
        kind,
        channel,
        window: None,
    })
}

/// A car dealer (单位用户) without special grants.
pub(crate) fn unit() -> SessionAccount {
    account(AccountRole::Unit {
        kind: UnitKind::CarDealer,
        credit_code: "91130100MA0A0B0C0D".into(),
        granted: Vec::new(),
        window: None,
    })
}

/// A window clerk (窗口民警).
pub(crate) fn clerk() -> SessionAccount {
    account(AccountRole::Staff {
        role: StaffRole::WindowClerk,
        window_id: Some(1),
        window: None,
        serves_units: false,
    })
}
