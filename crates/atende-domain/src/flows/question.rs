//! How a question's prompt reaches the customer: plain text, or its options as reply buttons,
//! a list, or a numbered menu, within WhatsApp's limits.

use super::nodes::{
    AnswerKind, DEFAULT_LIST_BUTTON, ListRow, MAX_BUTTON_TITLE, MAX_BUTTONS, MAX_INTERACTIVE_BODY, MAX_LIST_ROWS,
    MAX_ROW_TITLE, MAX_TEXT, OptionsDisplay, QuestionConfig, ReplyButton,
};
use super::session::Effect;
use super::text::clip;

/// Whether the options fit reply buttons.
#[must_use]
pub fn fits_buttons(q: &QuestionConfig) -> bool {
    !q.options.is_empty()
        && q.options.len() <= MAX_BUTTONS
        && q.options.iter().all(|o| o.title.chars().count() <= MAX_BUTTON_TITLE)
}

/// Whether the options fit a list.
#[must_use]
pub fn fits_list(q: &QuestionConfig) -> bool {
    !q.options.is_empty()
        && q.options.len() <= MAX_LIST_ROWS
        && q.options.iter().all(|o| o.title.chars().count() <= MAX_ROW_TITLE)
}

/// The display actually used: the configured one when the options fit it, else the next
/// roomier one (buttons → list → text). Publishing refuses a configured display that does not
/// fit, so the fallback only serves drafts and previews.
#[must_use]
pub fn effective_display(q: &QuestionConfig) -> OptionsDisplay {
    let wanted = q.display;
    if matches!(wanted, OptionsDisplay::Auto | OptionsDisplay::Buttons) && fits_buttons(q) {
        OptionsDisplay::Buttons
    } else if matches!(
        wanted,
        OptionsDisplay::Auto | OptionsDisplay::Buttons | OptionsDisplay::List
    ) && fits_list(q)
    {
        OptionsDisplay::List
    } else {
        OptionsDisplay::Text
    }
}

/// The message asking the question, `body` being the rendered prompt (or re-ask text).
#[must_use]
pub fn prompt_effect(q: &QuestionConfig, body: &str) -> Effect {
    if q.answer != AnswerKind::Options {
        return Effect::SendText {
            text: clip(body, MAX_TEXT),
        };
    }
    match effective_display(q) {
        OptionsDisplay::Buttons => Effect::SendButtons {
            text: clip(body, MAX_INTERACTIVE_BODY),
            buttons: q
                .options
                .iter()
                .map(|o| ReplyButton {
                    id: o.id.clone(),
                    title: o.title.clone(),
                })
                .collect(),
        },
        OptionsDisplay::List => Effect::SendList {
            text: clip(body, MAX_INTERACTIVE_BODY),
            button: q
                .list_button
                .clone()
                .filter(|b| !b.trim().is_empty())
                .unwrap_or_else(|| DEFAULT_LIST_BUTTON.to_owned()),
            rows: q
                .options
                .iter()
                .map(|o| ListRow {
                    id: o.id.clone(),
                    title: o.title.clone(),
                    description: o.description.clone(),
                })
                .collect(),
        },
        OptionsDisplay::Text | OptionsDisplay::Auto => {
            let menu: Vec<String> = q
                .options
                .iter()
                .enumerate()
                .map(|(i, o)| format!("{}. {}", i + 1, o.title))
                .collect();
            Effect::SendText {
                text: clip(&format!("{body}\n\n{}", menu.join("\n")), MAX_TEXT),
            }
        }
    }
}
