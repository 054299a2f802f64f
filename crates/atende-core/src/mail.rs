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

    /// Whether mail reaches its recipient (`false` for the log mailer of a server without
    /// SMTP): when it does not, whoever created a link is given it to pass on themselves.
    fn delivers(&self) -> bool {
        true
    }
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
    fn delivers(&self) -> bool {
        false
    }

    async fn send(&self, mail: &OutgoingMail) -> Result<(), String> {
        tracing::warn!(to = %mail.to, subject = %mail.subject, body = %mail.text, "ATENDE_SMTP_URL is not set: e-mail written to the log instead of sent");
        Ok(())
    }
}

/// The job kind that delivers an [`OutgoingMail`].
pub const SEND_KIND: &str = "mail.send";

/// The languages mails are written in. Every mail is written entirely in one of them: the
/// tenant's language for invitations (the invitee has no preference yet), the account's own
/// for sign-in and password-reset links. Anything else falls back to Portuguese, the product's
/// first language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    PtBr,
    En,
    Es,
}

impl Lang {
    /// Maps a stored locale (`pt-BR`, `en`, `es`, `en-US`, …) to a mail language.
    #[must_use]
    pub fn from_locale(locale: &str) -> Self {
        let l = locale.trim().to_ascii_lowercase();
        if l.starts_with("en") {
            Self::En
        } else if l.starts_with("es") {
            Self::Es
        } else {
            Self::PtBr
        }
    }
}

/// What a link mail is for, with what its text needs.
#[derive(Clone, Copy, Debug)]
pub enum LinkMail<'a> {
    /// An invitation to `tenant`, valid `days` days.
    Invite { tenant: &'a str, days: u64 },
    /// A sign-in link valid `minutes`.
    Login { minutes: u64 },
    /// A password-reset link valid `minutes`.
    PasswordReset { minutes: u64 },
}

/// Renders a mail carrying a single-use link, entirely in `lang`. The one place mail text is
/// written, so every message reads the same way.
#[must_use]
pub fn render_link(kind: LinkMail<'_>, lang: Lang, to: &str, name: &str, link: &str) -> OutgoingMail {
    let (subject, text) = match (kind, lang) {
        (LinkMail::Invite { tenant, days }, Lang::PtBr) => (
            format!("Convite para {tenant} no Atende"),
            format!(
                "Olá, {name}.\n\nVocê foi convidado(a) para a equipe de {tenant} no Atende. Abra o link abaixo para definir sua senha e entrar (válido por {days} dias, uma única vez):\n\n{link}\n\nSe você não esperava este convite, ignore esta mensagem.\n"
            ),
        ),
        (LinkMail::Invite { tenant, days }, Lang::En) => (
            format!("Invitation to {tenant} on Atende"),
            format!(
                "Hello {name},\n\nYou were invited to join the {tenant} team on Atende. Open the link below to choose your password and sign in (valid for {days} days, once):\n\n{link}\n\nIf you were not expecting this invitation, ignore this message.\n"
            ),
        ),
        (LinkMail::Invite { tenant, days }, Lang::Es) => (
            format!("Invitación a {tenant} en Atende"),
            format!(
                "Hola, {name}.\n\nTe invitaron a unirte al equipo de {tenant} en Atende. Abre el enlace de abajo para elegir tu contraseña e ingresar (válido por {days} días, una sola vez):\n\n{link}\n\nSi no esperabas esta invitación, ignora este mensaje.\n"
            ),
        ),
        (LinkMail::Login { minutes }, Lang::PtBr) => (
            "Seu link de acesso ao Atende".to_owned(),
            format!(
                "Olá, {name}.\n\nUse o link abaixo para entrar no Atende. Ele vale por {minutes} minutos e pode ser usado uma vez:\n\n{link}\n\nSe não foi você, ignore esta mensagem.\n"
            ),
        ),
        (LinkMail::Login { minutes }, Lang::En) => (
            "Your Atende sign-in link".to_owned(),
            format!(
                "Hello {name},\n\nUse the link below to sign in to Atende. It is valid for {minutes} minutes and works once:\n\n{link}\n\nIf this was not you, ignore this message.\n"
            ),
        ),
        (LinkMail::Login { minutes }, Lang::Es) => (
            "Tu enlace de acceso a Atende".to_owned(),
            format!(
                "Hola, {name}.\n\nUsa el enlace de abajo para ingresar a Atende. Vale por {minutes} minutos y se puede usar una vez:\n\n{link}\n\nSi no fuiste tú, ignora este mensaje.\n"
            ),
        ),
        (LinkMail::PasswordReset { minutes }, Lang::PtBr) => (
            "Redefinição de senha do Atende".to_owned(),
            format!(
                "Olá, {name}.\n\nRecebemos um pedido para redefinir a sua senha do Atende. Abra o link abaixo para escolher uma nova senha (válido por {minutes} minutos, uma única vez):\n\n{link}\n\nAo trocar a senha, as outras sessões abertas são encerradas. Se não foi você, ignore esta mensagem: sua senha continua a mesma.\n"
            ),
        ),
        (LinkMail::PasswordReset { minutes }, Lang::En) => (
            "Reset your Atende password".to_owned(),
            format!(
                "Hello {name},\n\nWe received a request to reset your Atende password. Open the link below to choose a new one (valid for {minutes} minutes, once):\n\n{link}\n\nChanging the password signs out your other sessions. If this was not you, ignore this message: your password stays the same.\n"
            ),
        ),
        (LinkMail::PasswordReset { minutes }, Lang::Es) => (
            "Restablece tu contraseña de Atende".to_owned(),
            format!(
                "Hola, {name}.\n\nRecibimos una solicitud para restablecer tu contraseña de Atende. Abre el enlace de abajo para elegir una nueva (válido por {minutes} minutos, una sola vez):\n\n{link}\n\nAl cambiar la contraseña se cierran tus otras sesiones. Si no fuiste tú, ignora este mensaje: tu contraseña sigue igual.\n"
            ),
        ),
    };
    OutgoingMail {
        to: to.to_owned(),
        subject,
        text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locales_map_to_languages() {
        assert_eq!(Lang::from_locale("pt-BR"), Lang::PtBr);
        assert_eq!(Lang::from_locale("en"), Lang::En);
        assert_eq!(Lang::from_locale("en-US"), Lang::En);
        assert_eq!(Lang::from_locale("es"), Lang::Es);
        assert_eq!(Lang::from_locale("fr"), Lang::PtBr);
    }

    #[test]
    fn invitation_is_written_in_one_language() {
        let m = render_link(
            LinkMail::Invite {
                tenant: "Loja",
                days: 7,
            },
            Lang::En,
            "a@b.test",
            "Ana",
            "https://x/auth/magic?token=ml_1",
        );
        assert_eq!(m.subject, "Invitation to Loja on Atende");
        assert!(m.text.contains("valid for 7 days"));
        assert!(!m.text.contains("Olá") && !m.subject.contains("Convite"));
        let m = render_link(
            LinkMail::Invite {
                tenant: "Loja",
                days: 7,
            },
            Lang::PtBr,
            "a@b.test",
            "Ana",
            "l",
        );
        assert!(!m.text.contains("Hello") && !m.subject.contains("Invitation"));
    }
}
