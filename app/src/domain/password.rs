//! 登录密码: the password rules (length, not common, not personal data).

use super::rules;

/// A password that passed the rules. Never serialised, never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

pub const MIN_CHARS: usize = 8;
pub const MAX_CHARS: usize = 128;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PasswordError {
    Empty,
    TooShort { len: usize },
    TooLong,
    OneCharacter,
    Common,
    ContainsPersonalData,
}

rules!(PasswordError {
    PasswordError::Empty => ("password.empty", "请设置登录密码", "Choose a password"),
    PasswordError::TooShort { len } => ("password.short",
        "密码至少8个字符，您输入了{len}个", "A password has at least 8 characters; you entered {len}"),
    PasswordError::TooLong => ("password.long",
        "密码不能超过128个字符", "A password has at most 128 characters"),
    PasswordError::OneCharacter => ("password.repeated",
        "密码不能全部是同一个字符", "A password cannot be one character repeated"),
    PasswordError::Common => ("password.common",
        "这是常见密码，很容易被猜到，请换一个", "This is a common password that is easy to guess. Choose another."),
    PasswordError::ContainsPersonalData => ("password.personal",
        "密码不能包含身份证号码、手机号码或统一社会信用代码",
        "A password must not contain your ID number, phone number or credit code"),
});

/// The most-used passwords (from public breach statistics), lower case.
const COMMON: &[&str] = &[
    "password",
    "password1",
    "password123",
    "passw0rd",
    "p@ssw0rd",
    "12345678",
    "123456789",
    "1234567890",
    "12345678910",
    "11111111",
    "00000000",
    "88888888",
    "66666666",
    "99999999",
    "87654321",
    "11223344",
    "12344321",
    "123123123",
    "147258369",
    "123456abc",
    "abc12345",
    "abcd1234",
    "a1234567",
    "a12345678",
    "aa123456",
    "aa12345678",
    "qq123456",
    "qwertyui",
    "qwerty123",
    "qwertyuiop",
    "1qaz2wsx",
    "1q2w3e4r",
    "1q2w3e4r5t",
    "zxcvbnm123",
    "asdfghjkl",
    "iloveyou",
    "iloveyou1",
    "woaini1314",
    "woaini520",
    "5201314520",
    "52013145",
    "1314520520",
    "admin123",
    "admin1234",
    "administrator",
    "welcome1",
    "sunshine",
    "princess",
    "football",
    "baseball",
    "superman",
    "trustno1",
    "letmein1",
    "changeme",
    "computer",
    "internet",
    "dragon123",
    "monkey123",
    "master123",
    "shadow123",
    "zhang123",
    "wang1234",
    "li123456",
    "123qweasd",
    "qweasdzxc",
    "q1w2e3r4",
    "abcdefgh",
    "abcdefg1",
    "1234qwer",
    "qwer1234",
    "asd123456",
    "zxc123456",
    "wangyang",
    "wangjian",
    "xiaoming",
    "dearbook",
    "a123456789",
];

impl Password {
    pub fn parse(raw: &str) -> Result<Password, PasswordError> {
        Password::parse_for(raw, &[])
    }

    /// As `parse`, and the password must not contain any of `personal`.
    pub fn parse_for(raw: &str, personal: &[&str]) -> Result<Password, PasswordError> {
        if raw.is_empty() {
            return Err(PasswordError::Empty);
        }
        let len = raw.chars().count();
        if len < MIN_CHARS {
            return Err(PasswordError::TooShort { len });
        }
        if len > MAX_CHARS {
            return Err(PasswordError::TooLong);
        }
        let first = raw.chars().next().expect("not empty");
        if raw.chars().all(|c| c == first) {
            return Err(PasswordError::OneCharacter);
        }
        // ASCII case only: the common passwords are ASCII and personal data
        // are digits or Chinese, which have no case (and the browser's
        // module carries no Unicode case tables).
        let lower = raw.to_ascii_lowercase();
        if COMMON.contains(&lower.as_str()) {
            return Err(PasswordError::Common);
        }
        if personal
            .iter()
            .filter(|p| p.len() >= 6)
            .any(|p| lower.contains(&p.to_ascii_lowercase()))
        {
            return Err(PasswordError::ContainsPersonalData);
        }
        Ok(Password(raw.to_string()))
    }

    /// The plain text, for hashing only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_rules() {
        assert_eq!(Password::parse("").unwrap_err(), PasswordError::Empty);
        assert_eq!(
            Password::parse("abc").unwrap_err(),
            PasswordError::TooShort { len: 3 }
        );
        assert_eq!(
            Password::parse(&"ab".repeat(65)).unwrap_err(),
            PasswordError::TooLong
        );
        assert!(
            Password::parse(&"a1".repeat(32)).is_ok(),
            "64 characters are allowed"
        );
        assert_eq!(
            Password::parse("aaaaaaaaa").unwrap_err(),
            PasswordError::OneCharacter
        );
        assert_eq!(
            Password::parse("Password1").unwrap_err(),
            PasswordError::Common
        );
        assert_eq!(
            Password::parse("woaini1314").unwrap_err(),
            PasswordError::Common
        );
        assert_eq!(
            Password::parse_for("x13803112233", &["13803112233"]).unwrap_err(),
            PasswordError::ContainsPersonalData
        );
        assert!(Password::parse("Lvse-chuxing-2026").is_ok());
        assert_eq!(
            format!("{:?}", Password::parse("Lvse-chuxing-2026").unwrap()),
            "Password(***)"
        );
    }
}
