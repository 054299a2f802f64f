//! The interpreter: pure functions from (definition, state, input, context) to (state, effects).
//!
//! A step runs nodes until the session must wait for the outside (a question, a delay, a
//! webhook) or finishes (transfer, end, a handle without an edge, the step cap). It never
//! sleeps and never does IO: waits become [`Effect::ScheduleTimer`], [`Effect::ScheduleTimeout`]
//! and [`Effect::CallWebhook`] carrying a token, and the caller feeds the result back with
//! [`resume`]. Storing the returned state and carrying out the effects in one transaction, with
//! the session row locked, is what makes a session advance once per input.

use super::answer::parse_answer;
use super::condition;
use super::context::FlowContext;
use super::definition::{DEFAULT, FAILURE, FlowDefinition, INVALID, NodeKind, SUCCESS, TIMEOUT};
use super::nodes::{DELAY_RANGE, DelayConfig, MAX_TEXT, MessageConfig, QuestionConfig, TagConfig, TransferTarget};
use super::outbound::Renderer;
use super::question::prompt_effect;
use super::session::{Effect, EndReason, Ignored, Input, MAX_STEPS_PER_INPUT, SessionState, SessionStatus, Step};
use super::template::template_vars;
use super::webhook::{WebhookConfig, WebhookOutcome, lookup, render_request};
use crate::ids::TagId;
use chrono::TimeDelta;

/// Starts a new session at the flow's start node.
///
/// The step ends waiting (question, delay, webhook) or finished; a definition without a start
/// node finishes at once with [`EndReason::BrokenFlow`].
#[must_use]
pub fn start(def: &FlowDefinition, ctx: &FlowContext) -> Step {
    let mut run = Runner::new(def, ctx, SessionState::default());
    match def.start_node() {
        Some(node) => run.run_from(&node.id),
        None => {
            run.log(None, "the flow has no start node".into());
            run.finish(EndReason::BrokenFlow);
        }
    }
    run.into_step()
}

/// Continues a session with one input.
///
/// An input that does not fit the current wait changes nothing and says why in
/// [`Step::ignored`]: any input to a finished session, a timer/timeout/webhook result whose token
/// is not the current wait's, a customer message during a delay or a webhook call.
#[must_use]
pub fn resume(def: &FlowDefinition, state: &SessionState, input: &Input, ctx: &FlowContext) -> Step {
    use SessionStatus as S;
    if state.status.is_finished() {
        return ignored(state, Ignored::Finished);
    }
    let mut run = Runner::new(def, ctx, state.clone());
    match (&state.status, input) {
        (S::WaitingInput { node, .. }, Input::Message { text, reply_id }) => {
            run.answer(node, text, reply_id.as_deref());
        }
        (S::WaitingInput { node, token, .. }, Input::TimeoutFired { token: t }) if token == t => {
            run.timed_out(node);
        }
        (S::WaitingTimer { node, token, .. }, Input::TimerFired { token: t }) if token == t => {
            run.state.status = S::Active;
            run.follow(node, DEFAULT);
        }
        (S::WaitingWebhook { node, token }, Input::WebhookResult { token: t, result }) if token == t => {
            run.webhook_result(node, result);
        }
        (S::WaitingTimer { .. } | S::WaitingWebhook { .. }, Input::Message { .. }) => {
            return ignored(state, Ignored::NotWaitingForMessage);
        }
        _ => return ignored(state, Ignored::Stale),
    }
    run.into_step()
}

fn ignored(state: &SessionState, why: Ignored) -> Step {
    Step {
        state: state.clone(),
        effects: Vec::new(),
        path: Vec::new(),
        ignored: Some(why),
    }
}

/// One step in progress.
struct Runner<'a> {
    def: &'a FlowDefinition,
    ctx: &'a FlowContext,
    state: SessionState,
    /// The contact's tags as this step has changed them.
    tags: Vec<TagId>,
    effects: Vec<Effect>,
    path: Vec<String>,
    steps: u32,
}

impl<'a> Runner<'a> {
    fn new(def: &'a FlowDefinition, ctx: &'a FlowContext, state: SessionState) -> Self {
        Self {
            def,
            ctx,
            state,
            tags: ctx.tags.clone(),
            effects: Vec::new(),
            path: Vec::new(),
            steps: 0,
        }
    }

    fn into_step(self) -> Step {
        debug_assert!(
            self.state.status != SessionStatus::Active,
            "a step ends waiting or finished"
        );
        Step {
            state: self.state,
            effects: self.effects,
            path: self.path,
            ignored: None,
        }
    }

    fn log(&mut self, node: Option<&str>, message: String) {
        self.effects.push(Effect::Log {
            node: node.map(str::to_owned),
            message,
        });
    }

    fn finish(&mut self, reason: EndReason) {
        self.state.status = SessionStatus::Completed { reason };
        self.effects.push(Effect::Ended { reason });
    }

    fn next_token(&mut self) -> u64 {
        self.state.seq += 1;
        self.state.seq
    }

    /// Leaves `from` by `handle`; a handle without an edge ends the flow.
    fn follow(&mut self, from: &str, handle: &str) {
        let def = self.def;
        match def.target(from, handle) {
            Some(to) => self.run_from(to),
            None => self.finish(EndReason::EndOfFlow),
        }
    }

    /// Runs nodes from `first` until a wait or the end.
    fn run_from(&mut self, first: &'a str) {
        let def = self.def;
        self.state.status = SessionStatus::Active;
        let mut id = first;
        loop {
            if self.steps >= MAX_STEPS_PER_INPUT {
                self.log(
                    Some(id),
                    format!(
                        "stopped after {MAX_STEPS_PER_INPUT} steps for one input: a loop without a question or a delay"
                    ),
                );
                return self.finish(EndReason::StepLimit);
            }
            let Some(node) = def.node(id) else {
                self.log(None, format!("node {id:?} is not in the flow"));
                return self.finish(EndReason::BrokenFlow);
            };
            self.enter(id);
            let handle: &'a str = match &node.kind {
                NodeKind::Start(_) => DEFAULT,
                NodeKind::Message(m) => {
                    self.send_message(id, m);
                    DEFAULT
                }
                NodeKind::Tag(t) => {
                    self.apply_tags(t);
                    DEFAULT
                }
                NodeKind::Condition(c) => condition::evaluate(c, &self.state.vars, &self.tags, self.ctx),
                NodeKind::Question(q) => return self.ask(id, q, &q.prompt),
                NodeKind::Delay(d) => return self.wait_timer(id, *d),
                NodeKind::Webhook(w) => {
                    if self.call_webhook(id, w) {
                        return;
                    }
                    FAILURE
                }
                NodeKind::Transfer(target) => return self.transfer(*target),
                NodeKind::End(end) => {
                    if end.resolve {
                        self.effects.push(Effect::Resolve);
                    }
                    return self.finish(EndReason::EndNode);
                }
            };
            match def.target(id, handle) {
                Some(next) => id = next,
                None => return self.finish(EndReason::EndOfFlow),
            }
        }
    }

    fn renderer(&self) -> Renderer<'_> {
        Renderer {
            ctx: self.ctx,
            vars: &self.state.vars,
        }
    }

    fn enter(&mut self, id: &str) {
        self.steps += 1;
        self.state.steps += 1;
        self.state.attempts = 0;
        self.state.node = Some(id.to_owned());
        self.path.push(id.to_owned());
    }

    /// Sends a message node's message; a template error skips it with a log, the flow goes on.
    fn send_message(&mut self, node: &str, m: &MessageConfig) {
        match self.renderer().message(m) {
            Ok(effect) => self.effects.push(effect),
            Err(e) => self.log(Some(node), format!("message not sent: {e}")),
        }
    }

    fn apply_tags(&mut self, t: &TagConfig) {
        if !t.add.is_empty() {
            for id in &t.add {
                if !self.tags.contains(id) {
                    self.tags.push(*id);
                }
            }
            self.effects.push(Effect::AddTags { tag_ids: t.add.clone() });
        }
        if !t.remove.is_empty() {
            self.tags.retain(|id| !t.remove.contains(id));
            self.effects.push(Effect::RemoveTags {
                tag_ids: t.remove.clone(),
            });
        }
    }

    /// Sends the prompt (or re-ask `text`) and waits for the answer with a fresh token.
    fn ask(&mut self, node: &str, q: &QuestionConfig, text: &str) {
        match self.renderer().body(text, MAX_TEXT) {
            Ok(body) => self.effects.push(prompt_effect(q, &body)),
            Err(e) => self.log(Some(node), format!("question not sent: {e}")),
        }
        let token = self.next_token();
        let deadline = q
            .timeout_minutes
            .filter(|m| *m > 0)
            .and_then(|m| self.ctx.now.checked_add_signed(TimeDelta::minutes(i64::from(m))));
        self.state.status = SessionStatus::WaitingInput {
            node: node.to_owned(),
            token,
            deadline,
        };
        if let Some(at) = deadline {
            self.effects.push(Effect::ScheduleTimeout { token, at });
        }
    }

    fn question(&mut self, node: &str) -> Option<&'a QuestionConfig> {
        let def = self.def;
        match def.node(node).map(|n| &n.kind) {
            Some(NodeKind::Question(q)) => Some(q),
            _ => {
                self.log(
                    Some(node),
                    "the question this session waits on is not in the flow".into(),
                );
                self.finish(EndReason::BrokenFlow);
                None
            }
        }
    }

    fn answer(&mut self, node: &str, text: &str, reply_id: Option<&str>) {
        let Some(q) = self.question(node) else { return };
        self.state.status = SessionStatus::Active;
        if let Some(answer) = parse_answer(q, text, reply_id) {
            self.state.vars.insert(q.variable.clone(), answer.value);
            self.state.attempts = 0;
            let def = self.def;
            let handle = answer
                .option
                .map(|o| o.id.as_str())
                .filter(|h| def.target(node, h).is_some())
                .unwrap_or(DEFAULT);
            return self.follow(node, handle);
        }
        self.state.attempts += 1;
        let attempts = self.state.attempts;
        self.log(
            Some(node),
            format!("invalid answer ({attempts} of {} allowed re-asks)", q.max_retries),
        );
        if attempts <= q.max_retries {
            return self.ask(node, q, q.retry_text.as_deref().unwrap_or(&q.prompt));
        }
        self.state.attempts = 0;
        self.leave_or_end(node, INVALID, EndReason::InvalidAnswer);
    }

    fn timed_out(&mut self, node: &str) {
        if self.question(node).is_none() {
            return;
        }
        self.state.status = SessionStatus::Active;
        self.state.attempts = 0;
        self.log(Some(node), "no answer before the question's timeout".into());
        self.leave_or_end(node, TIMEOUT, EndReason::QuestionTimeout);
    }

    /// Leaves by `handle` when it has an edge; otherwise ends for `reason`.
    fn leave_or_end(&mut self, node: &str, handle: &str, reason: EndReason) {
        let def = self.def;
        match def.target(node, handle) {
            Some(to) => self.run_from(to),
            None => self.finish(reason),
        }
    }

    fn wait_timer(&mut self, node: &str, d: DelayConfig) {
        let seconds = d.seconds.clamp(*DELAY_RANGE.start(), *DELAY_RANGE.end());
        let until = self.ctx.now + TimeDelta::seconds(i64::from(seconds));
        let token = self.next_token();
        self.state.status = SessionStatus::WaitingTimer {
            node: node.to_owned(),
            token,
            until,
        };
        self.effects.push(Effect::ScheduleTimer { token, at: until });
    }

    /// Asks for the call; `false` when the request could not be rendered (then `failure`).
    fn call_webhook(&mut self, node: &str, w: &WebhookConfig) -> bool {
        match render_request(w, &template_vars(self.ctx, &self.state.vars)) {
            Ok(request) => {
                let token = self.next_token();
                self.state.status = SessionStatus::WaitingWebhook {
                    node: node.to_owned(),
                    token,
                };
                self.effects.push(Effect::CallWebhook { token, request });
                true
            }
            Err(e) => {
                self.log(Some(node), format!("webhook not called: {e}"));
                false
            }
        }
    }

    fn webhook_result(&mut self, node: &str, result: &WebhookOutcome) {
        let def = self.def;
        let Some(NodeKind::Webhook(w)) = def.node(node).map(|n| &n.kind) else {
            self.log(
                Some(node),
                "the webhook this session waits on is not in the flow".into(),
            );
            return self.finish(EndReason::BrokenFlow);
        };
        self.state.status = SessionStatus::Active;
        match result {
            WebhookOutcome::Response { status, body } if (200..300).contains(status) => {
                for m in &w.response_mapping {
                    match lookup(body, &m.path) {
                        Some(v) => {
                            self.state.vars.insert(m.variable.clone(), v.clone());
                        }
                        None => self.log(Some(node), format!("the answer has no {:?}", m.path)),
                    }
                }
                self.follow(node, SUCCESS);
            }
            WebhookOutcome::Response { status, .. } => {
                self.log(Some(node), format!("the webhook answered HTTP {status}"));
                self.follow(node, FAILURE);
            }
            WebhookOutcome::Error { message } => {
                self.log(Some(node), format!("the webhook failed: {message}"));
                self.follow(node, FAILURE);
            }
        }
    }

    fn transfer(&mut self, target: TransferTarget) {
        self.effects.push(Effect::Transfer { target });
        self.effects.push(Effect::Ended {
            reason: EndReason::Transferred,
        });
        self.state.status = SessionStatus::HandedOff;
    }
}
