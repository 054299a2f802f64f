//! `signature.md`: the worked example verifies, the negative controls fail; the handshake.

use crate::fixture_bytes;
use atende_channels::whatsapp_cloud::{
    SIGNATURE_HEADER, WhatsappCloudAdapter, signature_header, verify_signature, verify_subscription,
};
use atende_channels::{ChannelAdapter, ChannelError, SubscriptionCheck};
use http::{HeaderMap, HeaderValue};

const SECRET: &[u8] = b"3f9c1d27b8e44f6a90c2d5e8b1a4c7f0";
const EXPECTED: &str = "sha256=34db309917355db7c2d587d7a69ee7dc034831e12aa1f200674d8abb9cf19866";
const RESERIALIZED: &str = "sha256=b682b8a919601ac1479631ec569e177aade36645936f6b6c41a1a85b823f21ae";
const PRETTY_TEXT: &str = "sha256=5d28486be90447de20b0e7d04b9f34f1506e9c1476cd277b0d2c2753193d4e98";

fn headers(value: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(SIGNATURE_HEADER, HeaderValue::from_str(value).unwrap());
    h
}

#[test]
fn worked_example_verifies_over_the_raw_bytes() {
    let body = fixture_bytes("inbound/text-wire-escaped.json");
    assert_eq!(body.len(), 625);
    assert_eq!(signature_header(SECRET, &body).unwrap(), EXPECTED);
    verify_signature(SECRET, &headers(EXPECTED), &body).unwrap();
    // Header names are case-insensitive on the wire.
    let mut h = HeaderMap::new();
    h.insert("X-Hub-Signature-256", HeaderValue::from_static(EXPECTED));
    verify_signature(SECRET, &h, &body).unwrap();
}

#[test]
fn second_data_point_signs_the_pretty_file_as_is() {
    let body = fixture_bytes("inbound/text.json");
    assert_eq!(body.len(), 1052);
    verify_signature(SECRET, &headers(PRETTY_TEXT), &body).unwrap();
}

#[test]
fn reserialized_body_is_rejected() {
    let body = fixture_bytes("inbound/text-wire-escaped.json");
    let reserialized = unescape_like_a_reserializer(&body);
    assert_eq!(reserialized.len(), 588);
    assert_eq!(signature_header(SECRET, &reserialized).unwrap(), RESERIALIZED);
    assert!(matches!(
        verify_signature(SECRET, &headers(EXPECTED), &reserialized),
        Err(ChannelError::BadSignature)
    ));
    assert!(matches!(
        verify_signature(SECRET, &headers(RESERIALIZED), &body),
        Err(ChannelError::BadSignature)
    ));
}

#[test]
fn missing_garbled_or_wrong_signatures_are_rejected() {
    let body = fixture_bytes("inbound/text-wire-escaped.json");
    let bad =
        |h: &HeaderMap, secret: &[u8]| matches!(verify_signature(secret, h, &body), Err(ChannelError::BadSignature));
    assert!(bad(&HeaderMap::new(), SECRET), "missing header");
    assert!(
        bad(
            &headers("34db309917355db7c2d587d7a69ee7dc034831e12aa1f200674d8abb9cf19866"),
            SECRET
        ),
        "no prefix"
    );
    assert!(
        bad(&headers("sha1=c01fe7f8254fefabbe05da51a9cae500f0a93958"), SECRET),
        "legacy sha1 only"
    );
    assert!(bad(&headers("sha256=zz"), SECRET), "not hex");
    assert!(bad(&headers("sha256=34db30"), SECRET), "truncated");
    assert!(bad(&headers(EXPECTED), b"another-secret"), "wrong secret");
    assert!(bad(&headers(EXPECTED), b""), "empty secret");
    let mut flipped = EXPECTED.to_owned();
    flipped.replace_range(EXPECTED.len() - 1.., "7");
    assert!(bad(&headers(&flipped), SECRET), "one nibble changed");
}

#[test]
fn adapter_verifies_through_the_trait() {
    let adapter = WhatsappCloudAdapter::new(Default::default()).unwrap();
    let body = fixture_bytes("inbound/text-wire-escaped.json");
    adapter.verify_webhook(SECRET, &headers(EXPECTED), &body).unwrap();
    assert!(adapter.verify_webhook(SECRET, &headers(RESERIALIZED), &body).is_err());
}

#[test]
fn handshake_echoes_the_challenge_only_for_the_right_token() {
    let fixture = crate::fixture_json("http/webhook-verification-get.json");
    let query = &fixture["request"]["query"];
    let check = SubscriptionCheck {
        mode: query["hub.mode"].as_str(),
        verify_token: query["hub.verify_token"].as_str(),
        challenge: query["hub.challenge"].as_str(),
    };
    let expected_body = fixture["expected_response"]["body"].as_str().unwrap();
    assert_eq!(
        verify_subscription(&check, "aurora-verifica-2025").unwrap(),
        expected_body
    );

    let forbidden =
        |c: &SubscriptionCheck<'_>, token: &str| matches!(verify_subscription(c, token), Err(ChannelError::Forbidden));
    assert!(forbidden(&check, "outro-token"));
    assert!(forbidden(&check, ""));
    assert!(forbidden(
        &SubscriptionCheck {
            mode: Some("unsubscribe"),
            ..check
        },
        "aurora-verifica-2025"
    ));
    assert!(forbidden(
        &SubscriptionCheck {
            verify_token: None,
            ..check
        },
        "aurora-verifica-2025"
    ));
    assert!(forbidden(
        &SubscriptionCheck {
            challenge: None,
            ..check
        },
        "aurora-verifica-2025"
    ));
    let huge = "9".repeat(10_000);
    assert!(forbidden(
        &SubscriptionCheck {
            challenge: Some(&huge),
            ..check
        },
        "aurora-verifica-2025"
    ));
}

/// What a parse + re-serialize with UTF-8 output does to Meta's bytes (as in `signature.md`):
/// `\uXXXX` escapes (surrogate pairs included) become UTF-8 and `\/` becomes `/`, key order kept.
fn unescape_like_a_reserializer(body: &[u8]) -> Vec<u8> {
    let text = std::str::from_utf8(body).unwrap();
    let mut out = String::new();
    let mut units: Vec<u16> = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(hex) = rest.strip_prefix("\\u") {
            units.push(u16::from_str_radix(&hex[..4], 16).unwrap());
            rest = &hex[4..];
            continue;
        }
        out.extend(char::decode_utf16(units.drain(..)).map(Result::unwrap));
        if let Some(after) = rest.strip_prefix("\\/") {
            out.push('/');
            rest = after;
        } else if let Some(after) = rest.strip_prefix("\\\\") {
            out.push_str("\\\\");
            rest = after;
        } else {
            let c = rest.chars().next().unwrap();
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out.extend(char::decode_utf16(units.drain(..)).map(Result::unwrap));
    out.into_bytes()
}
