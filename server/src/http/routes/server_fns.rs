//! The server functions' rows of the route table (every `#[server]` fn,
//! by its path, with what it is for); `super::tests` checks them against
//! `server_fn`'s inventory.

use super::{server_fn_entry, RouteEntry};

/// The `#[server]` functions, by their registered paths.
pub fn server_functions() -> Vec<RouteEntry> {
    vec![
        // Accounts and sessions (账户)
        server_fn_entry("/api/my_account", "the logged-in account, or none"),
        // The unit dashboard (单位用户工作台)
        server_fn_entry("/api/unit/dashboard", "unit: its numbers at a glance"),
        server_fn_entry("/api/unit/vehicles", "unit: one page of its vehicles"),
        server_fn_entry(
            "/api/unit/bind_vehicles",
            "unit: bind vehicles ticked, or all",
        ),
        server_fn_entry("/api/unit/unbind_vehicles", "unit: unbind vehicles ticked"),
        server_fn_entry("/api/unit/violations", "unit: one page of its violations"),
        server_fn_entry("/api/unit/operators", "unit account: its operators"),
        server_fn_entry("/api/unit/add_operator", "unit account: add an operator"),
        server_fn_entry(
            "/api/unit/resend_operator_code",
            "unit account: send an operator a new activation code",
        ),
        server_fn_entry(
            "/api/unit/reactivate_operator",
            "unit account: send an operator back to activation (new password, enabled again)",
        ),
        server_fn_entry(
            "/api/unit/operator_services",
            "unit account: change an operator's services",
        ),
        server_fn_entry(
            "/api/unit/disable_operator",
            "unit account: disable an operator at once",
        ),
        server_fn_entry("/api/unit/audit", "unit account: one page of its audit"),
        server_fn_entry(
            "/api/unit/api_keys",
            "unit account: its open API keys, a new one shown once",
        ),
        server_fn_entry(
            "/api/unit/create_api_key",
            "unit account: create an open API key (开放接口密钥)",
        ),
        server_fn_entry(
            "/api/unit/revoke_api_key",
            "unit account: revoke an open API key at once",
        ),
        server_fn_entry(
            "/api/operator_activate",
            "an operator activates the login with the SMS code",
        ),
        server_fn_entry("/api/operator_login", "an operator logs in"),
        server_fn_entry("/api/unit/drivers", "unit: one page of its drivers"),
        server_fn_entry(
            "/api/unit/driver_request",
            "unit: send a driver the consent code",
        ),
        server_fn_entry(
            "/api/unit/driver_confirm",
            "unit: bind a licence with the driver's code",
        ),
        server_fn_entry("/api/unit/driver_unbind", "unit: unbind a driver's licence"),
        server_fn_entry(
            "/api/unit/name_driver_request",
            "unit: send the named driver a code",
        ),
        server_fn_entry(
            "/api/unit/name_driver_confirm",
            "unit: handle a violation with points by the named driver",
        ),
        server_fn_entry(
            "/api/licence/unit_ties",
            "driver: the units that bound my licence",
        ),
        server_fn_entry(
            "/api/licence/end_unit_tie",
            "driver: end a unit's binding of my licence",
        ),
        server_fn_entry(
            "/api/exams/queue_sessions",
            "public: the sessions of the open queue",
        ),
        server_fn_entry(
            "/api/exams/queue",
            "public: one session's queue by priority date, no one named",
        ),
        server_fn_entry(
            "/api/unit/exams",
            "hospital: one page of its examinations (驾驶人体检)",
        ),
        server_fn_entry(
            "/api/unit/record_exam",
            "hospital: record an examination (D8)",
        ),
        server_fn_entry(
            "/api/unit/submit_certificate",
            "hospital: submit a driver's certificate (D9)",
        ),
        server_fn_entry(
            "/api/licence/physical",
            "driver: my examinations and certificates",
        ),
        server_fn_entry(
            "/api/licence/submit_certificate",
            "window holder: submit my certificate by its number (D9)",
        ),
        server_fn_entry(
            "/api/unit/learners",
            "driving school: one page of its learners with bookings, ranks and results",
        ),
        server_fn_entry(
            "/api/unit/enter_learner",
            "driving school: pre-enter a learner (学员预录入); the learner gets a code",
        ),
        server_fn_entry(
            "/api/unit/resend_learner_code",
            "driving school: send the learner another code",
        ),
        server_fn_entry(
            "/api/unit/confirm_learner",
            "driving school: the learner's code confirms the entry",
        ),
        server_fn_entry(
            "/api/unit/register_learner",
            "driving school: register the learner's account (学员用户窗口注册)",
        ),
        server_fn_entry(
            "/api/unit/withdraw_learner",
            "driving school: withdraw an entry not yet registered",
        ),
        server_fn_entry(
            "/api/unit/temporary_plates",
            "dealer: one page of its temporary plates (临时号牌)",
        ),
        server_fn_entry(
            "/api/unit/temporary_plate",
            "dealer: one of its plates, with the QR code",
        ),
        server_fn_entry(
            "/api/unit/enter_temporary_plate",
            "dealer: enter a plate; the buyer gets a code",
        ),
        server_fn_entry(
            "/api/unit/resend_temporary_plate_code",
            "dealer: send the buyer another code",
        ),
        server_fn_entry(
            "/api/unit/issue_temporary_plate",
            "dealer: issue the plate with the buyer's code",
        ),
        server_fn_entry(
            "/api/unit/withdraw_temporary_plate",
            "dealer: withdraw a plate awaiting its buyer",
        ),
        server_fn_entry(
            "/api/unit/revoke_temporary_plate",
            "dealer: revoke an issued plate (注销)",
        ),
        server_fn_entry(
            "/api/temporary_plates/check",
            "public: check a temporary plate (查验)",
        ),
        server_fn_entry(
            "/api/account/temporary_plates",
            "buyer: my temporary plates",
        ),
        server_fn_entry("/api/login", "log in (登录)"),
        server_fn_entry("/api/logout", "log out (退出)"),
        server_fn_entry(
            "/api/request_password_reset",
            "send a reset code (找回密码)",
        ),
        server_fn_entry("/api/reset_password", "set a new password with the code"),
        server_fn_entry("/api/request_contact_change", "send a code to a new phone"),
        server_fn_entry(
            "/api/confirm_contact_change",
            "change the phone with the code",
        ),
        // Registration (注册)
        server_fn_entry("/api/registration_windows", "list the registration windows"),
        server_fn_entry(
            "/api/send_registration_code",
            "online registration: SMS code",
        ),
        server_fn_entry("/api/complete_registration", "online registration: create"),
        server_fn_entry("/api/staff/register_individual", "clerk registers a person"),
        server_fn_entry("/api/staff/register_unit", "clerk registers a unit (单位)"),
        // Vehicles and licence (机动车、驾驶证)
        server_fn_entry("/api/my_vehicles", "my vehicles and bindings"),
        server_fn_entry("/api/bind_own_vehicle", "bind a vehicle I own (绑定)"),
        server_fn_entry("/api/request_other_vehicle", "bind another's vehicle: code"),
        server_fn_entry(
            "/api/confirm_other_vehicle",
            "bind another's vehicle: confirm",
        ),
        server_fn_entry("/api/unbind_vehicle", "unbind a vehicle (解绑)"),
        server_fn_entry("/api/licence_overview", "my driving licence"),
        server_fn_entry("/api/bind_licence", "bind my driving licence"),
        server_fn_entry("/api/unbind_licence", "unbind my driving licence"),
        server_fn_entry("/api/licence_photo_status", "licence photo: status"),
        server_fn_entry(
            "/api/licence/electronic",
            "my electronic driving licence: its signed QR code (电子驾驶证)",
        ),
        server_fn_entry(
            "/api/licence/renew_electronic",
            "revoke my electronic licence's codes; a new one is shown (作废重新生成)",
        ),
        server_fn_entry(
            "/api/licence/share_codes",
            "my licence share codes and their uses (驾驶证信息分享码)",
        ),
        server_fn_entry(
            "/api/licence/create_share_code",
            "make a share code for a named party, up to 21 days",
        ),
        server_fn_entry(
            "/api/licence/revoke_share_code",
            "revoke one of my share codes at once (撤销)",
        ),
        server_fn_entry(
            "/api/licence_check",
            "public: check a licence by share code (驾驶证信息核查); the result page follows by a key",
        ),
        server_fn_entry(
            "/api/licence_check_result",
            "public: a check's result by its key, for 15 minutes: the licence's status and points now",
        ),
        server_fn_entry(
            "/api/credentials/verify",
            "public: check a signed credential (电子凭证核验)",
        ),
        // Roaming (漫游)
        server_fn_entry(
            "/api/roaming/consent",
            "home platform: what a peer asking to log me in will be told (漫游登录确认)",
        ),
        server_fn_entry(
            "/api/roaming/grant",
            "home platform: I agree; back to the peer with a one-time code",
        ),
        server_fn_entry(
            "/api/roaming/homes",
            "public: the provinces whose accounts may log in here (用其他省份账号登录)",
        ),
        // Violations and fines (违法、罚款)
        server_fn_entry("/api/my_violations", "my violations"),
        server_fn_entry("/api/violation_detail", "one violation"),
        server_fn_entry("/api/handle_violation", "handle a violation (处理)"),
        server_fn_entry("/api/pay_fine", "pay a fine: the bank's address (缴款)"),
        server_fn_entry(
            "/api/pay_fines",
            "pay several fines in one order (合并缴款)",
        ),
        server_fn_entry("/api/fine_receipt", "a fine's receipt"),
        server_fn_entry("/api/my_messages", "my messages (消息)"),
        server_fn_entry(
            "/api/unread_message_count",
            "unread messages, for the header",
        ),
        // Applications (业务申请)
        server_fn_entry("/api/applications_overview", "my applications"),
        server_fn_entry("/api/application_form", "a service's form options"),
        server_fn_entry("/api/submit_application", "submit (no JavaScript path)"),
        server_fn_entry(
            "/api/save_application_draft",
            "save answers before checking",
        ),
        server_fn_entry("/api/load_application_draft", "answers to check"),
        server_fn_entry("/api/confirm_application", "confirm the checked answers"),
        server_fn_entry("/api/delete_application_draft", "delete one of my drafts"),
        server_fn_entry("/api/my_application", "one of my applications"),
        server_fn_entry("/api/staff/applications", "staff: applications by status"),
        server_fn_entry("/api/staff/application", "staff: one application"),
        server_fn_entry(
            "/api/staff/application_event",
            "staff: accept, post, refuse…",
        ),
        server_fn_entry("/api/staff/lift_blacklist", "staff: lift a blacklist entry"),
        // Plates (选号)
        server_fn_entry("/api/plates/vehicles", "vehicles that may choose a plate"),
        server_fn_entry("/api/plates/prepare", "commit to a draw's seed"),
        server_fn_entry("/api/plates/draw", "draw a batch of numbers"),
        server_fn_entry("/api/plates/batch", "a drawn batch"),
        server_fn_entry("/api/plates/hold", "hold a drawn number"),
        server_fn_entry("/api/plates/custom", "hold a custom number"),
        server_fn_entry("/api/plates/extend", "extend a hold"),
        server_fn_entry("/api/plates/confirm", "confirm the held number"),
        // Driving tests (考试预约)
        server_fn_entry("/api/exams/overview", "my tests and bookable sessions"),
        server_fn_entry("/api/exams/book", "book a session"),
        server_fn_entry("/api/exams/cancel", "cancel a booking"),
        server_fn_entry(
            "/api/staff/exams/allocate",
            "staff: allocate a closed session",
        ),
        // Staff login and staff accounts (民警账户)
        server_fn_entry(
            "/api/staff/second_factor_step",
            "staff login: enrol or enter a code",
        ),
        server_fn_entry(
            "/api/staff/confirm_second_factor",
            "staff login: check the code",
        ),
        server_fn_entry(
            "/api/staff/admin/members",
            "admin: staff accounts and windows",
        ),
        server_fn_entry("/api/staff/admin/member", "admin: one staff account"),
        server_fn_entry(
            "/api/staff/admin/create_staff",
            "admin: create a staff account",
        ),
        server_fn_entry(
            "/api/staff/admin/set_disabled",
            "admin: disable or enable staff",
        ),
        server_fn_entry(
            "/api/staff/admin/reset_password",
            "admin: reset a staff password",
        ),
        // Records people can see, supervision and the window (审核、窗口)
        server_fn_entry("/api/my_record_views", "who viewed my record"),
        server_fn_entry("/api/staff/accounts/find", "find accounts (masked)"),
        server_fn_entry(
            "/api/staff/accounts/open",
            "open an account file (recorded)",
        ),
        server_fn_entry(
            "/api/staff/accounts/set_disabled",
            "supervisor: disable or enable",
        ),
        server_fn_entry("/api/my_blacklist", "my blacklist entries and appeals"),
        server_fn_entry("/api/appeal_blacklist", "appeal a blacklist entry"),
        server_fn_entry("/api/staff/appeals", "supervisor: the appeal queue"),
        server_fn_entry("/api/staff/decide_appeal", "supervisor: decide an appeal"),
        server_fn_entry(
            "/api/staff/window/upgrade",
            "window: online to window registration",
        ),
        server_fn_entry(
            "/api/staff/window/send_reset_code",
            "window: reset code to the phone on record",
        ),
        server_fn_entry(
            "/api/staff/window/reset_password",
            "window: set a new password with the code",
        ),
        server_fn_entry(
            "/api/staff/window/send_phone_code",
            "window: code to a new phone",
        ),
        server_fn_entry(
            "/api/staff/window/change_phone",
            "window: change a lost phone",
        ),
        server_fn_entry("/api/staff/refunds", "business centre: money owed back"),
        server_fn_entry(
            "/api/staff/record_refund",
            "business centre: record a refund",
        ),
        server_fn_entry("/api/staff/exams/sessions", "admin: sessions and centres"),
        server_fn_entry("/api/staff/exams/add", "admin: add a session"),
        server_fn_entry("/api/staff/exams/session", "admin: one session's bookings"),
        server_fn_entry("/api/staff/plates/pools", "admin: plate pools by city"),
        server_fn_entry("/api/staff/plates/load_series", "admin: load a series"),
        server_fn_entry(
            "/api/staff/plates/withhold_series",
            "admin: withhold a series",
        ),
        server_fn_entry("/api/staff/windows/add", "admin: add a registration window"),
        server_fn_entry("/api/staff/windows/update", "admin: change a window"),
    ]
}
