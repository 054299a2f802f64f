//! Issue 10, slice A: who handles a conversation. The first reply takes an unassigned
//! conversation (the tenant's `assign_on_reply`, on by default); "Atender" takes it explicitly.

use crate::harness::{Engine, Session, TenantFixture, TestApp, error_code};
use crate::whatsapp::{PHONE_ID, connect, conversations, deliver, fresh_text, messages, mount_graph};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A tenant with a WhatsApp channel and one conversation in which Ana just wrote.
pub struct Setup {
    pub app: TestApp,
    pub t: TenantFixture,
    pub conv: String,
}

pub async fn setup(engine: Engine) -> Setup {
    let app = TestApp::spawn(engine).await;
    mount_graph(&app).await;
    let t = app.tenant("aurora").await;
    let channel = connect(&app, &t, PHONE_ID).await;
    assert_eq!(
        deliver(&app, &channel, &fresh_text("Oi, tudo bem?")).await,
        StatusCode::OK
    );
    app.run_pending_jobs().await;
    let conv = conversations(&app, &t.admin.access, "").await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    Setup { app, t, conv }
}

async fn reply(app: &TestApp, who: &Session, conv: &str, body: Value) -> Value {
    let (s, m) = app
        .post(
            &format!("/api/v1/conversations/{conv}/messages"),
            Some(&who.access),
            body,
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    m
}

async fn conversation(app: &TestApp, token: &str, conv: &str) -> Value {
    let (s, c) = app.get(&format!("/api/v1/conversations/{conv}"), token).await;
    assert_eq!(s, StatusCode::OK, "{c}");
    c
}

/// The `assigned` system lines of the thread.
async fn assigned_lines(app: &TestApp, token: &str, conv: &str) -> Vec<Value> {
    messages(app, token, conv)
        .await
        .into_iter()
        .filter(|m| m["type"] == "system" && m["body"] == "assigned")
        .collect()
}

async fn audit_actions(app: &TestApp, token: &str) -> Vec<String> {
    let (s, log) = app.get("/api/v1/audit/logs?action=conversations.*", token).await;
    assert_eq!(s, StatusCode::OK, "{log}");
    log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect()
}

both_engines!(
    the_first_reply_takes_an_unassigned_conversation,
    assign_on_reply_can_be_turned_off,
    take_assigns_to_the_caller_once,
    take_answers_404_to_another_tenant,
    resolve_and_reopen_leave_lines_and_resolve_can_be_undone,
    undo_restores_pending_and_answers_409_when_not_resolved,
);

async fn the_first_reply_takes_an_unassigned_conversation(engine: Engine) {
    let Setup { app, t, conv } = setup(engine).await;
    let a1 = app.member(&t, "agent").await;
    let sup = app.member(&t, "supervisor").await;

    // A private note does not take it.
    reply(
        &app,
        &a1,
        &conv,
        json!({"type": "text", "body": "vou ver", "private_note": true}),
    )
    .await;
    assert!(conversation(&app, &a1.access, &conv).await["assignee_id"].is_null());
    assert!(assigned_lines(&app, &a1.access, &conv).await.is_empty());

    // The first reply does, with a line in the thread and an audit row.
    reply(&app, &a1, &conv, json!({"type": "text", "body": "Olá, Ana!"})).await;
    let c = conversation(&app, &a1.access, &conv).await;
    assert_eq!(c["assignee_id"], json!(a1.user_id));
    let lines = assigned_lines(&app, &a1.access, &conv).await;
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["payload"]["to"]["assignee_id"], json!(a1.user_id));
    assert_eq!(lines[0]["payload"]["by"], json!(a1.user_id));
    assert_eq!(lines[0]["payload"]["reason"], "reply");
    assert!(
        audit_actions(&app, &t.admin.access)
            .await
            .contains(&"conversations.assign".to_owned())
    );

    // A later reply by someone else does not move it.
    reply(&app, &sup, &conv, json!({"type": "text", "body": "Complementando"})).await;
    assert_eq!(
        conversation(&app, &sup.access, &conv).await["assignee_id"],
        json!(a1.user_id)
    );
    assert_eq!(assigned_lines(&app, &sup.access, &conv).await.len(), 1);
}

async fn assign_on_reply_can_be_turned_off(engine: Engine) {
    let Setup { app, t, conv } = setup(engine).await;
    let tenant = format!("/api/v1/tenants/{}", t.id);
    // The default is on, and shows as such.
    let (s, b) = app
        .patch(
            &tenant,
            &t.admin.access,
            json!({"settings": {"assign_on_reply": "sim"}}),
        )
        .await;
    assert_eq!(error_code(s, &b), "validation_failed");
    assert!(b["error"]["fields"]["settings"].is_array(), "{b}");
    let (s, b) = app
        .patch(
            &tenant,
            &t.admin.access,
            json!({"settings": {"assign_on_reply": false, "greeting": "Olá!"}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["settings"], json!({"assign_on_reply": false, "greeting": "Olá!"}));

    let a1 = app.member(&t, "agent").await;
    reply(&app, &a1, &conv, json!({"type": "text", "body": "Olá, Ana!"})).await;
    assert!(conversation(&app, &a1.access, &conv).await["assignee_id"].is_null());
    assert!(assigned_lines(&app, &a1.access, &conv).await.is_empty());

    // An agent cannot change it.
    let (s, b) = app
        .patch(&tenant, &a1.access, json!({"settings": {"assign_on_reply": true}}))
        .await;
    assert_eq!(error_code(s, &b), "forbidden");
}

async fn take_assigns_to_the_caller_once(engine: Engine) {
    let Setup { app, t, conv } = setup(engine).await;
    let take = |who: &Session| {
        let (app, conv, tok) = (&app, conv.clone(), who.access.clone());
        async move {
            app.post_empty(&format!("/api/v1/conversations/{conv}/take"), &tok)
                .await
        }
    };
    let a1 = app.member(&t, "agent").await;
    let a2 = app.member(&t, "agent").await;
    let viewer = app.member(&t, "viewer").await;
    let sup = app.member(&t, "supervisor").await;

    // A viewer cannot.
    let (s, b) = take(&viewer).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{b}");

    // a1 takes it: theirs, one line saying they took it.
    let (s, c) = take(&a1).await;
    assert_eq!(s, StatusCode::OK, "{c}");
    assert_eq!(c["assignee_id"], json!(a1.user_id));
    let lines = assigned_lines(&app, &a1.access, &conv).await;
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["payload"]["reason"], "take");
    assert_eq!(lines[0]["payload"]["by"], json!(a1.user_id));
    // Again: nothing changes.
    let (s, c) = take(&a1).await;
    assert_eq!(s, StatusCode::OK, "{c}");
    assert_eq!(assigned_lines(&app, &a1.access, &conv).await.len(), 1);

    // a2, outside the conversation's scope, does not see it; inside (same team), gets 409.
    let (s, b) = take(&a2).await;
    assert_eq!(error_code(s, &b), "not_found");
    let (s, team) = app
        .post("/api/v1/teams", Some(&t.admin.access), json!({"name": "Financeiro"}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{team}");
    let team_id = team["id"].as_str().unwrap();
    let (s, b) = app
        .post(
            &format!("/api/v1/teams/{team_id}/members"),
            Some(&t.admin.access),
            json!({"user_id": a2.user_id}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let (s, b) = app
        .post(
            &format!("/api/v1/conversations/{conv}/assign"),
            Some(&a1.access),
            json!({"team_id": team_id}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (s, b) = take(&a2).await;
    assert_eq!(s, StatusCode::CONFLICT, "{b}");
    assert_eq!(error_code(s, &b), "conversation_taken");
    assert_eq!(
        conversation(&app, &a1.access, &conv).await["assignee_id"],
        json!(a1.user_id)
    );

    // A supervisor takes it over.
    let (s, c) = take(&sup).await;
    assert_eq!(s, StatusCode::OK, "{c}");
    assert_eq!(c["assignee_id"], json!(sup.user_id));
    assert_eq!(c["team_id"], json!(team_id), "the team stays");
    let lines = assigned_lines(&app, &sup.access, &conv).await;
    assert!(
        lines
            .iter()
            .any(|l| l["payload"]["from"]["assignee_id"] == json!(a1.user_id)
                && l["payload"]["to"]["assignee_id"] == json!(sup.user_id)),
        "{lines:?}"
    );
    let takes = audit_actions(&app, &t.admin.access)
        .await
        .iter()
        .filter(|a| *a == "conversations.assign")
        .count();
    assert_eq!(
        takes, 3,
        "a1's take, a1's assignment to the team, the supervisor's take"
    );
}

async fn take_answers_404_to_another_tenant(engine: Engine) {
    let Setup { app, t, conv } = setup(engine).await;
    let other = app.tenant("outra").await;
    let (s, b) = app
        .post_empty(&format!("/api/v1/conversations/{conv}/take"), &other.admin.access)
        .await;
    assert_eq!(error_code(s, &b), "not_found");
    assert!(conversation(&app, &t.admin.access, &conv).await["assignee_id"].is_null());
}

async fn patch_status(app: &TestApp, token: &str, conv: &str, status: &str) -> Value {
    let (s, c) = app
        .patch(
            &format!("/api/v1/conversations/{conv}"),
            token,
            json!({"status": status}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    c
}

async fn lines(app: &TestApp, token: &str, conv: &str, event: &str) -> Vec<Value> {
    messages(app, token, conv)
        .await
        .into_iter()
        .filter(|m| m["type"] == "system" && m["body"] == event)
        .collect()
}

async fn resolve_and_reopen_leave_lines_and_resolve_can_be_undone(engine: Engine) {
    let Setup { app, t, conv } = setup(engine).await;
    let a1 = app.member(&t, "agent").await;
    let tok = &a1.access;
    let (s, _) = app.post_empty(&format!("/api/v1/conversations/{conv}/take"), tok).await;
    assert_eq!(s, StatusCode::OK);

    // Resolve: a stored line remembering what it was; the conversation leaves the working list
    // and shows with status=resolved.
    let c = patch_status(&app, tok, &conv, "resolved").await;
    assert_eq!(c["status"], "resolved");
    let resolved = lines(&app, tok, &conv, "resolved").await;
    assert_eq!(resolved.len(), 1, "{resolved:?}");
    assert_eq!(resolved[0]["payload"]["from"]["status"], "open");
    assert_eq!(resolved[0]["payload"]["from"]["assignee_id"], json!(a1.user_id));
    assert_eq!(resolved[0]["payload"]["by"], json!(a1.user_id));
    assert!(
        conversations(&app, tok, "")
            .await
            .iter()
            .all(|x| x["id"] != conv.as_str())
    );
    let listed = conversations(&app, tok, "status=resolved").await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["id"], conv.as_str());
    // Another agent of the tenant sees the same line (it is stored, not drawn by the client).
    assert_eq!(lines(&app, &t.admin.access, &conv, "resolved").await.len(), 1);

    // Undo: open again, still a1's, a `reopened` line marked undo, an audit row.
    let (s, c) = app
        .post_empty(&format!("/api/v1/conversations/{conv}/resolve/undo"), tok)
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    assert_eq!(c["status"], "open");
    assert_eq!(c["assignee_id"], json!(a1.user_id));
    let reopened = lines(&app, tok, &conv, "reopened").await;
    assert_eq!(reopened.len(), 1, "{reopened:?}");
    assert_eq!(reopened[0]["payload"]["undo"], resolved[0]["id"]);
    assert!(
        audit_actions(&app, &t.admin.access)
            .await
            .contains(&"conversations.undo_resolve".to_owned())
    );
    assert!(conversations(&app, tok, "status=resolved").await.is_empty());

    // A plain reopen also leaves a line (not marked undo).
    patch_status(&app, tok, &conv, "resolved").await;
    patch_status(&app, tok, &conv, "open").await;
    let reopened = lines(&app, tok, &conv, "reopened").await;
    assert_eq!(reopened.len(), 2);
    assert!(
        reopened
            .iter()
            .any(|l| l["payload"]["undo"].is_null() && l["payload"]["from"]["status"] == "resolved")
    );
    // A move that is neither leaves none.
    patch_status(&app, tok, &conv, "waiting").await;
    assert_eq!(lines(&app, tok, &conv, "resolved").await.len(), 2);
    assert_eq!(lines(&app, tok, &conv, "reopened").await.len(), 2);

    // Another tenant: 404.
    let other = app.tenant("outra").await;
    let (s, b) = app
        .post_empty(
            &format!("/api/v1/conversations/{conv}/resolve/undo"),
            &other.admin.access,
        )
        .await;
    assert_eq!(error_code(s, &b), "not_found");
    // A viewer: 403.
    let viewer = app.member(&t, "viewer").await;
    let (s, _) = app
        .post_empty(&format!("/api/v1/conversations/{conv}/resolve/undo"), &viewer.access)
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

async fn undo_restores_pending_and_answers_409_when_not_resolved(engine: Engine) {
    let Setup { app, t, conv } = setup(engine).await;
    let tok = &t.admin.access;
    let undo = format!("/api/v1/conversations/{conv}/resolve/undo");
    let (s, b) = app.post_empty(&undo, tok).await;
    assert_eq!(s, StatusCode::CONFLICT, "{b}");
    assert_eq!(error_code(s, &b), "conversation_not_resolved");

    // Snoozed (pending until tomorrow), resolved, undone: pending with the same snooze.
    let until = chrono::Utc::now() + chrono::TimeDelta::days(1);
    let (s, c) = app
        .patch(
            &format!("/api/v1/conversations/{conv}"),
            tok,
            json!({"snoozed_until": until}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    let snoozed = c["snoozed_until"].clone();
    let c = patch_status(&app, tok, &conv, "resolved").await;
    assert!(c["snoozed_until"].is_null());
    let (s, c) = app.post_empty(&undo, tok).await;
    assert_eq!(s, StatusCode::OK, "{c}");
    assert_eq!(c["status"], "pending");
    assert_eq!(c["snoozed_until"], snoozed);
    assert!(c["assignee_id"].is_null());
    // Nothing left to undo.
    let (s, b) = app.post_empty(&undo, tok).await;
    assert_eq!(error_code(s, &b), "conversation_not_resolved");
}
