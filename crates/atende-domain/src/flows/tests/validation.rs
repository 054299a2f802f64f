//! Publishing checks and their codes.

use super::*;

fn issues(def: &FlowDefinition) -> Vec<(Option<String>, &'static str)> {
    validate(def)
        .err()
        .unwrap_or_default()
        .into_iter()
        .map(|i| (i.node_id, i.code))
        .collect()
}

fn has(def: &FlowDefinition, node: Option<&str>, code: &str) -> bool {
    issues(def).iter().any(|(n, c)| n.as_deref() == node && *c == code)
}

/// start → q (question) → m; q loops back to itself on invalid.
fn good() -> FlowDefinition {
    graph(
        &[
            ("s", "start", json!({})),
            ("q", "question", json!({"prompt": "Nome?", "variable": "nome"})),
            (
                "c",
                "condition",
                json!({"branches": [{"id": "ana", "rules": [{"subject": {"kind": "var", "name": "nome"}, "op": "equals", "value": "Ana"}]}]}),
            ),
            ("m", "message", text("Oi {{vars.nome}}")),
            ("e", "end", json!({"resolve": false})),
        ],
        &[
            ("s", "default", "q"),
            ("q", "default", "c"),
            ("q", "invalid", "q"),
            ("c", "ana", "m"),
            ("c", "else", "q"),
            ("m", "default", "e"),
        ],
    )
}

#[test]
fn a_good_flow_passes_even_with_loops_through_a_question() {
    assert_eq!(issues(&good()), vec![]);
}

#[test]
fn start_node_codes() {
    let none = graph(&[("m", "message", text("x"))], &[]);
    assert!(has(&none, None, "no_start"));
    let two = graph(
        &[
            ("a", "start", json!({})),
            ("b", "start", json!({})),
            ("m", "message", text("x")),
        ],
        &[("a", "default", "m"), ("b", "default", "m")],
    );
    assert!(has(&two, Some("b"), "multiple_starts"));
    let alone = graph(&[("s", "start", json!({}))], &[]);
    assert!(has(&alone, Some("s"), "start_not_connected"));
}

#[test]
fn node_id_codes() {
    let mut def = good();
    def.nodes[3].id = "q".into();
    assert!(has(&def, Some("q"), "duplicate_node_id"));
    let mut def = good();
    def.nodes[3].id = " ".into();
    assert!(has(&def, Some(" "), "invalid_node_id"));
}

#[test]
fn edge_codes() {
    let mut def = good();
    def.edges.push(Edge {
        from: "m".into(),
        handle: "default".into(),
        to: "ghost".into(),
    });
    def.edges.push(Edge {
        from: "ghost".into(),
        handle: "default".into(),
        to: "m".into(),
    });
    def.edges.push(Edge {
        from: "m".into(),
        handle: "yes".into(),
        to: "e".into(),
    });
    def.edges.push(Edge {
        from: "e".into(),
        handle: "default".into(),
        to: "s".into(),
    });
    def.edges.push(Edge {
        from: "q".into(),
        handle: "timeout".into(),
        to: "e".into(),
    });
    def.edges.push(Edge {
        from: "q".into(),
        handle: "timeout".into(),
        to: "m".into(),
    });
    let found = issues(&def);
    assert!(found.contains(&(Some("m".into()), "unknown_edge_node")));
    assert!(found.contains(&(None, "unknown_edge_node")));
    assert!(found.contains(&(Some("m".into()), "unknown_handle")));
    assert!(
        found.contains(&(Some("e".into()), "unknown_handle")),
        "an end node has no way out"
    );
    assert!(found.contains(&(Some("q".into()), "duplicate_handle_edge")));
    // The first edge of m's default handle is to e; this one duplicates it.
    assert!(found.contains(&(Some("m".into()), "duplicate_handle_edge")));
}

#[test]
fn unreachable_nodes_and_questions_without_an_answer_path() {
    let mut def = good();
    def.nodes.push(Node {
        id: "island".into(),
        kind: NodeKind::Question(serde_json::from_value(json!({"prompt": "?", "variable": "x"})).unwrap()),
        position: Position::default(),
    });
    assert!(has(&def, Some("island"), "unreachable_node"));
    assert!(has(&def, Some("island"), "question_without_answer_path"));
}

#[test]
fn cycles_without_a_question_or_delay_are_refused_node_by_node() {
    let def = graph(
        &[
            ("s", "start", json!({})),
            ("a", "message", text("a")),
            ("b", "tag", json!({"add": [crate::ids::TagId::new()]})),
            ("c", "message", text("c")),
        ],
        &[("s", "default", "a"), ("a", "default", "b"), ("b", "default", "a")],
    );
    let found = issues(&def);
    assert!(found.contains(&(Some("a".into()), "cycle_without_wait")));
    assert!(found.contains(&(Some("b".into()), "cycle_without_wait")));
    assert!(!found.contains(&(Some("s".into()), "cycle_without_wait")));
    // A condition looping on itself.
    let own = graph(
        &[
            ("s", "start", json!({})),
            (
                "c",
                "condition",
                json!({"branches": [{"id": "x", "rules": [{"subject": {"kind": "channel_kind"}, "op": "is_set"}]}]}),
            ),
        ],
        &[("s", "default", "c"), ("c", "else", "c")],
    );
    assert!(has(&own, Some("c"), "cycle_without_wait"));
    // The same loop through a delay is fine.
    let delayed = graph(
        &[
            ("s", "start", json!({})),
            ("a", "message", text("lembrete")),
            ("d", "delay", json!({"seconds": 86400})),
        ],
        &[("s", "default", "a"), ("a", "default", "d"), ("d", "default", "a")],
    );
    assert_eq!(issues(&delayed), vec![]);
}

#[test]
fn size_cap() {
    let mut nodes = vec![json!({"id": "s", "type": "start"})];
    nodes.extend(
        (0..validate::MAX_NODES).map(|i| json!({"id": format!("n{i}"), "type": "message", "config": text("x")})),
    );
    let def = flow(json!({"nodes": nodes, "edges": []}));
    assert_eq!(issues(&def), vec![(None, "too_many_nodes")]);
}

/// `s → x`, where x is one node of the given type and config.
fn one(ty: &str, config: Value) -> FlowDefinition {
    let mut edges = vec![("s", "default", "x")];
    if ty == "question" {
        edges.push(("x", "default", "e"));
    }
    graph(
        &[("s", "start", json!({})), ("x", ty, config), ("e", "end", json!({}))],
        &edges,
    )
}

fn config_codes(ty: &str, config: Value) -> Vec<&'static str> {
    issues(&one(ty, config))
        .into_iter()
        .filter(|(n, c)| n.as_deref() == Some("x") && *c != "unreachable_node")
        .map(|(_, c)| c)
        .collect()
}

#[test]
fn message_limits() {
    let four: Vec<Value> = (0..4).map(|i| json!({"id": format!("b{i}"), "title": "ok"})).collect();
    assert_eq!(
        config_codes("message", json!({"type": "buttons", "text": "x", "buttons": four})),
        ["too_many_buttons"]
    );
    let long = json!([{"id": "a", "title": "123456789012345678901"}, {"id": "a", "title": "b"}]);
    assert_eq!(
        config_codes("message", json!({"type": "buttons", "text": "x", "buttons": long})),
        ["title_too_long", "duplicate_choice_id"]
    );
    assert_eq!(
        config_codes("message", json!({"type": "buttons", "text": " ", "buttons": []})),
        ["empty_text", "no_buttons"]
    );
    let rows: Vec<Value> = (0..11)
        .map(|i| json!({"id": format!("r{i}"), "title": "1234567890123456789012345"}))
        .collect();
    let codes = config_codes(
        "message",
        json!({"type": "list", "text": "x", "button": "Ver", "rows": rows}),
    );
    assert_eq!(codes[0], "too_many_rows");
    assert!(codes[1..].iter().all(|c| *c == "title_too_long"));
    assert_eq!(
        config_codes(
            "message",
            json!({"type": "list", "text": "x", "button": "", "rows": []})
        ),
        ["empty_title", "no_rows"]
    );
    assert_eq!(config_codes("message", text("{{ oops")), ["invalid_template"]);
    assert_eq!(config_codes("message", text(&"x".repeat(4097))), ["text_too_long"]);
    assert_eq!(
        config_codes("message", json!({"type": "media", "kind": "image", "url": "ftp://x"})),
        ["invalid_media_url"]
    );
    assert_eq!(
        config_codes("message", json!({"type": "template", "name": "", "language": "pt_BR"})),
        ["invalid_whatsapp_template"]
    );
}

#[test]
fn question_limits() {
    let base = |extra: Value| {
        let mut q = json!({"prompt": "?", "variable": "v"});
        q.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        config_codes("question", q)
    };
    assert_eq!(base(json!({"variable": "2x"})), ["invalid_variable_name"]);
    assert_eq!(
        base(json!({"max_retries": 11, "timeout_minutes": 0})),
        ["too_many_retries", "timeout_out_of_range"]
    );
    assert_eq!(base(json!({"answer": "options"})), ["options_required"]);
    let reserved = json!({"answer": "options", "options": [{"id": "invalid", "title": "x"}]});
    assert_eq!(base(reserved), ["invalid_choice_id"]);
    let four: Vec<Value> = (0..4).map(|i| json!({"id": format!("o{i}"), "title": "t"})).collect();
    assert_eq!(
        base(json!({"answer": "options", "options": four, "display": "buttons"})),
        ["display_does_not_fit"]
    );
    assert_eq!(
        base(json!({"answer": "options", "options": four, "display": "list"})),
        Vec::<&str>::new()
    );
}

#[test]
fn condition_delay_webhook_and_tag_limits() {
    assert_eq!(config_codes("condition", json!({"branches": []})), ["no_branches"]);
    let branches = json!({"branches": [
        {"id": "else", "rules": []},
        {"id": "a", "rules": [{"subject": {"kind": "var", "name": "x"}, "op": "equals"}]},
        {"id": "a", "rules": [{"subject": {"kind": "contact_field", "field": ""}, "op": "is_set"}]},
    ]});
    assert_eq!(
        config_codes("condition", branches),
        [
            "invalid_branch_id",
            "branch_without_rules",
            "rule_value_missing",
            "duplicate_branch_id",
            "invalid_subject"
        ]
    );
    assert_eq!(config_codes("delay", json!({"seconds": 0})), ["delay_out_of_range"]);
    assert_eq!(
        config_codes("delay", json!({"seconds": 2_592_001})),
        ["delay_out_of_range"]
    );
    assert_eq!(config_codes("delay", json!({"seconds": 2_592_000})), Vec::<&str>::new());
    let hook = json!({"url": "{{vars.url}}", "timeout_secs": 60, "headers": [{"name": "Bad Header", "value": "x"}],
                      "response_mapping": [{"path": "a", "variable": "a-b"}]});
    assert_eq!(
        config_codes("webhook", hook),
        [
            "invalid_webhook_url",
            "webhook_timeout_out_of_range",
            "invalid_header_name",
            "invalid_variable_name"
        ]
    );
    assert_eq!(config_codes("tag", json!({})), ["empty_tag_action"]);
}
