//! Reusable pieces of the interface, following the GOV.UK Design System
//! patterns: label above field, hint, error tied by `aria-describedby`,
//! error summary at the top with links to the fields.

pub mod countdown;
pub mod filters;
pub mod form;
pub mod layout;
pub mod page_data;
pub mod pager;
pub mod print;
pub mod sms_code;
pub mod tab_memory;
pub mod table;
pub mod window_cards;
