//! Hostile bodies: `parse_webhook` answers `Malformed` or degrades per item, and never panics.

use crate::fixture_bytes;
use atende_channels::whatsapp_cloud::parse_webhook;
use atende_channels::{ChannelError, InboundEvent, MessageContent};
use proptest::prelude::*;

fn malformed(body: &[u8]) -> bool {
    matches!(parse_webhook(body), Err(ChannelError::Malformed(_)))
}

#[test]
fn non_webhook_bodies_are_malformed() {
    for body in [
        &b""[..],
        b"not json",
        b"null",
        b"[]",
        b"42",
        b"\"whatsapp\"",
        b"{}",
        b"{\"object\":\"page\",\"entry\":[]}",
        b"{\"object\":\"whatsapp_business_account\",\"entry\":{}}",
        b"{\"object\":7,\"entry\":[]}",
        &[0xff, 0xfe, 0x00, 0x7b],
    ] {
        assert!(malformed(body), "{:?}", String::from_utf8_lossy(body));
    }
}

#[test]
fn every_truncation_of_a_fixture_is_malformed_or_parses() {
    let body = fixture_bytes("inbound/batch-multiple-entries.json");
    for end in 0..body.len() {
        let _ = parse_webhook(&body[..end]);
    }
    assert!(malformed(&body[..body.len() / 2]));
}

#[test]
fn deep_nesting_is_rejected_without_overflowing_the_stack() {
    let mut body = String::from("{\"object\":\"whatsapp_business_account\",\"entry\":");
    body.push_str(&"[".repeat(100_000));
    assert!(malformed(body.as_bytes()));
}

#[test]
fn wrong_types_in_fields_degrade_per_item() {
    let body = br#"{"object":"whatsapp_business_account","entry":[
        7, {"id": 5, "changes": "nope"},
        {"id":"1","changes":[
            {"field":"messages","value":{"metadata":{"phone_number_id":109284736501827},
                "contacts":[{"wa_id":5511},{"profile":3}],
                "messages":[
                    {"from":"5511","id":"wamid.a","timestamp":"not-a-number","type":"text","text":{"body":7}},
                    {"from":"5511","id":"wamid.b","timestamp":1750680900,"type":"image","image":"x"},
                    {"from":"5511","id":"wamid.c","type":"interactive","interactive":{"type":"nfm_reply"}},
                    {"from":"5511","id":"wamid.d","type":"reaction","reaction":{"message_id":"wamid.z","emoji":""}},
                    {"id":"wamid.e"},
                    "string-message"
                ],
                "statuses":[{"id":"wamid.s","status":"deleted","timestamp":"1"},{"status":"read"}],
                "errors":"nope"}},
            {"field":"account_update","value":{"event":"VERIFIED"}},
            {"value":null},
            {"field":"message_template_status_update","value":{"message_template_id":"x"}}
        ]}]}"#;
    let events = parse_webhook(body).unwrap();
    let messages: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            InboundEvent::Message(m) => Some(m),
            _ => None,
        })
        .collect();
    assert_eq!(messages.len(), 4);
    assert_eq!(messages[0].routing.endpoint_id.as_deref(), Some("109284736501827"));
    assert_eq!(messages[0].timestamp, None);
    assert!(
        matches!(&messages[0].content, MessageContent::Unsupported { provider_type, .. } if provider_type == "text")
    );
    assert!(
        matches!(&messages[1].content, MessageContent::Unsupported { provider_type, .. } if provider_type == "image")
    );
    assert!(
        matches!(&messages[2].content, MessageContent::Unsupported { provider_type, .. } if provider_type == "interactive.nfm_reply")
    );
    assert!(matches!(
        &messages[3].content,
        MessageContent::Reaction { emoji: None, .. }
    ));
    assert_eq!(messages[0].contact.as_ref().unwrap().external_id, "5511");
    let others = events
        .iter()
        .filter(|e| matches!(e, InboundEvent::Other { .. }))
        .count();
    // two id-less items, one id-less status, account_update, the field-less change, the template without event
    assert_eq!(others, 6, "{events:#?}");
    assert!(
        events
            .iter()
            .any(|e| matches!(e, InboundEvent::Status(s) if s.status.rank().is_none()))
    );
}

#[test]
fn huge_strings_are_kept_not_fatal() {
    let big = "á".repeat(1_500_000); // ~3 MB, the documented maximum delivery
    let body = format!(
        r#"{{"object":"whatsapp_business_account","entry":[{{"id":"1","changes":[{{"field":"messages","value":{{"messages":[{{"from":"1","id":"wamid.big","type":"text","text":{{"body":"{big}"}}}}]}}}}]}}]}}"#
    );
    let events = parse_webhook(body.as_bytes()).unwrap();
    let [InboundEvent::Message(m)] = events.as_slice() else {
        panic!()
    };
    assert!(matches!(&m.content, MessageContent::Text { body } if body.len() == big.len()));
}

fn arb_json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(Into::into),
        any::<i64>().prop_map(Into::into),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Into::into),
        prop::sample::select(vec![
            "messages",
            "statuses",
            "text",
            "image",
            "interactive",
            "reaction",
            "id",
            "from",
            "type",
            "system",
            "1750680900",
            "wamid.x",
            "",
        ])
        .prop_map(Into::into),
        ".{0,12}".prop_map(Into::into),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            prop::collection::btree_map(
                prop::sample::select(vec![
                    "object",
                    "entry",
                    "changes",
                    "field",
                    "value",
                    "metadata",
                    "phone_number_id",
                    "contacts",
                    "messages",
                    "statuses",
                    "errors",
                    "id",
                    "from",
                    "type",
                    "timestamp",
                    "text",
                    "body",
                    "image",
                    "interactive",
                    "button_reply",
                    "reaction",
                    "emoji",
                    "context",
                    "referral",
                    "event",
                    "code",
                ])
                .prop_map(str::to_owned),
                inner,
                0..6
            )
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse_webhook(&bytes);
    }

    #[test]
    fn random_webhook_shaped_json_never_panics(entry in prop::collection::vec(arb_json(), 0..4)) {
        let body = serde_json::json!({"object": "whatsapp_business_account", "entry": entry});
        prop_assert!(parse_webhook(&serde_json::to_vec(&body).unwrap()).is_ok());
    }
}
