//! One module per area: public pages, login, registration, the account home
//! and the staff console.

pub mod account;
pub mod applications;
pub mod apply;
pub mod contact;
pub mod exams;
pub mod login;
pub mod password_reset;
pub mod photo;
pub mod plates;
pub mod public;
pub mod register;
pub mod staff;
pub mod staff_applications;
pub mod vehicles;
pub mod violations;
