//! Where a webhook may be sent. Only `https`, and never to an address in
//! a range that reaches the server's own network: loopback, private,
//! carrier-grade NAT, link-local (cloud metadata at 169.254.169.254 among
//! them), unspecified, multicast, documentation and their IPv6 kin. The
//! host is resolved and every address checked at each delivery, and the
//! request goes to the checked address, so a DNS answer that changes
//! between the check and the call (rebinding) cannot slip through.
//! `LAUREL_WEBHOOKS_ALLOW_PRIVATE=true` lifts both rules (tests,
//! on-premise receivers).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// Checks the URL's form when a stream is created: what can be known
/// without resolving it.
pub fn check_url(url: &str, allow_private: bool) -> Result<url::Url, String> {
    let parsed = url::Url::parse(url).map_err(|e| format!("is not a URL: {e}"))?;
    match parsed.scheme() {
        "https" => {}
        "http" if allow_private => {}
        other => return Err(format!("must be an https URL, not {other}")),
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err("must not carry a user name or password; authenticate with the signature".into());
    }
    let Some(host) = parsed.host() else { return Err("has no host".into()) };
    if !allow_private {
        let literal = match host {
            url::Host::Ipv4(ip) => Some(IpAddr::V4(ip)),
            url::Host::Ipv6(ip) => Some(IpAddr::V6(ip)),
            url::Host::Domain(d) if d.eq_ignore_ascii_case("localhost") || d.ends_with(".localhost") => {
                return Err("must not point at this server (localhost)".into());
            }
            url::Host::Domain(_) => None,
        };
        if let Some(ip) = literal.filter(|ip| !is_public(*ip)) {
            return Err(format!("must not point at a private or reserved address ({ip})"));
        }
    }
    Ok(parsed)
}

/// Resolves the URL's host and returns the address to call, refusing the
/// URL when any address it resolves to is not public (unless allowed).
pub async fn resolve(url: &url::Url, allow_private: bool) -> Result<SocketAddr, String> {
    let host = url.host_str().ok_or("the URL has no host")?.trim_start_matches('[').trim_end_matches(']');
    let port = url.port_or_known_default().ok_or("the URL has no port")?;
    let addrs: Vec<SocketAddr> =
        tokio::net::lookup_host((host, port)).await.map_err(|e| format!("{host} does not resolve: {e}"))?.collect();
    if !allow_private && let Some(bad) = addrs.iter().find(|a| !is_public(a.ip())) {
        return Err(format!("{host} resolves to {}, a private or reserved address", bad.ip()));
    }
    addrs.into_iter().next().ok_or_else(|| format!("{host} resolves to no address"))
}

/// Whether `ip` is on the public internet.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(v6),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // carrier-grade NAT
        || (a == 192 && b == 0 && ip.octets()[2] == 0) // IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || a >= 240) // reserved
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00 // unique local
        || (first & 0xffc0) == 0xfe80 // link-local
        || first == 0x2001 && ip.segments()[1] == 0x0db8 // documentation
        || (first == 0x0064 && ip.segments()[1] == 0xff9b)) // NAT64 to IPv4
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_loopback_link_local_and_metadata_addresses_are_not_public() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "224.0.0.1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111"] {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn only_https_urls_to_public_hosts_are_accepted_by_default() {
        assert!(check_url("https://hooks.example.com/laurel", false).is_ok());
        assert!(check_url("http://hooks.example.com/laurel", false).unwrap_err().contains("https"));
        assert!(check_url("https://127.0.0.1/x", false).unwrap_err().contains("private"));
        assert!(check_url("https://[::1]/x", false).is_err());
        assert!(check_url("https://localhost/x", false).is_err());
        assert!(check_url("https://169.254.169.254/latest/meta-data", false).is_err());
        assert!(check_url("https://user:pw@hooks.example.com/", false).is_err());
        assert!(check_url("http://127.0.0.1:9000/x", true).is_ok(), "allowed when asked");
    }

    #[tokio::test]
    async fn a_name_that_resolves_to_loopback_is_refused_at_delivery() {
        let url = url::Url::parse("https://localhost:9/x").unwrap();
        assert!(resolve(&url, false).await.unwrap_err().contains("private"));
        assert!(resolve(&url, true).await.is_ok());
    }
}
