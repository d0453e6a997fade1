//! The client's address (客户端地址) behind trusted proxies (可信代理).
//!
//! Per-address limits (SMS quota, login throttling) and the audit log read
//! the address the session layer records ([`app::features::request::ClientIp`]).
//! Behind a load balancer the socket's peer is the balancer, so everyone
//! would share one address; a client, on the other hand, can write any
//! `X-Forwarded-For` it likes. So the header counts only when the socket's
//! peer is a configured trusted proxy (`TRUSTED_PROXIES`), and then only as
//! far as the chain of trusted proxies reaches: the right-most address that
//! is not itself a trusted proxy is the client.

use std::net::IpAddr;

/// One trusted network: an address and how many leading bits must match
/// (`10.0.0.0/8`, `192.168.1.5` = `/32`, `fd00::/8`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Network {
    addr: IpAddr,
    prefix: u8,
}

impl Network {
    fn parse(text: &str) -> Option<Network> {
        let (addr, prefix) = match text.split_once('/') {
            Some((addr, bits)) => (addr, Some(bits)),
            None => (text, None),
        };
        let addr: IpAddr = addr.trim().parse().ok()?;
        let addr = addr.to_canonical();
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(bits) => bits.trim().parse::<u8>().ok().filter(|b| *b <= max)?,
            None => max,
        };
        Some(Network { addr, prefix })
    }

    fn contains(&self, ip: IpAddr) -> bool {
        let bits = |ip: IpAddr| -> u128 {
            match ip {
                IpAddr::V4(v4) => u128::from(u32::from(v4)) << 96,
                IpAddr::V6(v6) => u128::from(v6),
            }
        };
        let ip = ip.to_canonical();
        if ip.is_ipv4() != self.addr.is_ipv4() {
            return false;
        }
        if self.prefix == 0 {
            return true;
        }
        let mask = u128::MAX << (128 - u32::from(self.prefix));
        bits(ip) & mask == bits(self.addr) & mask
    }
}

/// The proxies whose `X-Forwarded-For` is believed (`TRUSTED_PROXIES`, a
/// comma-separated list of addresses and networks); none by default.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies {
    networks: Vec<Network>,
    /// Entries that are neither an address nor a network (production
    /// refuses to start with any).
    pub rejected: Vec<String>,
}

impl TrustedProxies {
    /// Parses `10.0.0.0/8, 192.168.1.5, ::1`; empty entries are skipped.
    pub fn parse(list: &str) -> TrustedProxies {
        let mut trusted = TrustedProxies::default();
        for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            match Network::parse(entry) {
                Some(network) => trusted.networks.push(network),
                None => trusted.rejected.push(entry.to_string()),
            }
        }
        trusted
    }

    pub fn is_empty(&self) -> bool {
        self.networks.is_empty()
    }

    pub fn trusts(&self, ip: IpAddr) -> bool {
        self.networks.iter().any(|n| n.contains(ip))
    }
}

/// One `X-Forwarded-For` entry as an address: a bare address, or one with
/// a port (`1.2.3.4:5678`, `[2001:db8::1]:443`) as some proxies write it.
fn forwarded_address(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    if let Ok(ip) = entry.parse::<IpAddr>() {
        return Some(ip.to_canonical());
    }
    if let Ok(socket) = entry.parse::<std::net::SocketAddr>() {
        return Some(socket.ip().to_canonical());
    }
    None
}

/// The client's address: the socket's peer, unless the peer is a trusted
/// proxy; then `X-Forwarded-For` (every header line, in order) is read from
/// the right, hop by hop, while the hop is a trusted proxy. The first hop
/// that is not trusted is the client. An entry that is not an address ends
/// the walk at the last trusted hop (the client is then unknown, and the
/// proxy's address stands for it); so does the end of the list.
pub fn client_address<'a>(
    peer: IpAddr,
    forwarded_for: impl IntoIterator<Item = &'a str>,
    trusted: &TrustedProxies,
) -> IpAddr {
    let peer = peer.to_canonical();
    if !trusted.trusts(peer) {
        return peer;
    }
    let hops: Vec<&str> = forwarded_for
        .into_iter()
        .flat_map(|line| line.split(','))
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        match forwarded_address(hop) {
            Some(ip) => {
                client = ip;
                if !trusted.trusts(ip) {
                    break;
                }
            }
            None => break,
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn addresses_and_networks_are_read_and_nonsense_is_named() {
        let t = TrustedProxies::parse(
            " 10.0.0.0/8, 192.168.1.5 ,, fd00::/8, ::1, 1.2.3.4/33, proxy.local",
        );
        assert!(t.trusts(ip("10.200.3.4")));
        assert!(!t.trusts(ip("11.0.0.1")));
        assert!(t.trusts(ip("192.168.1.5")));
        assert!(!t.trusts(ip("192.168.1.6")));
        assert!(t.trusts(ip("fd12::7")));
        assert!(t.trusts(ip("::1")));
        assert!(!t.trusts(ip("fe80::1")));
        // An IPv4 address seen through an IPv6 socket is the same address.
        assert!(t.trusts(ip("::ffff:10.1.2.3")));
        assert_eq!(t.rejected, vec!["1.2.3.4/33", "proxy.local"]);
        assert!(TrustedProxies::parse("").is_empty());
        assert!(TrustedProxies::parse("0.0.0.0/0").trusts(ip("8.8.8.8")));
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_forwards() {
        let trusted = TrustedProxies::parse("10.0.0.1");
        assert_eq!(
            client_address(ip("203.0.113.9"), ["1.1.1.1"], &trusted),
            ip("203.0.113.9")
        );
        // With no trusted proxy configured the header is never read.
        assert_eq!(
            client_address(ip("10.0.0.1"), ["1.1.1.1"], &TrustedProxies::default()),
            ip("10.0.0.1")
        );
    }

    #[test]
    fn a_trusted_proxy_names_the_client_right_most_first() {
        let trusted = TrustedProxies::parse("10.0.0.0/24");
        // The client wrote a spoofed entry; the proxy appended the real one.
        assert_eq!(
            client_address(ip("10.0.0.1"), ["6.6.6.6, 203.0.113.9"], &trusted),
            ip("203.0.113.9")
        );
        // Two trusted proxies in a row; header lines count in order.
        assert_eq!(
            client_address(
                ip("10.0.0.1"),
                ["6.6.6.6", "203.0.113.9, 10.0.0.2"],
                &trusted
            ),
            ip("203.0.113.9")
        );
        // Ports and brackets as some proxies write them.
        assert_eq!(
            client_address(ip("10.0.0.1"), ["[2001:db8::1]:443"], &trusted),
            ip("2001:db8::1")
        );
        assert_eq!(
            client_address(ip("10.0.0.1"), ["198.51.100.7:5000"], &trusted),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn a_missing_or_broken_header_leaves_the_last_trusted_hop() {
        let trusted = TrustedProxies::parse("10.0.0.0/24");
        assert_eq!(client_address(ip("10.0.0.1"), [], &trusted), ip("10.0.0.1"));
        assert_eq!(
            client_address(ip("10.0.0.1"), ["unknown"], &trusted),
            ip("10.0.0.1")
        );
        assert_eq!(
            client_address(ip("10.0.0.1"), ["203.0.113.9, junk, 10.0.0.5"], &trusted),
            ip("10.0.0.5")
        );
        // Junk left of the client is never reached.
        assert_eq!(
            client_address(ip("10.0.0.1"), ["junk, 203.0.113.9"], &trusted),
            ip("203.0.113.9")
        );
    }
}
