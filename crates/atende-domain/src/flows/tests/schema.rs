//! JSON shapes and the OpenAPI schemas the HTTP layer will expose.

use super::*;
use crate::hours::{BusinessHours, SendWindow};
use utoipa::OpenApi;

#[test]
fn a_definition_round_trips_through_json() {
    let raw = json!({
        "nodes": [
            {"id": "s", "type": "start", "position": {"x": 0.0, "y": 0.0}},
            {"id": "q", "type": "question", "config": {"prompt": "?", "answer": "options", "variable": "v",
                "options": [{"id": "a", "title": "A"}], "timeout_minutes": 5}, "position": {"x": 10.0, "y": 20.5}},
            {"id": "c", "type": "condition", "config": {"branches": [{"id": "b", "match": "any",
                "rules": [{"subject": {"kind": "var", "name": "v"}, "op": "greater", "value": 3}]}]}},
            {"id": "w", "type": "webhook", "config": {"method": "GET", "url": "https://x.test"}},
            {"id": "t", "type": "transfer", "config": {"to": "agent", "id": "0190a0a0-0000-7000-8000-000000000000"}},
            {"id": "e", "type": "end", "config": {"resolve": true}}
        ],
        "edges": [{"from": "s", "to": "q"}]
    });
    let def: FlowDefinition = serde_json::from_value(raw).unwrap();
    assert_eq!(def.edges[0].handle, "default", "the handle defaults");
    assert!(matches!(def.nodes[0].kind, NodeKind::Start(_)));
    let again: FlowDefinition = serde_json::from_value(serde_json::to_value(&def).unwrap()).unwrap();
    assert_eq!(again, def);
    let start_with_config: Node = serde_json::from_value(json!({"id": "s", "type": "start", "config": {}})).unwrap();
    assert!(matches!(start_with_config.kind, NodeKind::Start(_)));
    assert!(serde_json::from_value::<Node>(json!({"id": "x", "type": "teleport", "config": {}})).is_err());
}

#[test]
fn a_waiting_session_round_trips_through_json() {
    let def = graph(
        &[
            ("s", "start", json!({})),
            (
                "q",
                "question",
                json!({"prompt": "?", "variable": "v", "timeout_minutes": 1}),
            ),
        ],
        &[("s", "default", "q"), ("q", "default", "q")],
    );
    let step = start(&def, &ctx());
    let stored = serde_json::to_value(&step.state).unwrap();
    assert_eq!(stored["status"]["kind"], "waiting_input");
    let back: SessionState = serde_json::from_value(stored).unwrap();
    assert_eq!(back, step.state);
    let input: Input = serde_json::from_value(json!({"type": "timeout_fired", "token": 1})).unwrap();
    assert_eq!(resume(&def, &back, &input, &ctx()).ignored, None);
}

#[derive(OpenApi)]
#[openapi(components(schemas(
    FlowDefinition,
    SessionState,
    Step,
    Effect,
    Input,
    Simulation,
    FlowIssue,
    Trigger,
    BusinessHours,
    SendWindow
)))]
struct Doc;

fn refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                if k == "$ref" {
                    out.push(
                        v.as_str()
                            .unwrap()
                            .trim_start_matches("#/components/schemas/")
                            .to_owned(),
                    );
                }
                refs(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|i| refs(i, out)),
        _ => {}
    }
}

#[test]
fn every_schema_reference_resolves() {
    let doc = serde_json::to_value(Doc::openapi()).unwrap();
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let mut found = Vec::new();
    refs(&doc, &mut found);
    assert!(!found.is_empty());
    for r in found {
        assert!(schemas.contains_key(&r), "{r} is referenced but not in the document");
    }
    assert!(schemas.contains_key("NodeKind"));
}
