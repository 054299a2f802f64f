//! The channel's welcome message (`settings.greeting`): once per new conversation, through the
//! outbound path (a queued bot message and its delivery job), on WhatsApp and web chat.

use crate::harness::{Engine, TestApp};
use crate::whatsapp::{ANA, PHONE_ID, connect, conversations, deliver, fresh_text, messages, mount_graph, sent_bodies};
use reqwest::StatusCode;
use serde_json::{Value, json};

both_engines!(
    a_new_whatsapp_conversation_gets_the_greeting_once,
    no_greeting_no_message_and_reopened_conversations_are_not_greeted_again,
    web_chat_stores_the_greeting_after_the_visitors_first_message,
);

/// The greetings the fake Graph API received.
async fn greetings_sent(app: &TestApp, text: &str) -> Vec<Value> {
    sent_bodies(app)
        .await
        .into_iter()
        .filter(|b| b["type"] == "text" && b["text"]["body"] == text)
        .collect()
}

async fn set_settings(app: &TestApp, token: &str, channel: &str, settings: Value) {
    let (s, b) = app
        .patch(
            &format!("/api/v1/channels/{channel}"),
            token,
            json!({ "settings": settings }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
}

const HELLO: &str = "Olá! Obrigado por falar com a Casa Aurora.";

async fn a_new_whatsapp_conversation_gets_the_greeting_once(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    mount_graph(&app).await;
    let t = app.tenant("aurora").await;
    let id = connect(&app, &t, PHONE_ID).await;
    set_settings(&app, &t.admin.access, &id, json!({ "greeting": HELLO })).await;

    let first = fresh_text("oi, bom dia");
    assert_eq!(deliver(&app, &id, &first).await, StatusCode::OK);
    app.run_pending_jobs().await;
    let sent = greetings_sent(&app, HELLO).await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0]["to"], ANA);

    // In the thread: after the customer's message, by the bot, sent.
    let conv = conversations(&app, &t.admin.access, "").await;
    assert_eq!(conv.len(), 1);
    let conv_id = conv[0]["id"].as_str().unwrap().to_owned();
    let thread = messages(&app, &t.admin.access, &conv_id).await;
    assert_eq!(thread.len(), 2, "{thread:?}");
    let (newest, oldest) = (&thread[0], &thread[1]);
    assert_eq!(oldest["direction"], "inbound");
    assert_eq!(newest["author"], "bot");
    assert_eq!(newest["direction"], "outbound");
    assert_eq!(newest["body"], HELLO);
    assert_eq!(newest["status"], "sent");
    assert_eq!(conv[0]["unread_count"], 1, "the greeting is not unread");
    // The list previews what the customer wrote, not the automatic reply.
    assert_eq!(conv[0]["last_message"]["body"], "oi, bom dia");
    assert_eq!(conv[0]["last_message"]["direction"], "inbound");

    // A second message in the same conversation, and the same webhook again: nothing more.
    deliver(&app, &id, &fresh_text("quero saber do meu pedido")).await;
    deliver(&app, &id, &first).await;
    app.run_pending_jobs().await;
    assert_eq!(greetings_sent(&app, HELLO).await.len(), 1);
    assert_eq!(messages(&app, &t.admin.access, &conv_id).await.len(), 3);
}

async fn no_greeting_no_message_and_reopened_conversations_are_not_greeted_again(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    mount_graph(&app).await;
    let t = app.tenant("aurora").await;
    let id = connect(&app, &t, PHONE_ID).await;

    // Without a greeting, a new conversation sends nothing.
    deliver(&app, &id, &fresh_text("oi")).await;
    app.run_pending_jobs().await;
    assert!(sent_bodies(&app).await.is_empty(), "{:?}", sent_bodies(&app).await);
    let conv_id = conversations(&app, &t.admin.access, "").await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(messages(&app, &t.admin.access, &conv_id).await.len(), 1);

    // With one, a conversation reopened within the window is not greeted (it is not new) …
    set_settings(&app, &t.admin.access, &id, json!({ "greeting": HELLO })).await;
    let resolve = || async {
        let (s, b) = app
            .patch(
                &format!("/api/v1/conversations/{conv_id}"),
                &t.admin.access,
                json!({"status": "resolved"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
    };
    resolve().await;
    deliver(&app, &id, &fresh_text("voltei")).await;
    app.run_pending_jobs().await;
    assert!(greetings_sent(&app, HELLO).await.is_empty());
    assert_eq!(conversations(&app, &t.admin.access, "status=all").await.len(), 1);

    // … but one started after the window is.
    set_settings(&app, &t.admin.access, &id, json!({ "reopen_window_hours": 0 })).await;
    resolve().await;
    deliver(&app, &id, &fresh_text("de novo")).await;
    app.run_pending_jobs().await;
    assert_eq!(conversations(&app, &t.admin.access, "status=all").await.len(), 2);
    assert_eq!(greetings_sent(&app, HELLO).await.len(), 1);
}

async fn web_chat_stores_the_greeting_after_the_visitors_first_message(engine: Engine) {
    use crate::widget::{say, session, visitor_messages, webchat};
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("loja").await;
    let (_, public) = webchat(&app, &t, json!({ "greeting": "Oi! Em que posso ajudar?" })).await;
    let s = session(&app, &public, json!({})).await;
    let visitor = s["visitor_token"].as_str().unwrap();

    // Before the visitor writes there is no conversation and nothing stored.
    assert_eq!(
        visitor_messages(&app, visitor).await["items"].as_array().unwrap().len(),
        0
    );
    say(&app, visitor, "oi").await;
    say(&app, visitor, "tem frete grátis?").await;
    app.run_pending_jobs().await;
    let items = visitor_messages(&app, visitor).await["items"]
        .as_array()
        .unwrap()
        .clone();
    let bodies: Vec<&str> = items.iter().rev().filter_map(|m| m["body"].as_str()).collect();
    assert_eq!(
        bodies,
        ["oi", "Oi! Em que posso ajudar?", "tem frete grátis?"],
        "{items:?}"
    );

    // The agents see it as the bot's, sent.
    let conv = conversations(&app, &t.admin.access, "").await;
    let thread = messages(&app, &t.admin.access, conv[0]["id"].as_str().unwrap()).await;
    let greeting = thread.iter().find(|m| m["author"] == "bot").unwrap();
    assert_eq!(greeting["status"], "sent");
}
