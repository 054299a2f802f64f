//! `/flows`: drafts, publishing (graph checks by node id, versions), the preview, roles, and
//! another tenant's flows out of reach.

use crate::harness::{Engine, TestApp, error_code};
use reqwest::StatusCode;
use serde_json::{Value, json};

both_engines!(
    a_new_flow_is_a_draft_with_a_start_node_and_lists_with_its_triggers,
    publishing_checks_the_graph_by_node_and_snapshots_versions,
    the_preview_runs_the_draft_without_sending,
    agents_read_flows_but_only_supervisors_change_them,
    another_tenants_flows_are_not_found,
    bad_bodies_are_refused_with_4xx,
);

/// start → "Com quem quer falar?" (Vendas / Suporte) → a message per option → end.
fn menu() -> Value {
    let text = |t: &str| json!({ "type": "text", "text": t });
    json!({
        "nodes": [
            { "id": "s", "type": "start", "config": {}, "position": { "x": 0, "y": 0 } },
            { "id": "q", "type": "question", "position": { "x": 0, "y": 120 }, "config": {
                "prompt": "Olá, {{contact.name}}! Com quem quer falar?", "answer": "options", "variable": "setor",
                "max_retries": 1, "options": [{ "id": "vendas", "title": "Vendas" }, { "id": "suporte", "title": "Suporte" }]
            } },
            { "id": "v", "type": "message", "config": text("Um vendedor já vem."), "position": { "x": -100, "y": 240 } },
            { "id": "t", "type": "message", "config": text("O suporte já vem."), "position": { "x": 100, "y": 240 } },
            { "id": "e", "type": "end", "config": { "resolve": false }, "position": { "x": 0, "y": 360 } }
        ],
        "edges": [
            { "from": "s", "to": "q" },
            { "from": "q", "handle": "default", "to": "v" },
            { "from": "q", "handle": "suporte", "to": "t" },
            { "from": "v", "to": "e" },
            { "from": "t", "to": "e" }
        ]
    })
}

async fn create(app: &TestApp, token: &str, body: Value) -> (StatusCode, Value) {
    app.post("/api/v1/flows", Some(token), body).await
}

async fn a_new_flow_is_a_draft_with_a_start_node_and_lists_with_its_triggers(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("aurora").await;
    let triggers =
        json!([{ "kind": "keyword", "match": "contains", "keywords": ["menu", "Olá"] }, { "kind": "first_message" }]);

    // Act
    let (s, flow) = create(
        &app,
        &t.admin.access,
        json!({ "name": "Atendimento", "triggers": triggers, "priority": 10 }),
    )
    .await;
    let (s_dup, dup) = create(&app, &t.admin.access, json!({ "name": "Atendimento" })).await;
    let (_, list) = app.get("/api/v1/flows", &t.admin.access).await;

    // Assert
    assert_eq!(s, StatusCode::CREATED, "{flow}");
    assert_eq!(flow["definition"]["nodes"].as_array().unwrap().len(), 1);
    assert_eq!(flow["definition"]["nodes"][0]["type"], "start");
    assert_eq!(flow["triggers"], triggers);
    assert_eq!(flow["priority"], 10);
    assert_eq!(flow["active"], false);
    assert!(flow["published_version"].is_null());
    assert_eq!(s_dup, StatusCode::CONFLICT);
    assert_eq!(dup["error"]["fields"]["name"].as_array().map(Vec::len), Some(1));
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], flow["id"]);
}

async fn publishing_checks_the_graph_by_node_and_snapshots_versions(engine: Engine) {
    // Arrange: a draft with a dangling edge and an unreachable node.
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("aurora").await;
    let mut broken = menu();
    broken["edges"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "from": "t", "handle": "default", "to": "ghost" }));
    broken["nodes"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "id": "lost", "type": "end", "config": {} }));
    let (_, flow) = create(&app, &t.admin.access, json!({ "name": "Menu", "definition": broken })).await;
    let id = flow["id"].as_str().unwrap();

    // Act: publish the broken draft; fix it, publish twice.
    let (s_bad, bad) = app
        .post_empty(&format!("/api/v1/flows/{id}/publish"), &t.admin.access)
        .await;
    let (s_fix, _) = app
        .patch(
            &format!("/api/v1/flows/{id}"),
            &t.admin.access,
            json!({ "definition": menu(), "active": true }),
        )
        .await;
    let (s1, first) = app
        .post_empty(&format!("/api/v1/flows/{id}/publish"), &t.admin.access)
        .await;
    let (s2, second) = app
        .post_empty(&format!("/api/v1/flows/{id}/publish"), &t.admin.access)
        .await;
    let (_, versions) = app.get(&format!("/api/v1/flows/{id}/versions"), &t.admin.access).await;

    // Assert: the issues name the nodes; nothing was published by the failed attempt.
    assert_eq!(error_code(s_bad, &bad), "flow_invalid");
    assert_eq!(s_bad, StatusCode::CONFLICT);
    let fields = bad["error"]["fields"].as_object().unwrap();
    assert!(fields.contains_key("lost"), "{bad}");
    assert!(fields.contains_key("t"), "the dangling edge's node: {bad}");
    assert_eq!(s_fix, StatusCode::OK);
    assert_eq!(s1, StatusCode::OK, "{first}");
    assert_eq!(first["version"]["version"], 1);
    assert_eq!(first["flow"]["published_version"], 1);
    assert_eq!(first["version"]["definition"]["nodes"].as_array().unwrap().len(), 5);
    assert_eq!(s2, StatusCode::OK);
    assert_eq!(second["version"]["version"], 2);
    let v: Vec<i64> = versions
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_i64().unwrap())
        .collect();
    assert_eq!(v, [2, 1]);
    let (_, audit) = app
        .get("/api/v1/audit/logs?action=flows.publish", &t.admin.access)
        .await;
    assert_eq!(audit["items"].as_array().map(Vec::len), Some(2), "{audit}");
}

async fn the_preview_runs_the_draft_without_sending(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("aurora").await;
    let (_, flow) = create(&app, &t.admin.access, json!({ "name": "Menu", "definition": menu() })).await;
    let id = flow["id"].as_str().unwrap();

    // Act: "oi" starts it; "suporte" (by title, any case) answers the question.
    let (s, p) = app
        .post(
            &format!("/api/v1/flows/{id}/preview"),
            Some(&t.admin.access),
            json!({ "messages": ["oi", "SUPORTE"] }),
        )
        .await;

    // Assert
    assert_eq!(s, StatusCode::OK, "{p}");
    let sends: Vec<&Value> = p["replies"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["type"].as_str().unwrap().starts_with("send_"))
        .collect();
    assert_eq!(sends.len(), 2, "{p}");
    assert_eq!(sends[0]["text"], "Olá, Maria Silva! Com quem quer falar?");
    assert_eq!(sends[0]["type"], "send_buttons");
    assert_eq!(sends[1]["text"], "O suporte já vem.");
    assert_eq!(p["path"], json!(["s", "q", "t", "e"]));
    assert_eq!(p["status"], "completed");
    assert!(
        app.graph.received_requests().await.unwrap_or_default().is_empty(),
        "nothing leaves the server"
    );
}

async fn agents_read_flows_but_only_supervisors_change_them(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("aurora").await;
    let agent = app.member(&t, "agent").await;
    let supervisor = app.member(&t, "supervisor").await;
    let (_, flow) = create(&app, &t.admin.access, json!({ "name": "Menu", "definition": menu() })).await;
    let id = flow["id"].as_str().unwrap();

    // Act
    let (s_read, _) = app.get(&format!("/api/v1/flows/{id}"), &agent.access).await;
    let (s_create, _) = create(&app, &agent.access, json!({ "name": "Outro" })).await;
    let (s_publish, _) = app
        .post_empty(&format!("/api/v1/flows/{id}/publish"), &agent.access)
        .await;
    let (s_delete, _) = app.delete(&format!("/api/v1/flows/{id}"), &agent.access).await;
    let (s_sup, _) = app
        .post_empty(&format!("/api/v1/flows/{id}/publish"), &supervisor.access)
        .await;

    // Assert
    assert_eq!(s_read, StatusCode::OK);
    assert_eq!(s_create, StatusCode::FORBIDDEN);
    assert_eq!(s_publish, StatusCode::FORBIDDEN);
    assert_eq!(s_delete, StatusCode::FORBIDDEN);
    assert_eq!(s_sup, StatusCode::OK);
}

async fn another_tenants_flows_are_not_found(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("aurora").await;
    let other = app.tenant("outra").await;
    let (_, flow) = create(&app, &t.admin.access, json!({ "name": "Menu", "definition": menu() })).await;
    let id = flow["id"].as_str().unwrap();
    let o = &other.admin.access;

    // Act + Assert: every route answers 404 to the other tenant, and its list is empty.
    assert_eq!(
        app.get(&format!("/api/v1/flows/{id}"), o).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.patch(&format!("/api/v1/flows/{id}"), o, json!({ "name": "x" }))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.post_empty(&format!("/api/v1/flows/{id}/publish"), o).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&format!("/api/v1/flows/{id}/versions"), o).await.0,
        StatusCode::NOT_FOUND
    );
    let (s, _) = app
        .post(
            &format!("/api/v1/flows/{id}/preview"),
            Some(o),
            json!({ "messages": ["oi"] }),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(
        app.delete(&format!("/api/v1/flows/{id}"), o).await.0,
        StatusCode::NOT_FOUND
    );
    let (_, list) = app.get("/api/v1/flows", o).await;
    assert_eq!(list["items"], json!([]));
    // A trigger may not name another tenant's channel either.
    let (ch, _) = crate::widget::webchat(&app, &t, json!({})).await;
    let trig = json!([{ "kind": "new_conversation", "channel_id": ch }]);
    let (s, b) = create(&app, o, json!({ "name": "Alheio", "triggers": trig.clone() })).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{b}");
    let (s, b) = create(&app, &t.admin.access, json!({ "name": "Do site", "triggers": trig })).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    // And the flow is still there for its tenant.
    assert_eq!(
        app.get(&format!("/api/v1/flows/{id}"), &t.admin.access).await.0,
        StatusCode::OK
    );
}

async fn bad_bodies_are_refused_with_4xx(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("aurora").await;
    let tok = &t.admin.access;
    let (_, flow) = create(&app, tok, json!({ "name": "Menu" })).await;
    let id = flow["id"].as_str().unwrap();
    let long = "x".repeat(5000);
    let bodies = [
        json!({ "name": "" }),
        json!({ "name": "A", "priority": -1 }),
        json!({ "name": "A", "priority": 5000 }),
        json!({ "name": "A", "definition": { "nodes": [{ "id": "s", "type": "teleport", "config": {} }] } }),
        json!({ "name": "A", "definition": "not a graph" }),
        json!({ "name": "A", "triggers": [{ "kind": "keyword", "keywords": [] }] }),
        json!({ "name": "A", "triggers": [{ "kind": "keyword", "keywords": [long.clone()] }] }),
        json!({ "name": "A", "description": long.clone() }),
        json!({ "name": "A", "unknown": true }),
        json!([1, 2, 3]),
    ];
    for b in bodies {
        let (s, r) = create(&app, tok, b.clone()).await;
        assert!(s.is_client_error(), "{b} → {s} {r}");
        error_code(s, &r);
    }
    let (s, _) = app
        .post(
            &format!("/api/v1/flows/{id}/preview"),
            Some(tok),
            json!({ "messages": vec!["oi"; 51] }),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, _) = app
        .post(
            &format!("/api/v1/flows/{id}/preview"),
            Some(tok),
            json!({ "messages": "oi" }),
        )
        .await;
    assert!(s.is_client_error());
    let (s, _) = app.get("/api/v1/flows/not-a-uuid", tok).await;
    assert!(s.is_client_error());
}
