//! The conversation list of issue 10: tab counts (conversations, not messages), the resolved
//! view, and the assignee and tag filters, each tenant-scoped.

use crate::harness::{Engine, Session, TenantFixture, TestApp, error_code};
use crate::whatsapp::{connect, conversations, deliver, fresh_text, mount_graph};
use reqwest::StatusCode;
use serde_json::{Value, json};

both_engines!(
    tab_counts_count_conversations_the_caller_sees,
    resolved_conversations_have_their_own_view,
    assignee_and_tag_filters_narrow_the_list_and_the_counts,
    another_tenant_counts_and_filters_nothing_of_ours,
);

/// A tenant with a WhatsApp channel and two conversations (Ana and Bruno), both in the queue;
/// Ana wrote twice (two unread messages, one conversation).
struct Two {
    app: TestApp,
    t: TenantFixture,
    ana: String,
    bruno: String,
}

async fn two(engine: Engine) -> Two {
    let app = TestApp::spawn(engine).await;
    mount_graph(&app).await;
    let t = app.tenant("aurora").await;
    let channel = connect(&app, &t, crate::whatsapp::PHONE_ID).await;
    for text in ["Oi, tudo bem?", "Alguém aí?"] {
        assert_eq!(deliver(&app, &channel, &fresh_text(text)).await, StatusCode::OK);
    }
    let mut other: Value = serde_json::from_slice(&fresh_text("Bom dia, quero um orçamento")).unwrap();
    let value = &mut other["entry"][0]["changes"][0]["value"];
    value["contacts"][0]["wa_id"] = json!("5521998765432");
    value["contacts"][0]["profile"]["name"] = json!("Bruno");
    value["messages"][0]["from"] = json!("5521998765432");
    deliver(&app, &channel, &serde_json::to_vec(&other).unwrap()).await;
    app.run_pending_jobs().await;
    let id_of = |list: &[Value], name: &str| {
        list.iter()
            .find(|c| c["contact"]["name"] == name)
            .unwrap_or_else(|| panic!("no conversation of {name}: {list:?}"))["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let list = conversations(&app, &t.admin.access, "").await;
    assert_eq!(list.len(), 2, "{list:?}");
    let bruno = id_of(&list, "Bruno");
    let ana = list
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .find(|id| *id != bruno)
        .unwrap();
    Two { app, t, ana, bruno }
}

async fn counts(app: &TestApp, s: &Session, query: &str) -> (u64, u64, u64) {
    let (status, b) = app
        .get(&format!("/api/v1/conversations/counts?{query}"), &s.access)
        .await;
    assert_eq!(status, StatusCode::OK, "{b}");
    let n = |k: &str| b[k].as_u64().unwrap_or_else(|| panic!("{k} in {b}"));
    (n("mine"), n("unassigned"), n("all"))
}

async fn assign(app: &TestApp, by: &Session, conv: &str, user: &uuid::Uuid) {
    let (s, b) = app
        .post(
            &format!("/api/v1/conversations/{conv}/assign"),
            Some(&by.access),
            json!({"user_id": user}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
}

async fn tab_counts_count_conversations_the_caller_sees(engine: Engine) {
    let Two { app, t, ana, .. } = two(engine).await;
    let agent = app.member(&t, "agent").await;
    let colleague = app.member(&t, "agent").await;
    // Two conversations wait (three unread messages): the queue counts 2.
    assert_eq!(counts(&app, &t.admin, "").await, (0, 2, 2));
    assert_eq!(counts(&app, &agent, "").await, (0, 2, 2));

    assign(&app, &t.admin, &ana, &agent.user_id).await;
    assert_eq!(
        counts(&app, &agent, "").await,
        (1, 1, 2),
        "the agent's own and the queue"
    );
    // A colleague sees the queue, not the agent's conversation (agent scope).
    assert_eq!(counts(&app, &colleague, "").await, (0, 1, 1));
    // The supervisor sees both, neither theirs.
    assert_eq!(counts(&app, &t.admin, "").await, (0, 1, 2));
    // The counts agree with what each tab lists.
    assert_eq!(conversations(&app, &agent.access, "assignee=me").await.len(), 1);
    assert_eq!(conversations(&app, &agent.access, "assignee=none").await.len(), 1);
    assert_eq!(conversations(&app, &agent.access, "").await.len(), 2);
    // Filters apply to the counts as to the list.
    assert_eq!(counts(&app, &t.admin, "q=Bruno").await, (0, 1, 1));
    assert_eq!(counts(&app, &t.admin, "status=resolved").await, (0, 0, 0));
    // Bad input is the standard 422.
    let (s, b) = app
        .get("/api/v1/conversations/counts?status=bogus", &t.admin.access)
        .await;
    assert_eq!(error_code(s, &b), "validation_failed");
    let (s, b) = app
        .get("/api/v1/conversations/counts?tag_id=nope", &t.admin.access)
        .await;
    assert_eq!(error_code(s, &b), "invalid_query");
    let (s, _) = app.get("/api/v1/conversations/counts", "not-a-token").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

async fn resolved_conversations_have_their_own_view(engine: Engine) {
    let Two { app, t, ana, bruno } = two(engine).await;
    let (s, b) = app
        .patch(
            &format!("/api/v1/conversations/{ana}"),
            &t.admin.access,
            json!({"status": "resolved"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    // Gone from the working tabs…
    let working = conversations(&app, &t.admin.access, "").await;
    assert_eq!(working.len(), 1);
    assert_eq!(working[0]["id"], bruno.as_str());
    // …found under "resolved", and under "all" with the others.
    let resolved = conversations(&app, &t.admin.access, "status=resolved").await;
    assert_eq!(resolved.len(), 1);
    assert_eq!(resolved[0]["id"], ana.as_str());
    assert_eq!(resolved[0]["status"], "resolved");
    assert_eq!(conversations(&app, &t.admin.access, "status=all").await.len(), 2);
    // Resolved while nobody had taken it: it counts as unassigned in that view.
    assert_eq!(counts(&app, &t.admin, "status=resolved").await, (0, 1, 1));
    assert_eq!(counts(&app, &t.admin, "status=all").await, (0, 2, 2));
    // Several statuses at once.
    assert_eq!(
        conversations(&app, &t.admin.access, "status=open,resolved").await.len(),
        2
    );
}

async fn assignee_and_tag_filters_narrow_the_list_and_the_counts(engine: Engine) {
    let Two { app, t, ana, bruno } = two(engine).await;
    let agent = app.member(&t, "agent").await;
    assign(&app, &t.admin, &bruno, &agent.user_id).await;
    // By assignee: a user id lists that agent's conversations.
    let theirs = conversations(&app, &t.admin.access, &format!("assignee={}", agent.user_id)).await;
    assert_eq!(theirs.len(), 1);
    assert_eq!(theirs[0]["id"], bruno.as_str());
    let (s, b) = app.get("/api/v1/conversations?assignee=someone", &t.admin.access).await;
    assert_eq!(error_code(s, &b), "validation_failed");
    // By tag.
    let (s, tag) = app
        .post("/api/v1/tags", Some(&t.admin.access), json!({"name": "pix"}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{tag}");
    let tag = tag["id"].as_str().unwrap();
    let (s, b) = app
        .patch(
            &format!("/api/v1/conversations/{ana}"),
            &t.admin.access,
            json!({"tag_ids": [tag]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let tagged = conversations(&app, &t.admin.access, &format!("tag_id={tag}")).await;
    assert_eq!(tagged.len(), 1);
    assert_eq!(tagged[0]["id"], ana.as_str());
    assert_eq!(counts(&app, &t.admin, &format!("tag_id={tag}")).await, (0, 1, 1));
    // The assignee narrows the counts as it narrows the list.
    assert_eq!(
        counts(&app, &t.admin, &format!("assignee={}", agent.user_id)).await,
        (0, 0, 1)
    );
    assert_eq!(
        counts(&app, &agent, &format!("assignee={}", agent.user_id)).await,
        (1, 0, 1)
    );
    let (s, b) = app
        .get("/api/v1/conversations/counts?assignee=someone", &t.admin.access)
        .await;
    assert_eq!(error_code(s, &b), "validation_failed");
    // Both at once: Bruno's agent has nothing tagged pix.
    assert!(
        conversations(
            &app,
            &t.admin.access,
            &format!("tag_id={tag}&assignee={}", agent.user_id)
        )
        .await
        .is_empty()
    );
}

async fn another_tenant_counts_and_filters_nothing_of_ours(engine: Engine) {
    let Two { app, t, ana, .. } = two(engine).await;
    let (_, tag) = app
        .post("/api/v1/tags", Some(&t.admin.access), json!({"name": "pix"}))
        .await;
    let tag = tag["id"].as_str().unwrap();
    app.patch(
        &format!("/api/v1/conversations/{ana}"),
        &t.admin.access,
        json!({"tag_ids": [tag]}),
    )
    .await;
    let other = app.tenant("outra").await;
    // B counts nothing of A's, under any filter, and A's tag filters nothing for B.
    assert_eq!(counts(&app, &other.admin, "").await, (0, 0, 0));
    assert_eq!(counts(&app, &other.admin, "status=all").await, (0, 0, 0));
    assert_eq!(counts(&app, &other.admin, &format!("tag_id={tag}")).await, (0, 0, 0));
    assert!(
        conversations(&app, &other.admin.access, &format!("tag_id={tag}&status=all"))
            .await
            .is_empty()
    );
    assert!(
        conversations(
            &app,
            &other.admin.access,
            &format!("assignee={}&status=all", t.admin.user_id)
        )
        .await
        .is_empty()
    );
    // A still counts its own.
    assert_eq!(counts(&app, &t.admin, "").await, (0, 2, 2));
}
