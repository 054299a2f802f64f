//! Rendering what a step sends: the texts of a message node or a question, over the context
//! and the session's variables, within WhatsApp's lengths.

use super::context::FlowContext;
use super::nodes::{MAX_INTERACTIVE_BODY, MAX_TEXT, MessageConfig};
use super::session::Effect;
use super::template::{TemplateError, render, template_vars};
use super::text::clip;
use super::webhook::is_http_url;
use serde_json::Value;
use std::collections::BTreeMap;

/// Renders templates for one step.
pub struct Renderer<'r> {
    pub ctx: &'r FlowContext,
    pub vars: &'r BTreeMap<String, Value>,
}

impl Renderer<'_> {
    /// Renders one template (plain text skips the engine).
    ///
    /// # Errors
    /// The template's error.
    pub fn text(&self, source: &str) -> Result<String, TemplateError> {
        if !source.contains('{') {
            return Ok(source.to_owned());
        }
        render(source, &template_vars(self.ctx, self.vars))
    }

    /// Renders a message body, clipped to `max` characters.
    ///
    /// # Errors
    /// A template error, or a blank result (WhatsApp refuses empty texts).
    pub fn body(&self, source: &str, max: usize) -> Result<String, TemplateError> {
        let text = self.text(source)?;
        if text.trim().is_empty() {
            return Err(TemplateError {
                message: "the text rendered empty".into(),
            });
        }
        Ok(clip(&text, max))
    }

    /// The send effect of a message node, every text rendered.
    ///
    /// # Errors
    /// The first template that fails, a blank body, a media URL that is not http(s).
    pub fn message(&self, m: &MessageConfig) -> Result<Effect, TemplateError> {
        Ok(match m {
            MessageConfig::Text { text } => Effect::SendText {
                text: self.body(text, MAX_TEXT)?,
            },
            MessageConfig::Media {
                kind,
                url,
                caption,
                file_name,
            } => {
                let url = self.text(url)?.trim().to_owned();
                if !is_http_url(&url) {
                    return Err(TemplateError {
                        message: format!("the media URL {url:?} is not http(s)"),
                    });
                }
                let caption = caption.as_deref().map(|c| self.text(c)).transpose()?;
                Effect::SendMedia {
                    kind: *kind,
                    url,
                    caption: caption
                        .filter(|c| !c.trim().is_empty())
                        .map(|c| clip(&c, MAX_INTERACTIVE_BODY)),
                    file_name: file_name.as_deref().map(|f| self.text(f)).transpose()?,
                }
            }
            MessageConfig::Template {
                name,
                language,
                parameters,
            } => Effect::SendTemplate {
                name: name.clone(),
                language: language.clone(),
                parameters: parameters.iter().map(|p| self.text(p)).collect::<Result<_, _>>()?,
            },
            MessageConfig::Buttons { text, buttons } => Effect::SendButtons {
                text: self.body(text, MAX_INTERACTIVE_BODY)?,
                buttons: buttons.clone(),
            },
            MessageConfig::List { text, button, rows } => Effect::SendList {
                text: self.body(text, MAX_INTERACTIVE_BODY)?,
                button: button.clone(),
                rows: rows.clone(),
            },
        })
    }
}
