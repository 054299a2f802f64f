//! Sign-in, sessions, throttling, magic links over real SMTP, TOTP, the caller's profile.

use crate::harness::{Engine, Options, PASSWORD, TestApp, error_code};
use reqwest::StatusCode;
use serde_json::json;

fn totp_code(secret_b32: &str) -> String {
    let secret = totp_rs::Secret::try_from_base32(secret_b32).expect("base32 secret");
    totp_rs::Builder::new()
        .with_secret(secret)
        .build()
        .expect("totp")
        .generate_current()
        .to_string()
}

async fn login_returns_tokens_user_and_tenants(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("acme").await;

    let (s, b) = app
        .post(
            "/api/v1/auth/token",
            None,
            json!({"email": "ADMIN@acme.test ", "password": PASSWORD}),
        )
        .await;

    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["token_type"], "Bearer");
    assert_eq!(b["expires_in"], 900);
    assert_eq!(b["user"]["email"], "admin@acme.test");
    assert_eq!(b["tenant"]["slug"], "acme");
    assert_eq!(b["tenant"]["role"], "admin");
    assert_eq!(b["tenants"].as_array().unwrap().len(), 1);
    assert!(b["user"].get("password_hash").is_none());
    let (s, me) = app.get("/api/v1/users/me", b["access_token"].as_str().unwrap()).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(me["tenant"]["id"], t.id.to_string());
}

async fn wrong_password_and_unknown_email_look_the_same(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    app.tenant("acme").await;

    let (s1, b1) = app
        .post(
            "/api/v1/auth/token",
            None,
            json!({"email": "admin@acme.test", "password": "wrong password!"}),
        )
        .await;
    let (s2, b2) = app
        .post(
            "/api/v1/auth/token",
            None,
            json!({"email": "nobody@acme.test", "password": "wrong password!"}),
        )
        .await;

    assert_eq!(s1, StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(s1, &b1), "invalid_credentials");
    assert_eq!(s2, StatusCode::UNAUTHORIZED);
    assert_eq!(b1, b2);
}

async fn five_failures_lock_the_account_with_retry_after(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    app.tenant("acme").await;
    for _ in 0..5 {
        let (s, _) = app
            .post(
                "/api/v1/auth/token",
                None,
                json!({"email": "admin@acme.test", "password": "not the password"}),
            )
            .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
    }

    let res = app
        .client
        .post(app.url("/api/v1/auth/token"))
        .json(&json!({"email": "admin@acme.test", "password": PASSWORD}))
        .send()
        .await
        .unwrap();

    assert_eq!(
        res.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits out the lock"
    );
    let retry: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=900).contains(&retry), "{retry}");
    let b: serde_json::Value = res.json().await.unwrap();
    assert_eq!(b["error"]["code"], "too_many_attempts");
    // Another account is not affected.
    app.tenant("other").await;
}

async fn per_ip_limit_answers_429(engine: Engine) {
    let app = TestApp::spawn_with(
        engine,
        Options {
            auth_per_ip_per_minute: 3,
            ..Options::default()
        },
    )
    .await;
    let mut statuses = vec![];
    for i in 0..5 {
        let (s, b) = app
            .post(
                "/api/v1/auth/magic-link",
                None,
                json!({"email": format!("x{i}@y.test")}),
            )
            .await;
        statuses.push(s);
        if s == StatusCode::TOO_MANY_REQUESTS {
            assert_eq!(error_code(s, &b), "too_many_requests");
        }
    }
    assert_eq!(&statuses[..3], &[StatusCode::ACCEPTED; 3]);
    assert_eq!(statuses[4], StatusCode::TOO_MANY_REQUESTS);
}

async fn refresh_rotates_and_reuse_revokes_the_family(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("acme").await;
    let first = t.admin.refresh.clone();

    let (s, b) = app
        .post("/api/v1/auth/refresh", None, json!({"refresh_token": first}))
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let second = b["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(first, second);
    let (s, _) = app.get("/api/v1/users/me", b["access_token"].as_str().unwrap()).await;
    assert_eq!(s, StatusCode::OK);

    // The first token comes back: it was copied. The whole session ends.
    let (s, b) = app
        .post("/api/v1/auth/refresh", None, json!({"refresh_token": first}))
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(s, &b), "token_reused");
    let (s, b) = app
        .post("/api/v1/auth/refresh", None, json!({"refresh_token": second}))
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "the legitimate holder must sign in again");
    assert_eq!(error_code(s, &b), "invalid_token");
    // Another session of the same user is untouched.
    let other = app.login("admin@acme.test", PASSWORD).await;
    let (s, _) = app
        .post("/api/v1/auth/refresh", None, json!({"refresh_token": other.refresh}))
        .await;
    assert_eq!(s, StatusCode::OK);
}

async fn garbage_refresh_token_is_401(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (s, b) = app
        .post("/api/v1/auth/refresh", None, json!({"refresh_token": "rt_nope"}))
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(s, &b), "invalid_token");
}

async fn logout_ends_the_session(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("acme").await;

    let (s, _) = app.post_empty("/api/v1/auth/logout", &t.admin.access).await;
    assert_eq!(s, StatusCode::NO_CONTENT);

    let (s, b) = app
        .post("/api/v1/auth/refresh", None, json!({"refresh_token": t.admin.refresh}))
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(s, &b), "invalid_token");
}

async fn switch_tenant_moves_the_session(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let a = app.tenant("alpha").await;
    let b = app.tenant("beta").await;
    app.tenant("gamma").await;
    // alpha's admin is also an agent in beta.
    let (s, _) = app
        .post(
            &format!("/api/v1/tenants/{}/members", b.slug),
            Some(&b.admin.access),
            json!({"email": "admin@alpha.test", "role": "agent"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);

    let (s, body) = app
        .post(
            "/api/v1/auth/switch-tenant",
            Some(&a.admin.access),
            json!({"tenant": "beta"}),
        )
        .await;

    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["tenant"]["slug"], "beta");
    assert_eq!(body["tenant"]["role"], "agent");
    let token = body["access_token"].as_str().unwrap();
    let (_, me) = app.get("/api/v1/users/me", token).await;
    assert_eq!(me["tenant"]["id"], b.id.to_string());
    assert_eq!(me["tenants"].as_array().unwrap().len(), 2);
    // The old session is closed.
    let (s, _) = app
        .post("/api/v1/auth/refresh", None, json!({"refresh_token": a.admin.refresh}))
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    // Not a member of gamma.
    let (s, b2) = app
        .post("/api/v1/auth/switch-tenant", Some(token), json!({"tenant": "gamma"}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(error_code(s, &b2), "not_a_member");
}

async fn magic_link_signs_in_over_real_smtp_once(engine: Engine) {
    let app = TestApp::spawn_with(
        engine,
        Options {
            smtp: true,
            ..Options::default()
        },
    )
    .await;
    app.tenant("acme").await;

    let (s, _) = app
        .post("/api/v1/auth/magic-link", None, json!({"email": "admin@acme.test"}))
        .await;
    assert_eq!(s, StatusCode::ACCEPTED);
    let (s, _) = app
        .post("/api/v1/auth/magic-link", None, json!({"email": "nobody@acme.test"}))
        .await;
    assert_eq!(s, StatusCode::ACCEPTED, "no account enumeration");
    assert_eq!(
        app.run_pending_jobs().await,
        1,
        "one mail job: none for the unknown address"
    );
    let mails = app.wait_for_mails(1).await;

    assert_eq!(mails[0].to, vec!["admin@acme.test".to_owned()]);
    assert!(mails[0].text().contains("/auth/magic?token=ml_"), "{}", mails[0].text());
    let token = mails[0].magic_token();
    let (s, b) = app
        .post("/api/v1/auth/magic-link/verify", None, json!({"token": token}))
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["tenant"]["slug"], "acme");
    let (s, b) = app
        .post("/api/v1/auth/magic-link/verify", None, json!({"token": token}))
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "single use");
    assert_eq!(error_code(s, &b), "invalid_token");
}

async fn totp_enrol_confirm_login_and_disable(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("acme").await;
    let tok = t.admin.access.as_str();

    let (s, b) = app
        .post(
            "/api/v1/users/me/totp/enroll",
            Some(tok),
            json!({"password": "not it at all"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "enrolment needs the password: {b}");
    assert_eq!(b["error"]["code"], "invalid_password");
    assert!(b["error"]["fields"]["password"].is_array());
    let (s, b) = app
        .post("/api/v1/users/me/totp/enroll", Some(tok), json!({"password": PASSWORD}))
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let uri = b["otpauth_uri"].as_str().unwrap();
    assert!(uri.starts_with("otpauth://totp/Atende:admin%40acme.test?"), "{uri}");
    let secret = b["secret"].as_str().unwrap().to_owned();
    assert!(uri.contains(&secret));

    let (s, b) = app
        .post("/api/v1/users/me/totp/confirm", Some(tok), json!({"code": "000000"}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert!(b["error"]["fields"]["code"].is_array());
    let (s, _) = app
        .post(
            "/api/v1/users/me/totp/confirm",
            Some(tok),
            json!({"code": totp_code(&secret)}),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);

    let (s, b) = app
        .post(
            "/api/v1/auth/token",
            None,
            json!({"email": "admin@acme.test", "password": PASSWORD}),
        )
        .await;
    assert_eq!(
        (s, error_code(s, &b)),
        (StatusCode::UNAUTHORIZED, "totp_required".to_owned())
    );
    let (s, b) = app
        .post(
            "/api/v1/auth/token",
            None,
            json!({"email": "admin@acme.test", "password": PASSWORD, "totp_code": "123456"}),
        )
        .await;
    assert_eq!(
        (s, error_code(s, &b)),
        (StatusCode::UNAUTHORIZED, "invalid_totp".to_owned())
    );
    let (s, b) = app
        .post(
            "/api/v1/auth/token",
            None,
            json!({"email": "admin@acme.test", "password": PASSWORD, "totp_code": totp_code(&secret)}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["user"]["totp_enabled"], true);

    let (s, _) = app
        .post(
            "/api/v1/users/me/totp/disable",
            Some(tok),
            json!({"password": PASSWORD, "code": totp_code(&secret)}),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    app.login("admin@acme.test", PASSWORD).await;
}

async fn profile_update_and_password_change(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("acme").await;
    let other_session = app.login("admin@acme.test", PASSWORD).await;
    let tok = t.admin.access.as_str();

    let (s, b) = app
        .patch("/api/v1/users/me", tok, json!({"name": "Ana Souza", "locale": "es"}))
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(
        (b["name"].as_str(), b["locale"].as_str()),
        (Some("Ana Souza"), Some("es"))
    );

    let (s, b) = app
        .patch("/api/v1/users/me", tok, json!({"locale": "fr", "name": ""}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        b["error"]["fields"]["locale"].is_array() && b["error"]["fields"]["name"].is_array(),
        "{b}"
    );

    let (s, b) = app
        .patch(
            "/api/v1/users/me",
            tok,
            json!({"new_password": "a brand new secret", "current_password": "wrong one!"}),
        )
        .await;
    // A wrong re-authentication is 403 `invalid_password`, naming the field.
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(b["error"]["code"], "invalid_password");
    assert!(b["error"]["fields"]["current_password"].is_array());

    let (s, _) = app
        .patch(
            "/api/v1/users/me",
            tok,
            json!({"new_password": "a brand new secret", "current_password": PASSWORD}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = app
        .post(
            "/api/v1/auth/token",
            None,
            json!({"email": "admin@acme.test", "password": PASSWORD}),
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    app.login("admin@acme.test", "a brand new secret").await;
    // Other sessions are closed; the one that made the change goes on.
    let (s, _) = app
        .post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": other_session.refresh}),
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _) = app
        .post("/api/v1/auth/refresh", None, json!({"refresh_token": t.admin.refresh}))
        .await;
    assert_eq!(s, StatusCode::OK);
}

async fn api_key_authenticates_until_revoked(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("acme").await;
    let (s, b) = app
        .post(
            "/api/v1/api-keys",
            Some(&t.admin.access),
            json!({"name": "ERP", "role": "supervisor"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let secret = b["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("atk_") && secret.starts_with(b["key"]["prefix"].as_str().unwrap()));

    let (s, _) = app
        .post("/api/v1/departments", Some(&secret), json!({"name": "Vendas"}))
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, b2) = app.get("/api/v1/users/me", &secret).await;
    assert_eq!(
        (s, error_code(s, &b2)),
        (StatusCode::FORBIDDEN, "user_required".to_owned())
    );

    let (s, _) = app
        .delete(
            &format!("/api/v1/api-keys/{}", b["key"]["id"].as_str().unwrap()),
            &t.admin.access,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, b) = app.get("/api/v1/departments", &secret).await;
    assert_eq!(
        (s, error_code(s, &b)),
        (StatusCode::UNAUTHORIZED, "invalid_token".to_owned())
    );
}

both_engines!(
    login_returns_tokens_user_and_tenants,
    wrong_password_and_unknown_email_look_the_same,
    five_failures_lock_the_account_with_retry_after,
    per_ip_limit_answers_429,
    refresh_rotates_and_reuse_revokes_the_family,
    garbage_refresh_token_is_401,
    logout_ends_the_session,
    switch_tenant_moves_the_session,
    magic_link_signs_in_over_real_smtp_once,
    totp_enrol_confirm_login_and_disable,
    profile_update_and_password_change,
    api_key_authenticates_until_revoked,
);

mod review_fixes {
    //! Regressions for the security review of the foundation.
    use crate::harness::{Engine, PASSWORD, TestApp, error_code};
    use reqwest::StatusCode;
    use serde_json::json;

    async fn a_logged_out_access_token_cannot_mint_a_new_session(engine: Engine) {
        let app = TestApp::spawn(engine).await;
        let t = app.tenant("acme").await;
        let (s, _) = app.post_empty("/api/v1/auth/logout", &t.admin.access).await;
        assert_eq!(s, StatusCode::NO_CONTENT);

        // The access token still verifies for its last minutes, but it names an ended session.
        let (s, b) = app
            .post(
                "/api/v1/auth/switch-tenant",
                Some(&t.admin.access),
                json!({"tenant": "acme"}),
            )
            .await;

        assert_eq!(
            (s, error_code(s, &b)),
            (StatusCode::UNAUTHORIZED, "invalid_token".to_owned())
        );
    }

    async fn deactivation_ends_sessions_in_that_tenant_only(engine: Engine) {
        let app = TestApp::spawn(engine).await;
        let a = app.tenant("alpha").await;
        let b = app.tenant("bravo").await;
        // alpha's admin is also an agent in bravo, with a session there.
        let (s, m) = app
            .post(
                "/api/v1/tenants/bravo/members",
                Some(&b.admin.access),
                json!({"email": "admin@alpha.test", "role": "agent"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED);
        let in_bravo = app.login_to("admin@alpha.test", "bravo").await;

        let path = format!("/api/v1/tenants/bravo/members/{}", m["member"]["id"].as_str().unwrap());
        let (s, _) = app.patch(&path, &b.admin.access, json!({"active": false})).await;
        assert_eq!(s, StatusCode::OK);

        let (s, _) = app
            .post("/api/v1/auth/refresh", None, json!({"refresh_token": in_bravo.refresh}))
            .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "the bravo session ends");
        let (s, _) = app
            .post("/api/v1/auth/refresh", None, json!({"refresh_token": a.admin.refresh}))
            .await;
        assert_eq!(s, StatusCode::OK, "the alpha session goes on");
    }

    async fn an_api_key_cannot_mint_keys_or_manage_members(engine: Engine) {
        let app = TestApp::spawn(engine).await;
        let t = app.tenant("acme").await;
        let (_, k) = app
            .post(
                "/api/v1/api-keys",
                Some(&t.admin.access),
                json!({"name": "ERP", "role": "admin"}),
            )
            .await;
        let key = k["secret"].as_str().unwrap();

        for (path, body) in [
            ("/api/v1/api-keys", json!({"name": "more", "role": "admin"})),
            (
                "/api/v1/tenants/acme/members",
                json!({"email": "evil@x.test", "role": "admin"}),
            ),
        ] {
            let (s, b) = app.post(path, Some(key), body).await;
            assert_eq!(
                (s, error_code(s, &b)),
                (StatusCode::FORBIDDEN, "person_required".to_owned()),
                "{path}"
            );
        }
        let (s, _) = app
            .post("/api/v1/departments", Some(key), json!({"name": "Vendas"}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "keys still work data");
    }

    async fn failed_logins_recorded(app: &TestApp) -> u64 {
        use atende_db::entities::audit_logs::{Column, Entity};
        use atende_db::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
        let tx = app.core().db.platform_tx().await.unwrap();
        let n = Entity::find()
            .filter(Column::Action.eq("auth.login_failed"))
            .count(atende_db::Scoped::conn(&tx))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        n
    }

    async fn a_malformed_email_fails_like_a_wrong_password_and_writes_nothing(engine: Engine) {
        let app = TestApp::spawn(engine).await;
        app.tenant("acme").await;
        let (s, _) = app
            .post(
                "/api/v1/auth/token",
                None,
                json!({"email": "admin@acme.test", "password": "wrong one!"}),
            )
            .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        assert_eq!(failed_logins_recorded(&app).await, 1, "a wrong password is recorded");

        let huge = "x".repeat(100_000);
        let (s, b) = app
            .post("/api/v1/auth/token", None, json!({"email": huge, "password": PASSWORD}))
            .await;

        assert_eq!(
            (s, error_code(s, &b)),
            (StatusCode::UNAUTHORIZED, "invalid_credentials".to_owned())
        );
        assert_eq!(
            failed_logins_recorded(&app).await,
            1,
            "a malformed e-mail writes nothing"
        );
    }

    async fn a_totp_code_signs_in_once(engine: Engine) {
        let app = TestApp::spawn(engine).await;
        let t = app.tenant("acme").await;
        let (_, e) = app
            .post(
                "/api/v1/users/me/totp/enroll",
                Some(&t.admin.access),
                json!({"password": PASSWORD}),
            )
            .await;
        let secret = e["secret"].as_str().unwrap().to_owned();
        let (s, _) = app
            .post(
                "/api/v1/users/me/totp/confirm",
                Some(&t.admin.access),
                json!({"code": super::totp_code(&secret)}),
            )
            .await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        let code = super::totp_code(&secret);
        let body = json!({"email": "admin@acme.test", "password": PASSWORD, "totp_code": code});
        let (s, _) = app.post("/api/v1/auth/token", None, body.clone()).await;
        assert_eq!(s, StatusCode::OK);

        let (s, b) = app.post("/api/v1/auth/token", None, body).await;

        assert_eq!(
            (s, error_code(s, &b)),
            (StatusCode::UNAUTHORIZED, "invalid_totp".to_owned()),
            "a replayed code"
        );
    }

    async fn a_sent_mail_job_keeps_no_link(engine: Engine) {
        use atende_db::entities::jobs::{Column, Entity};
        use atende_db::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let app = TestApp::spawn(engine).await;
        app.tenant("acme").await;
        let (s, _) = app
            .post("/api/v1/auth/magic-link", None, json!({"email": "admin@acme.test"}))
            .await;
        assert_eq!(s, StatusCode::ACCEPTED);

        assert_eq!(app.run_pending_jobs().await, 1);

        let tx = app.core().db.platform_tx().await.unwrap();
        let job = Entity::find()
            .filter(Column::Kind.eq("mail.send"))
            .one(atende_db::Scoped::conn(&tx))
            .await
            .unwrap()
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(job.status, "done");
        assert!(!job.payload.to_string().contains("token="), "{}", job.payload);
    }

    async fn wrong_current_passwords_count_toward_the_lock(engine: Engine) {
        let app = TestApp::spawn(engine).await;
        let t = app.tenant("acme").await;
        for _ in 0..5 {
            let body = json!({"current_password": "guess guess", "new_password": "a brand new secret"});
            let (s, _) = app.patch("/api/v1/users/me", &t.admin.access, body).await;
            assert_eq!(s, StatusCode::FORBIDDEN);
        }

        let body = json!({"current_password": PASSWORD, "new_password": "a brand new secret"});
        let (s, b) = app.patch("/api/v1/users/me", &t.admin.access, body).await;

        assert_eq!(
            (s, error_code(s, &b)),
            (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts".to_owned())
        );
    }

    both_engines!(
        wrong_current_passwords_count_toward_the_lock,
        a_totp_code_signs_in_once,
        a_sent_mail_job_keeps_no_link,
        a_logged_out_access_token_cannot_mint_a_new_session,
        deactivation_ends_sessions_in_that_tenant_only,
        an_api_key_cannot_mint_keys_or_manage_members,
        a_malformed_email_fails_like_a_wrong_password_and_writes_nothing,
    );
}
