//! `/contacts`: one contact per phone whatever its spelling, search, paging, tags on contacts,
//! deletion with conversations, permissions and the audit trail.

use crate::harness::{Engine, TenantFixture, TestApp, error_code};
use atende_db::repo::{channels, contacts, conversations};
use atende_domain::TenantId;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

pub(crate) async fn create(app: &TestApp, t: &TenantFixture, body: Value) -> Value {
    let (s, b) = app.post("/api/v1/contacts", Some(&t.admin.access), body).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    b
}

pub(crate) async fn tag(app: &TestApp, t: &TenantFixture, name: &str) -> String {
    let (s, b) = app
        .post("/api/v1/tags", Some(&t.admin.access), json!({"name": name}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    b["id"].as_str().unwrap().to_owned()
}

fn names(list: &Value) -> Vec<&str> {
    list["items"]
        .as_array()
        .unwrap_or_else(|| panic!("not a page: {list}"))
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect()
}

/// Gives the contact a conversation, straight through the repositories (the conversation API
/// is another module's).
pub(crate) async fn give_conversation(app: &TestApp, t: &TenantFixture, contact: &str) {
    let tx = app.core().db.tenant_tx(TenantId(t.id)).await.unwrap();
    let channel = channels::create(
        &tx,
        channels::NewChannel {
            kind: channels::kind::WHATSAPP_CLOUD,
            name: "Vendas".into(),
            status: channels::status::CONNECTED,
            credentials_enc: None,
            credentials_hint: None,
            external_id: Some(format!("1{}", Uuid::now_v7().as_u128() % 1_000_000_000)),
            public_token: None,
            settings: json!({}),
        },
    )
    .await
    .unwrap();
    conversations::create(
        &tx,
        conversations::NewConversation::open(channel.id, contact.parse().unwrap()),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

async fn every_spelling_of_a_phone_is_one_contact(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("acme").await;
    let first = create(&app, &t, json!({"name": "Maria", "phone": "5511987654321"})).await;

    for spelling in ["+55 (11) 98765-4321", "+55 11 8765-4321"] {
        // Act
        let (s, b) = app
            .post(
                "/api/v1/contacts",
                Some(&t.admin.access),
                json!({"name": "Maria de novo", "phone": spelling}),
            )
            .await;

        // Assert
        assert_eq!(s, StatusCode::CONFLICT, "{spelling}: {b}");
        assert_eq!(error_code(s, &b), "already_exists");
        assert!(b["error"]["fields"]["phone"].is_array(), "{b}");
    }
    assert_eq!(first["phone"], "+5511987654321");
    assert_eq!(first["phone_display"], "(11) 98765-4321");
    let (_, all) = app.get("/api/v1/contacts", &t.admin.access).await;
    assert_eq!(names(&all), ["Maria"]);
}

async fn search_finds_a_contact_by_any_phone_spelling_name_or_email(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("acme").await;
    create(&app, &t, json!({"name": "Maria Souza", "phone": "+55 (11) 98765-4321"})).await;
    create(
        &app,
        &t,
        json!({"name": "João", "phone": "21 99876-5432", "email": "Joao@Example.com"}),
    )
    .await;
    let search = |q: &str| {
        let path = format!("/api/v1/contacts?q={}", urlencode(q));
        let app = &app;
        let tok = t.admin.access.clone();
        async move {
            let (s, b) = app.get(&path, &tok).await;
            assert_eq!(s, StatusCode::OK, "{b}");
            names(&b).into_iter().map(str::to_owned).collect::<Vec<_>>()
        }
    };

    // Act + Assert
    for q in [
        "5511987654321",
        "+55 (11) 98765-4321",
        "+55 11 8765-4321",
        "(11) 98765-4321",
        "98765-4321",
        "maria",
        "SOUZA",
    ] {
        assert_eq!(search(q).await, ["Maria Souza"], "q={q}");
    }
    assert_eq!(search("joao@example").await, ["João"]);
    assert_eq!(search("99876").await, ["João"]);
    assert!(search("nobody").await.is_empty());
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn contacts_page_with_a_cursor(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("acme").await;
    for i in 0..5 {
        create(&app, &t, json!({"name": format!("Cliente {i}")})).await;
    }

    // Act
    let (_, first) = app.get("/api/v1/contacts?limit=2", &t.admin.access).await;
    let cursor = first["next_cursor"].as_str().unwrap().to_owned();
    let (_, second) = app
        .get(&format!("/api/v1/contacts?limit=2&cursor={cursor}"), &t.admin.access)
        .await;
    let cursor = second["next_cursor"].as_str().unwrap().to_owned();
    let (_, third) = app
        .get(&format!("/api/v1/contacts?limit=2&cursor={cursor}"), &t.admin.access)
        .await;
    let (s, bad) = app.get("/api/v1/contacts?cursor=!!", &t.admin.access).await;

    // Assert
    assert_eq!(names(&first), ["Cliente 0", "Cliente 1"]);
    assert_eq!(names(&second), ["Cliente 2", "Cliente 3"]);
    assert_eq!(names(&third), ["Cliente 4"]);
    assert!(third["next_cursor"].is_null());
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    assert!(bad["error"]["fields"]["cursor"].is_array(), "{bad}");
}

async fn create_validates_every_field_and_names_a_contact_after_its_phone(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("acme").await;

    // Act
    let (s, bad) = app
        .post(
            "/api/v1/contacts",
            Some(&t.admin.access),
            json!({"phone": "ramal 12", "email": "nope", "avatar_url": "javascript:alert(1)",
                   "custom_attributes": [1, 2]}),
        )
        .await;
    let (empty, empty_body) = app.post("/api/v1/contacts", Some(&t.admin.access), json!({})).await;
    let unnamed = create(
        &app,
        &t,
        json!({"phone": "11987654321", "custom_attributes": {"cpf_hint": "***.123"}, "opt_out": true}),
    )
    .await;

    // Assert
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    assert_eq!(error_code(s, &bad), "validation_failed");
    for f in ["phone", "email", "avatar_url", "custom_attributes"] {
        assert!(bad["error"]["fields"][f].is_array(), "{f}: {bad}");
    }
    assert_eq!(empty, StatusCode::UNPROCESSABLE_ENTITY, "{empty_body}");
    assert!(empty_body["error"]["fields"]["name"].is_array(), "{empty_body}");
    assert_eq!(unnamed["name"], "(11) 98765-4321");
    assert_eq!(unnamed["opt_out"], true);
    assert_eq!(unnamed["blocked"], false);
    assert_eq!(unnamed["custom_attributes"], json!({"cpf_hint": "***.123"}));
}

async fn patch_changes_fields_merges_attributes_and_refuses_a_taken_phone(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("acme").await;
    create(&app, &t, json!({"name": "Ana", "phone": "11987654321"})).await;
    let c = create(
        &app,
        &t,
        json!({"name": "Bia", "email": "bia@example.com", "custom_attributes": {"plano": "ouro", "cidade": "SP"}}),
    )
    .await;
    let path = format!("/api/v1/contacts/{}", c["id"].as_str().unwrap());

    // Act
    let (s, edited) = app
        .patch(
            &path,
            &t.admin.access,
            json!({"name": "Beatriz", "email": null, "blocked": true,
                   "custom_attributes": {"cidade": null, "canal": "site"}}),
        )
        .await;
    let (taken, taken_body) = app
        .patch(&path, &t.admin.access, json!({"phone": "+55 11 8765-4321"}))
        .await;

    // Assert
    assert_eq!(s, StatusCode::OK, "{edited}");
    assert_eq!(edited["name"], "Beatriz");
    assert!(edited["email"].is_null());
    assert_eq!(edited["blocked"], true);
    assert_eq!(edited["custom_attributes"], json!({"plano": "ouro", "canal": "site"}));
    assert_eq!(taken, StatusCode::CONFLICT, "{taken_body}");
    assert!(taken_body["error"]["fields"]["phone"].is_array(), "{taken_body}");
    let (_, again) = app.get(&path, &t.admin.access).await;
    assert!(again["phone"].is_null(), "{again}");
}

async fn tags_on_a_contact_are_replaced_as_a_set_and_filter_the_list(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("acme").await;
    let vip = tag(&app, &t, "VIP").await;
    let lead = tag(&app, &t, "lead").await;
    let maria = create(&app, &t, json!({"name": "Maria"})).await;
    create(&app, &t, json!({"name": "José"})).await;
    let path = format!("/api/v1/contacts/{}/tags", maria["id"].as_str().unwrap());
    let agent = app.member(&t, "agent").await;

    // Act
    let (s, tagged) = app
        .call(
            Method::PUT,
            &path,
            Some(&agent.access),
            Some(json!({"tag_ids": [vip, lead, vip]})),
        )
        .await;
    let (_, filtered) = app.get(&format!("/api/v1/contacts?tag={vip}"), &agent.access).await;
    let (s2, retagged) = app
        .call(
            Method::PUT,
            &path,
            Some(&agent.access),
            Some(json!({"tag_ids": [lead]})),
        )
        .await;
    let (bad, bad_body) = app
        .call(
            Method::PUT,
            &path,
            Some(&agent.access),
            Some(json!({"tag_ids": [Uuid::now_v7()]})),
        )
        .await;
    let (_, shown) = app
        .get(
            &format!("/api/v1/contacts/{}", maria["id"].as_str().unwrap()),
            &agent.access,
        )
        .await;

    // Assert
    assert_eq!(s, StatusCode::OK, "{tagged}");
    let tag_names: Vec<&str> = tagged["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(tag_names, ["lead", "VIP"]);
    assert_eq!(names(&filtered), ["Maria"]);
    assert_eq!(s2, StatusCode::OK, "{retagged}");
    assert_eq!(retagged["tags"][0]["id"], lead.as_str());
    assert_eq!(retagged["tags"].as_array().unwrap().len(), 1);
    // An id that names no tag: 404 naming the field (the API contract's rule).
    assert_eq!(bad, StatusCode::NOT_FOUND, "{bad_body}");
    assert!(bad_body["error"]["fields"]["tag_ids"].is_array(), "{bad_body}");
    assert_eq!(shown["tags"], retagged["tags"], "a refused replacement changed nothing");
    assert_eq!(shown["identities"], json!([]));
}

async fn deleting_a_tag_takes_it_off_its_contacts(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("acme").await;
    let vip = tag(&app, &t, "vip").await;
    let c = create(&app, &t, json!({"name": "Maria"})).await;
    let id = c["id"].as_str().unwrap();
    app.call(
        Method::PUT,
        &format!("/api/v1/contacts/{id}/tags"),
        Some(&t.admin.access),
        Some(json!({"tag_ids": [vip]})),
    )
    .await;

    // Act
    let (s, b) = app.delete(&format!("/api/v1/tags/{vip}"), &t.admin.access).await;

    // Assert
    assert_eq!(s, StatusCode::NO_CONTENT, "{b}");
    let (_, shown) = app.get(&format!("/api/v1/contacts/{id}"), &t.admin.access).await;
    assert_eq!(shown["tags"], json!([]));
}

async fn an_agent_deletes_a_contact_without_conversations_but_not_one_with_history(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("acme").await;
    let agent = app.member(&t, "agent").await;
    let typo = create(&app, &t, json!({"name": "Duplicado"})).await;
    let customer = create(&app, &t, json!({"name": "Cliente", "phone": "11987654321"})).await;
    let customer_id = customer["id"].as_str().unwrap();
    give_conversation(&app, &t, customer_id).await;

    // Act
    let (typo_s, typo_b) = app
        .delete(
            &format!("/api/v1/contacts/{}", typo["id"].as_str().unwrap()),
            &agent.access,
        )
        .await;
    let (agent_s, agent_b) = app
        .delete(&format!("/api/v1/contacts/{customer_id}"), &agent.access)
        .await;
    let (admin_s, admin_b) = app
        .delete(&format!("/api/v1/contacts/{customer_id}"), &t.admin.access)
        .await;

    // Assert
    assert_eq!(typo_s, StatusCode::NO_CONTENT, "{typo_b}");
    assert_eq!(agent_s, StatusCode::FORBIDDEN, "{agent_b}");
    assert_eq!(error_code(agent_s, &agent_b), "contact_has_conversations");
    assert_eq!(admin_s, StatusCode::NO_CONTENT, "{admin_b}");
    let (gone, _) = app
        .get(&format!("/api/v1/contacts/{customer_id}"), &t.admin.access)
        .await;
    assert_eq!(gone, StatusCode::NOT_FOUND);
    let tx = app.core().db.tenant_tx(TenantId(t.id)).await.unwrap();
    let left = contacts::conversation_count(&tx, customer_id.parse().unwrap())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(left, 0, "the conversations went with the contact");
    let (_, logs) = app
        .get("/api/v1/audit/logs?action=contacts.delete", &t.admin.access)
        .await;
    let entry = logs["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["entity_id"] == customer_id)
        .unwrap_or_else(|| panic!("{logs}"));
    assert_eq!(entry["before"]["conversations_deleted"], 1, "{entry}");
}

async fn a_viewer_reads_contacts_but_cannot_write_them(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("acme").await;
    let c = create(&app, &t, json!({"name": "Maria"})).await;
    let id = c["id"].as_str().unwrap();
    let viewer = app.member(&t, "viewer").await;

    // Act
    let (read, read_body) = app.get(&format!("/api/v1/contacts/{id}"), &viewer.access).await;
    let writes = [
        app.post("/api/v1/contacts", Some(&viewer.access), json!({"name": "X"}))
            .await,
        app.patch(&format!("/api/v1/contacts/{id}"), &viewer.access, json!({"name": "X"}))
            .await,
        app.call(
            Method::PUT,
            &format!("/api/v1/contacts/{id}/tags"),
            Some(&viewer.access),
            Some(json!({"tag_ids": []})),
        )
        .await,
        app.delete(&format!("/api/v1/contacts/{id}"), &viewer.access).await,
    ];

    // Assert
    assert_eq!(read, StatusCode::OK, "{read_body}");
    for (s, b) in writes {
        assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
        assert_eq!(error_code(s, &b), "forbidden");
    }
    let (_, all) = app.get("/api/v1/contacts", &t.admin.access).await;
    assert_eq!(names(&all), ["Maria"]);
}

async fn every_contact_change_is_audited(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("acme").await;
    let vip = tag(&app, &t, "vip").await;

    // Act
    let c = create(&app, &t, json!({"name": "Maria"})).await;
    let id = c["id"].as_str().unwrap();
    app.patch(
        &format!("/api/v1/contacts/{id}"),
        &t.admin.access,
        json!({"name": "Maria S."}),
    )
    .await;
    app.call(
        Method::PUT,
        &format!("/api/v1/contacts/{id}/tags"),
        Some(&t.admin.access),
        Some(json!({"tag_ids": [vip]})),
    )
    .await;
    app.delete(&format!("/api/v1/contacts/{id}"), &t.admin.access).await;

    // Assert
    let (_, logs) = app.get("/api/v1/audit/logs?limit=200", &t.admin.access).await;
    let actions: Vec<&str> = logs["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["entity_id"] == id)
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for a in ["contacts.create", "contacts.update", "contacts.tags", "contacts.delete"] {
        assert!(actions.contains(&a), "{a} missing from {actions:?}");
    }
}

both_engines!(
    every_spelling_of_a_phone_is_one_contact,
    search_finds_a_contact_by_any_phone_spelling_name_or_email,
    contacts_page_with_a_cursor,
    create_validates_every_field_and_names_a_contact_after_its_phone,
    patch_changes_fields_merges_attributes_and_refuses_a_taken_phone,
    tags_on_a_contact_are_replaced_as_a_set_and_filter_the_list,
    deleting_a_tag_takes_it_off_its_contacts,
    an_agent_deletes_a_contact_without_conversations_but_not_one_with_history,
    a_viewer_reads_contacts_but_cannot_write_them,
    every_contact_change_is_audited,
);
