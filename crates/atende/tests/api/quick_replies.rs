//! `/quick-replies`: shortcut shape and uniqueness, the composer's search, attachments,
//! permissions and the audit trail.

use crate::harness::{Engine, TenantFixture, TestApp, error_code};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn create(app: &TestApp, t: &TenantFixture, body: Value) -> Value {
    let (s, b) = app.post("/api/v1/quick-replies", Some(&t.admin.access), body).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    b
}

fn shortcuts(list: &Value) -> Vec<&str> {
    list["items"]
        .as_array()
        .unwrap_or_else(|| panic!("not a page: {list}"))
        .iter()
        .map(|q| q["shortcut"].as_str().unwrap())
        .collect()
}

async fn a_shortcut_is_normalised_and_unique_per_tenant(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("acme").await;
    let first = create(
        &app,
        &t,
        json!({"shortcut": "Saudacao", "title": "Saudação", "content": "Olá! Como posso ajudar?"}),
    )
    .await;

    // Act
    let (dup, dup_body) = app
        .post(
            "/api/v1/quick-replies",
            Some(&t.admin.access),
            json!({"shortcut": "/saudacao", "title": "Outra", "content": "Oi"}),
        )
        .await;
    let (bad, bad_body) = app
        .post(
            "/api/v1/quick-replies",
            Some(&t.admin.access),
            json!({"shortcut": "/bom dia", "title": " ", "content": ""}),
        )
        .await;

    // Assert
    assert_eq!(first["shortcut"], "/saudacao");
    assert_eq!(dup, StatusCode::CONFLICT, "{dup_body}");
    assert_eq!(error_code(dup, &dup_body), "already_exists");
    assert!(dup_body["error"]["fields"]["shortcut"].is_array(), "{dup_body}");
    assert_eq!(bad, StatusCode::UNPROCESSABLE_ENTITY, "{bad_body}");
    for f in ["shortcut", "title", "content"] {
        assert!(bad_body["error"]["fields"][f].is_array(), "{f}: {bad_body}");
    }
}

async fn search_matches_a_shortcut_prefix_or_words_of_title_and_content(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("acme").await;
    create(
        &app,
        &t,
        json!({"shortcut": "/saudacao", "title": "Saudação", "content": "Olá! Como posso ajudar?"}),
    )
    .await;
    create(
        &app,
        &t,
        json!({"shortcut": "/pix", "title": "Chave Pix", "content": "Nossa chave é o CNPJ", "category": "pagamento"}),
    )
    .await;
    create(
        &app,
        &t,
        json!({"shortcut": "/prazo", "title": "Prazo de entrega", "content": "Entregamos em 3 dias úteis"}),
    )
    .await;
    let agent = app.member(&t, "agent").await;
    let search = |q: &'static str| {
        let app = &app;
        let tok = agent.access.clone();
        async move {
            let (s, b) = app.get(&format!("/api/v1/quick-replies?q={q}"), &tok).await;
            assert_eq!(s, StatusCode::OK, "{b}");
            shortcuts(&b).into_iter().map(str::to_owned).collect::<Vec<_>>()
        }
    };

    // Act + Assert
    assert_eq!(search("%2Fp").await, ["/pix", "/prazo"]);
    assert_eq!(search("pi").await, ["/pix"]);
    assert_eq!(search("%2FSAU").await, ["/saudacao"]);
    assert_eq!(search("chave%20cnpj").await, ["/pix"]);
    assert_eq!(search("ENTREGA").await, ["/prazo"]);
    assert!(search("%25").await.is_empty(), "a LIKE wildcard is literal");
    let (_, by_category) = app.get("/api/v1/quick-replies?category=pagamento", &agent.access).await;
    assert_eq!(shortcuts(&by_category), ["/pix"]);
}

async fn a_quick_reply_keeps_its_attachment_and_is_edited_and_deleted(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("acme").await;
    let q = create(
        &app,
        &t,
        json!({"shortcut": "/catalogo", "title": "Catálogo", "content": "Segue o catálogo",
               "attachment": {"url": "https://cdn.example.com/catalogo.pdf", "mime_type": "application/pdf",
                              "file_name": "catalogo.pdf"}}),
    )
    .await;
    let path = format!("/api/v1/quick-replies/{}", q["id"].as_str().unwrap());

    // Act
    let (bad, bad_body) = app
        .patch(&path, &t.admin.access, json!({"attachment": {"url": "ftp://x"}}))
        .await;
    let (s, edited) = app
        .patch(
            &path,
            &t.admin.access,
            json!({"attachment": null, "category": "vendas", "content": "Catálogo em breve"}),
        )
        .await;
    let (deleted, _) = app.delete(&path, &t.admin.access).await;
    let (gone, _) = app.get(&path, &t.admin.access).await;

    // Assert
    assert_eq!(q["attachment"]["file_name"], "catalogo.pdf");
    assert_eq!(bad, StatusCode::UNPROCESSABLE_ENTITY, "{bad_body}");
    assert!(bad_body["error"]["fields"]["attachment"].is_array(), "{bad_body}");
    assert_eq!(s, StatusCode::OK, "{edited}");
    assert!(edited["attachment"].is_null());
    assert_eq!(edited["category"], "vendas");
    assert_eq!(edited["content"], "Catálogo em breve");
    assert_eq!(deleted, StatusCode::NO_CONTENT);
    assert_eq!(gone, StatusCode::NOT_FOUND);
    let (_, logs) = app.get("/api/v1/audit/logs?limit=200", &t.admin.access).await;
    let actions: Vec<&str> = logs["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["entity_id"] == q["id"])
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for a in ["quick_replies.create", "quick_replies.update", "quick_replies.delete"] {
        assert!(actions.contains(&a), "{a} missing from {actions:?}");
    }
}

async fn agents_use_quick_replies_but_only_supervisors_manage_them(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("acme").await;
    let q = create(&app, &t, json!({"shortcut": "/oi", "title": "Oi", "content": "Oi!"})).await;
    let path = format!("/api/v1/quick-replies/{}", q["id"].as_str().unwrap());
    let agent = app.member(&t, "agent").await;
    let viewer = app.member(&t, "viewer").await;

    // Act
    let (read, read_body) = app.get(&path, &agent.access).await;
    let (viewer_read, _) = app.get("/api/v1/quick-replies", &viewer.access).await;
    let writes = [
        app.post(
            "/api/v1/quick-replies",
            Some(&agent.access),
            json!({"shortcut": "/x", "title": "X", "content": "X"}),
        )
        .await,
        app.patch(&path, &agent.access, json!({"title": "Mudado"})).await,
        app.delete(&path, &agent.access).await,
        app.delete(&path, &viewer.access).await,
    ];

    // Assert
    assert_eq!(read, StatusCode::OK, "{read_body}");
    assert_eq!(viewer_read, StatusCode::OK);
    for (s, b) in writes {
        assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
        assert_eq!(error_code(s, &b), "forbidden");
    }
}

both_engines!(
    a_shortcut_is_normalised_and_unique_per_tenant,
    search_matches_a_shortcut_prefix_or_words_of_title_and_content,
    a_quick_reply_keeps_its_attachment_and_is_edited_and_deleted,
    agents_use_quick_replies_but_only_supervisors_manage_them,
);
