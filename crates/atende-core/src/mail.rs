//! Outgoing e-mail. Mail is never sent inside a request: the use case enqueues a `mail.send`
//! job in its transaction, and the worker delivers it with retries, so a slow or failing SMTP
//! server never fails a request and a committed invitation is never lost.

use async_trait::async_trait;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::{Deserialize, Serialize};

/// One message, as stored in the job's payload.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OutgoingMail {
    pub to: String,
    pub subject: String,
    pub text: String,
}

/// Delivers mail.
#[async_trait]
pub trait Mailer: Send + Sync {
    /// # Errors
    /// A message the transport could not deliver (the job retries it).
    async fn send(&self, mail: &OutgoingMail) -> Result<(), String>;
}

/// SMTP through lettre, configured by `ATENDE_SMTP_URL`.
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: lettre::message::Mailbox,
}

impl SmtpMailer {
    /// # Errors
    /// A malformed URL or sender.
    pub fn new(url: &str, from: &str) -> Result<Self, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| format!("invalid SMTP URL: {e}"))?
            .build();
        let from = from.parse().map_err(|e| format!("invalid sender address: {e}"))?;
        Ok(Self { transport, from })
    }
}

#[async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, mail: &OutgoingMail) -> Result<(), String> {
        let to = mail.to.parse().map_err(|e| format!("invalid recipient: {e}"))?;
        let msg = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(mail.text.clone())
            .map_err(|e| e.to_string())?;
        self.transport.send(msg).await.map(|_| ()).map_err(|e| e.to_string())
    }
}

/// Development mailer: writes the message to the log (links included, since without SMTP that
/// is the only way to follow them). Never used when `ATENDE_SMTP_URL` is set.
pub struct LogMailer;

#[async_trait]
impl Mailer for LogMailer {
    async fn send(&self, mail: &OutgoingMail) -> Result<(), String> {
        tracing::warn!(to = %mail.to, subject = %mail.subject, body = %mail.text, "ATENDE_SMTP_URL is not set: e-mail written to the log instead of sent");
        Ok(())
    }
}

/// The job kind that delivers an [`OutgoingMail`].
pub const SEND_KIND: &str = "mail.send";
