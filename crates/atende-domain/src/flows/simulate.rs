//! The builder's chat simulator and `POST /flows/{id}/preview`: the interpreter over a list of
//! customer messages, with no IO and no waiting.

use super::context::FlowContext;
use super::definition::FlowDefinition;
use super::interpreter::{resume, start};
use super::session::{Effect, Input, SessionState, SessionStatus, Step};
use super::webhook::WebhookOutcome;
use serde::Serialize;

/// Most timers and webhooks a preview skips past in a row before it stops (a reminder loop of
/// delays never waits for the customer).
pub const MAX_AUTOMATIC_STEPS: usize = 20;

/// What a preview produced.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Simulation {
    /// Every effect in order: the messages the bot would send, and its schedules, tags,
    /// transfers and logs.
    pub replies: Vec<Effect>,
    /// Node ids in the order they ran.
    pub path: Vec<String>,
    /// The session at the end.
    pub state: SessionState,
}

/// Runs `def` as if a customer sent `messages`. The first message is the one that triggered
/// the flow (it starts the session and is not an answer); each later one answers whatever the
/// session waits on, and messages left when the session ends are ignored.
///
/// Delays are skipped forward (the clock jumps to the timer), webhooks are not called and follow
/// `failure` (the log says so), question timeouts never fire.
#[must_use]
pub fn simulate(def: &FlowDefinition, messages: &[&str], ctx: &FlowContext) -> Simulation {
    let mut ctx = ctx.clone();
    let mut sim = Simulation {
        replies: Vec::new(),
        path: Vec::new(),
        state: SessionState::default(),
    };
    let absorb = |sim: &mut Simulation, step: Step| {
        sim.replies.extend(step.effects);
        sim.path.extend(step.path);
        sim.state = step.state;
    };
    absorb(&mut sim, start(def, &ctx));
    let mut answers = messages.iter().skip(1);
    let mut automatic = 0;
    loop {
        let input = match &sim.state.status {
            SessionStatus::WaitingTimer { token, until, .. } => {
                ctx.now = *until;
                Input::TimerFired { token: *token }
            }
            SessionStatus::WaitingWebhook { token, .. } => Input::WebhookResult {
                token: *token,
                result: WebhookOutcome::Error {
                    message: "not called in a preview".into(),
                },
            },
            SessionStatus::WaitingInput { .. } => match answers.next() {
                Some(text) => {
                    automatic = 0;
                    Input::Message {
                        text: (*text).to_owned(),
                        reply_id: None,
                    }
                }
                None => break,
            },
            _ => break,
        };
        if !matches!(input, Input::Message { .. }) {
            automatic += 1;
            if automatic > MAX_AUTOMATIC_STEPS {
                sim.replies.push(Effect::Log {
                    node: sim.state.node.clone(),
                    message: format!("preview stopped after {MAX_AUTOMATIC_STEPS} delays or webhooks in a row"),
                });
                break;
            }
        }
        let step = resume(def, &sim.state, &input, &ctx);
        absorb(&mut sim, step);
    }
    sim
}
