//! The Graph client against a local fake Graph API (wiremock) serving the fixture exchanges.

use crate::fixture_json;
use atende_channels::whatsapp_cloud::{GraphConfig, WhatsappCloudAdapter, WhatsappCredentials};
use atende_channels::{
    BackoffScope, ChannelAdapter, ChannelError, ErrorClass, MediaKind, MediaSource, OutboundContent, OutboundMessage,
};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::time::Duration;
use wiremock::matchers::{body_json, header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PHONE_NUMBER_ID: &str = "109284736501827";
const WABA_ID: &str = "104829375610293";
const TOKEN: &str = "EAAG-test-token";

fn credentials() -> Value {
    json!({
        "phone_number_id": PHONE_NUMBER_ID,
        "waba_id": WABA_ID,
        "access_token": TOKEN,
        "app_secret": "3f9c1d27b8e44f6a90c2d5e8b1a4c7f0",
        "verify_token": "aurora-verifica-2025",
    })
}

fn adapter(server: &MockServer) -> WhatsappCloudAdapter {
    adapter_with(server.uri(), Duration::from_secs(5))
}

fn adapter_with(base_url: String, timeout: Duration) -> WhatsappCloudAdapter {
    WhatsappCloudAdapter::new(GraphConfig {
        base_url,
        request_timeout: timeout,
        connect_timeout: timeout,
        media_timeout: timeout,
    })
    .unwrap()
}

fn text(to: &str, body: &str) -> OutboundMessage {
    OutboundMessage {
        to: to.into(),
        reply_to: None,
        callback_data: None,
        content: OutboundContent::Text {
            body: body.into(),
            preview_url: None,
        },
    }
}

/// Serves one fixture exchange for `POST /{phone-number-id}/messages`, matching its exact body.
async fn serve_messages_fixture(server: &MockServer, rel: &str) -> Value {
    let fixture = fixture_json(rel);
    Mock::given(method("POST"))
        .and(path(format!("/{PHONE_NUMBER_ID}/messages")))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(body_json(&fixture["request"]["body"]))
        .respond_with(
            ResponseTemplate::new(fixture["response"]["status"].as_u64().unwrap() as u16)
                .set_body_json(&fixture["response"]["body"]),
        )
        .expect(1)
        .mount(server)
        .await;
    fixture
}

#[tokio::test]
async fn send_posts_the_documented_body_with_the_bearer_token_and_returns_the_wamid() {
    let server = MockServer::start().await;
    serve_messages_fixture(&server, "outbound/send-image-by-link.json").await;
    let msg = OutboundMessage {
        to: "+55 (11) 98765-4321".into(),
        reply_to: None,
        callback_data: None,
        content: OutboundContent::Media {
            kind: MediaKind::Image,
            source: MediaSource::Link("https://cdn.casaaurora.com.br/produtos/cafeteira-expresso-inox.jpg".into()),
            caption: Some("Cafeteira Expresso Inox – R$ 499,90 ☕".into()),
            filename: None,
        },
    };
    let adapter = adapter(&server);
    let id = adapter.send(&credentials(), &msg).await.unwrap();
    assert_eq!(id.0, "wamid.HBgNNTUxMTk4NzY1NDMyMRUCABEYEjdDNUQwRjRFOEE2QjNDOUQxRgA=");

    // The richer receipt through the client keeps the normalized wa_id.
    let creds = WhatsappCredentials::from_json(&credentials()).unwrap();
    let server2 = MockServer::start().await;
    serve_messages_fixture(&server2, "outbound/send-template-named.json").await;
    let receipt = adapter_with(server2.uri(), Duration::from_secs(5));
    let template = atende_channels::TemplateMessage {
        name: "lembrete_pagamento".into(),
        language: "pt_BR".into(),
        language_policy: None,
        components: vec![atende_channels::TemplateComponent::Body(vec![
            atende_channels::TemplateParameter::named_text("nome_cliente", "João"),
            atende_channels::TemplateParameter::named_text("numero_pedido", "48377"),
            atende_channels::TemplateParameter::named_text("data_vencimento", "30/06/2025"),
        ])],
    };
    let msg = OutboundMessage {
        to: "5521998765432".into(),
        content: OutboundContent::Template(template),
        ..text("", "")
    };
    let receipt = receipt.client().send_message(&creds, &msg).await.unwrap();
    assert_eq!(receipt.wa_id.as_deref(), Some("5521998765432"));
    assert_eq!(receipt.message_status.as_deref(), Some("accepted"));
}

#[tokio::test]
async fn mark_read_posts_the_documented_body() {
    let server = MockServer::start().await;
    serve_messages_fixture(&server, "outbound/mark-read-typing-indicator.json").await;
    adapter(&server)
        .mark_read(
            &credentials(),
            "wamid.HBgNNTUxMTk4NzY1NDMyMRUCABIYFDNBN0MxRTBGOUIyRDRBNkM4RTEwAA==",
            true,
        )
        .await
        .unwrap();
}

fn provider(err: ChannelError) -> atende_channels::ProviderFailure {
    match err {
        ChannelError::Provider(failure) => *failure,
        other => panic!("expected a provider error, got {other:?}"),
    }
}

#[tokio::test]
async fn every_error_fixture_is_classified() {
    let minute = Duration::from_secs(60);
    let cases: [(&str, &str, ErrorClass, bool); 7] = [
        (
            "error-130429-throughput.json",
            "5531991234567",
            ErrorClass::RetryAfter {
                after: minute,
                scope: BackoffScope::Channel,
            },
            false,
        ),
        (
            "error-131056-pair-rate-limit.json",
            "5511987654321",
            ErrorClass::RetryAfter {
                after: minute,
                scope: BackoffScope::Recipient,
            },
            false,
        ),
        (
            "error-131047-reengagement.json",
            "5521998765432",
            ErrorClass::WindowClosed,
            false,
        ),
        (
            "error-131026-undeliverable.json",
            "5511912340000",
            ErrorClass::Permanent(String::new()),
            false,
        ),
        (
            "error-100-invalid-parameter.json",
            "5511987654321",
            ErrorClass::Permanent(String::new()),
            false,
        ),
        (
            "error-132001-template-not-found.json",
            "5511987654321",
            ErrorClass::Permanent(String::new()),
            false,
        ),
        (
            "error-190-token-expired.json",
            "5511987654321",
            ErrorClass::Permanent(String::new()),
            true,
        ),
    ];
    for (file, to, expected, credentials_invalid) in cases {
        let fixture = fixture_json(&format!("outbound/{file}"));
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(format!("/{PHONE_NUMBER_ID}/messages")))
            .respond_with(
                ResponseTemplate::new(fixture["response"]["status"].as_u64().unwrap() as u16)
                    .set_body_json(&fixture["response"]["body"]),
            )
            .mount(&server)
            .await;
        let err = adapter(&server).send(&credentials(), &text(to, "x")).await.unwrap_err();
        assert_eq!(err.credentials_invalid(), credentials_invalid, "{file}");
        let failure = provider(err);
        let envelope = &fixture["response"]["body"]["error"];
        assert_eq!(failure.code, envelope["code"].as_i64(), "{file}");
        assert_eq!(failure.subcode, envelope["error_subcode"].as_i64(), "{file}");
        assert_eq!(failure.message, envelope["message"].as_str().unwrap(), "{file}");
        assert_eq!(
            failure.details.as_deref(),
            envelope["error_data"]["details"].as_str(),
            "{file}"
        );
        assert_eq!(failure.trace_id.as_deref(), envelope["fbtrace_id"].as_str(), "{file}");
        assert_eq!(
            failure.http_status,
            fixture["response"]["status"].as_u64().map(|s| s as u16),
            "{file}"
        );
        match (&expected, &failure.class) {
            (ErrorClass::Permanent(_), ErrorClass::Permanent(reason)) => {
                assert!(
                    reason.contains(envelope["message"].as_str().unwrap()),
                    "{file}: {reason}"
                );
            }
            _ => assert_eq!(failure.class, expected, "{file}"),
        }
    }
}

#[tokio::test]
async fn server_errors_and_429_retry_and_retry_after_is_honoured() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503).set_body_string("<html>down</html>"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "7"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429))
        .mount(&server)
        .await;
    let adapter = adapter(&server);
    let first = adapter.send(&credentials(), &text("1", "x")).await.unwrap_err();
    assert_eq!(first.class(), ErrorClass::Retry);
    assert_eq!(provider(first).http_status, Some(503));
    let second = adapter.send(&credentials(), &text("1", "x")).await.unwrap_err();
    assert_eq!(
        second.class(),
        ErrorClass::RetryAfter {
            after: Duration::from_secs(7),
            scope: BackoffScope::Message
        }
    );
    let third = adapter.send(&credentials(), &text("1", "x")).await.unwrap_err();
    assert_eq!(third.class(), ErrorClass::Retry);
}

#[tokio::test]
async fn timeouts_and_refused_connections_are_transport_errors_that_retry() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    let err = adapter_with(server.uri(), Duration::from_millis(200))
        .send(&credentials(), &text("1", "x"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ChannelError::Transport(m) if m.starts_with("timeout")),
        "{err:?}"
    );
    assert_eq!(err.class(), ErrorClass::Retry);

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = adapter_with(format!("http://127.0.0.1:{port}"), Duration::from_secs(2))
        .send(&credentials(), &text("1", "x"))
        .await
        .unwrap_err();
    assert!(matches!(err, ChannelError::Transport(_)), "{err:?}");
    assert_eq!(err.class(), ErrorClass::Retry);
}

#[tokio::test]
async fn success_without_a_wamid_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&server)
        .await;
    let err = adapter(&server)
        .send(&credentials(), &text("1", "x"))
        .await
        .unwrap_err();
    assert!(matches!(err, ChannelError::UnexpectedResponse(_)));
    assert!(!err.class().is_retryable());
}

#[tokio::test]
async fn credentials_are_checked_with_get_phone_number_id() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/{PHONE_NUMBER_ID}")))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "verified_name": "Casa Aurora Utilidades",
            "display_phone_number": "+55 11 4002-8922",
            "id": PHONE_NUMBER_ID,
            "quality_rating": "GREEN"
        })))
        .mount(&server)
        .await;
    let info = adapter(&server).validate_credentials(&credentials()).await.unwrap();
    assert_eq!(info.id, PHONE_NUMBER_ID);
    assert_eq!(info.verified_name.as_deref(), Some("Casa Aurora Utilidades"));
    assert_eq!(info.quality_rating.as_deref(), Some("GREEN"));

    let expired = MockServer::start().await;
    let fixture = fixture_json("outbound/error-190-token-expired.json");
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401).set_body_json(&fixture["response"]["body"]))
        .mount(&expired)
        .await;
    let err = adapter(&expired)
        .validate_credentials(&credentials())
        .await
        .unwrap_err();
    assert!(err.credentials_invalid());
}

#[tokio::test]
async fn malformed_credentials_are_refused_before_any_request() {
    let server = MockServer::start().await;
    let adapter = adapter(&server);
    for bad in [
        json!({}),
        json!({"phone_number_id": PHONE_NUMBER_ID}),
        json!({"phone_number_id": "../../me", "access_token": TOKEN}),
        json!({"phone_number_id": PHONE_NUMBER_ID, "access_token": TOKEN, "waba_id": "1/2"}),
    ] {
        let err = adapter.send(&bad, &text("1", "x")).await.unwrap_err();
        assert!(matches!(err, ChannelError::InvalidCredentials(_)), "{bad}: {err:?}");
    }
    assert!(server.received_requests().await.unwrap().is_empty());
    let debug = format!("{:?}", WhatsappCredentials::from_json(&credentials()).unwrap());
    assert!(!debug.contains(TOKEN) && !debug.contains("3f9c1d27"), "{debug}");
}

async fn serve_media(server: &MockServer, content: &[u8], sha256: &str, file_size: Option<usize>) {
    let fixture = fixture_json("outbound/media-get-url.json");
    let mut info = fixture["response"]["body"].clone();
    info["url"] = json!(format!(
        "{}/whatsapp_business/attachments/?mid=1184392716648213",
        server.uri()
    ));
    info["sha256"] = json!(sha256);
    info["file_size"] = file_size.map_or(Value::Null, |s| json!(s.to_string()));
    Mock::given(method("GET"))
        .and(path("/1184392716648213"))
        .and(query_param("phone_number_id", PHONE_NUMBER_ID))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(info))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/whatsapp_business/attachments/"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_raw(content.to_vec(), "image/jpeg"))
        .mount(server)
        .await;
}

#[tokio::test]
async fn media_is_resolved_downloaded_with_the_token_and_checked() {
    let content = vec![0xd8u8; 184_372];
    let hex_digest = hex::encode(Sha256::digest(&content));
    let server = MockServer::start().await;
    serve_media(&server, &content, &hex_digest, Some(content.len())).await;
    let media = adapter(&server)
        .fetch_media(&credentials(), "1184392716648213", 1_000_000)
        .await
        .unwrap();
    assert_eq!(media.bytes.len(), 184_372);
    assert_eq!(media.mime_type.as_deref(), Some("image/jpeg"));
    assert_eq!(media.sha256_hex, hex_digest);

    // The webhook's base64 form of the digest is accepted too.
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(&content));
    let server = MockServer::start().await;
    serve_media(&server, &content, &b64, None).await;
    adapter(&server)
        .fetch_media(&credentials(), "1184392716648213", 1_000_000)
        .await
        .unwrap();
}

#[tokio::test]
async fn media_past_the_limit_or_with_a_wrong_digest_is_refused() {
    let content = vec![7u8; 10_000];
    let digest = hex::encode(Sha256::digest(&content));
    // Announced size over the limit: refused before downloading.
    let server = MockServer::start().await;
    serve_media(&server, &content, &digest, Some(content.len())).await;
    let err = adapter(&server)
        .fetch_media(&credentials(), "1184392716648213", 5_000)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            ChannelError::MediaTooLarge {
                size: 10_000,
                limit: 5_000
            }
        ),
        "{err:?}"
    );
    // No announced size: the download itself is cut off.
    let server = MockServer::start().await;
    serve_media(&server, &content, &digest, None).await;
    let err = adapter(&server)
        .fetch_media(&credentials(), "1184392716648213", 5_000)
        .await
        .unwrap_err();
    assert!(
        matches!(err, ChannelError::MediaTooLarge { limit: 5_000, .. }),
        "{err:?}"
    );
    assert!(!err.class().is_retryable());
    // Wrong digest.
    let server = MockServer::start().await;
    serve_media(&server, &content, &"0".repeat(64), None).await;
    let err = adapter(&server)
        .fetch_media(&credentials(), "1184392716648213", 1_000_000)
        .await
        .unwrap_err();
    assert!(matches!(err, ChannelError::MediaChecksum), "{err:?}");
}

#[tokio::test]
async fn templates_are_listed_across_pages_by_cursor() {
    let fixture = fixture_json("outbound/templates-list.json");
    let server = MockServer::start().await;
    let list_path = format!("/{WABA_ID}/message_templates");
    Mock::given(method("GET"))
        .and(path(list_path.as_str()))
        .and(query_param_is_missing("after"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(&fixture["response"]["body"]))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(list_path.as_str()))
        .and(query_param("after", "QVFIUm5tR0dxUm9yWkZAn"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [{"name": "boas_vindas", "language": "pt_BR", "status": "PENDING", "category": "MARKETING",
                      "id": 1283746592018400_u64, "components": []}],
            "paging": {"cursors": {"before": "QVFIUm5tR0dxUm9yWkZAn", "after": "QVFIUm5tR0dxUm9yWkZAn"}}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let templates = adapter(&server).sync_templates(&credentials()).await.unwrap();
    let names: Vec<_> = templates.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        ["pedido_enviado", "lembrete_pagamento", "promo_inverno", "boas_vindas"]
    );
    assert_eq!(templates[0].id, "1283746592018374");
    assert_eq!(templates[0].status, "APPROVED");
    assert_eq!(templates[0].category.as_deref(), Some("UTILITY"));
    assert_eq!(templates[1].parameter_format.as_deref(), Some("NAMED"));
    assert_eq!(templates[2].status, "REJECTED");
    assert_eq!(templates[0].components.as_array().unwrap().len(), 4);
    assert_eq!(templates[3].id, "1283746592018400");
}

#[tokio::test]
async fn media_upload_is_multipart_and_returns_the_id() {
    let fixture = fixture_json("outbound/media-upload.json");
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/{PHONE_NUMBER_ID}/media")))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(&fixture["response"]["body"]))
        .mount(&server)
        .await;
    let creds = WhatsappCredentials::from_json(&credentials()).unwrap();
    let jpeg = b"\xff\xd8\xff\xe0fake-jpeg\r\n--not-the-boundary\xff\xd9";
    let id = adapter(&server)
        .client()
        .upload_media(&creds, jpeg, "image/jpeg", "etiqueta-envio-48213.jpg")
        .await
        .unwrap();
    assert_eq!(id, "1627384950617283");

    let request = &server.received_requests().await.unwrap()[0];
    let content_type = request
        .headers
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let boundary = content_type.strip_prefix("multipart/form-data; boundary=").unwrap();
    let body = &request.body;
    let has = |needle: &[u8]| body.windows(needle.len()).any(|w| w == needle);
    assert!(has(b"name=\"messaging_product\"\r\n\r\nwhatsapp\r\n"));
    assert!(has(b"name=\"type\"\r\n\r\nimage/jpeg\r\n"));
    assert!(has(
        b"name=\"file\"; filename=\"etiqueta-envio-48213.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
    ));
    assert!(has(jpeg));
    assert!(body.ends_with(format!("\r\n--{boundary}--\r\n").as_bytes()));
}
