//! The registry (人口、机动车、驾驶人信息) as the registration rules read it:
//! a person's record and the registration windows (注册窗口).

use super::{port, Store};
use app::domain::ResidentId;
use app::features::accounts::RegistrationWindow;
use app::ports::*;
use async_trait::async_trait;

#[derive(sqlx::FromRow)]
struct PersonRow {
    name: String,
    phone: String,
    address: String,
    vehicles: i64,
    licences: i64,
}

#[derive(sqlx::FromRow)]
struct WindowRow {
    id: i64,
    name: String,
    address: String,
    phone: String,
    serves: String,
}

impl From<WindowRow> for RegistrationWindow {
    fn from(row: WindowRow) -> RegistrationWindow {
        RegistrationWindow {
            id: row.id,
            name: row.name,
            address: row.address,
            phone: row.phone,
            serves_units: row.serves == "unit",
        }
    }
}

#[async_trait]
impl Registry for Store {
    async fn person(&self, id_number: &ResidentId) -> PortResult<Option<PersonRecord>> {
        port("person", async {
            let row: Option<PersonRow> = sqlx::query_as(
                "SELECT p.name, p.phone, p.address,
                        (SELECT COUNT(*) FROM vehicles v WHERE v.owner_kind = 'person' AND v.owner_id = p.id_number) AS vehicles,
                        (SELECT COUNT(*) FROM driving_licences l WHERE l.id_number = p.id_number) AS licences
                 FROM persons p WHERE p.id_number = $1",
            )
            .bind(id_number.as_str())
            .fetch_optional(&self.pool)
            .await?;
            Ok(row.map(|row| PersonRecord {
                id_number: id_number.clone(),
                name: row.name,
                phone_on_record: row.phone,
                address: row.address,
                vehicles: row.vehicles,
                has_licence: row.licences > 0,
            }))
        })
        .await
    }

    async fn windows(&self) -> PortResult<Vec<RegistrationWindow>> {
        port("windows", async {
            let rows: Vec<WindowRow> = sqlx::query_as(
                "SELECT id, name, address, phone, serves FROM registration_windows
                 WHERE school_account_id IS NULL ORDER BY id",
            )
            .fetch_all(&self.pool)
            .await?;
            Ok(rows.into_iter().map(Into::into).collect())
        })
        .await
    }

    async fn window(&self, id: i64) -> PortResult<Option<RegistrationWindow>> {
        port("window", async {
            let row: Option<WindowRow> = sqlx::query_as(
                "SELECT id, name, address, phone, serves FROM registration_windows WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
            Ok(row.map(Into::into))
        })
        .await
    }

    async fn organisation_by_code(
        &self,
        code: &app::domain::OrganisationCode,
    ) -> PortResult<Option<app::domain::CreditCode>> {
        port("organisation_by_code", async {
            let found: Option<String> = sqlx::query_scalar(
                "SELECT credit_code FROM organisations WHERE SUBSTR(credit_code, 9, 9) = $1 ORDER BY credit_code",
            )
            .bind(code.as_str())
            .fetch_optional(&self.pool)
            .await?;
            Ok(found.and_then(|c| app::domain::CreditCode::parse(&c).ok()))
        })
        .await
    }
}

impl Store {
    /// A person's name as the registry has it (人口信息), by ID number.
    pub(super) async fn registry_person_name(&self, id_number: &str) -> PortResult<Option<String>> {
        port("registry_person_name", async {
            Ok(
                sqlx::query_scalar("SELECT name FROM persons WHERE id_number = $1")
                    .bind(id_number)
                    .fetch_optional(&self.pool)
                    .await?,
            )
        })
        .await
    }
}
