//! A dealer's temporary plate and a hospital's examination through the
//! open API, compared with the database.

use super::{call, create_key};
use crate::helpers::*;
use serde_json::json;

async fn a_dealer_issues_and_revokes_a_plate_and_a_hospital_records_an_examination_through_the_api(
    app: TestApp,
) {
    let pool = &app.platform.store.pool;
    // The dealer: a plate for the buyer's new car, issued with the code
    // the buyer reads out, then revoked.
    let key = create_key(
        &app,
        crate::temporary_plates::DEALER,
        &["temporary_plates"],
        "30",
    )
    .await;
    let k = Some(key.as_str());
    let buyer = crate::temporary_plates::buyer(&app).await;
    let form = crate::temporary_plates::entry(&app, &buyer, "10");
    let (status, body) = call(
        &app,
        k,
        "POST",
        "/open/v1/temporary-plates",
        Some(json!({
            "vin": form.vin, "buyer_id_number": form.buyer_id_number, "buyer_name": form.buyer_name,
            "buyer_phone": form.buyer_phone, "prefix": form.prefix, "valid_from": form.valid_from, "days": form.days,
        })),
    )
    .await;
    assert_eq!(status, 201, "{app}: {body}");
    let id = body["id"].as_i64().unwrap();
    let code = app.latest_code(&buyer.2).await;
    let (status, plate) = call(
        &app,
        k,
        "POST",
        &format!("/open/v1/temporary-plates/{id}/issue"),
        Some(json!({"code": code})),
    )
    .await;
    assert_eq!(status, 200, "{app}: {plate}");
    let (number, state): (String, String) =
        sqlx::query_as("SELECT number, state FROM temporary_plates WHERE id = $1")
            .bind(id)
            .fetch_one(pool)
            .await
            .unwrap();
    assert_eq!(
        (plate["number"].as_str(), plate["state"].as_str()),
        (Some(number.as_str()), Some(state.as_str())),
        "{app}"
    );
    assert_eq!(
        (state.as_str(), plate["standing"].as_str()),
        ("issued", Some("valid")),
        "{app}"
    );
    let (status, list) = call(
        &app,
        k,
        "GET",
        &format!("/open/v1/temporary-plates?query={}", urlencoding(&number)),
        None,
    )
    .await;
    assert_eq!(
        (status, list["total"].as_i64()),
        (200, Some(1)),
        "{app}: {list}"
    );
    let (status, plate) = call(
        &app,
        k,
        "POST",
        &format!("/open/v1/temporary-plates/{id}/revoke"),
        Some(json!({"reason": "车辆退货"})),
    )
    .await;
    assert_eq!(
        (status, plate["state"].as_str()),
        (200, Some("revoked")),
        "{app}: {plate}"
    );
    let state: String = app
        .scalar("SELECT state FROM temporary_plates WHERE id = $1", id)
        .await;
    assert_eq!(state, "revoked", "{app}");

    // The hospital: an examination recorded, found by its number.
    let key = create_key(&app, "Hospital (unit)", &["physical_exams"], "30").await;
    let k = Some(key.as_str());
    let (id_number, name, class): (String, String, String) = sqlx::query_as(
        "SELECT p.id_number, p.name, l.class FROM persons p
         JOIN driving_licences l ON l.id_number = p.id_number ORDER BY p.id_number LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    let exam = crate::physical_exams::sound_exam(&app, &id_number, &name, &class);
    let (status, body) = call(
        &app,
        k,
        "POST",
        "/open/v1/physical-exams",
        Some(json!({
            "id_number": exam.id_number, "name": exam.name, "class": exam.class, "examined_on": exam.examined_on,
            "height_cm": exam.height_cm, "vision_left": exam.vision_left, "vision_right": exam.vision_right,
            "colour_vision": exam.colour_vision, "hearing": exam.hearing, "upper_limbs": exam.upper_limbs,
            "lower_limbs": exam.lower_limbs, "trunk_neck": exam.trunk_neck, "conclusion": exam.conclusion,
        })),
    )
    .await;
    assert_eq!(status, 201, "{app}: {body}");
    let certificate = body["certificate_no"].as_str().unwrap().to_string();
    let hospital: i64 = app
        .scalar(
            "SELECT hospital_account_id FROM physical_exams WHERE certificate_no = $1",
            certificate.clone(),
        )
        .await;
    assert_eq!(hospital, account_id(&app, "Hospital (unit)").await, "{app}");
    let (status, list) = call(
        &app,
        k,
        "GET",
        &format!("/open/v1/physical-exams?person={certificate}"),
        None,
    )
    .await;
    assert_eq!(
        (status, list["items"][0]["id"].as_i64()),
        (200, body["id"].as_i64()),
        "{app}: {list}"
    );
    assert_eq!(list["items"][0]["conclusion"], "fit", "{app}: {list}");
}

fn urlencoding(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

both_backends!(
    a_dealer_issues_and_revokes_a_plate_and_a_hospital_records_an_examination_through_the_api
);
