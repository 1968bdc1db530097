//! The REST API's OpenAPI 3.1 document, served at `GET /v1/openapi.json`.
//!
//! Each handler carries its own `#[utoipa::path(...)]` (method, path,
//! parameters, body, answers, scope); [`ApiDoc`] gathers them. The handlers
//! read and answer `serde_json::Value`, so the JSON shapes they accept and
//! build with `json!` are written down below as schema-only types, each
//! naming the function whose output it describes; the tests at the end
//! hold the answers' fields to the real functions'.
//!
//! What every keyed operation shares is added once, by [`KeyedOperations`]:
//! the `api_key` security scheme (`X-Api-Key`), the 401, 403 and 429
//! answers that [`super::extract::Caller`] and `ApiKey::require` give, and
//! the scope line of each description, read from the operation's own
//! `security(("api_key" = ["scope"]))`.

use std::sync::LazyLock;

use axum::http::header;
use axum::response::IntoResponse;
use issuance::api_keys::Scope;
use issuance::credentials::request::ATTESTATION_TYPES;
use issuance::credentials::verify::Check;
use model::{
    AuditAction, BatchStatus, CredentialStatus, CredentialType, DeliveryStatus, EventType, JobSource, JobStatus,
    RowStatus, StreamStatus, Subscription,
};
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Schema};
use utoipa::{Modify, OpenApi, ToSchema};

pub use schemas::*;

/// The answer to a body over the size limit.
pub const TOO_LARGE: &str = "`payload_too_large`: the request body is over the limit.";

const DESCRIPTION: &str = "The Laurel REST API: issue, verify and revoke W3C Verifiable Credentials \
(JWT, ES256) and Open Badges 3.0, one at a time, as JSON batches or from a CSV of recipients; \
manage badges, API keys, the audit log and audit streams (webhooks).\n\n\
Authenticate every `/v1` request with an API key in the `X-Api-Key` header; each operation names \
the scope it needs. The organisation's DID document and status lists are public, for verifiers.\n\n\
Errors have one shape: `{\"error\": {\"code\", \"message\", \"details\": [{\"path\", \"message\"}]}}`. \
`POST /v1/credentials`, `POST /v1/credentials/batch-issue` and `POST /v1/bulk-issue` honour an \
`Idempotency-Key` header for 24 hours.";

#[derive(OpenApi)]
#[openapi(
    info(title = "Laurel API", version = env!("CARGO_PKG_VERSION"), description = DESCRIPTION),
    paths(
        super::credentials::issue,
        super::credentials::list,
        super::credentials::verify,
        super::credentials::batch_verify,
        super::credentials::get,
        super::credentials::revoke,
        super::batch::submit,
        super::batch::list,
        super::batch::get,
        super::batch::items,
        super::bulk::items,
        super::batch::cancel,
        super::badges::create,
        super::badges::list,
        super::badges::get,
        super::badges::update,
        super::badges::set_image,
        super::bulk::validate,
        super::bulk::submit,
        super::bulk::list,
        super::bulk::get,
        super::bulk::cancel,
        super::keys::batch_verify,
        super::keys::batch_import,
        super::keys::create,
        super::keys::list,
        super::keys::revoke,
        super::audit::list,
        super::streams::create,
        super::streams::list,
        super::streams::get,
        super::streams::delete,
        document,
        super::public::did_document,
        super::public::status_list,
    ),
    components(schemas(ErrorResponse)),
    modifiers(&KeyedOperations),
    tags(
        (name = "credentials", description = "Issue, read, list, revoke and verify credentials."),
        (name = "batch-issue", description = "JSON batches of up to 10,000 single-issue bodies, issued in the background."),
        (name = "badges", description = "The organisation's badges: the templates of Open Badges credentials."),
        (name = "bulk-issue", description = "CSV files of badge recipients: a dry run, and jobs that issue in the background."),
        (name = "keys", description = "Batch operations on API keys."),
        (name = "audit", description = "The organisation's audit log, and the audit streams (webhooks) that carry its events."),
        (name = "public", description = "Documents anyone may fetch, without a key: what verifiers need."),
        (name = "meta", description = "This document."),
    )
)]
pub struct ApiDoc;

/// The document, built once.
static DOCUMENT: LazyLock<String> =
    LazyLock::new(|| ApiDoc::openapi().to_json().expect("the OpenAPI document serialises"));

/// `GET /v1/openapi.json`: public, as the API's description should be.
#[utoipa::path(
    get,
    path = "/v1/openapi.json",
    tag = "meta",
    operation_id = "getOpenApiDocument",
    summary = "This OpenAPI document",
    description = "The OpenAPI 3.1 description of this API, generated from the code. Needs no API key.",
    responses((status = 200, description = "The OpenAPI document.", content_type = "application/json", body = Object)),
)]
pub async fn document() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], DOCUMENT.as_str())
}

/// The security scheme, the answers every keyed operation can give, and
/// the scope line of each keyed operation's description.
struct KeyedOperations;

/// The answers [`super::extract::Caller`] and `ApiKey::require` give, as
/// (status, component name, description).
const KEY_ANSWERS: [(&str, &str, &str); 3] = [
    ("401", "Unauthorized", "`unauthorized`: no `X-Api-Key` header, or the key is unknown, revoked or expired."),
    ("403", "Forbidden", "`forbidden`: the API key lacks the scope this operation needs."),
    ("429", "RateLimited", "`rate_limited`: too many wrong keys from this address; retry after `Retry-After` seconds."),
];

impl Modify for KeyedOperations {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-Api-Key",
                "An API key of the organisation (`lrl_…`), made on the Settings page or with `laurel keys issue`. \
                 Each operation names the scope the key needs.",
            ))),
        );
        for (status, name, description) in KEY_ANSWERS {
            let mut response = ResponseBuilder::new().description(description).content(
                "application/json",
                ContentBuilder::new().schema(Some(Ref::from_schema_name(ErrorResponse::name()))).build(),
            );
            if status == "429" {
                response = response.header(
                    "Retry-After",
                    HeaderBuilder::new()
                        .schema(ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(1)))
                        .description(Some("Seconds to wait before retrying."))
                        .build(),
                );
            }
            components.responses.insert(name.to_owned(), RefOr::T(response.build()));
        }

        for item in doc.paths.paths.values_mut() {
            let operations = [&mut item.get, &mut item.post, &mut item.put, &mut item.patch, &mut item.delete];
            for op in operations.into_iter().flatten() {
                let scopes = required_scopes(op);
                if scopes.is_empty() {
                    continue;
                }
                let line = format!(
                    "Requires an API key (`X-Api-Key`) with the scope {}.",
                    scopes.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(" and ")
                );
                op.description = Some(match op.description.take() {
                    Some(d) if !d.is_empty() => format!("{d}\n\n{line}"),
                    _ => line,
                });
                for (status, name, _) in KEY_ANSWERS {
                    op.responses
                        .responses
                        .entry(status.to_owned())
                        .or_insert_with(|| RefOr::Ref(Ref::new(format!("#/components/responses/{name}"))));
                }
            }
        }
    }
}

/// The scopes an operation's `api_key` security requirement names (empty
/// for a public operation).
fn required_scopes(op: &utoipa::openapi::path::Operation) -> Vec<String> {
    let requirements = serde_json::to_value(&op.security).unwrap_or_default();
    let mut scopes = Vec::new();
    for requirement in requirements.as_array().into_iter().flatten() {
        for scope in requirement["api_key"].as_array().into_iter().flatten() {
            scopes.extend(scope.as_str().map(str::to_owned));
        }
    }
    scopes
}

/// A string schema whose values are a vocabulary's wire names, read from
/// the vocabulary itself so the document lists exactly what the code takes.
macro_rules! term_schema {
    ($(#[doc = $doc:literal])+ $name:ident => $values:expr) => {
        $(#[doc = $doc])+
        pub struct $name;

        impl utoipa::PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                let values: Vec<String> = $values.into_iter().map(|v| v.to_string()).collect();
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .description(Some(concat!($($doc, "\n"),+).trim()))
                    .enum_values(Some(values))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}
    };
}

term_schema! {
    /// What a credential attests.
    CredentialTypeName => CredentialType::ALL.iter().map(|t| t.as_str())
}
term_schema! {
    /// Every credential type but `badge`: those issued from a `subject` and `claims`.
    SubjectCredentialType => CredentialType::ALL.iter().filter(|t| **t != CredentialType::Badge).map(|t| t.as_str())
}
term_schema! {
    /// An Open Badges 3.0 credential, issued from a badge to a recipient.
    BadgeCredentialType => [CredentialType::Badge.as_str()]
}
term_schema! {
    /// What an `outcome_attestation` attests; it picks the shape of `claims`.
    AttestationType => ATTESTATION_TYPES
}
term_schema! {
    /// A credential's status now: `expired` once `expires_at` has passed.
    CredentialStatusName => CredentialStatus::ALL.iter().map(|s| s.as_str())
}
term_schema! {
    /// What an API key may do.
    ScopeName => Scope::ALL.iter().map(|s| s.as_str())
}
term_schema! {
    /// What an audit event records.
    AuditActionName => AuditAction::ALL.iter().map(|a| a.as_str())
}
term_schema! {
    /// An event an audit stream carries, or `*` for every event.
    StreamActionName => EventType::ALL.iter().map(|e| e.as_str()).chain([Subscription::ALL_EVENTS])
}
term_schema! {
    /// A CSV job's status.
    JobStatusName => JobStatus::ALL.iter().map(|s| s.as_str())
}
term_schema! {
    /// Where a job came from.
    JobSourceName => JobSource::ALL.iter().map(|s| s.as_str())
}
term_schema! {
    /// A JSON batch's status.
    BatchStatusName => BatchStatus::ALL.iter().map(|s| s.as_str())
}
term_schema! {
    /// What the dry run decided for a CSV row.
    RowStatusName => RowStatus::ALL.iter().map(|s| s.as_str())
}
term_schema! {
    /// An audit stream's state.
    StreamStatusName => StreamStatus::ALL.iter().map(|s| s.as_str())
}
term_schema! {
    /// A webhook delivery's state.
    DeliveryStatusName => DeliveryStatus::ALL.iter().map(|s| s.as_str())
}
term_schema! {
    /// One verification check: `skipped` when an earlier check failed.
    CheckResult => [Check::Passed, Check::Failed, Check::Skipped]
        .iter()
        .map(|c| serde_json::to_value(c).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default())
}

/// Schema-only types: the JSON the handlers parse from `serde_json::Value`
/// or build with `json!`. Never built in Rust, so they are dead code to the
/// compiler. The serde attributes on them (`untagged`, `flatten`, `rename`,
/// `deny_unknown_fields`) only shape the schema, as `ToSchema` reads them.
#[allow(dead_code)]
pub mod schemas {
    use serde_json::Value;
    use utoipa::{IntoParams, ToSchema};

    use super::*;

    // ---- Errors ------------------------------------------------------

    /// Every error: `{"error": {"code", "message", "details"}}` (see
    /// `rest::error`).
    #[derive(ToSchema)]
    pub struct ErrorResponse {
        pub error: ApiErrorObject,
    }

    #[derive(ToSchema)]
    pub struct ApiErrorObject {
        /// `validation_failed`, `unauthorized`, `forbidden`, `not_found`,
        /// `conflict`, `idempotency_conflict`, `payload_too_large`,
        /// `unprocessable_entity`, `quota_exceeded`, `idempotency_key_reused`,
        /// `rate_limited`, `internal_error`, `all_failed`.
        pub code: String,
        pub message: String,
        /// Each problem with its field path; absent when there is none.
        #[schema(nullable = false)]
        pub details: Option<Vec<super::super::error::Detail>>,
    }

    /// The `Idempotency-Key` request header (see `rest::idempotent`).
    #[derive(IntoParams)]
    #[into_params(parameter_in = Header)]
    pub struct IdempotencyKey {
        /// Any visible-ASCII string unique to this request: a retry with the same key and the same request
        /// within 24 hours gets the first answer again (with `Idempotent-Replayed: true`) instead of doing the
        /// work twice; the same key with a different request is 422 `idempotency_key_reused`, and while the
        /// first request is still running a retry is 409 `idempotency_conflict`.
        #[param(rename = "Idempotency-Key", nullable = false, min_length = 1)]
        pub idempotency_key: Option<String>,
    }

    // ---- Credentials -------------------------------------------------

    /// A single-issue body (`POST /v1/credentials`, and each item of a batch):
    /// a `subject` and `claims` for most types, a badge and its recipient for
    /// `badge`. Unknown fields are refused.
    #[derive(ToSchema)]
    #[serde(untagged)]
    pub enum IssueCredentialRequest {
        Subject(SubjectCredentialRequest),
        Badge(BadgeCredentialRequest),
    }

    /// `business`, `user`, `agent_authorization` or `outcome_attestation`.
    #[derive(ToSchema)]
    #[serde(deny_unknown_fields)]
    pub struct SubjectCredentialRequest {
        pub credential_type: SubjectCredentialType,
        /// Required for `outcome_attestation`, refused for the other types.
        pub attestation_type: Option<AttestationType>,
        pub subject: CredentialSubject,
        /// What the credential attests; its shape depends on `credential_type` (and `attestation_type`):
        /// `business` needs `kyb_status`, `user` `kyc_status` and `trust_level`, `agent_authorization` its
        /// `permissions`, and each attestation type its own fields. A wrong or missing claim is a 400 naming
        /// its path, e.g. `claims.kyb_status`.
        #[schema(value_type = Object)]
        pub claims: Value,
        /// When the credential expires (RFC 3339, in the future); it never expires without one.
        #[schema(format = DateTime)]
        pub expires_at: Option<String>,
    }

    /// Whom the credential is about.
    #[derive(ToSchema)]
    #[serde(deny_unknown_fields)]
    pub struct CredentialSubject {
        #[schema(min_length = 1)]
        pub id: String,
        /// `organisation` for `business` (British spelling), `person` for `user`, `agent` for
        /// `agent_authorization`; any string for `outcome_attestation`.
        #[serde(rename = "type")]
        #[schema(min_length = 1)]
        pub subject_type: String,
        /// Required for `business`, `agent_authorization` (a string) and `user` (`{"first", "last"}`).
        pub name: Option<SubjectName>,
    }

    #[derive(ToSchema)]
    #[serde(untagged)]
    pub enum SubjectName {
        Text(String),
        Person(PersonName),
    }

    #[derive(ToSchema)]
    #[serde(deny_unknown_fields)]
    pub struct PersonName {
        pub first: String,
        pub last: String,
    }

    /// An Open Badges 3.0 `OpenBadgeCredential` of one of the organisation's badges.
    #[derive(ToSchema)]
    #[serde(deny_unknown_fields)]
    pub struct BadgeCredentialRequest {
        pub credential_type: BadgeCredentialType,
        /// A badge of this organisation, not archived.
        #[schema(min_length = 1)]
        pub badge_id: String,
        pub recipient: BadgeRecipient,
        /// When the credential expires (RFC 3339); by default the badge's `validity_days` decide.
        #[schema(format = DateTime)]
        pub expires_at: Option<String>,
    }

    #[derive(ToSchema)]
    #[serde(deny_unknown_fields)]
    pub struct BadgeRecipient {
        #[schema(min_length = 1, max_length = 200)]
        pub name: String,
        #[schema(format = Email)]
        pub email: String,
    }

    /// A credential, as `credentials::credential_json` answers it.
    #[derive(ToSchema)]
    pub struct Credential {
        pub id: String,
        /// The same as `id`.
        pub credential_id: String,
        pub credential_type: CredentialTypeName,
        /// For `outcome_attestation` only.
        #[schema(nullable = false)]
        pub attestation_type: Option<AttestationType>,
        #[schema(value_type = Object)]
        pub subject: Value,
        #[schema(value_type = Object)]
        pub claims: Value,
        pub issuer_did: String,
        /// The signing key: `{issuer_did}#{key id}`.
        pub kid: String,
        /// Always `ES256`.
        pub alg: String,
        /// Always `jwt_vc`.
        pub proof_format: String,
        /// The signed credential, a compact JWS (`application/vc+jwt`).
        pub signed_payload: String,
        pub status: CredentialStatusName,
        pub status_list_index: i64,
        /// The status list credential that holds its revocation bit.
        #[schema(format = "uri")]
        pub status_list_credential: String,
        #[schema(format = DateTime)]
        pub issued_at: String,
        #[schema(format = DateTime, required = true)]
        pub expires_at: Option<String>,
        #[schema(format = DateTime)]
        pub created_at: String,
        #[schema(format = DateTime)]
        pub updated_at: String,
        /// The credential's public page.
        #[schema(format = "uri")]
        pub url: String,
        /// For `badge` credentials.
        #[schema(nullable = false)]
        pub badge_id: Option<String>,
        /// For `badge` credentials.
        #[schema(nullable = false)]
        pub recipient: Option<BadgeRecipient>,
        /// Once revoked.
        #[schema(format = DateTime, nullable = false)]
        pub revoked_at: Option<String>,
        /// Once revoked (null if none was given).
        pub revocation_reason: Option<String>,
    }

    /// A page of credentials, newest first.
    #[derive(ToSchema)]
    pub struct CredentialList {
        pub data: Vec<Credential>,
        pub has_more: bool,
        /// Pass as `after` for the next page; null on the last.
        #[schema(required = true)]
        pub next_cursor: Option<String>,
    }

    /// One thing to verify: give exactly one of `signed_payload` (a credential presented to you) or
    /// `credential_id` (one of this organisation's).
    #[derive(ToSchema)]
    #[serde(untagged)]
    pub enum VerifyRequest {
        Presented {
            /// The compact JWS.
            signed_payload: String,
        },
        ById {
            credential_id: String,
        },
    }

    #[derive(ToSchema)]
    pub struct BatchVerifyRequest {
        /// Verified in order; a malformed item is reported in its place (`invalid_item`) and never fails the batch.
        #[schema(min_items = 1, max_items = 100)]
        pub credentials: Vec<VerifyRequest>,
    }

    /// A verification (issuance's `Verification`): each check reported on its own.
    #[derive(ToSchema)]
    pub struct Verification {
        pub is_valid: bool,
        /// When `is_valid` is false: `malformed`, `unsupported_algorithm`, `unknown_issuer`,
        /// `invalid_signature`, `issuer_mismatch`, `key_retired`, `not_yet_valid`, `expired`, `revoked`,
        /// `not_found`, `not_issued` (and `invalid_item` in a batch).
        #[schema(nullable = false)]
        pub error_code: Option<String>,
        #[schema(nullable = false)]
        pub message: Option<String>,
        pub credential_id: Option<String>,
        pub issuer_did: Option<String>,
        /// Absent only for an `invalid_item` of a batch.
        #[schema(nullable = false)]
        pub checks: Option<VerificationChecks>,
    }

    #[derive(ToSchema)]
    pub struct VerificationChecks {
        pub signature: CheckResult,
        pub issuer: CheckResult,
        pub expiry: CheckResult,
        pub status: CheckResult,
    }

    /// The results, in request order.
    #[derive(ToSchema)]
    pub struct BatchVerifyResponse {
        pub results: Vec<Verification>,
    }

    // ---- JSON batches ------------------------------------------------

    /// `{"credentials": [...]}`: up to 10,000 single-issue bodies, of any credential types. Each item is
    /// checked on its own: an invalid one fails alone (see the job's `errors`), not the batch.
    #[derive(ToSchema)]
    pub struct BatchIssueRequest {
        #[schema(min_items = 1, max_items = 10000)]
        pub credentials: Vec<IssueCredentialRequest>,
    }

    #[derive(ToSchema)]
    pub struct JobLinks {
        #[serde(rename = "self")]
        pub self_link: String,
        pub cancel: String,
    }

    /// A JSON batch job, as `batch::batch_json` answers it.
    #[derive(ToSchema)]
    pub struct BatchJob {
        pub job_id: String,
        pub status: BatchStatusName,
        pub total: i64,
        pub processed: i64,
        pub succeeded: i64,
        pub failed: i64,
        /// Items never processed because the batch was cancelled.
        pub cancelled: i64,
        #[schema(format = DateTime)]
        pub created_at: String,
        #[schema(format = DateTime, required = true)]
        pub started_at: Option<String>,
        /// When the last item was issued (or failed); its e-mails may still
        /// be going out, and the status stays `processing` until they are.
        #[schema(format = DateTime, required = true)]
        pub issued_at: Option<String>,
        /// When the job reached its final status: for `completed`, once
        /// every e-mail was sent or finally failed.
        #[schema(format = DateTime, required = true)]
        pub completed_at: Option<String>,
        /// When the finished job's last e-mail was sent or finally failed;
        /// null while any waits (JSON batches of badges send e-mail too).
        #[schema(format = DateTime, required = true)]
        pub delivery_completed_at: Option<String>,
        /// The submitting API key's name.
        #[schema(required = true)]
        pub submitted_by: Option<String>,
        pub links: JobLinks,
    }

    #[derive(ToSchema)]
    pub struct BatchItemError {
        /// 0-based, in the submitted `credentials` array.
        pub index: i64,
        pub code: String,
        pub message: String,
    }

    /// A batch job with its credentials and failed items.
    #[derive(ToSchema)]
    pub struct BatchJobDetail {
        #[serde(flatten)]
        pub job: BatchJob,
        /// The issued credentials, in item order.
        pub credential_ids: Vec<String>,
        pub errors: Vec<BatchItemError>,
        pub emails: EmailCounts,
    }

    /// Where one item of a batch stands.
    #[derive(ToSchema)]
    pub struct BatchItem {
        /// 0-based, in the submitted `credentials` array.
        pub index: i64,
        /// `pending`, `succeeded`, `failed` or `cancelled`.
        pub status: String,
        /// Once it succeeded.
        #[schema(required = true)]
        pub credential_id: Option<String>,
        /// Once it failed.
        #[schema(required = true)]
        pub error: Option<BatchItemProblem>,
    }

    #[derive(ToSchema)]
    pub struct BatchItemProblem {
        pub code: String,
        pub message: String,
    }

    /// Where one row of a job stands.
    #[derive(ToSchema)]
    pub struct BulkItem {
        /// 0-based, among the file's data rows.
        pub index: i64,
        /// 1-based, as the dry run shows it.
        pub row: i64,
        pub email: String,
        /// `pending`, `succeeded`, `failed`, `skipped` or `cancelled`.
        pub status: String,
        #[schema(required = true)]
        pub credential_id: Option<String>,
        #[schema(required = true)]
        pub error: Option<BatchItemProblem>,
        /// The e-mail to the recipient, once the row succeeded: `queued`,
        /// `sent`, `failed`, `cancelled` or `bounced`.
        #[schema(required = true)]
        pub email_status: Option<String>,
        /// Why it failed or bounced, as the relay or recipient's server
        /// said.
        #[schema(required = true)]
        pub email_error: Option<String>,
    }

    #[derive(ToSchema)]
    pub struct BulkItemList {
        pub data: Vec<BulkItem>,
        pub has_more: bool,
        #[schema(required = true)]
        pub next_cursor: Option<String>,
    }

    #[derive(ToSchema)]
    pub struct BatchItemList {
        pub data: Vec<BatchItem>,
        pub has_more: bool,
        /// Pass as `after` for the next page.
        #[schema(required = true)]
        pub next_cursor: Option<String>,
    }

    #[derive(ToSchema)]
    pub struct BatchJobList {
        pub data: Vec<BatchJob>,
        pub has_more: bool,
        #[schema(required = true)]
        pub next_cursor: Option<String>,
    }

    // ---- Badges ------------------------------------------------------

    /// A new badge; unknown fields are refused.
    #[derive(ToSchema)]
    #[serde(deny_unknown_fields)]
    pub struct NewBadgeRequest {
        pub name: String,
        #[schema(nullable = false)]
        pub description: Option<String>,
        #[schema(nullable = false)]
        pub criteria_narrative: Option<String>,
        #[schema(format = "uri")]
        pub image_url: Option<String>,
        /// How long its credentials are valid; null (or absent) for never expiring.
        pub validity_days: Option<i64>,
    }

    /// The fields to change; absent fields stay. `{"archived": true}` archives, `false` restores.
    #[derive(ToSchema)]
    #[serde(deny_unknown_fields)]
    pub struct BadgePatchRequest {
        #[schema(nullable = false)]
        pub name: Option<String>,
        #[schema(nullable = false)]
        pub description: Option<String>,
        #[schema(nullable = false)]
        pub criteria_narrative: Option<String>,
        /// A URL, or null for none.
        #[schema(format = "uri")]
        pub image_url: Option<String>,
        /// Null: never expiring.
        pub validity_days: Option<i64>,
        #[schema(nullable = false)]
        pub archived: Option<bool>,
    }

    /// A badge, as `badges::badge_json` answers it.
    #[derive(ToSchema)]
    pub struct Badge {
        pub id: String,
        pub name: String,
        pub description: String,
        pub criteria_narrative: String,
        #[schema(format = "uri", required = true)]
        pub image_url: Option<String>,
        /// Null: its credentials never expire.
        #[schema(required = true)]
        pub validity_days: Option<i64>,
        pub archived: bool,
        #[schema(format = DateTime, required = true)]
        pub archived_at: Option<String>,
        #[schema(format = DateTime)]
        pub created_at: String,
        #[schema(format = DateTime)]
        pub updated_at: String,
    }

    #[derive(ToSchema)]
    pub struct BadgeList {
        pub data: Vec<Badge>,
    }

    // ---- CSV bulk issue ----------------------------------------------

    /// The CSV as the multipart field `file`.
    #[derive(ToSchema)]
    pub struct CsvUpload {
        /// The recipients CSV (`name`, `email` columns), at most 1 MB.
        #[schema(value_type = String, format = Binary, content_media_type = "text/csv")]
        pub file: Vec<u8>,
    }

    /// The dry run of a CSV, as `bulk::review_json` answers it. Nothing is written.
    #[derive(ToSchema)]
    pub struct BulkReview {
        pub badge_id: String,
        /// Rows per status (each `RowStatusName`), and `rows`, `valid` and `issuable`.
        #[schema(value_type = std::collections::HashMap<String, i64>)]
        pub totals: Value,
        pub quota: QuotaPlan,
        pub can_submit: bool,
        /// Why it could not be submitted, when `can_submit` is false.
        #[schema(required = true)]
        pub submit_blocked_reason: Option<String>,
        pub warnings: Vec<String>,
        pub rows: Vec<ReviewRow>,
    }

    /// The monthly quota, and what this file would use of it.
    #[derive(ToSchema)]
    pub struct QuotaPlan {
        pub month: String,
        pub limit: i64,
        pub used: i64,
        pub remaining: i64,
        /// New recipients this file would add to the month.
        pub uses: i64,
    }

    #[derive(ToSchema)]
    pub struct ReviewRow {
        /// 1-based data row.
        pub row: i64,
        /// The line in the file.
        pub line: i64,
        pub name: String,
        pub email: String,
        pub status: RowStatusName,
        pub issuable: bool,
        #[schema(required = true)]
        pub reason: Option<String>,
        /// The credential the decision rests on (to be revoked or superseded).
        #[schema(required = true)]
        pub existing_credential_id: Option<String>,
    }

    /// A CSV job, as `bulk::job_json` answers it.
    #[derive(ToSchema)]
    pub struct BulkJob {
        pub job_id: String,
        pub status: JobStatusName,
        pub total: i64,
        pub processed: i64,
        pub succeeded: i64,
        pub failed: i64,
        pub skipped: i64,
        /// Rows never processed because the job was cancelled.
        pub cancelled: i64,
        #[schema(format = DateTime)]
        pub created_at: String,
        #[schema(format = DateTime, required = true)]
        pub started_at: Option<String>,
        /// When the last row was issued (or failed); then the job is
        /// `delivering` until its e-mails are out.
        #[schema(format = DateTime, required = true)]
        pub issued_at: Option<String>,
        /// When the job reached its final status: for `completed`, once
        /// every e-mail was sent or finally failed.
        #[schema(format = DateTime, required = true)]
        pub completed_at: Option<String>,
        /// When the finished job's last e-mail was sent or finally failed;
        /// null while any waits, and for good when no SMTP server is
        /// configured.
        #[schema(format = DateTime, required = true)]
        pub delivery_completed_at: Option<String>,
        #[schema(required = true)]
        pub badge_id: Option<String>,
        #[schema(required = true)]
        pub badge_name: Option<String>,
        #[schema(required = true)]
        pub filename: Option<String>,
        pub source: JobSourceName,
        /// A member's e-mail, or the API key's name.
        #[schema(required = true)]
        pub submitted_by: Option<String>,
        pub links: JobLinks,
    }

    #[derive(ToSchema)]
    pub struct BulkRowError {
        /// 0-based data row.
        pub index: i64,
        /// 1-based, as the dry run numbers it.
        pub row: i64,
        #[schema(required = true)]
        pub line: Option<i64>,
        #[schema(required = true)]
        pub email: Option<String>,
        #[schema(required = true)]
        pub code: Option<String>,
        #[schema(required = true)]
        pub message: Option<String>,
    }

    /// The award e-mails of the job's credentials, by state.
    #[derive(ToSchema)]
    pub struct EmailCounts {
        pub queued: i64,
        pub sent: i64,
        pub failed: i64,
        pub cancelled: i64,
        /// Accepted by the relay, then returned (a delivery-status
        /// notification posted to `/inbound/email/dsn`).
        pub bounced: i64,
    }

    /// A CSV job with its credentials, failed rows and e-mails.
    #[derive(ToSchema)]
    pub struct BulkJobDetail {
        #[serde(flatten)]
        pub job: BulkJob,
        /// The issued credentials, in file order.
        pub credential_ids: Vec<String>,
        pub errors: Vec<BulkRowError>,
        pub emails: EmailCounts,
    }

    #[derive(ToSchema)]
    pub struct BulkJobList {
        pub data: Vec<BulkJob>,
        pub has_more: bool,
        #[schema(required = true)]
        pub next_cursor: Option<String>,
    }

    // ---- Keys --------------------------------------------------------

    /// One result of a key verification (issuance's `KeyVerification`).
    #[derive(ToSchema)]
    pub struct KeyVerification {
        pub is_valid: bool,
        /// When `is_valid` is false: `key_not_found` or `key_revoked`.
        #[schema(nullable = false)]
        pub error_code: Option<String>,
        #[schema(nullable = false)]
        pub key_id: Option<String>,
        #[schema(nullable = false)]
        pub name: Option<String>,
        #[schema(nullable = false)]
        pub scopes: Option<Vec<ScopeName>>,
        #[schema(nullable = false)]
        pub actor_id: Option<String>,
    }

    /// An API key as the API shows it: never its secret.
    #[derive(ToSchema)]
    pub struct ApiKeyView {
        pub id: String,
        pub name: String,
        /// The secret's first characters, to tell keys apart.
        pub hint: String,
        pub scopes: Vec<ScopeName>,
        #[schema(required = true)]
        pub actor_id: Option<String>,
        pub imported: bool,
        #[schema(format = DateTime)]
        pub created_at: String,
        #[schema(required = true, format = DateTime)]
        pub last_used_at: Option<String>,
        #[schema(required = true, format = DateTime)]
        pub revoked_at: Option<String>,
    }

    /// A key just created: the only time its secret is shown.
    #[derive(ToSchema)]
    pub struct IssuedApiKey {
        #[serde(flatten)]
        pub key: ApiKeyView,
        pub secret: String,
    }

    #[derive(ToSchema)]
    pub struct ApiKeyList {
        pub data: Vec<ApiKeyView>,
    }

    /// A key to create. Its scopes must be scopes of the key asking.
    #[derive(ToSchema)]
    #[serde(deny_unknown_fields)]
    pub struct NewApiKeyRequest {
        /// 1 to 100 characters, e.g. "nightly sync".
        pub name: String,
        /// At least one; `read` and `write` stand for `credentials:read` and `credentials:write`.
        #[schema(min_items = 1)]
        pub scopes: Vec<String>,
        /// Whom the key acts for, as you name them.
        #[schema(nullable = false)]
        pub actor_id: Option<String>,
    }

    /// The results, in request order; a key of another organisation is reported as not found.
    #[derive(ToSchema)]
    pub struct KeysBatchVerifyResponse {
        pub results: Vec<KeyVerification>,
    }

    /// `{"keys": [...]}` or the bare array: 1 to 1000 existing secrets to import.
    #[derive(ToSchema)]
    #[serde(untagged)]
    pub enum KeysImportRequest {
        Wrapped { keys: KeyImportList },
        Bare(KeyImportList),
    }

    /// 1 to 1000 keys to import; each succeeds or fails on its own.
    pub struct KeyImportList(Vec<KeyImportItem>);

    impl utoipa::PartialSchema for KeyImportList {
        fn schema() -> RefOr<Schema> {
            utoipa::openapi::schema::ArrayBuilder::new()
                .items(Ref::from_schema_name(KeyImportItem::name()))
                .min_items(Some(1))
                .max_items(Some(issuance::api_keys::batch::MAX_BATCH_IMPORT))
                .description(Some("1 to 1000 keys to import; each succeeds or fails on its own."))
                .into()
        }
    }

    impl ToSchema for KeyImportList {
        fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
            schemas.push((KeyImportItem::name().into(), <KeyImportItem as utoipa::PartialSchema>::schema()));
            <KeyImportItem as ToSchema>::schemas(schemas);
        }
    }

    /// A key to import (issuance's `ImportItem`).
    #[derive(ToSchema)]
    pub struct KeyImportItem {
        /// The existing secret, at least 12 characters.
        #[schema(min_length = 12)]
        pub raw_key: String,
        pub name: String,
        pub actor_id: Option<String>,
        /// Default `credentials:read`; each must be a scope of the importing key (`scope_not_held`).
        pub scopes: Option<Vec<ScopeName>>,
    }

    #[derive(ToSchema)]
    pub struct KeyImportResult {
        /// 0-based, in the request.
        pub index: i64,
        pub success: bool,
        #[schema(nullable = false)]
        pub key_id: Option<String>,
        /// When `success` is false, e.g. `key_rejected`, `scope_not_held`, `invalid_scope`, `key_too_short`.
        #[schema(nullable = false)]
        pub error_code: Option<String>,
        #[schema(nullable = false)]
        pub message: Option<String>,
    }

    /// What became of each key (issuance's `ImportReport`).
    #[derive(ToSchema)]
    pub struct KeysImportReport {
        pub results: Vec<KeyImportResult>,
        pub success_count: i64,
        pub failure_count: i64,
    }

    /// No key could be imported: the error (`all_failed`, one detail per key) with the results.
    #[derive(ToSchema)]
    pub struct KeysImportFailed {
        pub error: ApiErrorObject,
        pub results: Vec<KeyImportResult>,
        /// Always 0.
        pub success_count: i64,
        pub failure_count: i64,
    }

    // ---- Audit -------------------------------------------------------

    /// Who acted: a member (`email`), an API key (`id`, `name`) or the system.
    #[derive(ToSchema)]
    pub struct AuditActor {
        #[serde(rename = "type")]
        #[schema(pattern = "^(user|api_key|system)$")]
        pub actor_type: String,
        /// A member's e-mail.
        #[schema(nullable = false)]
        pub email: Option<String>,
        /// An API key's id.
        #[schema(nullable = false)]
        pub id: Option<String>,
        /// An API key's name.
        pub name: Option<String>,
    }

    /// An audit event, as `audit::event_json` answers it.
    #[derive(ToSchema)]
    pub struct AuditEvent {
        pub id: String,
        pub action: AuditActionName,
        pub actor: AuditActor,
        /// What it acted on, e.g. a credential or job id.
        #[schema(required = true)]
        pub target: Option<String>,
        /// The event's details, or null.
        #[schema(value_type = Option<Object>, required = true)]
        pub data: Value,
        pub summary: String,
        #[schema(format = DateTime)]
        pub occurred_at: String,
    }

    /// A page of audit events, newest first.
    #[derive(ToSchema)]
    pub struct AuditEventList {
        pub data: Vec<AuditEvent>,
        pub has_more: bool,
        #[schema(required = true)]
        pub next_cursor: Option<String>,
    }

    /// A new audit stream: where to send which events.
    #[derive(ToSchema)]
    pub struct NewStreamRequest {
        /// The HTTPS endpoint that receives the events.
        #[schema(format = "uri")]
        pub url: String,
        /// The events to send, or `["*"]` for all.
        #[schema(min_items = 1)]
        pub actions: Vec<StreamActionName>,
    }

    /// An audit stream, as `streams::stream_json` answers it.
    #[derive(ToSchema)]
    pub struct AuditStream {
        pub id: String,
        #[schema(format = "uri")]
        pub url: String,
        pub actions: Vec<StreamActionName>,
        pub status: StreamStatusName,
        #[schema(required = true)]
        pub disabled_reason: Option<String>,
        #[schema(format = DateTime, required = true)]
        pub failing_since: Option<String>,
        #[schema(format = DateTime)]
        pub created_at: String,
    }

    /// A new stream with its signing secret, shown this once.
    #[derive(ToSchema)]
    pub struct AuditStreamCreated {
        #[serde(flatten)]
        pub stream: AuditStream,
        /// `whsec_…`: deliveries are signed with it per the Standard Webhooks specification.
        pub secret: String,
    }

    /// A webhook delivery, as `streams::delivery_json` answers it.
    #[derive(ToSchema)]
    pub struct Delivery {
        pub id: String,
        /// The event type.
        #[serde(rename = "type")]
        pub event_type: String,
        pub status: DeliveryStatusName,
        pub attempts: i64,
        #[schema(required = true)]
        pub last_status_code: Option<i64>,
        #[schema(required = true)]
        pub last_error: Option<String>,
        #[schema(format = DateTime, required = true)]
        pub last_attempt_at: Option<String>,
        #[schema(format = DateTime)]
        pub created_at: String,
    }

    /// A stream with its latest 50 deliveries, newest first.
    #[derive(ToSchema)]
    pub struct AuditStreamDetail {
        #[serde(flatten)]
        pub stream: AuditStream,
        pub recent_deliveries: Vec<Delivery>,
    }

    #[derive(ToSchema)]
    pub struct AuditStreamList {
        pub data: Vec<AuditStream>,
    }
}

/// The document against the code: the answers' schemas name exactly the
/// fields the handlers' `*_json` functions write, and the limits are the
/// code's constants.
#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use issuance::api_keys::batch::{
        ImportReport, ImportResult, KeyVerification, MAX_BATCH_VERIFY, MIN_IMPORTED_SECRET,
    };
    use issuance::audit::Activity;
    use issuance::badges::Badge;
    use issuance::bulk::{QuotaPlan, Review, ReviewRow, Totals};
    use issuance::credentials::request::MAX_RECIPIENT_NAME;
    use issuance::credentials::store::{self, Credential};
    use issuance::credentials::verify::{Checks, Verification};
    use issuance::jobs::Job;
    use issuance::jobs::batch_submit::MAX_ITEMS;
    use model::Plan;
    use serde_json::{Value, json};

    use super::*;

    fn doc() -> Value {
        serde_json::to_value(ApiDoc::openapi()).unwrap()
    }

    fn schema<'a>(doc: &'a Value, name: &str) -> &'a Value {
        let s = &doc["components"]["schemas"][name];
        assert!(s.is_object(), "no schema {name}");
        s
    }

    /// A schema's property names, through `allOf` and `$ref`.
    fn properties(doc: &Value, s: &Value) -> BTreeSet<String> {
        if let Some(r) = s["$ref"].as_str() {
            return properties(doc, doc.pointer(r.trim_start_matches('#')).unwrap());
        }
        let mut names: BTreeSet<String> =
            s["properties"].as_object().into_iter().flatten().map(|(k, _)| k.clone()).collect();
        for part in s["allOf"].as_array().into_iter().flatten() {
            names.extend(properties(doc, part));
        }
        names
    }

    fn required(doc: &Value, s: &Value) -> BTreeSet<String> {
        if let Some(r) = s["$ref"].as_str() {
            return required(doc, doc.pointer(r.trim_start_matches('#')).unwrap());
        }
        let mut names: BTreeSet<String> =
            s["required"].as_array().into_iter().flatten().filter_map(|v| v.as_str().map(str::to_owned)).collect();
        for part in s["allOf"].as_array().into_iter().flatten() {
            names.extend(required(doc, part));
        }
        names
    }

    fn keys(v: &Value) -> BTreeSet<String> {
        v.as_object().unwrap_or_else(|| panic!("not an object: {v}")).keys().cloned().collect()
    }

    /// `full` (every optional field set) names exactly the schema's fields,
    /// and `minimal` (none set) at least its required ones.
    fn assert_describes(doc: &Value, name: &str, full: &Value, minimal: &Value) {
        let s = schema(doc, name);
        assert_eq!(keys(full), properties(doc, s), "{name}: the fields written vs the schema's");
        let missing: Vec<_> = required(doc, s).difference(&keys(minimal)).cloned().collect();
        assert!(missing.is_empty(), "{name}: required in the schema but not always written: {missing:?}");
    }

    fn credential(full: bool) -> Credential {
        Credential {
            id: "cred_1".into(),
            org_id: "org_1".into(),
            credential_type: if full { CredentialType::Badge } else { CredentialType::Business },
            attestation_type: full.then(|| "kyb_outcome".into()),
            subject: json!({}),
            claims: json!({}),
            recipient_email: full.then(|| "a@example.com".into()),
            recipient_name: full.then(|| "A".into()),
            badge_id: full.then(|| "bdg_1".into()),
            issuer_did: "did:web:example".into(),
            key_id: "key_1".into(),
            signed_payload: "a.b.c".into(),
            stored_status: if full { CredentialStatus::Revoked } else { CredentialStatus::Active },
            revoked_at: full.then_some(2),
            revocation_reason: None,
            status_list_id: "sl_1".into(),
            status_list_index: 0,
            issued_at: 1,
            expires_at: None,
            created_at: 1,
            updated_at: 1,
        }
    }

    fn job(full: bool) -> Job {
        Job {
            id: "job_1".into(),
            org_id: "org_1".into(),
            badge_id: full.then(|| "bdg_1".into()),
            badge_name: None,
            upload_id: None,
            filename: None,
            source: JobSource::Api,
            status: JobStatus::Completed,
            total: 1,
            processed: 1,
            succeeded: 1,
            failed: 0,
            skipped: 0,
            submitted_by: None,
            created_at: 1,
            started_at: None,
            issued_at: None,
            completed_at: None,
            delivery_completed_at: None,
        }
    }

    #[test]
    fn each_answer_schema_names_exactly_the_fields_its_handler_writes() {
        let doc = doc();
        let (full, minimal) = (credential(true), credential(false));
        let full = super::super::credentials::credential_json(&full, "https://laurel.test", 0);
        let minimal = super::super::credentials::credential_json(&minimal, "https://laurel.test", 0);
        assert_describes(&doc, "Credential", &full, &minimal);
        assert_eq!(keys(&full["recipient"]), properties(&doc, schema(&doc, "BadgeRecipient")));

        let badge = Badge {
            id: "bdg_1".into(),
            org_id: "org_1".into(),
            name: "B".into(),
            description: String::new(),
            criteria_narrative: String::new(),
            image_url: None,
            validity_days: None,
            archived_at: None,
            created_at: 1,
            updated_at: 1,
        };
        let b = super::super::badges::badge_json(&badge);
        assert_describes(&doc, "Badge", &b, &b);

        let (full, minimal) = (super::super::bulk::job_json(&job(true)), super::super::bulk::job_json(&job(false)));
        assert_describes(&doc, "BulkJob", &full, &minimal);
        assert_eq!(keys(&full["links"]), properties(&doc, schema(&doc, "JobLinks")));
        let batch = super::super::batch::batch_json(&job(false));
        assert_describes(&doc, "BatchJob", &batch, &batch);

        let review = Review {
            badge_id: "bdg_1".into(),
            badge_name: "B".into(),
            badge_expires: false,
            plan: Plan::Professional,
            plan_allows_submit: true,
            totals: Totals::default(),
            quota: QuotaPlan { month: "2026-11".into(), limit: 1, used: 0, remaining: 1, uses: 1 },
            warnings: Vec::new(),
            rows: vec![ReviewRow {
                row: 1,
                line: 2,
                name: "A".into(),
                email: "a@example.com".into(),
                status: RowStatus::New,
                issuable: true,
                reason: None,
                existing_credential_id: None,
            }],
        };
        let r = super::super::bulk::review_json(&review);
        assert_describes(&doc, "BulkReview", &r, &r);
        assert_describes(&doc, "QuotaPlan", &r["quota"], &r["quota"]);
        assert_describes(&doc, "ReviewRow", &r["rows"][0], &r["rows"][0]);
        let mut totals = keys(&r["totals"]);
        for term in RowStatus::ALL {
            assert!(totals.remove(term.as_str()), "totals lacks {term}");
        }
        assert_eq!(totals, BTreeSet::from(["rows".into(), "valid".into(), "issuable".into()]));

        let activity = |email: Option<&str>, key: Option<&str>| Activity {
            id: "act_1".into(),
            kind: AuditAction::CredentialIssued,
            summary: "s".into(),
            actor_email: email.map(str::to_owned),
            api_key_id: key.map(str::to_owned),
            api_key_name: None,
            target: None,
            data_json: None,
            created_at: 1,
        };
        let e = super::super::audit::event_json(&activity(None, None));
        assert_describes(&doc, "AuditEvent", &e, &e);
        let actor = properties(&doc, schema(&doc, "AuditActor"));
        for (email, key) in [(Some("a@example.com"), None), (None, Some("key_1")), (None, None)] {
            let e = super::super::audit::event_json(&activity(email, key));
            assert!(keys(&e["actor"]).is_subset(&actor), "{}", e["actor"]);
        }

        let check = |c| Checks { signature: c, issuer: c, expiry: c, status: c };
        let v = |failed: bool| {
            serde_json::to_value(Verification {
                is_valid: !failed,
                error_code: failed.then(|| "expired".into()),
                message: failed.then(|| "m".into()),
                credential_id: None,
                issuer_did: None,
                checks: check(Check::Passed),
            })
            .unwrap()
        };
        assert_describes(&doc, "Verification", &v(true), &v(false));
        assert_describes(&doc, "VerificationChecks", &v(true)["checks"], &v(true)["checks"]);

        let k = |valid: bool| {
            serde_json::to_value(KeyVerification {
                is_valid: valid,
                error_code: (!valid).then(|| "key_not_found".into()),
                key_id: valid.then(|| "key_1".into()),
                name: valid.then(|| "n".into()),
                scopes: valid.then(Vec::new),
                actor_id: valid.then(|| "actor".into()),
            })
            .unwrap()
        };
        let mut both = k(true);
        both["error_code"] = json!("key_revoked");
        assert_describes(&doc, "KeyVerification", &both, &k(false));
        let report = serde_json::to_value(ImportReport {
            results: vec![ImportResult {
                index: 0,
                success: false,
                key_id: Some("key_1".into()),
                error_code: Some("key_rejected".into()),
                message: Some("m".into()),
            }],
            success_count: 0,
            failure_count: 1,
        })
        .unwrap();
        assert_describes(&doc, "KeysImportReport", &report, &report);
        assert_describes(&doc, "KeyImportResult", &report["results"][0], &json!({"index": 0, "success": true}));
    }

    #[test]
    fn the_documented_limits_are_the_code_limits() {
        let doc = doc();
        let prop = |name: &str, field: &str| schema(&doc, name)["properties"][field].clone();
        assert_eq!(prop("BatchIssueRequest", "credentials")["maxItems"], json!(MAX_ITEMS));
        assert_eq!(
            prop("BatchVerifyRequest", "credentials")["maxItems"],
            json!(super::super::credentials::MAX_BATCH_VERIFY)
        );
        assert_eq!(prop("KeysBatchVerifyRequest", "keys")["maxItems"], json!(MAX_BATCH_VERIFY));
        assert_eq!(prop("KeyImportItem", "raw_key")["minLength"], json!(MIN_IMPORTED_SECRET));
        assert_eq!(prop("BadgeRecipient", "name")["maxLength"], json!(MAX_RECIPIENT_NAME));
        let limit = |path: &str| {
            let params = doc["paths"][path]["get"]["parameters"].as_array().unwrap().clone();
            params.into_iter().find(|p| p["name"] == "limit").unwrap()["schema"]["maximum"].clone()
        };
        assert_eq!(limit("/v1/credentials"), json!(store::MAX_PAGE));
        for path in ["/v1/credentials/batch-issue", "/v1/bulk-issue", "/v1/audit/events"] {
            assert_eq!(limit(path), json!(super::super::bulk::MAX_PAGE), "{path}");
        }
    }
}
