//! The bad-input cases of the unit dashboard (单位用户工作台) and of its
//! drivers, the driver's own end of a binding included.

use super::E::*;
use super::{Case, ONLINE, UNIT, WINDOW};

#[rustfmt::skip]
pub(super) const UNIT_CASES: &[Case] = &[
    ("/api/unit/vehicles", UNIT, &[("plate", "冀A'--")], Field("plate", "号牌号码只能输入汉字、字母和数字")),
    ("/api/unit/vehicles", UNIT, &[("plate", "BIG")], Field("plate", "最多8个字符")),
    ("/api/unit/vehicles", UNIT, &[("binding", "mine"), ("sort", "price")], Field("binding", "请从列表中选择")),
    ("/api/unit/vehicles", UNIT, &[("due", "yes")], Field("due", "请勾选或不勾选")),
    ("/api/unit/vehicles", UNIT, &[("page", "0")], Field("page", "页码应为从1开始的整数")),
    ("/api/unit/vehicles", UNIT, &[("page", "99999999999")], Status(200, "\"page\":1")),
    ("/api/unit/violations", UNIT, &[("status", "lost")], Field("status", "请从列表中选择")),
    ("/api/unit/violations", UNIT, &[("points", "12"), ("order", "random")], Field("points", "请从列表中选择")),
    ("/api/unit/violations", UNIT, &[("plate", "<script>")], Field("plate", "号牌号码只能输入")),
    ("/api/unit/bind_vehicles", UNIT, &[("vehicle_ids[]", "abc")], Malformed),
    ("/api/unit/bind_vehicles", UNIT, &[], Field("vehicle_ids", "请先勾选要办理的车辆")),
    ("/api/unit/bind_vehicles", UNIT, &[("vehicle_ids[]", "999999")], Kind("Conflict", "没有可以绑定的车辆")),
    ("/api/unit/bind_vehicles", UNIT, &[("vehicle_ids[]", "-1"), ("back", "//evil.example/")], Kind("Conflict", "没有可以绑定的车辆")),
    ("/api/unit/unbind_vehicles", UNIT, &[("vehicle_ids[0]", "1.5")], Malformed),
    ("/api/unit/unbind_vehicles", UNIT, &[], Field("vehicle_ids", "请先勾选要办理的车辆")),
    ("/api/unit/unbind_vehicles", UNIT, &[("vehicle_ids[]", "999999")], Kind("Conflict", "所选车辆都没有绑定")),
    ("/api/unit/drivers", UNIT, &[("show", "everyone")], Field("show", "请从列表中选择")),
    ("/api/unit/drivers", UNIT, &[("page", "-2")], Field("page", "页码应为从1开始的整数")),
    ("/api/unit/driver_request", UNIT, &[("id_number", "110101199003077777")], Malformed),
    ("/api/unit/driver_request", UNIT, &[("id_number", "11010119900307"), ("name", " ")], Field("id_number", "18位")),
    ("/api/unit/driver_request", UNIT, &[("id_number", "110101199003077774"), ("name", "查无此人")], Field("id_number", "没有查到与该姓名和身份证号码相符的驾驶证")),
    ("/api/unit/driver_confirm", UNIT, &[("code", "123456")], Malformed),
    ("/api/unit/driver_confirm", UNIT, &[("id_number", "<script>"), ("code", "12")], Field("id_number", "18位")),
    ("/api/unit/driver_unbind", UNIT, &[("driver_id", "x")], Malformed),
    ("/api/unit/driver_unbind", UNIT, &[("driver_id", "-1")], Kind("NotFound", "没有找到这项驾驶证绑定")),
    ("/api/unit/name_driver_request", UNIT, &[("violation_id", "1")], Malformed),
    ("/api/unit/name_driver_request", UNIT, &[("violation_id", "999999999"), ("id_number", "BIG")], Kind("NotFound", "没有找到这条违法记录")),
    ("/api/unit/name_driver_confirm", UNIT, &[("violation_id", "abc"), ("id_number", ""), ("code", "")], Malformed),
    ("/api/unit/name_driver_confirm", UNIT, &[("violation_id", "-5"), ("id_number", ""), ("code", "")], Kind("NotFound", "没有找到这条违法记录")),
    ("/api/licence/end_unit_tie", WINDOW, &[("tie_id", "one")], Malformed),
    ("/api/licence/end_unit_tie", WINDOW, &[("tie_id", "999999999")], Kind("NotFound", "没有找到这项驾驶证绑定")),
    ("/unit/drivers.csv", UNIT, &[("show", "everyone")], To("/unit/drivers?show=everyone")),
    ("/unit/drivers.csv", WINDOW, &[], Status(403, "此功能只面向单位用户")),
    ("/unit/vehicles.csv", UNIT, &[("binding", "mine")], To("/unit/vehicles?binding=mine")),
    ("/unit/vehicles.csv", UNIT, &[("plate", "冀A'--")], To("/unit/vehicles?plate=")),
    ("/unit/violations.csv", UNIT, &[("status", "lost")], To("/unit/violations?status=lost")),
    ("/unit/violations.csv", ONLINE, &[], Status(403, "此功能只面向单位用户")),
];
