//! Every node type through `start`/`resume`.

use super::*;
use crate::ids::TagId;

#[test]
fn start_message_end_sends_rendered_text_and_resolves() {
    let def = graph(
        &[
            ("s", "start", json!({})),
            (
                "m",
                "message",
                text("Olá, {{contact.name}}! Conversa {{conversation.id}}"),
            ),
            ("e", "end", json!({"resolve": true})),
        ],
        &[("s", "default", "m"), ("m", "default", "e")],
    );
    let step = start(&def, &ctx());
    assert_eq!(
        step.effects,
        vec![
            Effect::SendText {
                text: "Olá, Ana! Conversa 00000000-0000-0000-0000-000000000000".into()
            },
            Effect::Resolve,
            Effect::Ended {
                reason: EndReason::EndNode
            },
        ]
    );
    assert_eq!(step.path, ["s", "m", "e"]);
    assert_eq!(
        step.state.status,
        SessionStatus::Completed {
            reason: EndReason::EndNode
        }
    );
    assert_eq!(step.state.steps, 3);
}

#[test]
fn media_template_buttons_and_list_messages() {
    let def = graph(
        &[
            ("s", "start", json!(null)),
            (
                "media",
                "message",
                json!({"type": "media", "kind": "document", "url": "https://x.test/{{vars.f}}.pdf", "caption": "Para {{contact.name}}", "file_name": "boleto.pdf"}),
            ),
            (
                "tpl",
                "message",
                json!({"type": "template", "name": "boas_vindas", "language": "pt_BR", "parameters": ["{{contact.name}}"]}),
            ),
            (
                "btn",
                "message",
                json!({"type": "buttons", "text": "Escolha", "buttons": [{"id": "a", "title": "A"}]}),
            ),
            (
                "list",
                "message",
                json!({"type": "list", "text": "Menu", "button": "Abrir", "rows": [{"id": "r1", "title": "Um", "description": "primeiro"}]}),
            ),
        ],
        &[
            ("s", "default", "media"),
            ("media", "default", "tpl"),
            ("tpl", "default", "btn"),
            ("btn", "default", "list"),
        ],
    );
    let step = start(&def, &ctx());
    assert_eq!(
        step.effects[..4],
        [
            Effect::SendMedia {
                kind: MediaKind::Document,
                url: "https://x.test/.pdf".into(),
                caption: Some("Para Ana".into()),
                file_name: Some("boleto.pdf".into()),
            },
            Effect::SendTemplate {
                name: "boas_vindas".into(),
                language: "pt_BR".into(),
                parameters: vec!["Ana".into()],
            },
            Effect::SendButtons {
                text: "Escolha".into(),
                buttons: vec![ReplyButton {
                    id: "a".into(),
                    title: "A".into()
                }],
            },
            Effect::SendList {
                text: "Menu".into(),
                button: "Abrir".into(),
                rows: vec![ListRow {
                    id: "r1".into(),
                    title: "Um".into(),
                    description: Some("primeiro".into())
                }],
            },
        ]
    );
    assert_eq!(ended(&step), Some(EndReason::EndOfFlow));
}

#[test]
fn a_template_error_skips_the_message_with_a_log_and_the_flow_goes_on() {
    let def = graph(
        &[
            ("s", "start", json!({})),
            ("bad", "message", text("{{ 1 + 'a' }}")),
            ("ok", "message", text("depois")),
        ],
        &[("s", "default", "bad"), ("bad", "default", "ok")],
    );
    let step = start(&def, &ctx());
    assert!(matches!(&step.effects[0], Effect::Log { node: Some(n), .. } if n == "bad"));
    assert_eq!(sent(&step.effects), ["depois"]);
}

fn condition_flow(branches: Value) -> FlowDefinition {
    graph(
        &[
            ("s", "start", json!({})),
            ("c", "condition", json!({"branches": branches})),
            ("yes", "message", text("yes")),
            ("no", "message", text("no")),
        ],
        &[("s", "default", "c"), ("c", "b", "yes"), ("c", "else", "no")],
    )
}

fn branch_taken(rules: Value, mode: &str, ctx: &FlowContext) -> &'static str {
    let def = condition_flow(json!([{"id": "b", "match": mode, "rules": rules}]));
    let step = start(&def, ctx);
    match sent(&step.effects).as_slice() {
        [t] if t == "yes" => "b",
        [t] if t == "no" => "else",
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn condition_rules_over_contact_channel_tags_and_hours() {
    let tag = TagId::new();
    let mut c = ctx();
    c.tags = vec![tag];
    c.contact.fields.insert("plano".into(), json!("Ouro"));
    c.business_hours = Some(crate::hours::BusinessHours {
        time_zone: "America/Sao_Paulo".into(),
        days: vec![crate::hours::DayHours {
            weekday: 1,
            open: "10:00".into(),
            close: "18:00".into(),
        }],
    });
    let rule = |subject: Value, op: &str, value: Value| json!([{"subject": subject, "op": op, "value": value}]);
    assert_eq!(
        branch_taken(
            rule(
                json!({"kind": "contact_field", "field": "name"}),
                "equals",
                json!("ANA")
            ),
            "all",
            &c
        ),
        "b"
    );
    assert_eq!(
        branch_taken(
            rule(
                json!({"kind": "contact_field", "field": "plano"}),
                "starts_with",
                json!("our")
            ),
            "all",
            &c
        ),
        "b"
    );
    assert_eq!(
        branch_taken(
            rule(json!({"kind": "channel_kind"}), "equals", json!("webchat")),
            "all",
            &c
        ),
        "else"
    );
    assert_eq!(
        branch_taken(
            rule(json!({"kind": "tags"}), "contains", json!(tag.to_string())),
            "all",
            &c
        ),
        "b"
    );
    assert_eq!(
        branch_taken(
            rule(json!({"kind": "tags"}), "not_equals", json!(tag.to_string())),
            "all",
            &c
        ),
        "else"
    );
    // 09:00 local on a Monday, opening at 10:00: closed.
    assert_eq!(
        branch_taken(
            rule(json!({"kind": "business_hours"}), "equals", json!(false)),
            "all",
            &c
        ),
        "b"
    );
    assert_eq!(
        branch_taken(
            rule(json!({"kind": "var", "name": "nada"}), "is_empty", Value::Null),
            "all",
            &c
        ),
        "b"
    );
}

#[test]
fn condition_all_and_any() {
    let c = ctx();
    let rules = json!([
        {"subject": {"kind": "channel_kind"}, "op": "equals", "value": "whatsapp"},
        {"subject": {"kind": "contact_field", "field": "name"}, "op": "equals", "value": "Bia"},
    ]);
    assert_eq!(branch_taken(rules.clone(), "all", &c), "else");
    assert_eq!(branch_taken(rules, "any", &c), "b");
}

#[test]
fn the_first_matching_branch_wins() {
    let def = graph(
        &[
            ("s", "start", json!({})),
            (
                "c",
                "condition",
                json!({"branches": [
                    {"id": "first", "rules": [{"subject": {"kind": "channel_kind"}, "op": "is_set"}]},
                    {"id": "second", "rules": [{"subject": {"kind": "channel_kind"}, "op": "is_set"}]},
                ]}),
            ),
            ("one", "message", text("one")),
            ("two", "message", text("two")),
        ],
        &[("s", "default", "c"), ("c", "first", "one"), ("c", "second", "two")],
    );
    assert_eq!(sent(&start(&def, &ctx()).effects), ["one"]);
}

#[test]
fn tags_are_added_removed_and_seen_by_later_conditions_in_the_same_step() {
    let (vip, old) = (TagId::new(), TagId::new());
    let def = graph(
        &[
            ("s", "start", json!({})),
            ("t", "tag", json!({"add": [vip], "remove": [old]})),
            (
                "c",
                "condition",
                json!({"branches": [{"id": "vip", "rules": [{"subject": {"kind": "tags"}, "op": "contains", "value": vip.to_string()}]}]}),
            ),
            ("yes", "message", text("vip")),
        ],
        &[("s", "default", "t"), ("t", "default", "c"), ("c", "vip", "yes")],
    );
    let mut c = ctx();
    c.tags = vec![old];
    let step = start(&def, &c);
    assert_eq!(step.effects[0], Effect::AddTags { tag_ids: vec![vip] });
    assert_eq!(step.effects[1], Effect::RemoveTags { tag_ids: vec![old] });
    assert_eq!(sent(&step.effects), ["vip"]);
}

#[test]
fn a_loop_without_a_wait_is_stopped_by_the_step_cap() {
    let def = graph(
        &[
            ("s", "start", json!({})),
            ("a", "message", text("a")),
            ("b", "message", text("b")),
        ],
        &[("s", "default", "a"), ("a", "default", "b"), ("b", "default", "a")],
    );
    let step = start(&def, &ctx());
    assert_eq!(ended(&step), Some(EndReason::StepLimit));
    assert_eq!(step.path.len(), session::MAX_STEPS_PER_INPUT as usize);
    assert_eq!(sent(&step.effects).len(), session::MAX_STEPS_PER_INPUT as usize - 1);
    assert!(
        step.effects
            .iter()
            .any(|e| matches!(e, Effect::Log { message, .. } if message.contains("loop")))
    );
}

#[test]
fn a_flow_without_start_or_with_a_missing_node_is_broken() {
    let def = graph(&[("m", "message", text("x"))], &[]);
    assert_eq!(ended(&start(&def, &ctx())), Some(EndReason::BrokenFlow));
    let def = graph(&[("s", "start", json!({}))], &[("s", "default", "ghost")]);
    assert_eq!(ended(&start(&def, &ctx())), Some(EndReason::BrokenFlow));
}
