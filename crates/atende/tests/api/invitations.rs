//! Invitations (issue 10, defect 8): whether a mail went out, the link to copy when it did not,
//! resending with a new link, and the mail written in the tenant's language.

use crate::harness::{Engine, Options, PASSWORD, TestApp, error_code};
use reqwest::StatusCode;
use serde_json::json;

fn token_of(url: &str) -> String {
    url.split("token=").nth(1).expect("a token in the link").to_owned()
}

async fn without_smtp_the_invite_says_so_and_offers_the_single_use_link(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("acme").await;

    // Act
    let (s, b) = app
        .post(
            "/api/v1/tenants/acme/members",
            Some(&t.admin.access),
            json!({"email": "nova@acme.test", "role": "agent"}),
        )
        .await;

    // Assert
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_eq!(b["mail_sent"], false, "no SMTP server: nothing was sent");
    assert_eq!(b["member"]["email"], "nova@acme.test");
    assert_eq!(b["member"]["has_password"], false);
    let url = b["accept_url"].as_str().expect("the link to pass on");
    assert!(url.contains("/auth/magic?token=ml_"), "{url}");
    let token = token_of(url);
    let (s, body) = app
        .post(
            "/api/v1/auth/magic-link/verify",
            None,
            json!({"token": token, "password": PASSWORD}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["tenant"]["slug"], "acme");
    let (s, body) = app
        .post(
            "/api/v1/auth/magic-link/verify",
            None,
            json!({"token": token, "password": PASSWORD}),
        )
        .await;
    assert_eq!(error_code(s, &body), "invalid_token", "single use");
}

async fn with_smtp_the_link_is_mailed_in_the_tenants_language_and_not_shown(engine: Engine) {
    // Arrange
    let app = TestApp::spawn_with(
        engine,
        Options {
            smtp: true,
            ..Options::default()
        },
    )
    .await;
    let t = app.tenant("acme").await;
    let (s, b) = app
        .patch("/api/v1/tenants/acme", &t.admin.access, json!({"locale": "en"}))
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");

    // Act
    let (s, b) = app
        .post(
            "/api/v1/tenants/acme/members",
            Some(&t.admin.access),
            json!({"email": "new@acme.test", "role": "viewer", "name": "Nina"}),
        )
        .await;
    app.run_pending_jobs().await;
    let mails = app.wait_for_mails(1).await;

    // Assert
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_eq!(b["mail_sent"], true);
    assert!(b["accept_url"].is_null(), "the link belongs to the mailbox: {b}");
    let mail = &mails[0];
    assert_eq!(mail.to, vec!["new@acme.test".to_owned()]);
    assert!(mail.subject().starts_with("Invitation to"), "{}", mail.subject());
    let text = mail.text();
    assert!(
        text.contains("Hello Nina") && text.contains("valid for 7 days"),
        "{text}"
    );
    for pt in ["Olá", "Você", "senha", "Convite"] {
        assert!(
            !text.contains(pt) && !mail.subject().contains(pt),
            "no Portuguese in an English mail: {text}"
        );
    }

    // And in Spanish once the tenant speaks Spanish.
    app.patch("/api/v1/tenants/acme", &t.admin.access, json!({"locale": "es"}))
        .await;
    let (s, _) = app
        .post(
            "/api/v1/tenants/acme/members",
            Some(&t.admin.access),
            json!({"email": "otra@acme.test", "role": "viewer"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    app.run_pending_jobs().await;
    let mails = app.wait_for_mails(2).await;
    assert!(mails[1].subject().starts_with("Invitación a"), "{}", mails[1].subject());
    assert!(mails[1].text().contains("Hola"), "{}", mails[1].text());
}

async fn resending_revokes_the_old_link_and_stops_once_accepted(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("acme").await;
    let (_, b) = app
        .post(
            "/api/v1/tenants/acme/members",
            Some(&t.admin.access),
            json!({"email": "nova@acme.test", "role": "agent"}),
        )
        .await;
    let member = b["member"]["id"].as_str().unwrap().to_owned();
    let first = token_of(b["accept_url"].as_str().unwrap());
    let resend = format!("/api/v1/tenants/acme/members/{member}/resend-invitation");

    // Act
    let (s, b) = app.post_empty(&resend, &t.admin.access).await;

    // Assert
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["mail_sent"], false);
    assert_eq!(b["member"]["id"], member.as_str());
    let second = token_of(b["accept_url"].as_str().unwrap());
    assert_ne!(first, second);
    let (s, body) = app
        .post(
            "/api/v1/auth/magic-link/verify",
            None,
            json!({"token": first, "password": PASSWORD}),
        )
        .await;
    assert_eq!(error_code(s, &body), "invalid_token", "the old link is revoked");
    let (s, body) = app
        .post(
            "/api/v1/auth/magic-link/verify",
            None,
            json!({"token": second, "password": PASSWORD}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let (s, b) = app.post_empty(&resend, &t.admin.access).await;
    assert_eq!(s, StatusCode::CONFLICT, "{b}");
    assert_eq!(error_code(s, &b), "invitation_not_pending");
    let (_, logs) = app
        .get("/api/v1/audit/logs?action=members.invitation_resent", &t.admin.access)
        .await;
    let items = logs["items"].as_array().expect("audit items");
    assert!(
        items
            .iter()
            .any(|l| l["action"] == "members.invitation_resent" && l["entity_id"] == member.as_str()),
        "{logs}"
    );
}

async fn resend_is_for_admins_of_the_same_tenant(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let a = app.tenant("acme").await;
    let b = app.tenant("bravo").await;
    let agent = app.member(&a, "agent").await;
    let (_, inv) = app
        .post(
            "/api/v1/tenants/acme/members",
            Some(&a.admin.access),
            json!({"email": "nova@acme.test", "role": "agent"}),
        )
        .await;
    let member = inv["member"]["id"].as_str().unwrap();

    // Act
    let (cross, cross_body) = app
        .post_empty(
            &format!("/api/v1/tenants/bravo/members/{member}/resend-invitation"),
            &b.admin.access,
        )
        .await;
    let (by_agent, agent_body) = app
        .post_empty(
            &format!("/api/v1/tenants/acme/members/{member}/resend-invitation"),
            &agent.access,
        )
        .await;

    // Assert
    assert_eq!(cross, StatusCode::NOT_FOUND, "another tenant's member: {cross_body}");
    error_code(cross, &cross_body);
    assert_eq!(by_agent, StatusCode::FORBIDDEN, "{agent_body}");
    assert!(agent_body["accept_url"].is_null());
}

both_engines!(
    without_smtp_the_invite_says_so_and_offers_the_single_use_link,
    with_smtp_the_link_is_mailed_in_the_tenants_language_and_not_shown,
    resending_revokes_the_old_link_and_stops_once_accepted,
    resend_is_for_admins_of_the_same_tenant,
);
