//! Login devices (登录设备): how a login alert names the device a login
//! came from, in a few words a person recognises ("Chrome浏览器 · Windows").

/// The browser and system a user agent names, for the new-device alert
/// (新设备登录提醒); "未知设备" when it names neither. Never longer than an
/// SMS variable may be.
pub fn device_label(user_agent: &str) -> String {
    let ua = user_agent;
    // Order matters: Edge and Opera also say "Chrome", Chrome also says
    // "Safari", WeChat's browser says all of them.
    let browser = [
        ("MicroMessenger", "微信"),
        ("Edg", "Edge浏览器"),
        ("OPR", "Opera浏览器"),
        ("Firefox", "Firefox浏览器"),
        ("Chrome", "Chrome浏览器"),
        ("Safari", "Safari浏览器"),
    ]
    .into_iter()
    .find(|(marker, _)| ua.contains(marker))
    .map(|(_, name)| name);
    let system = [
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("HarmonyOS", "HarmonyOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("Linux", "Linux"),
    ]
    .into_iter()
    .find(|(marker, _)| ua.contains(marker))
    .map(|(_, name)| name);
    match (browser, system) {
        (Some(b), Some(s)) => format!("{b} · {s}"),
        (Some(one), None) | (None, Some(one)) => one.to_string(),
        (None, None) => "未知设备".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_browsers_are_named_with_their_system() {
        let chrome_windows = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";
        assert_eq!(device_label(chrome_windows), "Chrome浏览器 · Windows");
        let edge =
            "Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 Chrome/131.0 Safari/537.36 Edg/131.0";
        assert_eq!(device_label(edge), "Edge浏览器 · Windows");
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1";
        assert_eq!(device_label(iphone), "Safari浏览器 · iPhone");
        let wechat = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/116 Mobile Safari/537.36 MicroMessenger/8.0";
        assert_eq!(device_label(wechat), "微信 · Android");
        assert_eq!(device_label(""), "未知设备");
        assert_eq!(device_label("curl/8.0"), "未知设备");
    }

    #[test]
    fn a_label_fits_an_sms_variable() {
        let longest =
            "Mozilla/5.0 (Windows) Firefox/1 Chrome/1 Safari MicroMessenger Edg OPR Android";
        assert!(device_label(longest).chars().count() <= crate::domain::sms::MAX_PARAM_CHARS);
    }
}
