//! "Esqueci a senha" (issue 10): a single-use, short-lived link by e-mail that sets a new
//! password and ends every session, without revealing which accounts exist.

use crate::harness::{Engine, Options, PASSWORD, TestApp, error_code};
use reqwest::StatusCode;
use serde_json::json;

const NEW_PASSWORD: &str = "a brand new passphrase";

fn with_smtp() -> Options {
    Options {
        smtp: true,
        ..Options::default()
    }
}

async fn audit_count(app: &TestApp, action: &str) -> u64 {
    use atende_db::entities::audit_logs::{Column, Entity};
    use atende_db::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let tx = app.core().db.platform_tx().await.unwrap();
    let n = Entity::find()
        .filter(Column::Action.eq(action))
        .count(atende_db::Scoped::conn(&tx))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    n
}

async fn reset_link_sets_the_password_once_and_ends_every_session(engine: Engine) {
    // Arrange
    let app = TestApp::spawn_with(engine, with_smtp()).await;
    let t = app.tenant("acme").await;
    let (s, b) = app
        .patch("/api/v1/users/me", &t.admin.access, json!({"locale": "es"}))
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");

    // Act
    let (known, known_body) = app
        .post("/api/v1/auth/password-reset", None, json!({"email": "admin@acme.test"}))
        .await;
    let (unknown, unknown_body) = app
        .post(
            "/api/v1/auth/password-reset",
            None,
            json!({"email": "nobody@acme.test"}),
        )
        .await;
    let (garbage, garbage_body) = app
        .post("/api/v1/auth/password-reset", None, json!({"email": "not an address"}))
        .await;
    assert_eq!(app.run_pending_jobs().await, 1, "one mail: none for unknown addresses");
    let mails = app.wait_for_mails(1).await;
    let token = mails[0].magic_token();

    // Assert: the same answer whatever the address.
    assert_eq!(
        (known, unknown, garbage),
        (StatusCode::ACCEPTED, StatusCode::ACCEPTED, StatusCode::ACCEPTED)
    );
    assert_eq!(known_body, unknown_body);
    assert_eq!(known_body, garbage_body);
    // The mail follows the account's language and carries the reset page's link.
    assert!(mails[0].subject().contains("contraseña"), "{}", mails[0].subject());
    assert!(mails[0].text().contains("/auth/reset?token=ml_"), "{}", mails[0].text());
    assert!(mails[0].text().contains("30 minutos"), "{}", mails[0].text());

    // A reset link does not sign in through the magic-link route (and is not burnt by trying).
    let (s, b) = app
        .post("/api/v1/auth/magic-link/verify", None, json!({"token": token}))
        .await;
    assert_eq!(error_code(s, &b), "invalid_token");
    // The password policy applies, and a refused password leaves the link usable.
    let (s, b) = app
        .post(
            "/api/v1/auth/password-reset/confirm",
            None,
            json!({"token": token, "password": "short"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert!(b["error"]["fields"]["password"].is_array(), "{b}");

    let (s, b) = app
        .post(
            "/api/v1/auth/password-reset/confirm",
            None,
            json!({"token": token, "password": NEW_PASSWORD}),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{b}");

    let (s, b) = app
        .post(
            "/api/v1/auth/password-reset/confirm",
            None,
            json!({"token": token, "password": "yet another passphrase"}),
        )
        .await;
    assert_eq!(error_code(s, &b), "invalid_token", "single use");
    let (s, b) = app
        .post("/api/v1/auth/refresh", None, json!({"refresh_token": t.admin.refresh}))
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "the old session ended: {b}");
    let (s, _) = app
        .post(
            "/api/v1/auth/token",
            None,
            json!({"email": "admin@acme.test", "password": PASSWORD}),
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "the old password is gone");
    let session = app.login("admin@acme.test", NEW_PASSWORD).await;
    assert!(!session.access.is_empty());
    assert_eq!(audit_count(&app, "auth.password_reset").await, 1);
    assert_eq!(audit_count(&app, "auth.password_reset_requested").await, 1);
}

async fn an_expired_link_is_refused(engine: Engine) {
    use atende_db::entities::magic_link_tokens::{Column, Entity};
    use atende_db::sea_orm::{EntityTrait, sea_query::Expr};
    // Arrange
    let app = TestApp::spawn_with(engine, with_smtp()).await;
    app.tenant("acme").await;
    app.post("/api/v1/auth/password-reset", None, json!({"email": "admin@acme.test"}))
        .await;
    app.run_pending_jobs().await;
    let token = app.wait_for_mails(1).await[0].magic_token();
    // Thirty-one minutes later.
    let tx = app.core().db.platform_tx().await.unwrap();
    Entity::update_many()
        .col_expr(
            Column::ExpiresAt,
            Expr::value(chrono::Utc::now() - chrono::Duration::minutes(1)),
        )
        .exec(atende_db::Scoped::conn(&tx))
        .await
        .unwrap();
    tx.commit().await.unwrap();

    // Act
    let (s, b) = app
        .post(
            "/api/v1/auth/password-reset/confirm",
            None,
            json!({"token": token, "password": NEW_PASSWORD}),
        )
        .await;

    // Assert
    assert_eq!(error_code(s, &b), "invalid_token");
    app.login("admin@acme.test", PASSWORD).await;
}

async fn requests_are_limited_per_account_but_still_answer_202(engine: Engine) {
    // Arrange
    let app = TestApp::spawn_with(engine, with_smtp()).await;
    app.tenant("acme").await;

    // Act
    let mut statuses = vec![];
    for _ in 0..7 {
        let (s, _) = app
            .post("/api/v1/auth/password-reset", None, json!({"email": "admin@acme.test"}))
            .await;
        statuses.push(s);
    }

    // Assert
    assert!(statuses.iter().all(|s| *s == StatusCode::ACCEPTED), "{statuses:?}");
    assert_eq!(app.run_pending_jobs().await, 5, "five links per account per 15 minutes");
}

async fn a_sign_in_link_is_not_a_reset_link(engine: Engine) {
    // Arrange
    let app = TestApp::spawn_with(engine, with_smtp()).await;
    app.tenant("acme").await;
    app.post("/api/v1/auth/magic-link", None, json!({"email": "admin@acme.test"}))
        .await;
    app.run_pending_jobs().await;
    let token = app.wait_for_mails(1).await[0].magic_token();

    // Act
    let (s, b) = app
        .post(
            "/api/v1/auth/password-reset/confirm",
            None,
            json!({"token": token, "password": NEW_PASSWORD}),
        )
        .await;

    // Assert
    assert_eq!(error_code(s, &b), "invalid_token");
    let (s, b) = app
        .post("/api/v1/auth/magic-link/verify", None, json!({"token": token}))
        .await;
    assert_eq!(s, StatusCode::OK, "the sign-in link still works: {b}");
}

both_engines!(
    reset_link_sets_the_password_once_and_ends_every_session,
    an_expired_link_is_refused,
    requests_are_limited_per_account_but_still_answer_202,
    a_sign_in_link_is_not_a_reset_link,
);
