//! The server's integration tests: one binary (one link of leptos, axum and
//! sqlx), one module per feature. Every case runs on SQLite and on
//! PostgreSQL as two named tests, `<case>::sqlite` and `<case>::postgres`
//! (see `helpers::both_backends!`).

#[macro_use]
mod helpers;

mod applications;
mod audit_chain;
mod auth;
mod authorization;
mod bad_input;
mod bad_input_sweep;
mod bindings;
mod contacts;
mod crash;
mod credentials;
mod csrf;
mod db_pool;
mod delivery;
mod demo_data;
mod exam_queue;
mod exams;
mod fine_batches;
mod fines;
mod hardening;
mod jobs;
mod learners;
mod licence_photos;
mod licence_sharing;
mod login_alerts;
mod messages;
mod migrations;
mod open_api;
mod owner_notices;
mod ownership;
mod pages;
mod password_reset;
mod payments_alipay;
mod physical_exams;
mod plate_holds;
mod plate_series;
mod plates;
mod profile;
mod races;
mod registration;
mod registry_import;
mod roaming;
mod run_modes;
mod security_events;
mod sms;
mod staff;
mod staff_console;
mod temporary_plates;
mod unit_drivers;
mod unit_fixtures;
mod unit_operators;
mod units;
mod violations;
mod visited_demo;
mod window_desk;
