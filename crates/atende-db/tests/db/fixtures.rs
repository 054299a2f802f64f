//! Small builders for the rows most tests need.

use atende_db::repo::{api_keys, audit, departments, memberships, teams, tenants, users};
use atende_db::{Db, DbError};
use atende_domain::{ApiKeyId, DepartmentId, MembershipId, Role, TeamId, TenantId, UserId};

/// Creates a tenant (platform scope) and returns its id.
pub async fn tenant(db: &Db, slug: &str) -> TenantId {
    let id = TenantId::new();
    let tx = db.platform_tx().await.unwrap();
    tenants::create(
        &tx,
        tenants::NewTenant {
            id,
            slug,
            name: slug,
            time_zone: "America/Sao_Paulo",
            locale: "pt-BR",
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

/// Creates a user (platform scope) and returns its id.
pub async fn user(db: &Db, email: &str) -> UserId {
    let id = UserId::new();
    let tx = db.platform_tx().await.unwrap();
    users::create(
        &tx,
        users::NewUser {
            id,
            email,
            name: email,
            password_hash: None,
            is_super_admin: false,
            locale: "pt-BR",
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

/// Creates a department in `tenant`.
pub async fn department(db: &Db, tenant: TenantId, name: &str) -> Result<DepartmentId, DbError> {
    let tx = db.tenant_tx(tenant).await?;
    let d = departments::create(&tx, name, None).await?;
    tx.commit().await?;
    Ok(DepartmentId::from(d.id))
}

/// Everything one tenant owns in these tables, with the ids to look them up by.
pub struct Owned {
    pub tenant: TenantId,
    pub user: UserId,
    pub department: DepartmentId,
    pub team: TeamId,
    pub membership: MembershipId,
    pub api_key: ApiKeyId,
}

/// A tenant with one of everything: a member, a department, a team with that member, an API
/// key, an audit row, a custom domain and a job.
pub async fn populated_tenant(db: &Db, slug: &str) -> Owned {
    let tenant = tenant(db, slug).await;
    let user = user(db, &format!("agent@{slug}.example")).await;
    let tx = db.tenant_tx(tenant).await.unwrap();
    let membership = memberships::create(&tx, user, Role::Agent).await.unwrap();
    let department = departments::create(&tx, "Suporte", None).await.unwrap();
    let team = teams::create(&tx, "Plantão", None, Some(department.id)).await.unwrap();
    teams::add_member(&tx, TeamId::from(team.id), user).await.unwrap();
    let key = api_keys::create(
        &tx,
        api_keys::NewApiKey {
            id: ApiKeyId::new(),
            name: "integração",
            prefix: "atd_test",
            key_hash: format!("hash-{slug}"),
            role: "agent",
            scopes: serde_json::json!(["conversations:read"]),
            created_by: Some(user.uuid()),
        },
    )
    .await
    .unwrap();
    atende_db::repo::domains::create(&tx, &format!("atendimento.{slug}.example"))
        .await
        .unwrap();
    audit::record(
        &tx,
        audit::NewAudit {
            actor_user_id: Some(user.uuid()),
            action: "departments.created".into(),
            entity_type: "department".into(),
            entity_id: Some(department.id.to_string()),
            ..audit::NewAudit::default()
        },
    )
    .await
    .unwrap();
    atende_db::jobs::enqueue(
        &tx,
        atende_db::jobs::NewJob::new(
            atende_db::jobs::queue::DEFAULT,
            "test.noop",
            serde_json::json!({ "slug": slug }),
        ),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    Owned {
        tenant,
        user,
        department: DepartmentId::from(department.id),
        team: TeamId::from(team.id),
        membership: MembershipId::from(membership.id),
        api_key: ApiKeyId::from(key.id),
    }
}
