//! The bad-input cases of signed credentials (the verification page) and
//! licence share codes (the holder's and the public check).

use super::E::*;
use super::{Case, ANON, ONLINE};

#[rustfmt::skip]
pub(super) const CREDENTIAL_CASES: &[Case] = &[
    ("/api/credentials/verify", ANON, &[], Malformed),
    ("/api/credentials/verify", ANON, &[("credential", " \n")], Field("credential", "请粘贴凭证内容")),
    ("/api/credentials/verify", ANON, &[("credential", "凭证")], Field("credential", "这不是电子凭证")),
    ("/api/licence/create_share_code", ONLINE, &[("party", "某租车公司")], Malformed),
    ("/api/licence/create_share_code", ONLINE, &[("party", "BIG"), ("days", "30")], Field("party", "名称不能超过30个字")),
    ("/api/licence/create_share_code", ONLINE, &[("party", " "), ("days", "x")], Field("days", "请选择有效期")),
    ("/api/licence/revoke_share_code", ONLINE, &[("id", "one")], Malformed),
    ("/api/licence/revoke_share_code", ONLINE, &[("id", "-1")], Kind("NotFound", "没有找到这个有效的分享码")),
    ("/api/licence_check", ANON, &[("code", "ABCD-EFGH")], Malformed),
    ("/api/licence_check_result", ANON, &[], Malformed),
    ("/api/licence_check_result", ANON, &[("result", "BIG")], Kind("NotFound", "这次核查的结果已过期")),
    ("/api/licence_check", ANON, &[("code", "BIG"), ("licence_tail", "12345"), ("checker", "")], Field("code", "分享码是8位字母和数字")),
    ("/api/licence_check", ANON, &[("code", "ABCD-EFGH"), ("licence_tail", "X123"), ("checker", "BIG")], Field("licence_tail", "驾驶证号后4位应为4位数字")),
    ("/api/licence_check", ANON, &[("code", "ABCD-EFGH"), ("licence_tail", "1234"), ("checker", "某公司")], Kind("NotFound", "分享码或驾驶证号后4位不正确")),
    ("/api/credentials/verify", ANON, &[("credential", "BIG")], Field("credential", "不超过2000个字符")),
    // Shaped like one but not a credential: said so, as an answer.
    ("/api/credentials/verify", ANON, &[("credential", "e30.e30.e30")], Status(200, "Malformed")),
];
