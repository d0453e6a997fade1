//! One module per area: public pages, login, registration, the account home
//! and the staff console.

pub mod account;
pub mod applications;
pub mod apply;
pub mod blacklist;
pub mod contact;
pub mod exams;
pub mod licence;
pub mod login;
pub mod name_driver;
pub mod operator_login;
pub mod password_reset;
pub mod photo;
pub mod plates;
pub mod public;
pub mod record_views;
pub mod register;
pub mod staff;
pub mod staff_admin;
pub mod staff_applications;
pub mod staff_exams;
pub mod staff_login;
pub mod staff_plates;
pub mod staff_queue;
pub mod staff_refunds;
pub mod staff_supervision;
pub mod staff_windows;
pub mod unit;
pub mod unit_audit;
pub mod unit_drivers;
pub mod unit_operators;
pub mod unit_vehicles;
pub mod unit_violations;
pub mod vehicles;
pub mod violations;
pub mod window_desk;
