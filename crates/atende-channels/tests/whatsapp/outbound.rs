//! Every outbound fixture's request body is exactly what the builder produces.

use crate::fixture_json;
use atende_channels::whatsapp_cloud::{mark_read_body, message_body};
use atende_channels::{
    InteractiveButtons, InteractiveHeader, InteractiveList, ListRow, ListSection, MediaKind, MediaSource,
    OutboundContent, OutboundMessage, ReplyButton, TemplateComponent, TemplateMessage, TemplateParameter,
    TemplateValue,
};

const ANA: &str = "5511987654321";

fn msg(to: &str, content: OutboundContent) -> OutboundMessage {
    OutboundMessage {
        to: to.into(),
        reply_to: None,
        callback_data: None,
        content,
    }
}

fn text(to: &str, body: &str) -> OutboundMessage {
    msg(
        to,
        OutboundContent::Text {
            body: body.into(),
            preview_url: None,
        },
    )
}

fn template(to: &str, name: &str, language: &str) -> OutboundMessage {
    msg(
        to,
        OutboundContent::Template(TemplateMessage {
            name: name.into(),
            language: language.into(),
            language_policy: None,
            components: vec![],
        }),
    )
}

fn assert_body(rel: &str, built: &serde_json::Value) {
    let fixture = fixture_json(rel);
    assert_eq!(fixture["request"]["method"], "POST", "{rel}");
    assert!(
        fixture["request"]["url"]
            .as_str()
            .unwrap()
            .ends_with("/109284736501827/messages"),
        "{rel}"
    );
    assert_eq!(
        built, &fixture["request"]["body"],
        "{rel}: built body differs\nbuilt:   {built}\nfixture: {}",
        fixture["request"]["body"]
    );
}

#[test]
fn send_text_with_preview_flag_and_callback_data() {
    let mut m = msg(
        ANA,
        OutboundContent::Text {
            body: "Oi, Ana! Já localizamos o pedido #48213 🔎 Ele saiu para entrega hoje e deve chegar até as 18h. \
                   Qualquer coisa, é só chamar aqui 😊"
                .into(),
            preview_url: Some(false),
        },
    );
    m.callback_data = Some("ticket=CA-2025-000871".into());
    assert_body("outbound/send-text.json", &message_body(&m));
}

#[test]
fn send_text_reply_carries_context() {
    let mut m = text(
        ANA,
        "Perfeito! Já avisei a transportadora para entregar na Rua Augusta, 1500 👍",
    );
    m.reply_to = Some("wamid.HBgNNTUxMTk4NzY1NDMyMRUCABIYFDNBMkI5RDRGNkU4QTFDM0U1QjcwAA==".into());
    assert_body("outbound/send-text-reply-context.json", &message_body(&m));
}

fn media(
    to: &str,
    kind: MediaKind,
    source: MediaSource,
    caption: Option<&str>,
    filename: Option<&str>,
) -> OutboundMessage {
    msg(
        to,
        OutboundContent::Media {
            kind,
            source,
            caption: caption.map(Into::into),
            filename: filename.map(Into::into),
        },
    )
}

#[test]
fn send_image_by_id_and_by_link() {
    let by_id = media(
        ANA,
        MediaKind::Image,
        MediaSource::Id("1627384950617283".into()),
        Some("Foto da etiqueta de envio do seu pedido 📦"),
        None,
    );
    assert_body("outbound/send-image-by-id.json", &message_body(&by_id));
    let by_link = media(
        "+55 (11) 98765-4321",
        MediaKind::Image,
        MediaSource::Link("https://cdn.casaaurora.com.br/produtos/cafeteira-expresso-inox.jpg".into()),
        Some("Cafeteira Expresso Inox – R$ 499,90 ☕"),
        None,
    );
    assert_body("outbound/send-image-by-link.json", &message_body(&by_link));
}

#[test]
fn send_document_by_link_with_filename_and_caption() {
    let m = media(
        ANA,
        MediaKind::Document,
        MediaSource::Link("https://cdn.casaaurora.com.br/nf/NFe35250612345678000190550010000482131.pdf".into()),
        Some("Segue a nota fiscal do pedido #48213."),
        Some("NF-e_pedido_48213.pdf"),
    );
    assert_body("outbound/send-document-by-link.json", &message_body(&m));
}

#[test]
fn send_voice_by_id_drops_caption_on_audio() {
    let m = media(
        ANA,
        MediaKind::Audio,
        MediaSource::Id("1738495061728394".into()),
        Some("ignored"),
        Some("x.ogg"),
    );
    assert_body("outbound/send-audio-voice-by-id.json", &message_body(&m));
}

#[test]
fn send_template_with_positional_parameters_and_buttons() {
    let doc = "https://cdn.casaaurora.com.br/nf/NFe35250612345678000190550010000482131.pdf";
    let param = |value| TemplateParameter { name: None, value };
    let m = msg(
        ANA,
        OutboundContent::Template(TemplateMessage {
            name: "pedido_enviado".into(),
            language: "pt_BR".into(),
            language_policy: Some("deterministic".into()),
            components: vec![
                TemplateComponent::Header(vec![param(TemplateValue::Document {
                    source: MediaSource::Link(doc.into()),
                    filename: Some("NF-e_pedido_48213.pdf".into()),
                })]),
                TemplateComponent::Body(vec![
                    TemplateParameter::text("Ana"),
                    TemplateParameter::text("48213"),
                    param(TemplateValue::Currency {
                        fallback_value: "R$ 259,90".into(),
                        code: "BRL".into(),
                        amount_1000: 259_900,
                    }),
                    param(TemplateValue::DateTime {
                        fallback_value: "25 de junho de 2025".into(),
                    }),
                ]),
                TemplateComponent::Button {
                    sub_type: "url".into(),
                    index: 0,
                    parameters: vec![TemplateParameter::text("48213")],
                },
                TemplateComponent::Button {
                    sub_type: "quick_reply".into(),
                    index: 1,
                    parameters: vec![param(TemplateValue::Payload("ENTREGA_CONFIRMADA_48213".into()))],
                },
                TemplateComponent::Button {
                    sub_type: "quick_reply".into(),
                    index: 2,
                    parameters: vec![param(TemplateValue::Payload("ATENDENTE_48213".into()))],
                },
            ],
        }),
    );
    assert_body("outbound/send-template-positional.json", &message_body(&m));
}

#[test]
fn send_template_with_named_parameters() {
    let m = msg(
        "5521998765432",
        OutboundContent::Template(TemplateMessage {
            name: "lembrete_pagamento".into(),
            language: "pt_BR".into(),
            language_policy: None,
            components: vec![TemplateComponent::Body(vec![
                TemplateParameter::named_text("nome_cliente", "João"),
                TemplateParameter::named_text("numero_pedido", "48377"),
                TemplateParameter::named_text("data_vencimento", "30/06/2025"),
            ])],
        }),
    );
    assert_body("outbound/send-template-named.json", &message_body(&m));
}

#[test]
fn send_interactive_reply_buttons() {
    let button = |id: &str, title: &str| ReplyButton {
        id: id.into(),
        title: title.into(),
    };
    let m = msg(
        ANA,
        OutboundContent::Buttons(InteractiveButtons {
            header: Some(InteractiveHeader::Text("Reembolso do pedido #48213".into())),
            body: "Sentimos muito pelo transtorno, Ana. Como você prefere receber o reembolso de R$ 259,90?".into(),
            footer: Some("Casa Aurora • Atendimento".into()),
            buttons: vec![
                button("reembolso_pix", "Pix"),
                button("reembolso_credito", "Crédito na loja"),
                button("falar_atendente", "Falar com atendente"),
            ],
        }),
    );
    assert_body("outbound/send-interactive-buttons.json", &message_body(&m));
}

#[test]
fn send_interactive_list() {
    let row = |id: &str, title: &str, description: &str| ListRow {
        id: id.into(),
        title: title.into(),
        description: Some(description.into()),
    };
    let m = msg(
        ANA,
        OutboundContent::List(InteractiveList {
            header: Some("Central de Atendimento".into()),
            body: "Olá! Sobre qual assunto você quer falar? Toque em *Ver opções* e escolha um item.".into(),
            footer: Some("Seg. a sáb., das 8h às 20h".into()),
            button: "Ver opções".into(),
            sections: vec![
                ListSection {
                    title: Some("Pedidos".into()),
                    rows: vec![
                        row(
                            "atraso_entrega",
                            "Atraso na entrega",
                            "Meu pedido passou do prazo previsto",
                        ),
                        row(
                            "trocas_devolucoes",
                            "Trocas e devoluções",
                            "Quero trocar ou devolver um produto",
                        ),
                    ],
                },
                ListSection {
                    title: Some("Financeiro".into()),
                    rows: vec![
                        row(
                            "segunda_via_boleto",
                            "2ª via de boleto",
                            "Gerar um novo boleto com vencimento atualizado",
                        ),
                        row("reembolso", "Reembolso", "Acompanhar um reembolso em andamento"),
                    ],
                },
            ],
        }),
    );
    assert_body("outbound/send-interactive-list.json", &message_body(&m));
}

#[test]
fn send_reaction_and_its_removal() {
    let target = "wamid.HBgNNTUxMTk4NzY1NDMyMRUCABIYFDNBN0MxRTBGOUIyRDRBNkM4RTEwAA==";
    let react = msg(
        ANA,
        OutboundContent::Reaction {
            message_id: target.into(),
            emoji: Some("❤️".into()),
        },
    );
    assert_body("outbound/send-reaction.json", &message_body(&react));
    let remove = msg(
        ANA,
        OutboundContent::Reaction {
            message_id: target.into(),
            emoji: None,
        },
    );
    assert_body("outbound/send-reaction-remove.json", &message_body(&remove));
}

#[test]
fn mark_read_with_typing_indicator() {
    let body = mark_read_body(
        "wamid.HBgNNTUxMTk4NzY1NDMyMRUCABIYFDNBN0MxRTBGOUIyRDRBNkM4RTEwAA==",
        true,
    );
    assert_body("outbound/mark-read-typing-indicator.json", &body);
    assert!(mark_read_body("wamid.x", false).get("typing_indicator").is_none());
}

#[test]
fn error_fixture_requests_are_buildable_bodies_too() {
    assert_body(
        "outbound/error-130429-throughput.json",
        &message_body(&text("5531991234567", "Sua solicitação foi registrada.")),
    );
    assert_body(
        "outbound/error-131047-reengagement.json",
        &message_body(&text(
            "5521998765432",
            "Oi, João! Conseguiu verificar o CEP para entrega?",
        )),
    );
    assert_body(
        "outbound/error-131056-pair-rate-limit.json",
        &message_body(&text(
            ANA,
            "Só mais uma informação: o código de rastreio é BR123456789BR.",
        )),
    );
    assert_body(
        "outbound/error-190-token-expired.json",
        &message_body(&text(ANA, "Olá!")),
    );
    assert_body(
        "outbound/error-131026-undeliverable.json",
        &message_body(&template("5511912340000", "pedido_enviado", "pt_BR")),
    );
    assert_body(
        "outbound/error-132001-template-not-found.json",
        &message_body(&template(ANA, "pedido_enviado", "pt_PT")),
    );
}
