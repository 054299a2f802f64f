//! Nodes that wait or stop: delay, webhook, transfer; and stopping a session from outside.

use super::*;
use crate::ids::TeamId;

#[test]
fn delay_schedules_a_timer_and_continues_only_on_its_token() {
    let def = graph(
        &[
            ("s", "start", json!({})),
            ("d", "delay", json!({"seconds": 3600})),
            ("m", "message", text("voltei")),
        ],
        &[("s", "default", "d"), ("d", "default", "m")],
    );
    let step = start(&def, &ctx());
    let until = t0() + chrono::TimeDelta::hours(1);
    let tok = token(&step);
    assert_eq!(step.effects, vec![Effect::ScheduleTimer { token: tok, at: until }]);
    assert_eq!(
        step.state.status,
        SessionStatus::WaitingTimer {
            node: "d".into(),
            token: tok,
            until
        }
    );

    let stale = resume(&def, &step.state, &Input::TimerFired { token: tok + 1 }, &ctx());
    assert_eq!(stale.ignored, Some(Ignored::Stale));
    assert_eq!(stale.state, step.state);
    let wrong_kind = resume(&def, &step.state, &Input::TimeoutFired { token: tok }, &ctx());
    assert_eq!(wrong_kind.ignored, Some(Ignored::Stale));
    let chat = resume(&def, &step.state, &msg("oi?"), &ctx());
    assert_eq!(chat.ignored, Some(Ignored::NotWaitingForMessage));
    assert!(chat.effects.is_empty());

    let fired = resume(&def, &step.state, &Input::TimerFired { token: tok }, &ctx());
    assert_eq!(fired.ignored, None);
    assert_eq!(sent(&fired.effects), ["voltei"]);
    assert_eq!(fired.path, ["m"]);
}

fn webhook_flow(url: &str) -> FlowDefinition {
    graph(
        &[
            ("s", "start", json!({})),
            (
                "w",
                "webhook",
                json!({
                    "method": "POST", "url": url,
                    "headers": [{"name": "Authorization", "value": "Bearer t"}],
                    "body": "{\"nome\": {{ contact.name|tojson }}}",
                    "timeout_secs": 5,
                    "response_mapping": [{"path": "/pedido/status", "variable": "status"}, {"path": "itens.0", "variable": "primeiro"}]
                }),
            ),
            ("ok", "message", text("Status: {{vars.status}}, {{vars.primeiro}}")),
            ("ko", "message", text("falhou")),
        ],
        &[("s", "default", "w"), ("w", "success", "ok"), ("w", "failure", "ko")],
    )
}

#[test]
fn webhook_success_maps_the_answer_into_variables() {
    let def = webhook_flow("https://api.test/pedidos?tel={{contact.phone}}");
    let step = start(&def, &ctx());
    let tok = token(&step);
    let [Effect::CallWebhook { token: t, request }] = step.effects.as_slice() else {
        panic!("{:?}", step.effects)
    };
    assert_eq!(*t, tok);
    assert_eq!(request.url, "https://api.test/pedidos?tel=+5511987654321");
    assert_eq!(request.method, HttpMethod::Post);
    assert_eq!(request.body.as_deref(), Some(r#"{"nome": "Ana"}"#));
    assert_eq!(request.timeout_secs, 5);
    assert!(matches!(step.state.status, SessionStatus::WaitingWebhook { .. }));

    let body = json!({"pedido": {"status": "enviado"}, "itens": ["livro"]});
    let result = Input::WebhookResult {
        token: tok,
        result: WebhookOutcome::Response { status: 200, body },
    };
    let done = resume(&def, &step.state, &result, &ctx());
    assert_eq!(sent(&done.effects), ["Status: enviado, livro"]);
    assert_eq!(done.state.vars["status"], json!("enviado"));
}

#[test]
fn webhook_failures_follow_failure() {
    let def = webhook_flow("https://api.test/x");
    let step = start(&def, &ctx());
    let tok = token(&step);
    for result in [
        WebhookOutcome::Response {
            status: 500,
            body: Value::Null,
        },
        WebhookOutcome::Error {
            message: "timeout".into(),
        },
    ] {
        let done = resume(&def, &step.state, &Input::WebhookResult { token: tok, result }, &ctx());
        assert_eq!(sent(&done.effects), ["falhou"]);
    }
    let stale = Input::WebhookResult {
        token: tok + 7,
        result: WebhookOutcome::Error { message: "late".into() },
    };
    assert_eq!(resume(&def, &step.state, &stale, &ctx()).ignored, Some(Ignored::Stale));
}

#[test]
fn a_webhook_url_that_renders_to_no_http_url_fails_without_a_call() {
    let mut def = webhook_flow("https://{{vars.host}}");
    // The host renders empty: no call, straight to failure.
    let step = start(&def, &ctx());
    assert!(!step.effects.iter().any(|e| matches!(e, Effect::CallWebhook { .. })));
    assert_eq!(sent(&step.effects), ["falhou"]);
    def.nodes.retain(|n| n.id != "ko");
    def.edges.retain(|e| e.to != "ko");
    assert_eq!(ended(&start(&def, &ctx())), Some(EndReason::EndOfFlow));
}

#[test]
fn transfer_hands_off_and_later_inputs_are_ignored() {
    let team = TeamId::new();
    let def = graph(
        &[
            ("s", "start", json!({})),
            ("x", "transfer", json!({"to": "team", "id": team})),
        ],
        &[("s", "default", "x")],
    );
    let step = start(&def, &ctx());
    assert_eq!(
        step.effects,
        vec![
            Effect::Transfer {
                target: TransferTarget::Team(team)
            },
            Effect::Ended {
                reason: EndReason::Transferred
            }
        ]
    );
    assert_eq!(step.state.status, SessionStatus::HandedOff);
    let after = resume(&def, &step.state, &msg("oi"), &ctx());
    assert_eq!(after.ignored, Some(Ignored::Finished));
}

#[test]
fn hand_off_and_expire_stop_a_waiting_session_but_not_a_finished_one() {
    let def = graph(
        &[("s", "start", json!({})), ("d", "delay", json!({"seconds": 60}))],
        &[("s", "default", "d")],
    );
    let step = start(&def, &ctx());
    let mut handed = step.state.clone();
    handed.hand_off();
    assert_eq!(handed.status, SessionStatus::HandedOff);
    let tok = token(&step);
    assert_eq!(
        resume(&def, &handed, &Input::TimerFired { token: tok }, &ctx()).ignored,
        Some(Ignored::Finished)
    );
    let mut expired = step.state.clone();
    expired.expire();
    assert_eq!(expired.status.name(), "expired");
    expired.hand_off();
    assert_eq!(expired.status, SessionStatus::Expired);
}
