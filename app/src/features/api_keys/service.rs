//! The key desk of a unit's own account: create a key (shown once), list
//! and revoke.

use super::port::{ApiKeys, NewApiKey};
use super::{ApiKeysPage, NewKeyShown};
use crate::domain::api_key::{
    format_key, key_name, key_parts, parse_key, scopes_chosen, secret_digest, validity_days,
    ApiScope, KeyState, MAX_ACTIVE_KEYS,
};
use crate::error::{AppError, FieldCheck};
use crate::features::accounts::{AccountRole, SessionAccount};
use crate::features::port::Actor;
use crate::i18n::Text;
use crate::ports::Ports;

/// The create form as posted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyForm {
    pub name: String,
    pub scopes: Vec<String>,
    pub days: String,
}

/// The key desk (开放接口密钥管理).
pub struct ApiKeyDesk<'a> {
    pub keys: &'a dyn ApiKeys,
    pub now_ms: i64,
}

/// The scopes this unit may put on a key.
pub fn offered_scopes(unit: &SessionAccount) -> Vec<ApiScope> {
    match &unit.role {
        AccountRole::Unit { kind, granted, .. } => ApiScope::offered(*kind, granted),
        _ => Vec::new(),
    }
}

impl<'a> ApiKeyDesk<'a> {
    pub fn of(ports: &'a Ports) -> ApiKeyDesk<'a> {
        ApiKeyDesk {
            keys: &*ports.api_keys,
            now_ms: ports.clock.now_ms(),
        }
    }

    /// The page: the unit's keys, and `revealed` (a key just created, as
    /// carried to the page) when it is one of them and still active.
    pub async fn page(
        &self,
        unit: &SessionAccount,
        revealed: Option<&str>,
    ) -> Result<ApiKeysPage, AppError> {
        let keys = self.keys.unit_keys(unit.account_id, self.now_ms).await?;
        let new_key = revealed.and_then(|raw| {
            let (public_id, _) = parse_key(raw)?;
            keys.iter()
                .find(|k| k.public_id == public_id && k.state == KeyState::Active)
                .map(|k| NewKeyShown {
                    name: k.name.clone(),
                    key: raw.trim().to_string(),
                })
        });
        Ok(ApiKeysPage {
            keys,
            offered: offered_scopes(unit),
            new_key,
        })
    }

    /// Creates a key; answers it whole (the only time it exists outside
    /// the unit's own system).
    pub async fn create(
        &self,
        unit: &SessionAccount,
        form: &KeyForm,
        actor: &Actor,
    ) -> Result<String, AppError> {
        let offered = offered_scopes(unit);
        if offered.is_empty() {
            return Err(AppError::not_allowed(
                Text::new(
                    "开放接口只用于交管部门授权本单位办理的委托业务，本单位尚未获得授权。",
                    "The open API serves the entrusted services granted to the unit; this unit has none.",
                ),
                Text::new(
                    "委托业务和专项服务的授权，请持相关资质证明到单位用户注册窗口申请。",
                    "Apply for the grant at the unit registration window with the unit's qualification documents.",
                ),
            ));
        }
        let mut check = FieldCheck::new();
        let name = check.take_text("name", key_name(&form.name));
        let scopes = check.take_text("scopes", scopes_chosen(&form.scopes, &offered));
        let days = check.take_text("days", validity_days(&form.days));
        check.finish()?;
        let (Some(name), Some(scopes), Some(days)) = (name, scopes, days) else {
            unreachable!("FieldCheck::finish refuses a form with a field missing")
        };
        let random: [u8; 40] = {
            let mut bytes = [0u8; 40];
            rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut bytes);
            bytes
        };
        let (public_id, secret) = key_parts(&random);
        let new = NewApiKey {
            account_id: unit.account_id,
            public_id: public_id.clone(),
            secret_digest: secret_digest(&secret),
            name,
            scopes,
            expires_at_ms: self.now_ms + i64::from(days) * 86_400_000,
        };
        if self
            .keys
            .create_key(&new, MAX_ACTIVE_KEYS, actor)
            .await?
            .is_none()
        {
            return Err(AppError::Conflict(Text::new(
                format!("本单位已有{MAX_ACTIVE_KEYS}个有效密钥。请先吊销不再使用的密钥。"),
                format!("The unit holds {MAX_ACTIVE_KEYS} active keys already. Revoke one no longer used first."),
            )));
        }
        Ok(format_key(&public_id, &secret))
    }

    /// Revokes the unit's key at once: its next call is refused.
    pub async fn revoke(
        &self,
        unit: &SessionAccount,
        id: i64,
        actor: &Actor,
    ) -> Result<(), AppError> {
        if self.keys.revoke_key(unit.account_id, id, actor).await? {
            return Ok(());
        }
        Err(AppError::NotFound(Text::new(
            "没有找到本单位这个有效的密钥（可能已吊销）。",
            "No such active key of this unit (it may be revoked already).",
        )))
    }
}
