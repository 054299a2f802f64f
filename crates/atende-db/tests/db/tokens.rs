//! Refresh-token rotation and magic links: each secret works exactly once.

use crate::fixtures;
use crate::harness::TestDb;
use atende_db::repo::now;
use atende_db::repo::tokens::{self, NewMagicLink, NewRefresh};
use atende_db::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use atende_db::{Db, DbError, Scoped};
use chrono::Duration;
use uuid::Uuid;

async fn refresh(db: &Db, user: Uuid, family: Uuid, hash: &str) -> Uuid {
    let tx = db.platform_tx().await.unwrap();
    let row = tokens::insert_refresh(
        &tx,
        NewRefresh {
            id: Uuid::now_v7(),
            user_id: user,
            tenant_id: None,
            family_id: family,
            token_hash: hash.to_owned(),
            impersonator_id: None,
            expires_at: now() + Duration::days(30),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    row.id
}

async fn rotate(db: Db, id: Uuid, next: Uuid) -> Result<bool, DbError> {
    let tx = db.platform_tx().await?;
    let rotated = tokens::rotate_refresh(&tx, id, next).await?;
    tx.commit().await?;
    Ok(rotated)
}

async fn a_refresh_token_rotates_once_even_under_concurrent_use(t: TestDb) {
    // Arrange
    let user = fixtures::user(&t.db, "ana@example.com").await.uuid();
    let family = Uuid::now_v7();
    let token = refresh(&t.db, user, family, "h1").await;
    let (next_1, next_2) = (Uuid::now_v7(), Uuid::now_v7());

    // Act: two refreshes with the same token race.
    let r1 = tokio::spawn(rotate(t.db.clone(), token, next_1));
    let r2 = tokio::spawn(rotate(t.db.clone(), token, next_2));
    let (r1, r2) = (r1.await.unwrap().unwrap(), r2.await.unwrap().unwrap());
    let third = rotate(t.db.clone(), token, Uuid::now_v7()).await.unwrap();

    // Assert
    assert!(r1 ^ r2, "exactly one rotation wins (got {r1} and {r2})");
    assert!(!third);
    let tx = t.db.platform_tx().await.unwrap();
    let row = tokens::refresh_by_hash(&tx, "h1").await.unwrap().unwrap();
    assert!(row.revoked_at.is_some());
    assert_eq!(row.replaced_by, Some(if r1 { next_1 } else { next_2 }));
}

async fn revoke_family_revokes_every_live_token_of_the_family(t: TestDb) {
    // Arrange
    let user = fixtures::user(&t.db, "ana@example.com").await.uuid();
    let (family, other_family) = (Uuid::now_v7(), Uuid::now_v7());
    let first = refresh(&t.db, user, family, "f1").await;
    refresh(&t.db, user, family, "f2").await;
    refresh(&t.db, user, family, "f3").await;
    refresh(&t.db, user, other_family, "o1").await;
    assert!(rotate(t.db.clone(), first, Uuid::now_v7()).await.unwrap());

    // Act
    let tx = t.db.platform_tx().await.unwrap();
    let revoked = tokens::revoke_family(&tx, family).await.unwrap();
    let again = tokens::revoke_family(&tx, family).await.unwrap();
    tx.commit().await.unwrap();

    // Assert
    assert_eq!(revoked, 2, "the live ones; the rotated token was already revoked");
    assert_eq!(again, 0);
    let tx = t.db.platform_tx().await.unwrap();
    for hash in ["f1", "f2", "f3"] {
        let row = tokens::refresh_by_hash(&tx, hash).await.unwrap().unwrap();
        assert!(row.revoked_at.is_some(), "{hash} revoked");
    }
    let other = tokens::refresh_by_hash(&tx, "o1").await.unwrap().unwrap();
    assert!(other.revoked_at.is_none(), "another family is untouched");
}

async fn revoke_user_revokes_the_users_tokens_except_the_current_family(t: TestDb) {
    // Arrange
    let ana = fixtures::user(&t.db, "ana@example.com").await.uuid();
    let bia = fixtures::user(&t.db, "bia@example.com").await.uuid();
    let current_session = Uuid::now_v7();
    refresh(&t.db, ana, Uuid::now_v7(), "a1").await;
    refresh(&t.db, ana, Uuid::now_v7(), "a2").await;
    refresh(&t.db, ana, current_session, "a3").await;
    refresh(&t.db, bia, Uuid::now_v7(), "b1").await;

    // Act
    let tx = t.db.platform_tx().await.unwrap();
    let others = tokens::revoke_user(&tx, ana, Some(current_session)).await.unwrap();
    let live_after_others = tokens::refresh_by_hash(&tx, "a3")
        .await
        .unwrap()
        .unwrap()
        .revoked_at
        .is_none();
    let rest = tokens::revoke_user(&tx, ana, None).await.unwrap();
    tx.commit().await.unwrap();

    // Assert
    assert_eq!(others, 2);
    assert!(live_after_others, "the session making the change keeps its family");
    assert_eq!(rest, 1);
    let tx = t.db.platform_tx().await.unwrap();
    for hash in ["a1", "a2", "a3"] {
        assert!(
            tokens::refresh_by_hash(&tx, hash)
                .await
                .unwrap()
                .unwrap()
                .revoked_at
                .is_some(),
            "{hash}"
        );
    }
    assert!(
        tokens::refresh_by_hash(&tx, "b1")
            .await
            .unwrap()
            .unwrap()
            .revoked_at
            .is_none()
    );
}

async fn magic_link(db: &Db, user: Uuid, hash: &str, expires_in: Duration) {
    let tx = db.platform_tx().await.unwrap();
    tokens::insert_magic_link(
        &tx,
        NewMagicLink {
            user_id: user,
            tenant_id: None,
            purpose: "login",
            token_hash: hash.to_owned(),
            expires_at: now() + expires_in,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

async fn consume(db: &Db, hash: &str) -> Option<Uuid> {
    let tx = db.platform_tx().await.unwrap();
    let row = tokens::consume_magic_link(&tx, hash).await.unwrap();
    tx.commit().await.unwrap();
    row.map(|r| r.user_id)
}

async fn a_magic_link_works_once(t: TestDb) {
    // Arrange
    let user = fixtures::user(&t.db, "ana@example.com").await.uuid();
    magic_link(&t.db, user, "m1", Duration::minutes(15)).await;

    // Act
    let first = consume(&t.db, "m1").await;
    let second = consume(&t.db, "m1").await;

    // Assert
    assert_eq!(first, Some(user));
    assert_eq!(second, None, "an already used link fails");
}

async fn an_expired_or_unknown_magic_link_fails(t: TestDb) {
    // Arrange
    let user = fixtures::user(&t.db, "ana@example.com").await.uuid();
    magic_link(&t.db, user, "old", -Duration::minutes(1)).await;

    // Act
    let expired = consume(&t.db, "old").await;
    let unknown = consume(&t.db, "never-issued").await;

    // Assert
    assert_eq!(expired, None);
    assert_eq!(unknown, None);
    let tx = t.db.platform_tx().await.unwrap();
    let row = atende_db::entities::magic_link_tokens::Entity::find()
        .filter(atende_db::entities::magic_link_tokens::Column::TokenHash.eq("old"))
        .one(tx.conn())
        .await
        .unwrap()
        .unwrap();
    assert!(row.used_at.is_none(), "a refused link is not marked used");
}

async fn concurrent_clicks_on_a_magic_link_consume_it_once(t: TestDb) {
    // Arrange
    let user = fixtures::user(&t.db, "ana@example.com").await.uuid();
    magic_link(&t.db, user, "race", Duration::minutes(15)).await;
    let (db1, db2) = (t.db.clone(), t.db.clone());

    // Act
    let c1 = tokio::spawn(async move { consume(&db1, "race").await });
    let c2 = tokio::spawn(async move { consume(&db2, "race").await });
    let (c1, c2) = (c1.await.unwrap(), c2.await.unwrap());

    // Assert
    assert!(
        c1.is_some() ^ c2.is_some(),
        "exactly one click signs in (got {c1:?}, {c2:?})"
    );
}

both_engines!(
    a_refresh_token_rotates_once_even_under_concurrent_use,
    revoke_family_revokes_every_live_token_of_the_family,
    revoke_user_revokes_the_users_tokens_except_the_current_family,
    a_magic_link_works_once,
    an_expired_or_unknown_magic_link_fails,
    concurrent_clicks_on_a_magic_link_consume_it_once,
);
