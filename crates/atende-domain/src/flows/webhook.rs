//! Webhook nodes: the request a flow asks the core to make, and reading its JSON answer back
//! into variables. The call itself (and refusing private or loopback addresses unless the
//! operator allows them) is the caller's: this crate does no IO.

use super::template::{TemplateError, render};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::net::IpAddr;

/// Shortest and longest timeout of one call, in seconds.
pub const TIMEOUT_RANGE: std::ops::RangeInclusive<u32> = 1..=30;
/// Most headers of one request.
pub const MAX_HEADERS: usize = 20;
/// Most response mappings of one node.
pub const MAX_MAPPINGS: usize = 50;

/// An HTTP call; `success` on a 2xx answer, `failure` otherwise.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct WebhookConfig {
    #[serde(default)]
    pub method: HttpMethod,
    /// An `http(s)://` URL; a template (`https://api.example.com/orders/{{vars.pedido}}`).
    pub url: String,
    /// Header values are templates.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<Header>,
    /// The body, a template (use `|tojson` to embed values in JSON).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// 1–30 seconds.
    #[serde(
        default = "default_timeout",
        deserialize_with = "crate::values::whole_number::required"
    )]
    #[schema(minimum = 1, maximum = 30)]
    pub timeout_secs: u32,
    /// Fields of the JSON answer copied into variables on success.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub response_mapping: Vec<ResponseMapping>,
}

fn default_timeout() -> u32 {
    10
}

/// The HTTP method.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpMethod {
    Get,
    #[default]
    Post,
    Put,
    Patch,
    Delete,
}

/// One request header.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Header {
    pub name: String,
    pub value: String,
}

/// Copies one field of the answer into a variable.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ResponseMapping {
    /// A JSON pointer (`/data/0/status`) or a dotted path (`data.0.status`); empty is the whole
    /// body.
    pub path: String,
    pub variable: String,
}

/// A rendered request, ready for the caller's HTTP client.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct WebhookRequest {
    pub method: HttpMethod,
    pub url: String,
    pub headers: Vec<Header>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    pub timeout_secs: u32,
}

/// What came back from a webhook call, reported by the caller.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WebhookOutcome {
    /// An HTTP answer; `body` is its JSON (`null` when it was not JSON).
    Response { status: u16, body: Value },
    /// No answer: refused address, DNS, connection, timeout.
    Error { message: String },
}

/// Renders the URL, header values and body over `vars`.
///
/// # Errors
/// The first template that fails, or a rendered URL that is not `http(s)://`.
pub fn render_request(config: &WebhookConfig, vars: &Value) -> Result<WebhookRequest, TemplateError> {
    let url = render(&config.url, vars)?.trim().to_owned();
    if !is_http_url(&url) {
        return Err(TemplateError {
            message: format!("the URL {url:?} is not http(s)"),
        });
    }
    let headers = config
        .headers
        .iter()
        .map(|h| {
            Ok(Header {
                name: h.name.trim().to_owned(),
                value: render(&h.value, vars)?,
            })
        })
        .collect::<Result<Vec<_>, TemplateError>>()?;
    let body = config.body.as_deref().map(|b| render(b, vars)).transpose()?;
    Ok(WebhookRequest {
        method: config.method,
        url,
        headers,
        body,
        timeout_secs: config.timeout_secs.clamp(*TIMEOUT_RANGE.start(), *TIMEOUT_RANGE.end()),
    })
}

/// Whether `url` starts with `http://` or `https://` followed by a host (checked before and
/// after rendering; address policy is the caller's).
#[must_use]
pub fn is_http_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    let rest = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://"));
    rest.is_some_and(|r| {
        let host = r.split(['/', '?', '#']).next().unwrap_or("");
        !host.is_empty() && !host.contains(char::is_whitespace)
    })
}

/// Whether a webhook must not reach `ip` unless the operator allows private targets: loopback,
/// private and shared (CGNAT) ranges, link-local (cloud metadata at `169.254.169.254`),
/// unspecified, broadcast, multicast, documentation ranges, IPv6 unique-local and link-local,
/// and IPv4 addresses mapped or compatible into IPv6. The caller checks every address the host
/// resolves to, at connect time (a DNS answer can change between check and use).
#[must_use]
pub fn is_blocked_address(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 198 && (b == 18 || b == 19))
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4() {
                return is_blocked_address(IpAddr::V4(v4));
            }
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || v6.is_unique_local()
                || v6.is_unicast_link_local()
        }
    }
}

/// Looks a path up in a JSON value: a JSON pointer when it starts with `/`, else dot-separated
/// keys and array indexes; empty is the whole value.
#[must_use]
pub fn lookup<'v>(body: &'v Value, path: &str) -> Option<&'v Value> {
    let path = path.trim();
    if path.is_empty() {
        return Some(body);
    }
    if path.starts_with('/') {
        return body.pointer(path);
    }
    path.split('.').try_fold(body, |v, key| match v {
        Value::Object(map) => map.get(key),
        Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lookup_by_pointer_and_dotted_path() {
        let body = json!({"data": [{"status": "pago"}], "a.b": 1});
        assert_eq!(lookup(&body, "/data/0/status"), Some(&json!("pago")));
        assert_eq!(lookup(&body, "data.0.status"), Some(&json!("pago")));
        assert_eq!(lookup(&body, "/a.b"), Some(&json!(1)));
        assert_eq!(lookup(&body, "data.1.status"), None);
        assert_eq!(lookup(&body, ""), Some(&body));
    }

    #[test]
    fn private_loopback_and_metadata_addresses_are_blocked() {
        let blocked = [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.0.10",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "198.18.0.1",
            "::1",
            "::",
            "fc00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
        ];
        for ip in blocked {
            assert!(is_blocked_address(ip.parse().unwrap()), "{ip}");
        }
        for ip in [
            "8.8.8.8",
            "200.147.67.142",
            "2001:4860:4860::8888",
            "100.128.0.1",
            "172.32.0.1",
        ] {
            assert!(!is_blocked_address(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn http_urls_only() {
        assert!(is_http_url("https://api.example.com/x?y=1"));
        assert!(is_http_url("HTTP://example.com"));
        assert!(!is_http_url("ftp://example.com"));
        assert!(!is_http_url("https:///path"));
        assert!(!is_http_url("file:///etc/passwd"));
        assert!(!is_http_url("{{vars.url}}"));
    }

    #[test]
    fn request_is_rendered_and_a_rendered_non_http_url_is_an_error() {
        let config = WebhookConfig {
            method: HttpMethod::Post,
            url: "https://api.example.com/orders/{{vars.id}}".into(),
            headers: vec![Header {
                name: " X-Token ".into(),
                value: "t-{{vars.id}}".into(),
            }],
            body: Some(r#"{"id": {{ vars.id|tojson }}}"#.into()),
            timeout_secs: 99,
            response_mapping: vec![],
        };
        let vars = json!({"vars": {"id": 7}});
        let req = render_request(&config, &vars).unwrap();
        assert_eq!(req.url, "https://api.example.com/orders/7");
        assert_eq!(req.headers[0].name, "X-Token");
        assert_eq!(req.headers[0].value, "t-7");
        assert_eq!(req.body.as_deref(), Some(r#"{"id": 7}"#));
        assert_eq!(req.timeout_secs, 30);
        let sneaky = WebhookConfig {
            url: "{{vars.u}}".into(),
            ..config
        };
        assert!(render_request(&sneaky, &json!({"vars": {"u": "file:///etc/passwd"}})).is_err());
    }
}
