//! The open API's rows of the route table (开放接口): the calls under
//! `/open/v1/` (each behind `open_api::gate`: a key with its scope), the
//! OpenAPI document and the documentation page.

use super::{route, RouteEntry};
use crate::http::open_api::{docs, learners, physical_exams, temporary_plates as plates};
use axum::http::Method;
use axum::routing::{delete, get, post};

/// Every open API entry (mounted by the router from the table).
pub fn open_api() -> Vec<RouteEntry> {
    vec![
        route(
            Method::GET,
            docs::DOCUMENT_PATH,
            "open API: the OpenAPI 3 document (接口说明), public",
            || get(docs::openapi_json),
        ),
        route(
            Method::GET,
            "/open/docs",
            "open API: the documentation page (接口文档, Swagger UI)",
            || get(docs::page),
        ),
        route(
            Method::GET,
            "/open/docs/{file}",
            "open API: Swagger UI's files, from the npm package",
            || get(docs::file),
        ),
        route(
            Method::GET,
            "/open/v1/learners",
            "open API, school: learners with bookings, ranks, results (学员预约信息查询)",
            || get(learners::list),
        ),
        route(
            Method::POST,
            "/open/v1/learners",
            "open API, school: pre-enter a learner (学员预录入)",
            || post(learners::enter),
        ),
        route(
            Method::POST,
            "/open/v1/learners/{id}/code",
            "open API, school: send the learner another code",
            || post(learners::resend_code),
        ),
        route(
            Method::POST,
            "/open/v1/learners/{id}/confirm",
            "open API, school: the learner's code confirms the entry",
            || post(learners::confirm),
        ),
        route(
            Method::POST,
            "/open/v1/learners/{id}/register",
            "open API, school: register the learner's account (学员用户窗口注册)",
            || post(learners::register),
        ),
        route(
            Method::DELETE,
            "/open/v1/learners/{id}",
            "open API, school: withdraw an entry",
            || delete(learners::withdraw),
        ),
        route(
            Method::GET,
            "/open/v1/temporary-plates",
            "open API, dealer: its temporary plates (临时号牌)",
            || get(plates::list),
        ),
        route(
            Method::POST,
            "/open/v1/temporary-plates",
            "open API, dealer: enter a plate; the buyer gets a code",
            || post(plates::enter),
        ),
        route(
            Method::GET,
            "/open/v1/temporary-plates/{id}",
            "open API, dealer: one plate",
            || get(plates::one),
        ),
        route(
            Method::DELETE,
            "/open/v1/temporary-plates/{id}",
            "open API, dealer: withdraw a plate still waiting",
            || delete(plates::withdraw),
        ),
        route(
            Method::POST,
            "/open/v1/temporary-plates/{id}/code",
            "open API, dealer: send the buyer another code",
            || post(plates::resend_code),
        ),
        route(
            Method::POST,
            "/open/v1/temporary-plates/{id}/issue",
            "open API, dealer: the buyer's code issues the plate",
            || post(plates::issue),
        ),
        route(
            Method::POST,
            "/open/v1/temporary-plates/{id}/revoke",
            "open API, dealer: revoke a plate (注销)",
            || post(plates::revoke),
        ),
        route(
            Method::GET,
            "/open/v1/physical-exams",
            "open API, hospital: its examinations (体检记录)",
            || get(physical_exams::list),
        ),
        route(
            Method::POST,
            "/open/v1/physical-exams",
            "open API, hospital: record an examination (D8)",
            || post(physical_exams::record),
        ),
        route(
            Method::POST,
            "/open/v1/physical-exams/{id}/certificate",
            "open API, hospital: submit the certificate for the driver (D9)",
            || post(physical_exams::submit_certificate),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every call the router mounts is in the OpenAPI document with its
    /// method, and the document names no call the router does not mount.
    #[test]
    fn the_document_and_the_table_agree() {
        let doc: serde_json::Value = serde_json::from_str(&docs::document()).unwrap();
        let mut documented = Vec::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for method in item.as_object().unwrap().keys() {
                documented.push(format!("{} {path}", method.to_uppercase()));
            }
        }
        documented.sort();
        let mut mounted: Vec<String> = open_api()
            .iter()
            .filter(|e| e.path.starts_with("/open/v1/") && e.path != docs::DOCUMENT_PATH)
            .map(|e| format!("{} {}", e.method, e.path))
            .collect();
        mounted.sort();
        assert_eq!(documented, mounted);
    }
}
