//! Tenants and their people: creation by the platform, invitations over real SMTP, listing,
//! profile updates, suspension, members' roles and deactivation, custom domains.

use crate::harness::{Engine, Options, PASSWORD, TenantFixture, TestApp, error_code};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

fn new_tenant(slug: &str, admin_email: &str, password: Option<&str>) -> Value {
    let mut admin = json!({"email": admin_email, "name": "Primeira Admin"});
    if let Some(p) = password {
        admin["password"] = json!(p);
    }
    json!({"slug": slug, "name": format!("Empresa {slug}"), "admin": admin})
}

/// The membership id of `user_id` in the tenant, read through the API.
async fn membership_of(app: &TestApp, t: &TenantFixture, user_id: Uuid) -> String {
    let (s, b) = app
        .get(
            &format!("/api/v1/tenants/{}/members?limit=200", t.slug),
            &t.admin.access,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let m = b["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["user_id"] == user_id.to_string())
        .unwrap_or_else(|| panic!("{user_id} is not listed: {b}"));
    m["id"].as_str().unwrap().to_owned()
}

fn field_errors(body: &Value, field: &str) -> Vec<String> {
    body["error"]["fields"][field]
        .as_array()
        .unwrap_or_else(|| panic!("no error on `{field}`: {body}"))
        .iter()
        .map(|m| m.as_str().unwrap().to_owned())
        .collect()
}

async fn login_status(app: &TestApp, email: &str, tenant: Option<&str>) -> (StatusCode, Value) {
    let mut body = json!({"email": email, "password": PASSWORD});
    if let Some(t) = tenant {
        body["tenant"] = json!(t);
    }
    app.post("/api/v1/auth/token", None, body).await
}

async fn super_admin_creates_tenant_whose_admin_can_sign_in(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let root = app.super_admin().await;

    // Act
    let (s, b) = app
        .post(
            "/api/v1/tenants",
            Some(&root.access),
            new_tenant("padaria", "Dona@Padaria.test", Some(PASSWORD)),
        )
        .await;

    // Assert
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_eq!(b["tenant"]["slug"], "padaria");
    assert_eq!(b["tenant"]["status"], "active");
    assert_eq!(b["tenant"]["time_zone"], "America/Sao_Paulo");
    assert_eq!(b["tenant"]["locale"], "pt-BR");
    assert_eq!(b["admin"]["email"], "dona@padaria.test");
    let session = app.login_to("dona@padaria.test", "padaria").await;
    let tenant_id: Uuid = b["tenant"]["id"].as_str().unwrap().parse().unwrap();
    assert_eq!(session.tenant_id, Some(tenant_id));
    assert_eq!(session.body["tenant"]["role"], "admin");
}

async fn creating_tenant_with_taken_slug_is_409_on_slug(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let root = app.super_admin().await;
    let (s, _) = app
        .post(
            "/api/v1/tenants",
            Some(&root.access),
            new_tenant("acme", "a@acme.test", Some(PASSWORD)),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);

    // Act
    let (s, b) = app
        .post(
            "/api/v1/tenants",
            Some(&root.access),
            new_tenant("acme", "b@acme.test", Some(PASSWORD)),
        )
        .await;

    // Assert
    assert_eq!(s, StatusCode::CONFLICT, "{b}");
    error_code(s, &b);
    assert!(!field_errors(&b, "slug").is_empty());
}

async fn creating_tenant_with_invalid_fields_is_422_naming_each(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let root = app.super_admin().await;
    let mut body = new_tenant("Not A Slug!", "not-an-email", Some("short"));
    body["time_zone"] = json!("Mars/Olympus_Mons");
    body["locale"] = json!("fr-FR");

    // Act
    let (s, b) = app.post("/api/v1/tenants", Some(&root.access), body).await;

    // Assert
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(error_code(s, &b), "validation_failed");
    for field in ["slug", "time_zone", "locale", "admin_email", "admin_password"] {
        assert!(!field_errors(&b, field).is_empty(), "{field}");
    }
    let (s, b) = app.get("/api/v1/tenants", &root.access).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(b["items"].as_array().unwrap().len(), 0, "nothing was created: {b}");
}

async fn only_the_platform_creates_and_lists_tenants(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("acme").await;

    // Act
    let (create, create_body) = app
        .post(
            "/api/v1/tenants",
            Some(&t.admin.access),
            new_tenant("evil", "e@evil.test", Some(PASSWORD)),
        )
        .await;
    let (list, list_body) = app.get("/api/v1/tenants", &t.admin.access).await;

    // Assert
    assert_eq!(create, StatusCode::FORBIDDEN, "{create_body}");
    assert_eq!(error_code(create, &create_body), "forbidden");
    assert_eq!(list, StatusCode::FORBIDDEN, "{list_body}");
    error_code(list, &list_body);
}

async fn tenant_admin_without_password_is_invited_by_mail_and_sets_one_with_a_single_use_link(engine: Engine) {
    // Arrange
    let app = TestApp::spawn_with(
        engine,
        Options {
            smtp: true,
            ..Default::default()
        },
    )
    .await;
    let root = app.super_admin().await;
    let (s, b) = app
        .post(
            "/api/v1/tenants",
            Some(&root.access),
            new_tenant("loja", "gerente@loja.test", None),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let (s, b) = login_status(&app, "gerente@loja.test", Some("loja")).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "no password yet: {b}");

    // Act: the invitation travels through the job queue and a real SMTP server.
    assert!(app.run_pending_jobs().await >= 1);
    let mails = app.wait_for_mails(1).await;
    let mail = &mails[0];
    let token = mail.magic_token();
    let (no_password, no_password_body) = app
        .post("/api/v1/auth/magic-link/verify", None, json!({"token": token}))
        .await;
    let (accepted, accepted_body) = app
        .post(
            "/api/v1/auth/magic-link/verify",
            None,
            json!({"token": token, "password": PASSWORD}),
        )
        .await;
    let (again, again_body) = app
        .post(
            "/api/v1/auth/magic-link/verify",
            None,
            json!({"token": token, "password": PASSWORD}),
        )
        .await;

    // Assert
    assert_eq!(mail.to, vec!["gerente@loja.test".to_owned()]);
    assert!(mail.subject().contains("Empresa loja"), "{}", mail.subject());
    assert!(mail.text().contains("/auth/magic?token="), "{}", mail.text());
    assert_eq!(no_password, StatusCode::UNPROCESSABLE_ENTITY, "{no_password_body}");
    assert!(!field_errors(&no_password_body, "password").is_empty());
    assert_eq!(accepted, StatusCode::OK, "{accepted_body}");
    assert!(accepted_body["access_token"].is_string());
    assert_eq!(accepted_body["tenant"]["slug"], "loja");
    assert_eq!(accepted_body["tenant"]["role"], "admin");
    assert_eq!(again, StatusCode::UNAUTHORIZED, "{again_body}");
    assert_eq!(error_code(again, &again_body), "invalid_token");
    let session = app.login_to("gerente@loja.test", "loja").await;
    assert_eq!(session.body["tenant"]["role"], "admin");
}

async fn tenants_are_listed_with_pagination_and_status_filter(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let root = app.super_admin().await;
    let mut ids = Vec::new();
    for slug in ["t-one", "t-two", "t-three"] {
        let (s, b) = app
            .post(
                "/api/v1/tenants",
                Some(&root.access),
                new_tenant(slug, &format!("a@{slug}.test"), Some(PASSWORD)),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        ids.push(b["tenant"]["id"].as_str().unwrap().to_owned());
    }
    let (s, _) = app
        .patch(
            &format!("/api/v1/tenants/{}", ids[1]),
            &root.access,
            json!({"status": "suspended"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);

    // Act
    let (s1, page1) = app.get("/api/v1/tenants?limit=2", &root.access).await;
    let cursor = page1["next_cursor"].as_str().expect("a second page").to_owned();
    let (s2, page2) = app
        .get(&format!("/api/v1/tenants?limit=2&cursor={cursor}"), &root.access)
        .await;
    let (s3, suspended) = app.get("/api/v1/tenants?status=suspended", &root.access).await;
    let (s4, active) = app.get("/api/v1/tenants?status=active", &root.access).await;
    let (s5, bad) = app.get("/api/v1/tenants?status=deleted", &root.access).await;
    let (s6, too_many) = app.get("/api/v1/tenants?limit=201", &root.access).await;

    // Assert
    assert_eq!(
        (s1, s2, s3, s4),
        (StatusCode::OK, StatusCode::OK, StatusCode::OK, StatusCode::OK)
    );
    let slugs = |v: &Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["slug"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(slugs(&page1), ["t-one", "t-two"]);
    assert_eq!(slugs(&page2), ["t-three"]);
    assert!(page2["next_cursor"].is_null());
    assert_eq!(slugs(&suspended), ["t-two"]);
    assert_eq!(slugs(&active), ["t-one", "t-three"]);
    assert_eq!(s5, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    assert!(!field_errors(&bad, "status").is_empty());
    assert_eq!(s6, StatusCode::UNPROCESSABLE_ENTITY, "{too_many}");
    assert!(!field_errors(&too_many, "limit").is_empty());
}

async fn tenant_is_read_by_id_or_slug_by_the_platform_and_its_own_admin(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let root = app.super_admin().await;
    let acme = app.tenant("acme").await;
    let other = app.tenant("other").await;

    // Act
    let (by_id, by_id_body) = app.get(&format!("/api/v1/tenants/{}", acme.id), &root.access).await;
    let (by_slug, by_slug_body) = app.get("/api/v1/tenants/acme", &root.access).await;
    let (own, own_body) = app.get("/api/v1/tenants/acme", &acme.admin.access).await;
    let (own_id, _) = app
        .get(&format!("/api/v1/tenants/{}", acme.id), &acme.admin.access)
        .await;
    let (foreign_slug, foreign_slug_body) = app.get("/api/v1/tenants/other", &acme.admin.access).await;
    let (foreign_id, foreign_id_body) = app
        .get(&format!("/api/v1/tenants/{}", other.id), &acme.admin.access)
        .await;
    let (unknown, unknown_body) = app.get("/api/v1/tenants/nobody-here", &root.access).await;

    // Assert
    assert_eq!(by_id, StatusCode::OK, "{by_id_body}");
    assert_eq!(by_id_body["slug"], "acme");
    assert_eq!(by_slug, StatusCode::OK);
    assert_eq!(by_slug_body["id"], acme.id.to_string());
    assert_eq!(own, StatusCode::OK, "{own_body}");
    assert_eq!(own_body["id"], acme.id.to_string());
    assert_eq!(own_id, StatusCode::OK);
    for (s, b) in [
        (foreign_slug, &foreign_slug_body),
        (foreign_id, &foreign_id_body),
        (unknown, &unknown_body),
    ] {
        assert_eq!(s, StatusCode::NOT_FOUND, "{b}");
        assert_eq!(error_code(s, b), "not_found");
    }
}

async fn tenant_admin_updates_own_profile_but_not_its_status(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let acme = app.tenant("acme").await;
    let other = app.tenant("other").await;
    let agent = app.member(&acme, "agent").await;

    // Act
    let (s, b) = app
        .patch(
            "/api/v1/tenants/acme",
            &acme.admin.access,
            json!({"name": "Acme Atendimento", "time_zone": "America/Manaus", "locale": "es", "settings": {"greeting": "Olá!"}}),
        )
        .await;
    let (status, status_body) = app
        .patch(
            "/api/v1/tenants/acme",
            &acme.admin.access,
            json!({"status": "suspended"}),
        )
        .await;
    let (bad, bad_body) = app
        .patch(
            "/api/v1/tenants/acme",
            &acme.admin.access,
            json!({"time_zone": "Nowhere/Land", "locale": "xx", "settings": [1]}),
        )
        .await;
    let (by_agent, by_agent_body) = app
        .patch("/api/v1/tenants/acme", &agent.access, json!({"name": "Agent Inc"}))
        .await;
    let (foreign, foreign_body) = app
        .patch(
            &format!("/api/v1/tenants/{}", other.id),
            &acme.admin.access,
            json!({"name": "Mine"}),
        )
        .await;

    // Assert
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["name"], "Acme Atendimento");
    assert_eq!(b["time_zone"], "America/Manaus");
    assert_eq!(b["locale"], "es");
    assert_eq!(b["settings"]["greeting"], "Olá!");
    assert_eq!(status, StatusCode::FORBIDDEN, "{status_body}");
    error_code(status, &status_body);
    assert_eq!(bad, StatusCode::UNPROCESSABLE_ENTITY, "{bad_body}");
    for field in ["time_zone", "locale", "settings"] {
        assert!(!field_errors(&bad_body, field).is_empty(), "{field}");
    }
    assert_eq!(by_agent, StatusCode::FORBIDDEN, "{by_agent_body}");
    assert_eq!(foreign, StatusCode::NOT_FOUND, "{foreign_body}");
    let (_, now) = app.get("/api/v1/tenants/acme", &acme.admin.access).await;
    assert_eq!(now["status"], "active");
    assert_eq!(now["name"], "Acme Atendimento");
}

async fn suspended_tenant_locks_out_its_users_until_reactivated(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let root = app.super_admin().await;
    let acme = app.tenant("acme").await;
    let agent = app.member(&acme, "agent").await;
    let (s, _) = app.get("/api/v1/departments", &agent.access).await;
    assert_eq!(s, StatusCode::OK);

    // Act
    let (suspend, suspend_body) = app
        .patch("/api/v1/tenants/acme", &root.access, json!({"status": "suspended"}))
        .await;
    let (login, login_body) = login_status(&app, &acme.admin_email, Some("acme")).await;
    let (token, token_body) = app.get("/api/v1/departments", &agent.access).await;
    let (admin_token, admin_token_body) = app.get("/api/v1/departments", &acme.admin.access).await;

    // Assert
    assert_eq!(suspend, StatusCode::OK, "{suspend_body}");
    assert_eq!(suspend_body["status"], "suspended");
    assert_eq!(login, StatusCode::FORBIDDEN, "{login_body}");
    assert_eq!(error_code(login, &login_body), "tenant_suspended");
    assert_eq!(token, StatusCode::FORBIDDEN, "{token_body}");
    assert_eq!(error_code(token, &token_body), "tenant_suspended");
    assert_eq!(error_code(admin_token, &admin_token_body), "tenant_suspended");

    // Act: the platform reactivates it.
    let (reactivate, reactivate_body) = app
        .patch(
            &format!("/api/v1/tenants/{}", acme.id),
            &root.access,
            json!({"status": "active"}),
        )
        .await;

    // Assert
    assert_eq!(reactivate, StatusCode::OK, "{reactivate_body}");
    let (s, b) = app.get("/api/v1/departments", &agent.access).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let admin = app.login_to(&acme.admin_email, "acme").await;
    let (s, audit) = app.get("/api/v1/audit/logs?action=tenants.*", &admin.access).await;
    assert_eq!(s, StatusCode::OK, "{audit}");
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"tenants.suspend"), "{actions:?}");
    assert!(actions.contains(&"tenants.reactivate"), "{actions:?}");
    let suspend_row = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "tenants.suspend")
        .unwrap();
    assert_eq!(suspend_row["actor_user_id"], root.user_id.to_string());
}

async fn invited_member_sets_a_password_and_is_listed_with_the_role(engine: Engine) {
    // Arrange
    let app = TestApp::spawn_with(
        engine,
        Options {
            smtp: true,
            ..Default::default()
        },
    )
    .await;
    let acme = app.tenant("acme").await;

    // Act
    let (s, invited) = app
        .post(
            "/api/v1/tenants/acme/members",
            Some(&acme.admin.access),
            json!({"email": "Nova.Pessoa@Example.com", "role": "supervisor", "name": "Nova Pessoa"}),
        )
        .await;
    app.run_pending_jobs().await;
    let mails = app.wait_for_mails(1).await;
    let (verified, verified_body) = app
        .post(
            "/api/v1/auth/magic-link/verify",
            None,
            json!({"token": mails[0].magic_token(), "password": PASSWORD}),
        )
        .await;

    // Assert
    assert_eq!(s, StatusCode::CREATED, "{invited}");
    assert_eq!(invited["member"]["email"], "nova.pessoa@example.com");
    assert_eq!(invited["member"]["role"], "supervisor");
    assert_eq!(invited["member"]["has_password"], false);
    assert_eq!(invited["mail_sent"], true, "SMTP is configured: {invited}");
    assert!(invited["accept_url"].is_null());
    assert_eq!(mails[0].to, vec!["nova.pessoa@example.com".to_owned()]);
    assert!(mails[0].text().contains("/auth/magic?token="));
    assert_eq!(verified, StatusCode::OK, "{verified_body}");
    assert_eq!(verified_body["tenant"]["slug"], "acme");
    assert_eq!(verified_body["tenant"]["role"], "supervisor");
    let (s, list) = app.get("/api/v1/tenants/acme/members", &acme.admin.access).await;
    assert_eq!(s, StatusCode::OK);
    let row = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == "nova.pessoa@example.com")
        .expect("listed");
    assert_eq!(row["role"], "supervisor");
    assert_eq!(row["active"], true);
    assert_eq!(row["has_password"], true);
    assert_eq!(row["name"], "Nova Pessoa");
    let session = app.login_to("nova.pessoa@example.com", "acme").await;
    assert_eq!(session.body["tenant"]["role"], "supervisor");
}

async fn inviting_an_existing_member_is_409_already_member(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let acme = app.tenant("acme").await;
    let (s, _) = app
        .post(
            "/api/v1/tenants/acme/members",
            Some(&acme.admin.access),
            json!({"email": "x@example.com", "role": "agent"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);

    // Act
    let (again, again_body) = app
        .post(
            "/api/v1/tenants/acme/members",
            Some(&acme.admin.access),
            json!({"email": "X@Example.com", "role": "viewer"}),
        )
        .await;
    let (admin, admin_body) = app
        .post(
            "/api/v1/tenants/acme/members",
            Some(&acme.admin.access),
            json!({"email": acme.admin_email, "role": "agent"}),
        )
        .await;
    let (bad, bad_body) = app
        .post(
            "/api/v1/tenants/acme/members",
            Some(&acme.admin.access),
            json!({"email": "y@example.com", "role": "owner"}),
        )
        .await;

    // Assert
    for (s, b) in [(again, &again_body), (admin, &admin_body)] {
        assert_eq!(s, StatusCode::CONFLICT, "{b}");
        assert_eq!(error_code(s, b), "already_member");
        assert!(!field_errors(b, "email").is_empty());
    }
    assert_eq!(bad, StatusCode::UNPROCESSABLE_ENTITY, "{bad_body}");
    assert!(!field_errors(&bad_body, "role").is_empty());
}

async fn role_change_applies_to_the_members_existing_token(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let acme = app.tenant("acme").await;
    let agent = app.member(&acme, "agent").await;
    let (s, b) = app
        .post("/api/v1/departments", Some(&agent.access), json!({"name": "Vendas"}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "agents do not manage departments: {b}");
    let member_id = membership_of(&app, &acme, agent.user_id).await;

    // Act
    let (promote, promote_body) = app
        .patch(
            &format!("/api/v1/tenants/acme/members/{member_id}"),
            &acme.admin.access,
            json!({"role": "supervisor"}),
        )
        .await;
    let (create, create_body) = app
        .post("/api/v1/departments", Some(&agent.access), json!({"name": "Vendas"}))
        .await;

    // Assert
    assert_eq!(promote, StatusCode::OK, "{promote_body}");
    assert_eq!(promote_body["role"], "supervisor");
    assert_eq!(
        create,
        StatusCode::CREATED,
        "the same token now acts as a supervisor: {create_body}"
    );
    let (_, audit) = app
        .get("/api/v1/audit/logs?action=members.role_changed", &acme.admin.access)
        .await;
    assert_eq!(audit["items"][0]["entity_id"], member_id);
}

async fn deactivated_member_is_locked_out_at_once(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let acme = app.tenant("acme").await;
    let agent = app.member(&acme, "agent").await;
    let email = agent.body["user"]["email"].as_str().unwrap().to_owned();
    let member_id = membership_of(&app, &acme, agent.user_id).await;

    // Act
    let (s, b) = app
        .patch(
            &format!("/api/v1/tenants/acme/members/{member_id}"),
            &acme.admin.access,
            json!({"active": false}),
        )
        .await;
    let (token, token_body) = app.get("/api/v1/departments", &agent.access).await;
    let (login, login_body) = login_status(&app, &email, Some("acme")).await;
    let (refresh, refresh_body) = app
        .post("/api/v1/auth/refresh", None, json!({"refresh_token": agent.refresh}))
        .await;

    // Assert
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["active"], false);
    assert_eq!(token, StatusCode::FORBIDDEN, "{token_body}");
    assert_eq!(error_code(token, &token_body), "membership_inactive");
    assert_eq!(login, StatusCode::FORBIDDEN, "{login_body}");
    let code = error_code(login, &login_body);
    assert!(code == "not_a_member" || code == "membership_inactive", "{code}");
    assert_eq!(refresh, StatusCode::UNAUTHORIZED, "{refresh_body}");
    let (_, inactive) = app
        .get("/api/v1/tenants/acme/members?active=false", &acme.admin.access)
        .await;
    let ids: Vec<&str> = inactive["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [member_id.as_str()]);
}

async fn last_active_admin_can_be_neither_demoted_nor_deactivated(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let acme = app.tenant("acme").await;
    let me = membership_of(&app, &acme, acme.admin.user_id).await;
    let path = format!("/api/v1/tenants/acme/members/{me}");

    // Act
    let (demote, demote_body) = app.patch(&path, &acme.admin.access, json!({"role": "agent"})).await;
    let (deactivate, deactivate_body) = app.patch(&path, &acme.admin.access, json!({"active": false})).await;

    // Assert
    assert_eq!(demote, StatusCode::CONFLICT, "{demote_body}");
    assert_eq!(error_code(demote, &demote_body), "last_admin");
    assert!(!field_errors(&demote_body, "role").is_empty());
    assert_eq!(deactivate, StatusCode::CONFLICT, "{deactivate_body}");
    assert_eq!(error_code(deactivate, &deactivate_body), "last_admin");
    assert!(!field_errors(&deactivate_body, "active").is_empty());

    // Act: with a second admin, the first may step down.
    let _second = app.member(&acme, "admin").await;
    let (s, b) = app
        .patch(&path, &acme.admin.access, json!({"role": "supervisor"}))
        .await;

    // Assert
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["role"], "supervisor");
}

async fn custom_domain_is_unique_across_tenants_and_validated(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let acme = app.tenant("acme").await;
    let other = app.tenant("other").await;

    // Act
    let (s, added) = app
        .post(
            "/api/v1/tenants/acme/domains",
            Some(&acme.admin.access),
            json!({"domain": "Atendimento.Acme.com.br"}),
        )
        .await;
    let (dup, dup_body) = app
        .post(
            "/api/v1/tenants/other/domains",
            Some(&other.admin.access),
            json!({"domain": "atendimento.acme.com.br"}),
        )
        .await;
    let (bad, bad_body) = app
        .post(
            "/api/v1/tenants/acme/domains",
            Some(&acme.admin.access),
            json!({"domain": "not a domain"}),
        )
        .await;
    let (foreign, foreign_body) = app
        .post(
            "/api/v1/tenants/other/domains",
            Some(&acme.admin.access),
            json!({"domain": "x.acme.com.br"}),
        )
        .await;

    // Assert
    assert_eq!(s, StatusCode::CREATED, "{added}");
    assert_eq!(added["domain"], "atendimento.acme.com.br");
    assert!(added["verified_at"].is_null());
    assert_eq!(dup, StatusCode::CONFLICT, "{dup_body}");
    assert!(!field_errors(&dup_body, "domain").is_empty());
    assert_eq!(bad, StatusCode::UNPROCESSABLE_ENTITY, "{bad_body}");
    assert!(!field_errors(&bad_body, "domain").is_empty());
    assert_eq!(foreign, StatusCode::NOT_FOUND, "{foreign_body}");
    let (s, list) = app.get("/api/v1/tenants/acme/domains", &acme.admin.access).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(list.as_array().unwrap().len(), 1);
    let (_, list) = app.get("/api/v1/tenants/other/domains", &other.admin.access).await;
    assert_eq!(list.as_array().unwrap().len(), 0);
}

both_engines!(
    super_admin_creates_tenant_whose_admin_can_sign_in,
    creating_tenant_with_taken_slug_is_409_on_slug,
    creating_tenant_with_invalid_fields_is_422_naming_each,
    only_the_platform_creates_and_lists_tenants,
    tenant_admin_without_password_is_invited_by_mail_and_sets_one_with_a_single_use_link,
    tenants_are_listed_with_pagination_and_status_filter,
    tenant_is_read_by_id_or_slug_by_the_platform_and_its_own_admin,
    tenant_admin_updates_own_profile_but_not_its_status,
    suspended_tenant_locks_out_its_users_until_reactivated,
    invited_member_sets_a_password_and_is_listed_with_the_role,
    inviting_an_existing_member_is_409_already_member,
    role_change_applies_to_the_members_existing_token,
    deactivated_member_is_locked_out_at_once,
    last_active_admin_can_be_neither_demoted_nor_deactivated,
    custom_domain_is_unique_across_tenants_and_validated,
);

mod races {
    use crate::harness::{Engine, TestApp};
    use reqwest::StatusCode;
    use serde_json::json;

    async fn two_admins_demoting_each_other_at_once_leave_one_admin(engine: Engine) {
        let app = TestApp::spawn(engine).await;
        let t = app.tenant("acme").await;
        let other = app.member(&t, "admin").await;
        let (_, list) = app.get("/api/v1/tenants/acme/members", &t.admin.access).await;
        let id_of = |user: uuid::Uuid| {
            list["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|m| m["user_id"] == user.to_string())
                .unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        };
        let (first, second) = (id_of(t.admin.user_id), id_of(other.user_id));

        let (path_second, path_first) = (
            format!("/api/v1/tenants/acme/members/{second}"),
            format!("/api/v1/tenants/acme/members/{first}"),
        );
        for _ in 0..5 {
            let a = app.patch(&path_second, &t.admin.access, json!({"role": "agent"}));
            let b = app.patch(&path_first, &other.access, json!({"role": "agent"}));
            let ((sa, _), (sb, _)) = tokio::join!(a, b);
            let (_, list) = app
                .get("/api/v1/tenants/acme/members?active=true", &t.admin.access)
                .await;
            let admins = list["items"]
                .as_array()
                .map_or(0, |ms| ms.iter().filter(|m| m["role"] == "admin").count());
            assert!(admins >= 1, "no admin left ({sa}, {sb})");
            if sa == StatusCode::OK || sb == StatusCode::OK {
                return;
            }
        }
    }

    both_engines!(two_admins_demoting_each_other_at_once_leave_one_admin);
}
