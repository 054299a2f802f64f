//! The Graph API client: send, mark read, check credentials, media, templates.
//!
//! Every call has a timeout (the client's, or the longer media one for downloads and uploads),
//! every body read is capped, and the bearer token only ever goes to the configured base URL or to
//! the media URL Graph itself returned. Template paging follows the `after` cursor against the
//! base URL rather than the absolute `paging.next` link, so a hostile or rewritten link cannot
//! receive the token.

use super::WhatsappCredentials;
use super::errors::from_response;
use super::outbound::{mark_read_body, message_body};
use crate::{AccountInfo, ChannelError, DownloadedMedia, OutboundMessage, TemplateInfo};
use base64::Engine as _;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::time::Duration;

/// Graph API base URL used in production (`ATENDE_WHATSAPP_GRAPH_URL` overrides it).
pub const DEFAULT_GRAPH_URL: &str = "https://graph.facebook.com/v23.0";

/// Cap on JSON answers (template pages are the largest, well under this).
const MAX_JSON_BODY: u64 = 8 * 1024 * 1024;
/// Page size asked for when listing templates.
const TEMPLATE_PAGE_SIZE: &str = "100";
/// Guard against a provider that keeps answering `next`.
const MAX_TEMPLATE_PAGES: usize = 100;
const TEMPLATE_FIELDS: &str = "name,status,category,language,parameter_format,components";

/// Where and how patiently to talk to Graph.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GraphConfig {
    /// Base URL including the API version, without a trailing slash.
    pub base_url: String,
    /// Whole-request timeout for API calls.
    pub request_timeout: Duration,
    pub connect_timeout: Duration,
    /// Whole-request timeout for media downloads and uploads.
    pub media_timeout: Duration,
}

impl Default for GraphConfig {
    fn default() -> Self {
        Self {
            base_url: DEFAULT_GRAPH_URL.to_owned(),
            request_timeout: Duration::from_secs(20),
            connect_timeout: Duration::from_secs(5),
            media_timeout: Duration::from_secs(120),
        }
    }
}

/// The answer to a successful send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SendReceipt {
    /// The `wamid` of the new message.
    pub message_id: String,
    /// The recipient's normalized id (`contacts[0].wa_id`), when `to` was a formatted number.
    pub wa_id: Option<String>,
    /// Template sends: `accepted`, `held_for_quality_assessment` or `paused`.
    pub message_status: Option<String>,
}

/// `GET /{media-id}`: where to download a media file (valid ~5 minutes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MediaInfo {
    pub id: Option<String>,
    pub url: String,
    pub mime_type: Option<String>,
    /// Hex here (base64 in webhooks); both are accepted when checking.
    pub sha256: Option<String>,
    pub file_size: Option<u64>,
}

/// A Graph API client for one deployment; credentials are passed per call (one per channel).
#[derive(Clone, Debug)]
pub struct GraphClient {
    http: reqwest::Client,
    config: GraphConfig,
}

impl GraphClient {
    /// Builds the client.
    ///
    /// # Errors
    /// `Transport` when the TLS backend cannot be initialised.
    pub fn new(mut config: GraphConfig) -> Result<Self, ChannelError> {
        config.base_url = config.base_url.trim_end_matches('/').to_owned();
        let http = reqwest::Client::builder()
            .timeout(config.request_timeout)
            .connect_timeout(config.connect_timeout)
            .user_agent(concat!("atende/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ChannelError::Transport(format!("building HTTP client: {e}")))?;
        Ok(Self { http, config })
    }

    /// The configuration in use.
    #[must_use]
    pub fn config(&self) -> &GraphConfig {
        &self.config
    }

    fn url(&self, path: &str) -> String {
        format!("{}/{path}", self.config.base_url)
    }

    /// `POST /{phone-number-id}/messages`.
    ///
    /// # Errors
    /// `Provider` (classified), `Transport`, `UnexpectedResponse` when the 200 carries no wamid.
    pub async fn send_message(
        &self,
        creds: &WhatsappCredentials,
        msg: &OutboundMessage,
    ) -> Result<SendReceipt, ChannelError> {
        let url = self.url(&format!("{}/messages", creds.phone_number_id));
        let request = self
            .http
            .post(url)
            .bearer_auth(&creds.access_token)
            .json(&message_body(msg));
        let body = self.json_call(request).await?;
        let message = body.get("messages").and_then(|m| m.get(0));
        let message_id = message
            .and_then(|m| m.get("id"))
            .and_then(Value::as_str)
            .ok_or_else(|| ChannelError::UnexpectedResponse("no messages[0].id in send response".into()))?;
        Ok(SendReceipt {
            message_id: message_id.to_owned(),
            wa_id: str_at(body.get("contacts").and_then(|c| c.get(0)), "wa_id"),
            message_status: str_at(message, "message_status"),
        })
    }

    /// Marks an inbound message as read (and optionally shows the typing indicator).
    ///
    /// # Errors
    /// `Provider`, `Transport`.
    pub async fn mark_read(
        &self,
        creds: &WhatsappCredentials,
        provider_message_id: &str,
        typing_indicator: bool,
    ) -> Result<(), ChannelError> {
        let url = self.url(&format!("{}/messages", creds.phone_number_id));
        let body = mark_read_body(provider_message_id, typing_indicator);
        self.json_call(self.http.post(url).bearer_auth(&creds.access_token).json(&body))
            .await?;
        Ok(())
    }

    /// `GET /{phone-number-id}`: proves the token can use the number (the channel-connect check).
    ///
    /// # Errors
    /// `Provider` (190 sets `credentials_invalid`), `Transport`.
    pub async fn phone_number(&self, creds: &WhatsappCredentials) -> Result<AccountInfo, ChannelError> {
        let request = self
            .http
            .get(self.url(&creds.phone_number_id))
            .bearer_auth(&creds.access_token);
        let raw = self.json_call(request).await?;
        Ok(AccountInfo {
            id: str_at(Some(&raw), "id").unwrap_or_else(|| creds.phone_number_id.clone()),
            display_address: str_at(Some(&raw), "display_phone_number"),
            verified_name: str_at(Some(&raw), "verified_name"),
            quality_rating: str_at(Some(&raw), "quality_rating"),
            raw,
        })
    }

    /// `GET /{media-id}?phone_number_id=…`: the short-lived download URL and metadata.
    ///
    /// # Errors
    /// `UnexpectedResponse` for a media id that is not a Graph id or an answer without a URL,
    /// `Provider`, `Transport`.
    pub async fn media_info(&self, creds: &WhatsappCredentials, media_id: &str) -> Result<MediaInfo, ChannelError> {
        if !super::is_graph_id(media_id) {
            return Err(ChannelError::UnexpectedResponse(format!(
                "not a media id: {media_id:?}"
            )));
        }
        let request = self
            .http
            .get(self.url(media_id))
            .query(&[("phone_number_id", creds.phone_number_id.as_str())])
            .bearer_auth(&creds.access_token);
        let body = self.json_call(request).await?;
        let url = str_at(Some(&body), "url")
            .ok_or_else(|| ChannelError::UnexpectedResponse("no url in media response".into()))?;
        let file_size = body
            .get("file_size")
            .and_then(|v| v.as_u64().or_else(|| v.as_str()?.parse().ok()));
        Ok(MediaInfo {
            id: str_at(Some(&body), "id"),
            url,
            mime_type: str_at(Some(&body), "mime_type"),
            sha256: str_at(Some(&body), "sha256"),
            file_size,
        })
    }

    /// Downloads a media URL returned by [`GraphClient::media_info`] with the bearer token,
    /// aborting as soon as the size passes `max_bytes` (announced or streamed), and checking the
    /// bytes against `info.sha256` when present.
    ///
    /// # Errors
    /// `MediaTooLarge`, `MediaChecksum`, `Provider`, `Transport`.
    pub async fn download_media(
        &self,
        creds: &WhatsappCredentials,
        info: &MediaInfo,
        max_bytes: u64,
    ) -> Result<DownloadedMedia, ChannelError> {
        if let Some(size) = info.file_size.filter(|s| *s > max_bytes) {
            return Err(ChannelError::MediaTooLarge { size, limit: max_bytes });
        }
        let request = self
            .http
            .get(&info.url)
            .bearer_auth(&creds.access_token)
            .timeout(self.config.media_timeout);
        let response = request.send().await.map_err(transport)?;
        let content_type = response
            .headers()
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let bytes = read_checked(response, max_bytes, true).await?;
        let digest = Sha256::digest(&bytes);
        if let Some(expected) = info.sha256.as_deref().and_then(decode_digest)
            && expected.as_slice() != digest.as_slice()
        {
            return Err(ChannelError::MediaChecksum);
        }
        Ok(DownloadedMedia {
            bytes,
            mime_type: content_type.or_else(|| info.mime_type.clone()),
            sha256_hex: hex::encode(digest),
        })
    }

    /// [`GraphClient::media_info`] then [`GraphClient::download_media`].
    ///
    /// # Errors
    /// As both.
    pub async fn fetch_media(
        &self,
        creds: &WhatsappCredentials,
        media_id: &str,
        max_bytes: u64,
    ) -> Result<DownloadedMedia, ChannelError> {
        let info = self.media_info(creds, media_id).await?;
        self.download_media(creds, &info, max_bytes).await
    }

    /// `POST /{phone-number-id}/media` (multipart): uploads a file, returns its media id (valid 30
    /// days) for [`crate::MediaSource::Id`].
    ///
    /// # Errors
    /// `Provider`, `Transport`, `UnexpectedResponse` without an id.
    pub async fn upload_media(
        &self,
        creds: &WhatsappCredentials,
        bytes: &[u8],
        mime_type: &str,
        filename: &str,
    ) -> Result<String, ChannelError> {
        let (content_type, body) = multipart_body(bytes, mime_type, filename);
        let request = self
            .http
            .post(self.url(&format!("{}/media", creds.phone_number_id)))
            .bearer_auth(&creds.access_token)
            .header(http::header::CONTENT_TYPE, content_type)
            .timeout(self.config.media_timeout)
            .body(body);
        let answer = self.json_call(request).await?;
        str_at(Some(&answer), "id").ok_or_else(|| ChannelError::UnexpectedResponse("no id in upload response".into()))
    }

    /// `GET /{waba-id}/message_templates`, every page.
    ///
    /// # Errors
    /// `InvalidCredentials` without a WABA id, `Provider`, `Transport`.
    pub async fn list_templates(&self, creds: &WhatsappCredentials) -> Result<Vec<TemplateInfo>, ChannelError> {
        let waba_id = creds
            .waba_id
            .as_deref()
            .ok_or_else(|| ChannelError::InvalidCredentials("waba_id is required to list templates".into()))?;
        let url = self.url(&format!("{waba_id}/message_templates"));
        let mut templates = Vec::new();
        let mut after: Option<String> = None;
        for _ in 0..MAX_TEMPLATE_PAGES {
            let mut query = vec![("fields", TEMPLATE_FIELDS), ("limit", TEMPLATE_PAGE_SIZE)];
            if let Some(cursor) = after.as_deref() {
                query.push(("after", cursor));
            }
            let request = self.http.get(&url).query(&query).bearer_auth(&creds.access_token);
            let page = self.json_call(request).await?;
            templates.extend(
                page.get("data")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(template_of),
            );
            let paging = page.get("paging");
            let next_cursor = paging
                .filter(|p| p.get("next").is_some_and(|n| !n.is_null()))
                .and_then(|p| str_at(p.get("cursors"), "after"));
            match next_cursor {
                Some(cursor) if after.as_ref() != Some(&cursor) => after = Some(cursor),
                _ => break,
            }
        }
        Ok(templates)
    }

    async fn json_call(&self, request: reqwest::RequestBuilder) -> Result<Value, ChannelError> {
        let response = request.send().await.map_err(transport)?;
        let bytes = read_checked(response, MAX_JSON_BODY, false).await?;
        serde_json::from_slice(&bytes).map_err(|e| ChannelError::UnexpectedResponse(format!("not JSON: {e}")))
    }
}

/// Reads a response body up to `limit` bytes; non-success answers become classified errors.
async fn read_checked(mut response: reqwest::Response, limit: u64, media: bool) -> Result<bytes::Bytes, ChannelError> {
    let status = response.status();
    if !status.is_success() {
        let retry_after = response
            .headers()
            .get(http::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        // Error envelopes are small; read a bounded prefix only.
        let body = read_limited(&mut response, 64 * 1024).await.unwrap_or_default();
        return Err(from_response(status.as_u16(), retry_after, &body));
    }
    if let Some(size) = response.content_length().filter(|s| *s > limit) {
        return Err(too_large(media, size, limit));
    }
    read_limited(&mut response, limit).await.map_err(|e| match e {
        ReadError::TooLarge(size) => too_large(media, size, limit),
        ReadError::Transport(e) => e,
    })
}

fn too_large(media: bool, size: u64, limit: u64) -> ChannelError {
    if media {
        ChannelError::MediaTooLarge { size, limit }
    } else {
        ChannelError::UnexpectedResponse(format!("response larger than {limit} bytes"))
    }
}

enum ReadError {
    TooLarge(u64),
    Transport(ChannelError),
}

async fn read_limited(response: &mut reqwest::Response, limit: u64) -> Result<bytes::Bytes, ReadError> {
    let mut buf = bytes::BytesMut::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| ReadError::Transport(transport(e)))? {
        let size = (buf.len() + chunk.len()) as u64;
        if size > limit {
            return Err(ReadError::TooLarge(size));
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf.freeze())
}

fn transport(e: reqwest::Error) -> ChannelError {
    // reqwest's message names the URL (ids only, never the token, which is in a header).
    if e.is_timeout() {
        ChannelError::Transport(format!("timeout: {e}"))
    } else {
        ChannelError::Transport(e.to_string())
    }
}

fn str_at(v: Option<&Value>, key: &str) -> Option<String> {
    match v?.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn template_of(t: &Value) -> Option<TemplateInfo> {
    Some(TemplateInfo {
        id: str_at(Some(t), "id")?,
        name: str_at(Some(t), "name")?,
        language: str_at(Some(t), "language").unwrap_or_default(),
        status: str_at(Some(t), "status").unwrap_or_default(),
        category: str_at(Some(t), "category"),
        parameter_format: str_at(Some(t), "parameter_format"),
        components: t.get("components").cloned().unwrap_or(Value::Array(Vec::new())),
    })
}

/// A sha256 given as hex (Graph media endpoint) or base64 (webhooks); `None` if neither.
fn decode_digest(s: &str) -> Option<Vec<u8>> {
    let hex_digest = hex::decode(s).ok().filter(|d| d.len() == 32);
    hex_digest.or_else(|| {
        base64::engine::general_purpose::STANDARD
            .decode(s)
            .ok()
            .filter(|d| d.len() == 32)
    })
}

/// A `multipart/form-data` body with `messaging_product`, `type` and `file`. The boundary is
/// derived from the file's own digest, so it cannot occur in the file.
fn multipart_body(bytes: &[u8], mime_type: &str, filename: &str) -> (String, Vec<u8>) {
    let boundary = format!("atende-{}", &hex::encode(Sha256::digest(bytes))[..32]);
    // Quotes and line breaks would break out of the header; mime types are tokens.
    let filename: String = filename
        .chars()
        .filter(|c| !matches!(c, '"' | '\\' | '\r' | '\n'))
        .collect();
    let mime: String = mime_type
        .chars()
        .filter(|c| c.is_ascii_graphic() && *c != '"')
        .collect();
    let mut body = Vec::with_capacity(bytes.len() + 512);
    for (name, value) in [("messaging_product", "whatsapp"), ("type", mime.as_str())] {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: {mime}\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}
