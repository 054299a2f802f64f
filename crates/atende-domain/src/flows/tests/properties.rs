//! Properties over random graphs and random input sequences.

use super::*;
use proptest::prelude::*;

/// The handles of each generated kind (index 8 is the start node).
fn handles(kind: usize) -> &'static [&'static str] {
    match kind {
        0 | 3 | 5 | 8 => &["default"],
        1 => &["default", "invalid", "timeout", "a", "b"],
        2 => &["a", "else"],
        4 => &["success", "failure"],
        _ => &[],
    }
}

fn node_config(kind: usize) -> (&'static str, Value) {
    match kind {
        0 => ("message", text("m {{vars.v}}")),
        1 => (
            "question",
            json!({"prompt": "?", "answer": "options", "variable": "v", "max_retries": 1, "timeout_minutes": 5,
                                 "options": [{"id": "a", "title": "A"}, {"id": "b", "title": "B"}]}),
        ),
        2 => (
            "condition",
            json!({"branches": [{"id": "a", "rules": [{"subject": {"kind": "var", "name": "v"}, "op": "equals", "value": "A"}]}]}),
        ),
        3 => ("delay", json!({"seconds": 60})),
        4 => (
            "webhook",
            json!({"url": "https://x.test", "response_mapping": [{"path": "v", "variable": "v"}]}),
        ),
        5 => ("tag", json!({"add": [crate::ids::TagId::new()]})),
        6 => ("end", json!({"resolve": true})),
        _ => ("transfer", json!({"to": "team", "id": crate::ids::TeamId::new()})),
    }
}

/// Random graphs that are mostly well-formed: every node hangs off an earlier one by a free
/// handle, questions get their default edge, and extra random edges add loops and mistakes.
fn arb_flow() -> impl Strategy<Value = FlowDefinition> {
    (1usize..12)
        .prop_flat_map(|n| {
            let kinds = prop::collection::vec(0usize..8, n);
            let parents = prop::collection::vec((0usize..100, 0usize..100), n);
            let extra = prop::collection::vec((0..=n, 0usize..100, 0..=n), 0..4);
            (kinds, parents, extra)
        })
        .prop_map(|(kinds, parents, extra)| {
            let kind_of = |i: usize| if i == 0 { 8 } else { kinds[i - 1] };
            let mut used: Vec<(usize, &str)> = Vec::new();
            let mut edges: Vec<(usize, &str, usize)> = Vec::new();
            for (i, (p, h)) in parents.iter().enumerate().map(|(i, ph)| (i + 1, ph)) {
                let free = (0..i).map(|k| (p + k) % i).find_map(|parent| {
                    let hs = handles(kind_of(parent));
                    (0..hs.len())
                        .map(|k| hs[(h + k) % hs.len()])
                        .find(|h| !used.contains(&(parent, *h)))
                        .map(|h| (parent, h))
                });
                if let Some((parent, handle)) = free {
                    used.push((parent, handle));
                    edges.push((parent, handle, i));
                }
            }
            for (i, k) in kinds.iter().enumerate().map(|(i, k)| (i + 1, *k)) {
                if k == 1 && !used.contains(&(i, "default")) {
                    edges.push((i, "default", (i + 1) % (kinds.len() + 1)));
                }
            }
            for (from, h, to) in extra {
                let hs = handles(kind_of(from));
                if !hs.is_empty() {
                    edges.push((from, hs[h % hs.len()], to));
                }
            }
            let mut nodes = vec![json!({"id": "n0", "type": "start"})];
            for (i, k) in kinds.iter().enumerate() {
                let (ty, config) = node_config(*k);
                nodes.push(json!({"id": format!("n{}", i + 1), "type": ty, "config": config}));
            }
            let edges: Vec<Value> = edges
                .into_iter()
                .map(|(f, h, t)| json!({"from": format!("n{f}"), "handle": h, "to": format!("n{t}")}))
                .collect();
            flow(json!({"nodes": nodes, "edges": edges}))
        })
}

fn arb_input() -> impl Strategy<Value = Input> {
    prop_oneof![
        prop::sample::select(vec!["A", "b", "2", "x", ""]).prop_map(msg),
        (0u64..6).prop_map(|token| Input::TimerFired { token }),
        (0u64..6).prop_map(|token| Input::TimeoutFired { token }),
        (0u64..6, 0u16..600).prop_map(|(token, status)| Input::WebhookResult {
            token,
            result: WebhookOutcome::Response {
                status,
                body: json!({"v": "A"})
            }
        }),
    ]
}

proptest! {
    #[test]
    fn validation_never_panics_and_valid_flows_never_break(def in arb_flow()) {
        if validate(&def).is_ok() {
            let step = start(&def, &ctx());
            prop_assert_ne!(ended(&step), Some(EndReason::BrokenFlow));
            prop_assert_ne!(ended(&step), Some(EndReason::StepLimit));
        }
    }

    #[test]
    fn every_step_ends_waiting_or_finished_and_ignored_inputs_change_nothing(
        def in arb_flow(),
        inputs in prop::collection::vec(arb_input(), 0..12),
    ) {
        let mut step = start(&def, &ctx());
        for input in &inputs {
            prop_assert_ne!(&step.state.status, &SessionStatus::Active);
            prop_assert!(step.path.len() <= session::MAX_STEPS_PER_INPUT as usize);
            let next = resume(&def, &step.state, input, &ctx());
            if next.ignored.is_some() {
                prop_assert_eq!(&next.state, &step.state);
                prop_assert!(next.effects.is_empty());
            } else {
                prop_assert!(next.state.seq >= step.state.seq);
                prop_assert!(next.state.steps >= step.state.steps);
            }
            step = next;
        }
        prop_assert_ne!(&step.state.status, &SessionStatus::Active);
    }
}
