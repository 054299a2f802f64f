//! The contacts list of issue 10: tags, conversation count, last contact and a total, read
//! set-based for the page; and the same numbers on one contact.

use crate::contacts::{create, give_conversation, tag};
use crate::harness::{Engine, TestApp, error_code};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn by_name<'a>(page: &'a Value, name: &str) -> &'a Value {
    page["items"]
        .as_array()
        .unwrap_or_else(|| panic!("not a page: {page}"))
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("{name} not in {page}"))
}

async fn the_list_shows_tags_conversations_last_contact_and_a_total(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("acme").await;
    let other = app.tenant("bravo").await;
    let vip = tag(&app, &t, "VIP").await;
    let ana = create(&app, &t, json!({"name": "Ana Lima", "phone": "11987654321"})).await;
    let ana_id = ana["id"].as_str().unwrap();
    create(&app, &t, json!({"name": "Bruno", "email": "bruno@example.com"})).await;
    let carla = create(&app, &t, json!({"name": "Carla", "phone": "21987654321"})).await;
    let (s, b) = app
        .call(
            Method::PUT,
            &format!("/api/v1/contacts/{ana_id}/tags"),
            Some(&t.admin.access),
            Some(json!({"tag_ids": [vip]})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    give_conversation(&app, &t, ana_id).await;
    give_conversation(&app, &t, ana_id).await;
    give_conversation(&app, &t, carla["id"].as_str().unwrap()).await;

    // Act
    let (s, all) = app.get("/api/v1/contacts", &t.admin.access).await;
    let (_, searched) = app.get("/api/v1/contacts?q=98765", &t.admin.access).await;
    let (_, first) = app.get("/api/v1/contacts?limit=1", &t.admin.access).await;
    let (_, tagged) = app.get(&format!("/api/v1/contacts?tag={vip}"), &t.admin.access).await;
    let (_, one) = app.get(&format!("/api/v1/contacts/{ana_id}"), &t.admin.access).await;

    // Assert
    assert_eq!(s, StatusCode::OK, "{all}");
    assert_eq!(all["total"], 3, "{all}");
    let a = by_name(&all, "Ana Lima");
    assert_eq!(a["conversation_count"], 2, "{a}");
    assert!(a["last_contact_at"].is_string(), "{a}");
    assert_eq!(a["tags"][0]["name"], "VIP");
    let b = by_name(&all, "Bruno");
    assert_eq!(b["conversation_count"], 0);
    assert!(b["last_contact_at"].is_null(), "{b}");
    assert_eq!(by_name(&all, "Carla")["conversation_count"], 1);
    assert_eq!(searched["total"], 2, "both phones hold 98765: {searched}");
    assert_eq!(first["items"].as_array().unwrap().len(), 1);
    assert_eq!(first["total"], 3, "the total covers every page");
    assert!(first["next_cursor"].is_string());
    assert_eq!(tagged["total"], 1);
    assert_eq!(one["conversation_count"], 2, "{one}");
    assert_eq!(one["last_contact_at"], a["last_contact_at"]);

    // Another tenant sees none of it.
    let (_, theirs) = app.get("/api/v1/contacts", &other.admin.access).await;
    assert_eq!(theirs["total"], 0, "{theirs}");
    let (s, body) = app
        .get(&format!("/api/v1/contacts/{ana_id}"), &other.admin.access)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    error_code(s, &body);
}

both_engines!(the_list_shows_tags_conversations_last_contact_and_a_total);
