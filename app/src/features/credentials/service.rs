//! The credential desk: shows the holder's electronic licence (signing a
//! new credential when the one on record is old or says something no
//! longer true), revokes it on request, and checks any credential pasted
//! or scanned on the verification page (a trusted peer's revocation asked
//! of the peer).

use super::port::{CredentialKeys, Credentials, KeyCheck, NewCredential};
use super::{ElectronicLicence, LicenceCode, RevocationCheck, Verification, Verified};
use crate::domain::credential::{
    assemble, check_dates, credential_id, end_of_day_secs, extract, parse, signing_input, Claims,
    CredentialKind, Facts, LicenceFacts, PlateFacts, ReceiptFacts, Refusal, LICENCE_HOURS,
    LICENCE_REISSUE_BELOW_HOURS, MAX_CHARS, RECEIPT_HOLDS_DAYS,
};
use crate::domain::identity::ResidentId;
use crate::domain::roaming::credential_status::IssuerSays;
use crate::error::AppError;
use crate::features::accounts::SessionAccount;
use crate::features::bindings::port::OwnerKey;
use crate::features::bindings::service::BindingDesk;
use crate::features::bindings::MyLicence;
use crate::features::fines::Receipt;
use crate::features::port::Actor;
use crate::features::roaming::service::RoamingDesk;
use crate::features::temporary_plates::TemporaryPlate;
use crate::i18n::Text;
use crate::ports::Ports;

const HOUR_MS: i64 = 3_600_000;

/// The credential desk (电子凭证).
pub struct CredentialDesk<'a> {
    pub keys: &'a dyn CredentialKeys,
    pub credentials: &'a dyn Credentials,
    pub bindings: BindingDesk<'a>,
    /// Asks a peer's credential's issuer about it.
    pub roaming: RoamingDesk<'a>,
    pub now_ms: i64,
}

/// The facts of a licence as the electronic licence states them.
pub fn licence_facts(holder: &str, number: &str, l: &MyLicence) -> LicenceFacts {
    LicenceFacts {
        name: holder.to_string(),
        number: ResidentId::masked_or_stars(number),
        class: l.class.code().to_string(),
        status: l.status.code().to_string(),
        valid_from: l.valid_from.to_iso(),
        valid_until: l.valid_until.to_iso(),
        first_issued: l.first_issued.to_iso(),
        authority: l.issuing_authority.clone(),
    }
}

impl<'a> CredentialDesk<'a> {
    pub fn of(ports: &'a Ports) -> CredentialDesk<'a> {
        CredentialDesk {
            keys: &*ports.credential_keys,
            credentials: &*ports.credentials,
            bindings: BindingDesk::of(ports),
            roaming: RoamingDesk::of(ports),
            now_ms: ports.clock.now_ms(),
        }
    }

    /// The holder's electronic licence: the credential on record while it
    /// holds for a while yet and says what the registry says now, else a
    /// new one, signed and kept. `verify_base` is the verification page's
    /// address.
    pub async fn electronic_licence(
        &self,
        account: &SessionAccount,
        verify_base: &str,
        qr: impl Fn(&str) -> String,
        actor: &Actor,
    ) -> Result<ElectronicLicence, AppError> {
        let kind = CredentialKind::DrivingLicence;
        let licence = match self.bindings.licence(account).await? {
            Some(licence) if licence.bound => licence,
            _ => return Ok(ElectronicLicence::NotBound),
        };
        if licence.status.no_longer_held() {
            // Codes shown before stop passing here (the issuer revokes).
            self.credentials
                .revoke_credentials(account.account_id, kind, "licence_not_held", actor)
                .await?;
            return Ok(ElectronicLicence::Unavailable(Text::new(
                format!(
                    "您的驾驶证状态为“{}”，不能出示电子驾驶证。",
                    licence.status.zh()
                ),
                format!(
                    "Your licence is {}: there is no electronic licence to show.",
                    licence.status.en()
                ),
            )));
        }
        let OwnerKey::Person(number) = account.registry_owner()? else {
            return Err(AppError::NotLoggedIn);
        };
        let name = self
            .credentials
            .registry_name(&number)
            .await?
            .unwrap_or_else(|| account.display_name.clone());
        let stated = licence_facts(&name, &number, &licence);
        let facts = Facts::DrivingLicence(stated.clone());
        let held = self
            .credentials
            .held_credential(account.account_id, kind, &number, self.now_ms)
            .await?;
        // The registry says something new (a suspension, say): what was
        // signed before is revoked (the issuer's revocation).
        if held
            .as_ref()
            .is_some_and(|h| parse(&h.token).map_or(true, |p| p.claims.facts != facts))
        {
            self.credentials
                .revoke_credentials(account.account_id, kind, "registry_changed", actor)
                .await?;
        }
        let held = held.filter(|h| {
            h.expires_at_ms > self.now_ms + LICENCE_REISSUE_BELOW_HOURS * HOUR_MS
                && parse(&h.token).is_ok_and(|p| p.claims.facts == facts)
        });
        let (token, issued_at_ms, expires_at_ms) = match held {
            Some(held) => (held.token, held.issued_at_ms, held.expires_at_ms),
            None => {
                let iat = self.now_ms.div_euclid(1000);
                let new = self.sign(
                    account.account_id,
                    &number,
                    facts.clone(),
                    iat + LICENCE_HOURS * 3600,
                );
                self.credentials.record_credential(&new).await?;
                (new.token, new.issued_at_ms, new.expires_at_ms)
            }
        };
        let verify_url = format!("{verify_base}?c={token}");
        Ok(ElectronicLicence::Shown(Box::new(LicenceCode {
            facts: stated,
            qr_svg: qr(&verify_url),
            verify_url,
            issued_at_ms,
            expires_at_ms,
        })))
    }

    /// The signed credential a dealer's issued temporary plate carries in
    /// its QR code (until the end of its last day), signed once and kept;
    /// answers the verification address. A revoked plate's credential is
    /// refused by the records.
    pub async fn temporary_plate_url(
        &self,
        dealer_account_id: i64,
        plate: &TemporaryPlate,
        verify_base: &str,
    ) -> Result<String, AppError> {
        let facts = Facts::TemporaryPlate(PlateFacts {
            number: plate.number.clone(),
            vin: plate.vin.clone(),
            model: plate.model.clone(),
            vehicle_type: plate.vehicle_type.code().to_string(),
            valid_from: plate.valid_from.to_iso(),
            valid_until: plate.valid_until.to_iso(),
            dealer: plate.dealer.clone(),
        });
        let exp = end_of_day_secs(plate.valid_until);
        let subject = plate.id.to_string();
        let token = self
            .kept_or_signed(dealer_account_id, &subject, facts, exp)
            .await?;
        Ok(format!("{verify_base}?c={token}"))
    }

    /// The signed credential a fine payment receipt (罚款缴纳凭证) carries
    /// in its QR code, signed once and kept; answers the verification
    /// address. (Only money paid twice is refunded, and that payment has
    /// no receipt, so a receipt is never revoked.)
    pub async fn receipt_url(
        &self,
        payer_account_id: i64,
        receipt: &Receipt,
        payee: &str,
        verify_base: &str,
    ) -> Result<String, AppError> {
        let facts = Facts::FineReceipt(ReceiptFacts {
            receipt_no: receipt.receipt_no.clone(),
            decision_no: receipt.decision_no.clone(),
            plate: receipt.plate.clone(),
            payer: receipt.payer.clone(),
            amount_fen: receipt.amount_fen,
            paid_at: receipt.paid_at_ms.div_euclid(1000),
            payee: payee.to_string(),
        });
        let exp = self.now_ms.div_euclid(1000) + RECEIPT_HOLDS_DAYS * 86_400;
        let token = self
            .kept_or_signed(payer_account_id, &receipt.receipt_no, facts, exp)
            .await?;
        Ok(format!("{verify_base}?c={token}"))
    }

    /// The holder's kept credential of these facts' kind about `subject`,
    /// or a new one signed (holding until `exp`) and kept.
    async fn kept_or_signed(
        &self,
        account_id: i64,
        subject: &str,
        facts: Facts,
        exp: i64,
    ) -> Result<String, AppError> {
        let held = self
            .credentials
            .held_credential(account_id, facts.kind(), subject, self.now_ms)
            .await?;
        if let Some(held) = held {
            return Ok(held.token);
        }
        let new = self.sign(account_id, subject, facts, exp);
        self.credentials.record_credential(&new).await?;
        Ok(new.token)
    }

    /// Signs a new credential with the current key, holding until `exp`.
    fn sign(&self, account_id: i64, subject: &str, facts: Facts, exp: i64) -> NewCredential {
        let iat = self.now_ms.div_euclid(1000);
        let claims = Claims {
            iss: self.keys.issuer(),
            jti: credential_id(rand::random()),
            iat,
            exp,
            facts,
        };
        let input = signing_input(self.keys.current_alg(), &self.keys.current_kid(), &claims);
        let token = assemble(&input, &self.keys.sign(input.as_bytes()));
        NewCredential {
            jti: claims.jti.clone(),
            kind: claims.facts.kind(),
            account_id,
            subject: subject.to_string(),
            token,
            issued_at_ms: iat * 1000,
            expires_at_ms: claims.exp * 1000,
        }
    }

    /// Revokes the holder's electronic licence codes (a screenshot went
    /// astray, say); the page then shows a new one.
    pub async fn revoke_licence_codes(
        &self,
        account: &SessionAccount,
        actor: &Actor,
    ) -> Result<usize, AppError> {
        Ok(self
            .credentials
            .revoke_credentials(
                account.account_id,
                CredentialKind::DrivingLicence,
                "holder",
                actor,
            )
            .await?)
    }

    /// Checks a credential as pasted or scanned: its form, the issuer and
    /// key on the trust list, the signature, the dates, and its record
    /// (revoked?) and the licence's status now — in this platform's records
    /// for its own, as the issuer answers for a trusted peer's. A peer that
    /// gives no usable answer leaves the credential genuine by signature
    /// and dates, and the result says revocation was not checked.
    pub async fn verify(&self, pasted: &str) -> Result<Verification, AppError> {
        let token = extract(pasted);
        if token.is_empty() {
            return Err(AppError::field(
                "credential",
                Text::new(
                    "请粘贴凭证内容或核验地址",
                    "Paste the credential or the address its QR code opens",
                ),
            ));
        }
        if token.len() > MAX_CHARS || !token.chars().all(|c| c.is_ascii_graphic()) {
            return Err(AppError::field(
                "credential",
                Text::new(
                    "这不是电子凭证：凭证只含英文字母、数字和“-”“_”“.”，且不超过2000个字符。请完整复制二维码中的文字。",
                    "This is not a credential: a credential has only letters, digits, “-”, “_” and “.”, at most 2,000 of them. Copy the QR code's text whole.",
                ),
            ));
        }
        let presented = match parse(&token) {
            Ok(p) => p,
            Err(refusal) => return Ok(Verification::Refused(refusal)),
        };
        let claims = &presented.claims;
        let refusal = match self.keys.verify(
            &claims.iss,
            &presented.header,
            presented.signing_input.as_bytes(),
            &presented.signature,
        ) {
            KeyCheck::Valid => None,
            KeyCheck::UnknownIssuer => Some(Refusal::UnknownIssuer),
            KeyCheck::UnknownKey => Some(Refusal::UnknownKey),
            KeyCheck::WrongAlgorithm => Some(Refusal::Algorithm),
            KeyCheck::BadSignature => Some(Refusal::BadSignature),
        };
        if let Some(refusal) =
            refusal.or_else(|| check_dates(claims, self.now_ms.div_euclid(1000)).err())
        {
            return Ok(Verification::Refused(refusal));
        }
        let own = claims.iss == self.keys.issuer();
        let said = if own {
            Some(self.on_record(claims).await?)
        } else {
            // None: no usable answer (logged by the roaming desk, with why).
            self.roaming
                .ask_issuer(&claims.iss, &claims.jti, claims.facts.kind())
                .await
                .ok()
        };
        let (revocation, licence_status_now) = match said {
            Some(IssuerSays::NotOnRecord) => {
                return Ok(Verification::Refused(Refusal::NotOnRecord))
            }
            Some(IssuerSays::Revoked { at_ms }) => {
                return Ok(Verification::Refused(Refusal::Revoked { at_ms }))
            }
            Some(IssuerSays::Valid { licence_status_now }) if own => {
                (RevocationCheck::OurRecords, licence_status_now)
            }
            Some(IssuerSays::Valid { licence_status_now }) => {
                (RevocationCheck::IssuerAnswered, licence_status_now)
            }
            None => (RevocationCheck::IssuerUnreachable, None),
        };
        let (issuer_zh, issuer_en) = self
            .keys
            .issuer_name(&claims.iss)
            .unwrap_or_else(|| (claims.iss.clone(), claims.iss.clone()));
        Ok(Verification::Genuine(Box::new(Verified {
            claims: presented.claims.clone(),
            kid: presented.header.kid.clone(),
            issuer_zh,
            issuer_en,
            revocation,
            licence_status_now,
        })))
    }

    /// What this platform's records say of a credential it signed: a
    /// record of another kind is no record of it (as a peer answers,
    /// `domain::roaming::credential_status`).
    async fn on_record(&self, claims: &Claims) -> Result<IssuerSays, AppError> {
        let record = self.credentials.credential_on_record(&claims.jti).await?;
        Ok(match record {
            Some(record) if record.kind == claims.facts.kind() => match record.revoked_at_ms {
                Some(at_ms) => IssuerSays::Revoked { at_ms },
                None => IssuerSays::Valid {
                    licence_status_now: record.licence_status_now,
                },
            },
            _ => IssuerSays::NotOnRecord,
        })
    }
}
