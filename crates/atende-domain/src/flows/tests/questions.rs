//! Questions: waiting, storing, re-asking, `invalid`, `timeout`, options, stale tokens.

use super::*;

fn question_flow(question: Value, with_invalid: bool, with_timeout: bool) -> FlowDefinition {
    let mut edges = vec![("s", "default", "q"), ("q", "default", "ok")];
    if with_invalid {
        edges.push(("q", "invalid", "bad"));
    }
    if with_timeout {
        edges.push(("q", "timeout", "late"));
    }
    graph(
        &[
            ("s", "start", json!({})),
            ("q", "question", question),
            ("ok", "message", text("Obrigado, {{vars.idade}}")),
            ("bad", "message", text("Vou chamar um atendente")),
            ("late", "message", text("Ainda está aí?")),
        ],
        &edges,
    )
}

fn age_question() -> Value {
    json!({"prompt": "Sua idade?", "answer": "number", "variable": "idade", "max_retries": 2,
           "retry_text": "Digite só números", "timeout_minutes": 30})
}

#[test]
fn a_question_waits_with_a_deadline_and_a_valid_answer_is_stored() {
    let def = question_flow(age_question(), true, true);
    let step = start(&def, &ctx());
    let tok = token(&step);
    let deadline = t0() + chrono::TimeDelta::minutes(30);
    assert_eq!(
        step.effects,
        vec![
            Effect::SendText {
                text: "Sua idade?".into()
            },
            Effect::ScheduleTimeout {
                token: tok,
                at: deadline
            }
        ]
    );
    assert_eq!(
        step.state.status,
        SessionStatus::WaitingInput {
            node: "q".into(),
            token: tok,
            deadline: Some(deadline)
        }
    );
    let answered = resume(&def, &step.state, &msg(" 42 "), &ctx());
    assert_eq!(answered.state.vars["idade"], json!(42));
    assert_eq!(sent(&answered.effects), ["Obrigado, 42"]);
    assert_eq!(answered.path, ["ok"]);
}

#[test]
fn invalid_answers_re_ask_then_follow_invalid() {
    let def = question_flow(age_question(), true, true);
    let mut state = start(&def, &ctx()).state;
    for attempt in 1..=2 {
        let before = state.status.token().unwrap();
        let step = resume(&def, &state, &msg("não sei"), &ctx());
        assert_eq!(sent(&step.effects), ["Digite só números"], "re-ask {attempt}");
        assert_eq!(step.state.attempts, attempt);
        let after = token(&step);
        assert!(after > before, "every re-ask is a new wait");
        assert!(step.effects.contains(&Effect::ScheduleTimeout {
            token: after,
            at: t0() + chrono::TimeDelta::minutes(30)
        }));
        state = step.state;
    }
    let step = resume(&def, &state, &msg("ainda não"), &ctx());
    assert_eq!(sent(&step.effects), ["Vou chamar um atendente"]);
    assert_eq!(step.state.attempts, 0);
    assert!(!step.state.vars.contains_key("idade"));
}

#[test]
fn without_an_invalid_edge_the_session_ends_with_a_reason() {
    let mut q = age_question();
    q["max_retries"] = json!(0);
    let def = question_flow(q, false, false);
    let state = start(&def, &ctx()).state;
    let step = resume(&def, &state, &msg("x"), &ctx());
    assert_eq!(ended(&step), Some(EndReason::InvalidAnswer));
    assert_eq!(
        step.state.status,
        SessionStatus::Completed {
            reason: EndReason::InvalidAnswer
        }
    );
}

#[test]
fn a_re_ask_without_retry_text_repeats_the_prompt() {
    let mut q = age_question();
    q.as_object_mut().unwrap().remove("retry_text");
    let def = question_flow(q, true, true);
    let state = start(&def, &ctx()).state;
    assert_eq!(sent(&resume(&def, &state, &msg("?"), &ctx()).effects), ["Sua idade?"]);
}

#[test]
fn the_timeout_follows_timeout_and_an_old_timeout_is_stale() {
    let def = question_flow(age_question(), true, true);
    let first = start(&def, &ctx());
    let old = token(&first);
    let re_asked = resume(&def, &first.state, &msg("?"), &ctx());
    let current = token(&re_asked);

    let late_job = resume(&def, &re_asked.state, &Input::TimeoutFired { token: old }, &ctx());
    assert_eq!(late_job.ignored, Some(Ignored::Stale));
    assert_eq!(late_job.state, re_asked.state);
    assert!(late_job.effects.is_empty());

    let fired = resume(&def, &re_asked.state, &Input::TimeoutFired { token: current }, &ctx());
    assert_eq!(sent(&fired.effects), ["Ainda está aí?"]);

    // A timeout job that runs after the answer: ignored.
    let answered = resume(&def, &re_asked.state, &msg("30"), &ctx());
    let after = resume(&def, &answered.state, &Input::TimeoutFired { token: current }, &ctx());
    assert!(after.ignored.is_some());
}

#[test]
fn without_a_timeout_edge_the_session_ends_with_a_reason() {
    let def = question_flow(age_question(), true, false);
    let step = start(&def, &ctx());
    let fired = resume(&def, &step.state, &Input::TimeoutFired { token: token(&step) }, &ctx());
    assert_eq!(ended(&fired), Some(EndReason::QuestionTimeout));
}

#[test]
fn a_question_without_timeout_schedules_nothing() {
    let mut q = age_question();
    q.as_object_mut().unwrap().remove("timeout_minutes");
    let def = question_flow(q, true, true);
    let step = start(&def, &ctx());
    assert_eq!(step.effects.len(), 1);
    assert!(matches!(
        step.state.status,
        SessionStatus::WaitingInput { deadline: None, .. }
    ));
}

fn menu(options: &[(&str, &str)], display: &str) -> FlowDefinition {
    let options: Vec<Value> = options
        .iter()
        .map(|(id, title)| json!({"id": id, "title": title}))
        .collect();
    graph(
        &[
            ("s", "start", json!({})),
            (
                "q",
                "question",
                json!({"prompt": "Com quem quer falar?", "answer": "options", "options": options,
                                     "display": display, "variable": "setor", "list_button": "Setores"}),
            ),
            ("vendas", "message", text("Vendas: {{vars.setor}}")),
            ("outro", "message", text("Outro: {{vars.setor}}")),
        ],
        &[
            ("s", "default", "q"),
            ("q", "vendas", "vendas"),
            ("q", "default", "outro"),
        ],
    )
}

#[test]
fn options_fitting_buttons_are_sent_as_buttons_and_match_by_reply_id() {
    let def = menu(&[("vendas", "Vendas"), ("suporte", "Suporte Técnico")], "auto");
    let step = start(&def, &ctx());
    let Effect::SendButtons { buttons, .. } = &step.effects[0] else {
        panic!("{:?}", step.effects)
    };
    assert_eq!(
        buttons.iter().map(|b| b.id.as_str()).collect::<Vec<_>>(),
        ["vendas", "suporte"]
    );
    let tapped = Input::Message {
        text: "Vendas".into(),
        reply_id: Some("vendas".into()),
    };
    let next = resume(&def, &step.state, &tapped, &ctx());
    assert_eq!(sent(&next.effects), ["Vendas: Vendas"]);
}

#[test]
fn options_match_by_number_and_by_title_ignoring_case_and_accents() {
    let def = menu(&[("vendas", "Vendas"), ("suporte", "Suporte Técnico")], "auto");
    let state = start(&def, &ctx()).state;
    // The option's own handle has no edge: the default edge, with the title stored.
    assert_eq!(
        sent(&resume(&def, &state, &msg("2"), &ctx()).effects),
        ["Outro: Suporte Técnico"]
    );
    assert_eq!(
        sent(&resume(&def, &state, &msg("suporte tecnico!"), &ctx()).effects),
        ["Outro: Suporte Técnico"]
    );
    assert_eq!(
        sent(&resume(&def, &state, &msg("VENDAS"), &ctx()).effects),
        ["Vendas: Vendas"]
    );
    // Out of range, or a stale button id with no matching text: invalid, re-asked.
    let step = resume(&def, &state, &msg("3"), &ctx());
    assert!(matches!(step.effects.last(), Some(Effect::SendButtons { .. })));
    let stale = Input::Message {
        text: "Outro".into(),
        reply_id: Some("old".into()),
    };
    assert_eq!(resume(&def, &state, &stale, &ctx()).state.attempts, 1);
}

#[test]
fn more_options_become_a_list_and_many_a_numbered_text() {
    let four: Vec<(String, String)> = (1..=4).map(|i| (format!("o{i}"), format!("Opção {i}"))).collect();
    let four: Vec<(&str, &str)> = four.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let step = start(&menu(&four, "auto"), &ctx());
    let Effect::SendList { button, rows, .. } = &step.effects[0] else {
        panic!("{:?}", step.effects)
    };
    assert_eq!(button, "Setores");
    assert_eq!(rows.len(), 4);

    let step = start(&menu(&four, "text"), &ctx());
    assert_eq!(
        sent(&step.effects),
        ["Com quem quer falar?\n\n1. Opção 1\n2. Opção 2\n3. Opção 3\n4. Opção 4"]
    );
    let picked = resume(&menu(&four, "text"), &step.state, &msg("4"), &ctx());
    assert_eq!(picked.state.vars["setor"], json!("Opção 4"));
}

#[test]
fn answer_kinds_store_normalized_values() {
    let cases = [
        ("email", " Ana@Exemplo.COM ", json!("ana@exemplo.com")),
        ("phone", "(11) 98765-4321", json!("5511987654321")),
        ("cpf_cnpj", "529.982.247-25", json!("52998224725")),
        ("date", "5/3/2024", json!("2024-03-05")),
        ("number", "1.234,5", json!(1234.5)),
        ("text", "  oi  ", json!("oi")),
    ];
    for (kind, input, stored) in cases {
        let def = question_flow(json!({"prompt": "?", "answer": kind, "variable": "idade"}), true, true);
        let state = start(&def, &ctx()).state;
        let step = resume(&def, &state, &msg(input), &ctx());
        assert_eq!(step.state.vars.get("idade"), Some(&stored), "{kind}");
        let bad = resume(&def, &state, &msg("   "), &ctx());
        assert_eq!(bad.state.attempts, 1, "{kind}: blank is invalid");
    }
}
