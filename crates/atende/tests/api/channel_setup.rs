//! The connect form's knowledge: the public address and whether Meta can deliver to it, and the
//! admin's own verify token (checked, then used by Meta's handshake).

use crate::harness::{Engine, TestApp, error_code};
use crate::whatsapp::{APP_SECRET, PHONE_ID, mount_graph};
use reqwest::StatusCode;
use serde_json::json;

both_engines!(
    the_setup_says_whether_meta_can_reach_the_public_url,
    the_admin_may_choose_the_verify_token_within_its_rules,
);

async fn the_setup_says_whether_meta_can_reach_the_public_url(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("aurora").await;
    let (s, b) = app.get("/api/v1/channels/setup", &t.admin.access).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    // The tests serve on http://127.0.0.1:<port>: not HTTPS, and local.
    let public = app.core().config.public_url.trim_end_matches('/').to_owned();
    assert!(public.starts_with("http://127.0.0.1:"), "{public}");
    assert_eq!(b["public_url"], public);
    assert_eq!(b["https"], false);
    assert_eq!(b["local"], true);
    assert_eq!(b["webhook_url_prefix"], format!("{public}/api/v1/webhooks/whatsapp/"));
    // Anyone who reads channels (an agent); not without signing in.
    let agent = app.member(&t, "agent").await;
    let (s, _) = app.get("/api/v1/channels/setup", &agent.access).await;
    assert_eq!(s, StatusCode::OK);
    let r = app.client.get(app.url("/api/v1/channels/setup")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

async fn the_admin_may_choose_the_verify_token_within_its_rules(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    mount_graph(&app).await;
    let t = app.tenant("aurora").await;
    let connect = |token: &str| {
        app.post(
            "/api/v1/channels/connectors",
            Some(&t.admin.access),
            json!({
                "kind": "whatsapp_cloud",
                "name": "Casa Aurora",
                "credentials": {
                    "phone_number_id": PHONE_ID,
                    "waba_id": "104829375610293",
                    "access_token": "EAAG-secret-token-abcd",
                    "app_secret": APP_SECRET,
                    "verify_token": token
                }
            }),
        )
    };
    for bad in ["curto", "tem espaço no meio", "a&hub.mode=x-123"] {
        let (s, b) = connect(bad).await;
        assert_eq!(error_code(s, &b), "validation_failed", "{bad}: {b}");
        assert!(b.to_string().contains("credentials.verify_token"), "{b}");
    }
    let (s, _) = app.get("/api/v1/channels", &t.admin.access).await;
    assert_eq!(s, StatusCode::OK);

    let mine = "minha-chave_da.Aurora~2026";
    let (s, b) = connect(mine).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let id = b["id"].as_str().unwrap();
    let r = app
        .client
        .get(app.url(&format!(
            "/api/v1/webhooks/whatsapp/{id}?hub.mode=subscribe&hub.verify_token={mine}&hub.challenge=42"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.text().await.unwrap(), "42");

    // Changing it later follows the same rules.
    let (s, b) = app
        .patch(
            &format!("/api/v1/channels/{id}"),
            &t.admin.access,
            json!({"credentials": {"verify_token": "x y"}}),
        )
        .await;
    assert_eq!(error_code(s, &b), "validation_failed", "{b}");
}
