//! Whose address a request comes from, behind a load balancer or reverse proxy.
//!
//! Throttling counts per client address (sign-in guesses, sign-ups). Behind a proxy every
//! connection comes from the proxy, so every client would share one count: one guesser would
//! lock everyone out. The proxy names the client in `X-Forwarded-For`, but so can anyone: a
//! guesser who sets the header to a new address on each attempt would never be counted twice.
//! So the header is read only from peers the operator lists as proxies
//! (`--trusted-proxies 10.0.0.0/8,127.0.0.1`), and from the right: each proxy appends the
//! address it saw, so the client is the rightmost address that is not itself a trusted proxy;
//! whatever a client wrote to the left of that is never read.
//!
//! ```text
//! peer 10.0.0.5 (trusted), X-Forwarded-For: 6.6.6.6, 203.0.113.7  →  203.0.113.7
//! peer 198.51.100.2 (not trusted), X-Forwarded-For: 6.6.6.6        →  198.51.100.2
//! ```

use std::{
    fmt,
    net::{IpAddr, Ipv6Addr},
    str::FromStr,
};

use axum::http::HeaderMap;
use ipnet::IpNet;

/// The peers whose `X-Forwarded-For` names the client. Empty (the default): none, every
/// request is counted under its connection's address.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an address or network: write e.g. 10.0.0.0/8, 127.0.0.1 or fd00::/8, separated by commas")]
pub struct BadProxy(String);

impl FromStr for TrustedProxies {
    type Err = BadProxy;

    fn from_str(list: &str) -> Result<TrustedProxies, BadProxy> {
        let networks = list
            .split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(|item| parse_network(item).ok_or_else(|| BadProxy(item.to_owned())))
            .collect::<Result<_, _>>()?;
        Ok(TrustedProxies(networks))
    }
}

/// A network (`10.0.0.0/8`) or one address (`127.0.0.1`, a network of one); an IPv4 address
/// written as IPv6 is the IPv4 one.
fn parse_network(item: &str) -> Option<IpNet> {
    match item.parse::<IpNet>() {
        Ok(network) => Some(network),
        Err(_) => item.parse::<IpAddr>().ok().map(|address| IpNet::from(canonical(address))),
    }
}

/// An IPv4 address written as IPv6 (`::ffff:10.0.0.1`, how a dual-stack socket reports an IPv4
/// peer) is that IPv4 address.
fn canonical(address: IpAddr) -> IpAddr {
    address.to_canonical()
}

impl TrustedProxies {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn trusts(&self, address: IpAddr) -> bool {
        let address = canonical(address);
        self.0.iter().any(|network| network.contains(&address))
    }

    /// The client's address for a request from `peer` with `headers`: `peer` itself unless it
    /// is a trusted proxy; then the rightmost address of `X-Forwarded-For` that is not a
    /// trusted proxy (or the leftmost, when every one is). An entry that is no address ends the
    /// walk at the proxy that wrote it.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let mut client = canonical(peer);
        if !self.trusts(client) {
            return client;
        }
        // Several headers read as one list, in order (RFC 9110, 5.3).
        let forwarded: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .map(str::trim)
            .collect();
        for hop in forwarded.iter().rev() {
            let Some(address) = parse_hop(hop) else { break };
            client = address;
            if !self.trusts(client) {
                break;
            }
        }
        client
    }
}

/// One entry of `X-Forwarded-For`: an address, an IPv6 address in brackets, either with a port.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    if let Ok(address) = hop.parse::<IpAddr>() {
        return Some(canonical(address));
    }
    if let Ok(socket) = hop.parse::<std::net::SocketAddr>() {
        return Some(canonical(socket.ip()));
    }
    let bracketed = hop.strip_prefix('[')?.split(']').next()?;
    bracketed.parse::<Ipv6Addr>().ok().map(|address| canonical(IpAddr::V6(address)))
}

impl fmt::Debug for TrustedProxies {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.to_string())
    }
}

impl fmt::Display for TrustedProxies {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let networks: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        formatter.write_str(&networks.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOOPBACK: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);

    fn headers(forwarded: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in forwarded {
            headers.append("x-forwarded-for", value.parse().unwrap());
        }
        headers
    }

    #[test]
    fn the_client_is_the_rightmost_address_no_trusted_proxy_wrote() {
        let proxies: TrustedProxies = "10.0.0.0/8, 127.0.0.1, fd00::/8".parse().unwrap();
        // (peer, X-Forwarded-For headers, the client)
        let cases: &[(&str, &[&str], &str)] = &[
            // No proxy in between: the header is the client's own words.
            ("198.51.100.2", &["6.6.6.6"], "198.51.100.2"),
            ("198.51.100.2", &[], "198.51.100.2"),
            // One proxy: what it saw, whatever the client wrote before it.
            ("10.0.0.5", &["203.0.113.7"], "203.0.113.7"),
            ("10.0.0.5", &["6.6.6.6, 203.0.113.7"], "203.0.113.7"),
            ("10.0.0.5", &["6.6.6.6", "203.0.113.7"], "203.0.113.7"),
            // Two proxies, the inner one in the list.
            ("127.0.0.1", &["6.6.6.6, 203.0.113.7, 10.1.2.3"], "203.0.113.7"),
            // A proxy that sent no header, or garbage: the proxy.
            ("10.0.0.5", &[], "10.0.0.5"),
            ("10.0.0.5", &["unknown"], "10.0.0.5"),
            // Every hop a proxy: the leftmost.
            ("10.0.0.5", &["10.9.9.9, 10.0.0.1"], "10.9.9.9"),
            // Ports, brackets, IPv6, and IPv4 written as IPv6.
            ("10.0.0.5", &["203.0.113.7:4711"], "203.0.113.7"),
            ("10.0.0.5", &["[2001:db8::1]:4711"], "2001:db8::1"),
            ("fd00::1", &["2001:db8::1"], "2001:db8::1"),
            ("::ffff:10.0.0.5", &["203.0.113.7"], "203.0.113.7"),
            ("10.0.0.5", &["::ffff:203.0.113.7"], "203.0.113.7"),
            // Just outside the networks.
            ("11.0.0.1", &["203.0.113.7"], "11.0.0.1"),
            ("127.0.0.2", &["203.0.113.7"], "127.0.0.2"),
        ];
        for (peer, forwarded, client) in cases {
            let got = proxies.client(peer.parse().unwrap(), &headers(forwarded));
            assert_eq!(got, client.parse::<IpAddr>().unwrap(), "{peer} {forwarded:?}");
        }
    }

    #[test]
    fn without_trusted_proxies_the_header_is_never_read() {
        let none = TrustedProxies::default();
        assert_eq!(none.client(LOOPBACK, &headers(&["203.0.113.7"])), LOOPBACK);
        let parsed: TrustedProxies = "".parse().unwrap();
        assert!(parsed.is_empty());
    }

    #[test]
    fn lists_read_and_write_back_and_mistakes_are_named() {
        let proxies: TrustedProxies = " 10.0.0.0/8,127.0.0.1 ,::1".parse().unwrap();
        assert_eq!(proxies.to_string(), "10.0.0.0/8,127.0.0.1/32,::1/128");
        assert_eq!(
            "0.0.0.0/0".parse::<TrustedProxies>().unwrap().client(LOOPBACK, &headers(&["1.2.3.4"])).to_string(),
            "1.2.3.4"
        );
        for bad in ["10.0.0.0/33", "localhost", "10.0.0/8", "::1/129", "10.0.0.1/x"] {
            let error = bad.parse::<TrustedProxies>().unwrap_err();
            assert!(error.to_string().contains(bad), "{error}");
        }
    }
}
