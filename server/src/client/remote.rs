//! The HTTP side of the CLI: one API key, one base URL, and patience. A
//! dropped connection, a 5xx, a 429 or an idempotency conflict (the first
//! request with the key still running) is tried again with backoff for a
//! while, which is safe because every POST the CLI sends carries an
//! `Idempotency-Key`; anything else is answered at once.

use std::path::Path;
use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::Value;

use super::Exit;

/// How long a request keeps being retried across dropped connections and
/// server errors before the command gives up, unless `--retry-for` says
/// otherwise (a server restart fits).
pub const PATIENCE: Duration = Duration::from_secs(120);

#[derive(Debug, thiserror::Error)]
pub enum RemoteError {
    #[error("{0}")]
    Usage(String),
    #[error("the server refused the API key: {0}")]
    Auth(String),
    #[error("cannot reach {url}: {detail}")]
    Connection { url: String, detail: String },
    /// The server answered with an error that asking again will not change.
    #[error("{status} {code}: {message}")]
    Api { status: u16, code: String, message: String },
}

impl RemoteError {
    pub fn exit(&self) -> Exit {
        match self {
            RemoteError::Api { .. } => Exit::SomeFailed,
            _ => Exit::CouldNot,
        }
    }
}

pub struct Remote {
    base: String,
    key: String,
    http: reqwest::Client,
    patience: Duration,
}

impl Remote {
    /// `url` as given (`--url`, `LAUREL_URL`); the key from the file when
    /// one is named, else from `LAUREL_API_KEY`.
    pub fn new(url: &str, api_key_file: Option<&Path>, patience: Duration) -> Result<Remote, RemoteError> {
        let parsed = url::Url::parse(url).map_err(|e| RemoteError::Usage(format!("--url {url}: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(RemoteError::Usage(format!("--url {url}: must be http:// or https://")));
        }
        let key = match api_key_file {
            Some(path) => std::fs::read_to_string(path)
                .map_err(|e| RemoteError::Usage(format!("--api-key-file {}: {e}", path.display())))?,
            None => std::env::var("LAUREL_API_KEY")
                .map_err(|_| RemoteError::Usage("no API key: set LAUREL_API_KEY or pass --api-key-file FILE".into()))?,
        };
        let key = key.trim().to_owned();
        if key.is_empty() {
            return Err(RemoteError::Usage("the API key is empty".into()));
        }
        let http = reqwest::Client::builder()
            .user_agent(concat!("laurel-cli/", env!("CARGO_PKG_VERSION")))
            .timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| RemoteError::Usage(e.to_string()))?;
        Ok(Remote { base: url.trim_end_matches('/').to_owned(), key, http, patience })
    }

    pub async fn get(&self, path: &str) -> Result<Value, RemoteError> {
        self.send(Method::GET, path, None, None).await
    }

    /// POSTs `body` with `Idempotency-Key: idempotency_key`, so that asking
    /// again after a dropped answer returns the first answer.
    pub async fn post(&self, path: &str, body: &Value, idempotency_key: &str) -> Result<Value, RemoteError> {
        let body = serde_json::to_vec(body).expect("a JSON value serialises");
        self.send(Method::POST, path, Some(("application/json", body)), Some(idempotency_key)).await
    }

    /// POSTs `body` without an idempotency key: retried only when the
    /// connection could not be made, so the server cannot have seen it.
    pub async fn post_once(&self, path: &str, body: &Value) -> Result<Value, RemoteError> {
        let body = serde_json::to_vec(body).expect("a JSON value serialises");
        self.send(Method::POST, path, Some(("application/json", body)), None).await
    }

    /// POSTs a CSV file as the body (`text/csv`); `idempotency_key` as above.
    pub async fn post_csv(
        &self,
        path: &str,
        csv: Vec<u8>,
        idempotency_key: Option<&str>,
    ) -> Result<Value, RemoteError> {
        self.send(Method::POST, path, Some(("text/csv", csv)), idempotency_key).await
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<(&str, Vec<u8>)>,
        idempotency_key: Option<&str>,
    ) -> Result<Value, RemoteError> {
        let url = format!("{}{path}", self.base);
        let started = Instant::now();
        let mut wait = Duration::from_millis(250);
        loop {
            let mut request = self.http.request(method.clone(), &url).header("x-api-key", &self.key);
            if let Some(key) = idempotency_key {
                request = request.header("idempotency-key", key);
            }
            if let Some((content_type, body)) = &body {
                request = request.header("content-type", *content_type).body(body.clone());
            }
            // A POST without a key is safe to send again only if it never
            // left: once sent, a second try could do the work twice.
            let repeatable = method != Method::POST || idempotency_key.is_some();
            let retry_after = match request.send().await {
                Err(e) => {
                    if started.elapsed() > self.patience || !(repeatable || e.is_connect()) {
                        return Err(RemoteError::Connection { url, detail: e.to_string() });
                    }
                    None
                }
                Ok(response) => {
                    let status = response.status();
                    let retry_after = response
                        .headers()
                        .get("retry-after")
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.parse::<u64>().ok())
                        .map(Duration::from_secs);
                    let text = response.text().await.unwrap_or_default();
                    let value: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                    if status.is_success() {
                        return Ok(value);
                    }
                    let code = value["error"]["code"].as_str().unwrap_or("error").to_owned();
                    let message = value["error"]["message"].as_str().map(str::to_owned).unwrap_or(text);
                    let transient = (repeatable || status == StatusCode::TOO_MANY_REQUESTS)
                        && (status.is_server_error()
                            || status == StatusCode::TOO_MANY_REQUESTS
                            || (status == StatusCode::CONFLICT && code == "idempotency_conflict"));
                    if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
                        return Err(RemoteError::Auth(message));
                    }
                    if !transient || started.elapsed() > self.patience {
                        return Err(RemoteError::Api { status: status.as_u16(), code, message });
                    }
                    retry_after
                }
            };
            tokio::time::sleep(retry_after.unwrap_or(wait)).await;
            wait = (wait * 2).min(Duration::from_secs(5));
        }
    }
}
