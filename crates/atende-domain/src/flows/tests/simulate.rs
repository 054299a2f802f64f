//! The preview.

use super::*;

fn bot() -> FlowDefinition {
    graph(
        &[
            ("s", "start", json!({})),
            (
                "q",
                "question",
                json!({"prompt": "Olá {{contact.name}}! Escolha:", "answer": "options", "variable": "setor",
                                     "options": [{"id": "vendas", "title": "Vendas"}, {"id": "suporte", "title": "Suporte"}]}),
            ),
            ("v", "message", text("Vendas, um momento")),
            ("d", "delay", json!({"seconds": 86400})),
            ("w", "webhook", json!({"url": "https://crm.test/lead"})),
            (
                "x",
                "transfer",
                json!({"to": "department", "id": crate::ids::DepartmentId::new()}),
            ),
            ("sup", "end", json!({"resolve": true})),
        ],
        &[
            ("s", "default", "q"),
            ("q", "vendas", "v"),
            ("q", "default", "sup"),
            ("v", "default", "d"),
            ("d", "default", "w"),
            ("w", "failure", "x"),
        ],
    )
}

#[test]
fn preview_answers_skips_delays_and_fails_webhooks_without_io() {
    let sim = simulate(&bot(), &["oi", "1", "ignored"], &ctx());
    assert_eq!(sim.path, ["s", "q", "v", "d", "w", "x"]);
    assert_eq!(sent(&sim.replies), ["Olá Ana! Escolha:", "Vendas, um momento"]);
    assert!(sim.replies.iter().any(|e| matches!(e, Effect::ScheduleTimer { .. })));
    assert!(sim.replies.iter().any(|e| matches!(e, Effect::CallWebhook { .. })));
    assert!(
        sim.replies
            .iter()
            .any(|e| matches!(e, Effect::Log { message, .. } if message.contains("not called in a preview")))
    );
    assert!(sim.replies.iter().any(|e| matches!(e, Effect::Transfer { .. })));
    assert_eq!(sim.state.status, SessionStatus::HandedOff);
}

#[test]
fn preview_stops_waiting_when_messages_run_out() {
    let sim = simulate(&bot(), &["oi"], &ctx());
    assert_eq!(sim.path, ["s", "q"]);
    assert!(matches!(sim.state.status, SessionStatus::WaitingInput { .. }));
    let other = simulate(&bot(), &[], &ctx());
    assert_eq!(other.path, sim.path, "no trigger message: started all the same");
    let sup = simulate(&bot(), &["oi", "suporte"], &ctx());
    assert_eq!(sup.path, ["s", "q", "sup"]);
    assert!(sup.replies.contains(&Effect::Resolve));
}

#[test]
fn preview_of_an_endless_reminder_loop_stops() {
    let def = graph(
        &[
            ("s", "start", json!({})),
            ("a", "message", text("lembrete")),
            ("d", "delay", json!({"seconds": 60})),
        ],
        &[("s", "default", "a"), ("a", "default", "d"), ("d", "default", "a")],
    );
    let sim = simulate(&def, &["oi"], &ctx());
    assert_eq!(
        sent(&sim.replies).len(),
        crate::flows::simulate::MAX_AUTOMATIC_STEPS + 1
    );
    assert!(matches!(sim.replies.last(), Some(Effect::Log { message, .. }) if message.contains("preview stopped")));
}
