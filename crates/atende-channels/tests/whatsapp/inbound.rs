//! Every inbound fixture parses to the expected normalized events.

use crate::{fixture_bytes, fixture_dir};
use atende_channels::whatsapp_cloud::parse_webhook;
use atende_channels::{
    DeliveryStatus, ErrorClass, InboundEvent, InboundMessage, MediaKind, MessageContent, StatusUpdate,
};
use chrono::{DateTime, Utc};

const PHONE_NUMBER_ID: &str = "109284736501827";
const DISPLAY_NUMBER: &str = "551140028922";
const WABA_ID: &str = "104829375610293";
const ANA: &str = "5511987654321";

fn parse(rel: &str) -> Vec<InboundEvent> {
    parse_webhook(&fixture_bytes(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn ts(secs: i64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(secs, 0)
}

fn single_message(rel: &str) -> InboundMessage {
    let events = parse(rel);
    assert_eq!(events.len(), 1, "{rel}: {events:?}");
    match events.into_iter().next().unwrap() {
        InboundEvent::Message(m) => {
            assert_eq!(m.routing.endpoint_id.as_deref(), Some(PHONE_NUMBER_ID), "{rel}");
            assert_eq!(m.routing.display_address.as_deref(), Some(DISPLAY_NUMBER), "{rel}");
            assert_eq!(m.routing.account_id.as_deref(), Some(WABA_ID), "{rel}");
            assert!(m.provider_message_id.starts_with("wamid."), "{rel}");
            assert!(m.raw.is_object(), "{rel}");
            *m
        }
        other => panic!("{rel}: expected a message, got {other:?}"),
    }
}

fn single_status(rel: &str) -> StatusUpdate {
    let events = parse(rel);
    assert_eq!(events.len(), 1, "{rel}: {events:?}");
    match events.into_iter().next().unwrap() {
        InboundEvent::Status(s) => {
            assert_eq!(s.routing.endpoint_id.as_deref(), Some(PHONE_NUMBER_ID), "{rel}");
            *s
        }
        other => panic!("{rel}: expected a status, got {other:?}"),
    }
}

fn assert_ana(m: &InboundMessage) {
    assert_eq!(m.from, ANA);
    let contact = m.contact.as_ref().expect("contact profile");
    assert_eq!(contact.external_id, ANA);
    assert_eq!(contact.name.as_deref(), Some("Ana Beatriz 🌻"));
}

#[test]
fn every_inbound_fixture_parses_to_at_least_one_event() {
    let dir = fixture_dir().join("inbound");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let events =
                parse_webhook(&std::fs::read(&path).unwrap()).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert!(!events.is_empty(), "{} produced no events", path.display());
            assert!(
                !events.iter().any(|e| matches!(e, InboundEvent::Other { .. })),
                "{} produced an unmodelled event: {events:?}",
                path.display()
            );
            count += 1;
        }
    }
    assert_eq!(count, 28, "the README lists 28 inbound fixtures");
}

#[test]
fn text_message_carries_body_contact_and_timestamp() {
    let m = single_message("inbound/text.json");
    assert_ana(&m);
    assert_eq!(
        m.provider_message_id,
        "wamid.HBgNNTUxMTk4NzY1NDMyMRUCABIYFDNBN0MxRTBGOUIyRDRBNkM4RTEwAA=="
    );
    assert_eq!(m.timestamp, ts(1_750_680_900));
    assert_eq!(
        m.content,
        MessageContent::Text {
            body: "Olá! Meu pedido #48213 ainda não chegou 😟 Vocês conseguem verificar, por favor?".into()
        }
    );
    assert!(m.context.is_none() && m.referral.is_none() && m.errors.is_empty());
}

#[test]
fn wire_escaped_text_decodes_unicode_and_slashes() {
    let m = single_message("inbound/text-wire-escaped.json");
    assert_ana(&m);
    let MessageContent::Text { body } = &m.content else {
        panic!("{:?}", m.content)
    };
    assert!(body.starts_with("Vi a promoção no site https://casaaurora.com.br/ofertas — a cafeteira"));
    assert!(body.ends_with("☕😍"));
    assert_eq!(m.timestamp, ts(1_750_683_300));
}

#[test]
fn reply_context_names_the_quoted_message() {
    let m = single_message("inbound/text-reply-context.json");
    let context = m.context.expect("context");
    assert_eq!(
        context.replied_to.as_deref(),
        Some("wamid.HBgNNTUxMTk4NzY1NDMyMRUCABEYEjRGMkE5QzFCN0QzRTVBNkI4QwA=")
    );
    assert_eq!(context.replied_to_from.as_deref(), Some(DISPLAY_NUMBER));
    assert!(!context.forwarded && !context.frequently_forwarded);
}

#[test]
fn click_to_whatsapp_ad_keeps_the_referral() {
    let m = single_message("inbound/text-click-to-whatsapp-ad.json");
    assert_eq!(m.from, "5521998765432");
    assert_eq!(m.contact.unwrap().name.as_deref(), Some("João Pedro Araújo"));
    let referral = m.referral.expect("referral");
    assert_eq!(referral.source_type.as_deref(), Some("ad"));
    assert_eq!(referral.source_id.as_deref(), Some("120214876530918273"));
    assert_eq!(referral.source_url.as_deref(), Some("https://fb.me/4kQx9Zr2a"));
    assert_eq!(referral.headline.as_deref(), Some("Fale com a Casa Aurora"));
    assert_eq!(referral.media_type.as_deref(), Some("image"));
    assert!(referral.ctwa_clid.unwrap().starts_with("ARAkLkA8"));
    assert_eq!(referral.welcome_message.as_deref(), Some("Olá! Como podemos ajudar?"));
    assert!(matches!(m.content, MessageContent::Text { .. }));
}

fn media(rel: &str) -> (InboundMessage, atende_channels::InboundMedia) {
    let m = single_message(rel);
    let MessageContent::Media(media) = m.content.clone() else {
        panic!("{rel}: {:?}", m.content)
    };
    (m, media)
}

#[test]
fn image_without_caption_keeps_id_mime_sha_and_url() {
    let (m, media) = media("inbound/image.json");
    assert_ana(&m);
    assert_eq!(media.kind, MediaKind::Image);
    assert_eq!(media.media_id, "1184392716648213");
    assert_eq!(media.mime_type.as_deref(), Some("image/jpeg"));
    assert_eq!(
        media.sha256.as_deref(),
        Some("jhVPoQG9bdWfS9/PLIe6tTQ+laYfJ/6XC8RSmLaxQDI=")
    );
    assert!(media.url.unwrap().starts_with("https://lookaside.fbsbx.com/"));
    assert_eq!(media.caption, None);
    assert!(!media.voice && !media.animated);
}

#[test]
fn voice_note_is_audio_with_voice_flag() {
    let (_, media) = media("inbound/audio-voice.json");
    assert_eq!(media.kind, MediaKind::Audio);
    assert_eq!(media.media_id, "1039485726135094");
    assert_eq!(media.mime_type.as_deref(), Some("audio/ogg; codecs=opus"));
    assert!(media.voice);
}

#[test]
fn video_keeps_caption() {
    let (_, media) = media("inbound/video.json");
    assert_eq!(media.kind, MediaKind::Video);
    assert_eq!(media.media_id, "1290384756102938");
    assert_eq!(media.caption.as_deref(), Some("Olha como a caixa chegou amassada 😤"));
}

#[test]
fn document_keeps_filename_and_caption() {
    let (m, media) = media("inbound/document.json");
    assert_eq!(m.timestamp, ts(1_750_681_050));
    assert_eq!(media.kind, MediaKind::Document);
    assert_eq!(media.filename.as_deref(), Some("comprovante-pix-48213.pdf"));
    assert_eq!(media.caption.as_deref(), Some("Comprovante do Pix – pedido 48213"));
    assert_eq!(media.mime_type.as_deref(), Some("application/pdf"));
}

#[test]
fn sticker_is_static_webp() {
    let (_, media) = media("inbound/sticker.json");
    assert_eq!(media.kind, MediaKind::Sticker);
    assert_eq!(media.media_id, "1502938475610293");
    assert_eq!(media.mime_type.as_deref(), Some("image/webp"));
    assert!(!media.animated);
}

#[test]
fn location_has_numeric_coordinates_and_labels() {
    let m = single_message("inbound/location.json");
    let MessageContent::Location {
        latitude,
        longitude,
        name,
        address,
        url,
    } = m.content
    else {
        panic!()
    };
    assert_eq!(latitude, Some(-23.555_872_9));
    assert_eq!(longitude, Some(-46.662_347_1));
    assert_eq!(name.as_deref(), Some("Edifício Augusta Park"));
    assert!(address.unwrap().starts_with("Rua Augusta, 1500"));
    assert!(url.unwrap().starts_with("https://maps.google.com/"));
}

#[test]
fn contacts_keep_structured_cards() {
    let m = single_message("inbound/contacts.json");
    let MessageContent::Contacts(cards) = m.content else {
        panic!()
    };
    assert_eq!(cards.len(), 1);
    let card = &cards[0];
    assert_eq!(card.name.formatted_name.as_deref(), Some("Carlos Eduardo Souza"));
    assert_eq!(card.name.first_name.as_deref(), Some("Carlos Eduardo"));
    assert_eq!(card.name.last_name.as_deref(), Some("Souza"));
    assert_eq!(
        card.org.as_ref().unwrap().company.as_deref(),
        Some("Souza & Filhos Marcenaria")
    );
    assert_eq!(card.phones.len(), 1);
    assert_eq!(card.phones[0].phone.as_deref(), Some("+55 11 97654-3210"));
    assert_eq!(card.phones[0].wa_id.as_deref(), Some("5511976543210"));
    assert_eq!(card.phones[0].kind.as_deref(), Some("CELL"));
    assert!(card.emails.is_empty() && card.addresses.is_empty());
}

#[test]
fn interactive_button_reply_has_id_title_and_context() {
    let m = single_message("inbound/interactive-button-reply.json");
    assert_eq!(
        m.content,
        MessageContent::ButtonReply {
            id: "reembolso_pix".into(),
            title: "Pix".into()
        }
    );
    assert_eq!(
        m.context.unwrap().replied_to.as_deref(),
        Some("wamid.HBgNNTUxMTk4NzY1NDMyMRUCABEYEkFGOEEzQzdCMUQ5RTZGMkE0QwA=")
    );
}

#[test]
fn interactive_list_reply_has_description() {
    let m = single_message("inbound/interactive-list-reply.json");
    assert_eq!(
        m.content,
        MessageContent::ListReply {
            id: "trocas_devolucoes".into(),
            title: "Trocas e devoluções".into(),
            description: Some("Quero trocar ou devolver um produto".into()),
        }
    );
}

#[test]
fn template_quick_reply_button_has_payload_and_text() {
    let m = single_message("inbound/button-template-quick-reply.json");
    assert_eq!(
        m.content,
        MessageContent::TemplateButton {
            payload: Some("ENTREGA_CONFIRMADA_48213".into()),
            text: Some("Já recebi".into())
        }
    );
    assert!(m.context.unwrap().replied_to.is_some());
}

#[test]
fn reaction_names_target_and_emoji() {
    let m = single_message("inbound/reaction.json");
    assert_eq!(
        m.content,
        MessageContent::Reaction {
            target_message_id: "wamid.HBgNNTUxMTk4NzY1NDMyMRUCABEYEjRGMkE5QzFCN0QzRTVBNkI4QwA=".into(),
            emoji: Some("👍".into()),
        }
    );
}

#[test]
fn reaction_without_emoji_is_a_removal() {
    let mut body = crate::fixture_json("inbound/reaction.json");
    body["entry"][0]["changes"][0]["value"]["messages"][0]["reaction"]
        .as_object_mut()
        .unwrap()
        .remove("emoji");
    let events = parse_webhook(&serde_json::to_vec(&body).unwrap()).unwrap();
    let InboundEvent::Message(m) = &events[0] else { panic!() };
    assert!(matches!(&m.content, MessageContent::Reaction { emoji: None, .. }));
}

#[test]
fn unsupported_keeps_inner_type_and_error_code() {
    let m = single_message("inbound/unsupported.json");
    assert_eq!(
        m.content,
        MessageContent::Unsupported {
            provider_type: "poll_creation".into(),
            error_code: Some(131_051)
        }
    );
    assert_eq!(m.errors[0].code, Some(131_051));
    assert_eq!(
        m.errors[0].details.as_deref(),
        Some("Message type is currently not supported.")
    );
}

#[test]
fn system_number_change_has_old_and_new_ids_and_no_profile() {
    let m = single_message("inbound/system-user-changed-number.json");
    assert_eq!(m.from, "5531991234567");
    assert!(m.contact.is_none());
    let MessageContent::System {
        kind,
        body,
        new_external_id,
    } = m.content
    else {
        panic!()
    };
    assert_eq!(kind.as_deref(), Some("user_changed_number"));
    assert_eq!(new_external_id.as_deref(), Some("5531997776655"));
    assert!(body.unwrap().contains("changed from 5531991234567 to 5531997776655"));
}

#[test]
fn unknown_message_type_becomes_unsupported_not_an_error() {
    let mut body = crate::fixture_json("inbound/text.json");
    body["entry"][0]["changes"][0]["value"]["messages"][0]["type"] = "hologram".into();
    body["entry"][0]["changes"][0]["value"]["messages"][0]["brand_new_field"] = 42.into();
    let events = parse_webhook(&serde_json::to_vec(&body).unwrap()).unwrap();
    let InboundEvent::Message(m) = &events[0] else { panic!() };
    assert_eq!(
        m.content,
        MessageContent::Unsupported {
            provider_type: "hologram".into(),
            error_code: None
        }
    );
    assert_eq!(m.raw["brand_new_field"], 42);
}

#[test]
fn status_sent_has_conversation_pricing_and_callback() {
    let s = single_status("inbound/status-sent.json");
    assert_eq!(
        s.provider_message_id,
        "wamid.HBgNNTUxMTk4NzY1NDMyMRUCABEYEjRGMkE5QzFCN0QzRTVBNkI4QwA="
    );
    assert_eq!(s.status, DeliveryStatus::Sent);
    assert_eq!(s.timestamp, ts(1_750_681_205));
    assert_eq!(s.recipient_id.as_deref(), Some(ANA));
    assert_eq!(s.callback_data.as_deref(), Some("ticket=CA-2025-000871"));
    let conversation = s.conversation.unwrap();
    assert_eq!(conversation.id.as_deref(), Some("a3f1c9e27b5d4086b1e2c3d4f5a6b7c8"));
    assert_eq!(conversation.origin_type.as_deref(), Some("service"));
    assert_eq!(conversation.expires_at, ts(1_750_767_605));
    let pricing = s.pricing.unwrap();
    assert_eq!(pricing.billable, Some(false));
    assert_eq!(pricing.pricing_type.as_deref(), Some("free_customer_service"));
    assert_eq!(pricing.category.as_deref(), Some("service"));
    assert!(s.errors.is_empty());
}

#[test]
fn status_delivered_read_played_parse_in_rank_order() {
    let delivered = single_status("inbound/status-delivered.json");
    assert_eq!(delivered.status, DeliveryStatus::Delivered);
    assert!(delivered.conversation.unwrap().expires_at.is_none());
    let read = single_status("inbound/status-read.json");
    assert_eq!(read.status, DeliveryStatus::Read);
    assert!(read.conversation.is_none() && read.pricing.is_none());
    let played = single_status("inbound/status-played-voice.json");
    assert_eq!(played.status, DeliveryStatus::Played);
    assert!(delivered.status.rank() < read.status.rank() && read.status.rank() < played.status.rank());
}

#[test]
fn template_sent_status_is_billable_utility() {
    let s = single_status("inbound/status-sent-template-utility.json");
    let pricing = s.pricing.unwrap();
    assert_eq!(pricing.billable, Some(true));
    assert_eq!(pricing.pricing_model.as_deref(), Some("PMP"));
    assert_eq!(pricing.category.as_deref(), Some("utility"));
    assert_eq!(s.conversation.unwrap().origin_type.as_deref(), Some("utility"));
}

#[test]
fn failed_status_131047_keeps_reason_and_classifies_as_window_closed() {
    let s = single_status("inbound/status-failed-131047-reengagement.json");
    assert_eq!(s.status, DeliveryStatus::Failed);
    assert_eq!(s.recipient_id.as_deref(), Some("5521998765432"));
    let error = &s.errors[0];
    assert_eq!(error.code, Some(131_047));
    assert_eq!(error.title.as_deref(), Some("Re-engagement message"));
    assert!(error.details.as_deref().unwrap().contains("24 hours"));
    assert_eq!(
        atende_channels::whatsapp_cloud::classify_detail(error),
        ErrorClass::WindowClosed
    );
}

#[test]
fn failed_status_131026_is_permanent() {
    let s = single_status("inbound/status-failed-131026-undeliverable.json");
    assert_eq!(s.status, DeliveryStatus::Failed);
    let error = &s.errors[0];
    assert_eq!(error.code, Some(131_026));
    assert_eq!(error.title.as_deref(), Some("Message undeliverable"));
    let ErrorClass::Permanent(reason) = atende_channels::whatsapp_cloud::classify_detail(error) else {
        panic!()
    };
    assert!(reason.contains("131026"));
}

#[test]
fn change_level_errors_become_a_provider_errors_event() {
    let events = parse("inbound/errors-system-level.json");
    assert_eq!(events.len(), 1);
    let InboundEvent::ProviderErrors { routing, errors } = &events[0] else {
        panic!("{events:?}")
    };
    assert_eq!(routing.endpoint_id.as_deref(), Some(PHONE_NUMBER_ID));
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].code, Some(130_429));
    assert_eq!(errors[0].title.as_deref(), Some("Rate limit hit"));
    assert_eq!(
        errors[0].details.as_deref(),
        Some("Cloud API message throughput has been reached.")
    );
}

#[test]
fn template_approved_has_numeric_id_as_string_and_entry_time() {
    let events = parse("inbound/template-status-approved.json");
    let [InboundEvent::TemplateStatus(t)] = events.as_slice() else {
        panic!("{events:?}")
    };
    assert_eq!(t.account_id.as_deref(), Some(WABA_ID));
    assert_eq!(t.event, "APPROVED");
    assert_eq!(t.template_id.as_deref(), Some("1283746592018374"));
    assert_eq!(t.name.as_deref(), Some("pedido_enviado"));
    assert_eq!(t.language.as_deref(), Some("pt_BR"));
    assert_eq!(t.category.as_deref(), Some("UTILITY"));
    assert_eq!(t.reason.as_deref(), Some("NONE"));
    assert_eq!(t.time, ts(1_750_594_500));
}

#[test]
fn template_rejected_keeps_reason_and_rejection_info() {
    let events = parse("inbound/template-status-rejected.json");
    let [InboundEvent::TemplateStatus(t)] = events.as_slice() else {
        panic!("{events:?}")
    };
    assert_eq!(t.event, "REJECTED");
    assert_eq!(t.name.as_deref(), Some("promo_inverno"));
    assert_eq!(t.reason.as_deref(), Some("INVALID_FORMAT"));
    assert!(t.rejection_detail.as_deref().unwrap().contains("{{1}}{{2}}"));
    assert!(t.recommendation.as_deref().unwrap().starts_with("Separe os parâmetros"));
}

#[test]
fn batch_yields_every_message_and_status_routed_by_phone_number_id() {
    let events = parse("inbound/batch-multiple-entries.json");
    assert_eq!(events.len(), 6, "{events:?}");
    let messages: Vec<&InboundMessage> = events
        .iter()
        .filter_map(|e| match e {
            InboundEvent::Message(m) => Some(&**m),
            _ => None,
        })
        .collect();
    let statuses: Vec<&StatusUpdate> = events
        .iter()
        .filter_map(|e| match e {
            InboundEvent::Status(s) => Some(&**s),
            _ => None,
        })
        .collect();
    assert_eq!(messages.len(), 3);
    assert_eq!(statuses.len(), 3);

    let route = |m: &InboundMessage| (m.routing.endpoint_id.clone().unwrap(), m.from.clone());
    assert_eq!(route(messages[0]), (PHONE_NUMBER_ID.into(), "5521998765432".into()));
    assert_eq!(
        messages[0].contact.as_ref().unwrap().name.as_deref(),
        Some("João Pedro Araújo")
    );
    assert_eq!(route(messages[1]), (PHONE_NUMBER_ID.into(), "5531991234567".into()));
    assert_eq!(
        messages[1].contact.as_ref().unwrap().name.as_deref(),
        Some("Maria da Conceição")
    );
    assert_eq!(route(messages[2]), ("119384756201938".into(), "5541996543210".into()));
    assert_eq!(messages[2].routing.account_id.as_deref(), Some("187364529018273"));
    assert_eq!(messages[2].routing.display_address.as_deref(), Some("552130035000"));
    assert_eq!(
        messages[2].contact.as_ref().unwrap().name.as_deref(),
        Some("Luíza Fernandes")
    );

    assert!(
        statuses
            .iter()
            .all(|s| s.routing.endpoint_id.as_deref() == Some(PHONE_NUMBER_ID))
    );
    let kinds: Vec<_> = statuses.iter().map(|s| s.status.clone()).collect();
    assert_eq!(
        kinds,
        [DeliveryStatus::Delivered, DeliveryStatus::Read, DeliveryStatus::Read]
    );
    assert_eq!(statuses[0].recipient_id.as_deref(), Some("5531991234567"));
}
