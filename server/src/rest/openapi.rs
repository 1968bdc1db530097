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
//! answers that [`super::extract::Caller`] and `ApiKey::require` give (in
//! JSON:API's error shape for the Identity API's operations, as its
//! `IdCaller` sends them), and the scope line of each description, read
//! from the operation's own `security(("api_key" = ["scope"]))`.

use std::sync::LazyLock;

use axum::http::header;
use axum::response::IntoResponse;
use issuance::api_keys::Scope;
use issuance::credentials::request::ATTESTATION_TYPES;
use issuance::credentials::verify::Check;
use model::{
    AccountStatus, AuditAction, BatchStatus, CheckName, CheckStatus, CredentialStatus, CredentialType, DeliveryStatus,
    DocumentKind, DocumentSide, DuplicatePolicy, EventType, IdClass, JobSource, JobStatus, RowStatus, SessionStatus,
    StreamStatus, Subscription, VerificationStatus,
};
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Schema};
use utoipa::{Modify, OpenApi, ToSchema};

use super::identity;
use super::identity::jsonapi::MEDIA_TYPE;

pub use schemas::*;

/// The answer to a body over the size limit.
pub const TOO_LARGE: &str = "`payload_too_large`: the request body is over the limit.";

/// The id of the resource a JSON:API `201` created, for its answer's links
/// to the operations that take it.
pub const CREATED_ID: &str = "$response.body#/data/id";

/// The Identity API's answer to a request document it cannot read.
pub const JSONAPI_UNREADABLE: &str = "`invalid_json` (the body is not JSON) or `invalid_document` (it has no \
    `data` member), with `source.pointer` `/data`; or `invalid_body` (it could not be read).";

/// The Identity API's answer to a body in another media type.
pub const JSONAPI_UNSUPPORTED: &str = "`unsupported_media_type`: `Content-Type` is neither \
    `application/vnd.api+json` (with no parameters but `ext` and `profile`) nor `application/json` \
    (`source.header`).";

const DESCRIPTION: &str = "The Laurel REST API: issue, verify and revoke W3C Verifiable Credentials \
(JWT, ES256) and Open Badges 3.0, one at a time, as JSON batches or from a CSV of recipients; \
manage badges, API keys, the audit log and audit streams (webhooks); and verify people's identity \
documents before a credential says so (the Identity API).\n\n\
Authenticate every `/v1` request with an API key in the `X-Api-Key` header; each operation names \
the scope it needs. The organisation's DID document and status lists are public, for verifiers, \
and a document's images go to the signed upload links its document gives, without a key.\n\n\
Errors have one shape: `{\"error\": {\"code\", \"message\", \"details\": [{\"path\", \"message\"}]}}`, \
but in the Identity API. `POST /v1/credentials`, `POST /v1/credentials/batch-issue` and \
`POST /v1/bulk-issue` honour an `Idempotency-Key` header for 24 hours.\n\n\
The Identity API (tags accounts, sessions, documents, verifications) is JSON:API 1.1: \
`application/vnd.api+json` in (plain `application/json` is taken too) and out, resources as \
`{type, id, attributes, relationships, links}`, cursor paging with `page[size]` and `page[after]` \
(`links.next` is the next page), and errors, a refused key's too, as \
`{\"errors\": [{\"status\", \"code\", \"title\", \"detail\", \"source\"}]}` whose `source` \
names the member (`pointer`), header or query parameter that is wrong; a string holding U+0000 \
is refused (422), pointing at it. Another organisation's ids answer 404.";

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
        super::batch::revoke,
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
        super::bulk::revoke,
        super::bulk::release,
        super::bulk::reschedule,
        super::credentials::batch_revoke,
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
        identity::accounts::create,
        identity::accounts::list,
        identity::accounts::get,
        identity::accounts::update,
        identity::accounts::block,
        identity::accounts::unblock,
        identity::sessions::create,
        identity::sessions::list,
        identity::sessions::get,
        identity::sessions::update,
        identity::sessions::submit,
        identity::sessions::approve,
        identity::sessions::decline,
        identity::sessions::issue_credential,
        identity::documents::create,
        identity::documents::list,
        identity::documents::get,
        identity::uploads::put,
        identity::verifications::create,
        identity::verifications::list,
        identity::verifications::get,
        document,
        super::public::did_document,
        super::public::status_list,
    ),
    components(schemas(ErrorResponse, JsonApiErrorDocument)),
    modifiers(&KeyedOperations),
    tags(
        (name = "credentials", description = "Issue, read, list, revoke and verify credentials."),
        (name = "batch-issue", description = "JSON batches of up to 10,000 single-issue bodies, issued in the background."),
        (name = "badges", description = "The organisation's badges: the templates of Open Badges credentials."),
        (name = "bulk-issue", description = "CSV files of badge recipients: a dry run, and jobs that issue in the background."),
        (name = "keys", description = "Batch operations on API keys."),
        (name = "audit", description = "The organisation's audit log, and the audit streams (webhooks) that carry its events."),
        (name = "accounts", description = "Identity API: the people (or businesses) of the organisation's own system, found again by `external_id`."),
        (name = "sessions", description = "Identity API: where a person's details are collected and checked against their documents, and decided."),
        (name = "documents", description = "Identity API: government IDs and proofs of address, and the signed links their images are uploaded to."),
        (name = "verifications", description = "Identity API: the checks run on a government ID, in the background."),
        (name = "public", description = "Documents anyone may fetch, without a key: what verifiers need."),
        (name = "meta", description = "This document."),
    )
)]
pub struct ApiDoc;

/// The document, built once.
static DOCUMENT: LazyLock<String> = LazyLock::new(document_text);

/// A link's fixed fields as utoipa 5.5 writes them, and as OpenAPI names
/// them: its `Link` lacks serde's camelCase renaming, so without this no
/// reader (schemathesis's stateful phase among them) would follow a link.
const LINK_FIELDS: [(&str, &str); 3] = [
    ("\"operation_id\":", "\"operationId\":"),
    ("\"operation_ref\":", "\"operationRef\":"),
    ("\"request_body\":", "\"requestBody\":"),
];

/// The document's JSON text, its links' fields renamed. Renamed in the
/// text, not a `serde_json::Value`, to keep utoipa's order of paths and
/// fields; only links have members so named
/// (`tests::only_links_have_snake_case_link_fields`), and a string value
/// cannot match, as its quotes are escaped.
pub fn document_text() -> String {
    let json = ApiDoc::openapi().to_json().expect("the OpenAPI document serialises");
    LINK_FIELDS.iter().fold(json, |json, (utoipa, openapi)| json.replace(utoipa, openapi))
}

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
    ("403", "Forbidden", "`forbidden`: the API key lacks a scope this operation needs."),
    ("429", "RateLimited", "`rate_limited`: too many wrong keys from this address; retry after `Retry-After` seconds."),
];

/// The prefix of the components that give [`KEY_ANSWERS`] in JSON:API's
/// error shape: the Identity API's `IdCaller` refuses a key as its
/// documents do, so its operations name these instead.
const JSON_API: &str = "JsonApi";

/// Whether an operation answers JSON:API documents (and so its refusals
/// of a key are JSON:API error documents too).
fn answers_json_api(op: &utoipa::openapi::path::Operation) -> bool {
    op.responses.responses.values().any(|r| match r {
        RefOr::T(r) => r.content.contains_key(MEDIA_TYPE),
        RefOr::Ref(_) => false,
    })
}

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
        let shapes =
            [("", "application/json", ErrorResponse::name()), (JSON_API, MEDIA_TYPE, JsonApiErrorDocument::name())];
        for (prefix, media_type, schema) in shapes {
            for (status, name, description) in KEY_ANSWERS {
                let mut response = ResponseBuilder::new().description(description).content(
                    media_type,
                    ContentBuilder::new().schema(Some(Ref::from_schema_name(schema.clone()))).build(),
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
                components.responses.insert(format!("{prefix}{name}"), RefOr::T(response.build()));
            }
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
                let prefix = if answers_json_api(op) { JSON_API } else { "" };
                for (status, name, _) in KEY_ANSWERS {
                    op.responses
                        .responses
                        .entry(status.to_owned())
                        .or_insert_with(|| RefOr::Ref(Ref::new(format!("#/components/responses/{prefix}{name}"))));
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
    /// What an upload does for recipients who hold an active credential
    /// of the badge already.
    DuplicatePolicyName => DuplicatePolicy::ALL.iter().map(|s| s.as_str())
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

term_schema! {
    /// An account's status: a `blocked` account starts no session.
    AccountStatusName => AccountStatus::ALL.iter().map(|s| s.as_str())
}
term_schema! {
    /// Where a session stands: `created` (collecting) → `pending` (submitted, checks running) →
    /// `approved` | `declined` | `needs_review`, or `expired` (not submitted within 7 days).
    SessionStatusName => SessionStatus::ALL.iter().map(|s| s.as_str())
}
term_schema! {
    /// What a document is: a government ID or a proof of address.
    DocumentKindName => DocumentKind::ALL.iter().map(|k| k.as_str())
}
term_schema! {
    /// A government ID's class: passport, driving licence or national ID card.
    IdClassName => IdClass::ALL.iter().map(|c| c.as_str())
}
term_schema! {
    /// A side of a document; only licences and ID cards have a back.
    DocumentSideName => DocumentSide::ALL.iter().map(|s| s.as_str())
}
term_schema! {
    /// A verification's status: `initiated` → `processing` → `passed` | `failed` | `requires_retry`
    /// (an image missing or unreadable: upload again and start another).
    VerificationStatusName => VerificationStatus::ALL.iter().map(|s| s.as_str())
}
term_schema! {
    /// A check a verification runs.
    IdentityCheckName => CheckName::ALL.iter().map(|c| c.as_str())
}
term_schema! {
    /// A check's outcome: what the inputs cannot decide is `not_applicable`, with the reason.
    IdentityCheckStatus => CheckStatus::ALL.iter().map(|c| c.as_str())
}
term_schema! {
    /// The JSON:API type of an account.
    AccountType => [identity::resources::ACCOUNT]
}
term_schema! {
    /// The JSON:API type of a session.
    SessionType => [identity::resources::SESSION]
}
term_schema! {
    /// The JSON:API type of a verification.
    VerificationType => [identity::resources::VERIFICATION]
}
term_schema! {
    /// A government ID: the only document a verification checks.
    IdvDocumentType => [DocumentKind::Idv.as_str()]
}
term_schema! {
    /// The JSON:API type of a credential.
    CredentialResourceType => [identity::resources::CREDENTIAL]
}

/// A file sent as the whole body, its type in `Content-Type`. (`Vec<u8>`
/// would be described as a JSON array of numbers.)
pub struct RawBytes;

impl utoipa::PartialSchema for RawBytes {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .description(Some("The file's bytes."))
            .into()
    }
}

impl ToSchema for RawBytes {}

/// An account's tags, each 1 to `MAX_TAG` characters, at most `MAX_TAGS`:
/// written from `issuance::identity::accounts`' own limits.
pub struct AccountTags;

impl utoipa::PartialSchema for AccountTags {
    fn schema() -> RefOr<Schema> {
        use issuance::identity::accounts::{MAX_TAG, MAX_TAGS};
        let tag = ObjectBuilder::new().schema_type(Type::String).min_length(Some(1)).max_length(Some(MAX_TAG));
        utoipa::openapi::schema::ArrayBuilder::new()
            .items(tag)
            .max_items(Some(MAX_TAGS))
            .description(Some(format!(
                "Replaces the account's tags: at most {MAX_TAGS}, each 1 to {MAX_TAG} characters."
            )))
            .into()
    }
}

impl ToSchema for AccountTags {}

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
        /// Why this recipient earned it (Markdown): `credentialSubject.narrative`.
        #[schema(max_length = 5000)]
        pub narrative: Option<String>,
        /// A link to the recipient's work (http or https): the credential's `evidence`.
        #[schema(max_length = 2048, pattern = "^https?://")]
        pub evidence_url: Option<String>,
        /// What the evidence is called; needs `evidence_url`.
        #[schema(max_length = 200)]
        pub evidence_name: Option<String>,
        /// When it was awarded, today or earlier (`YYYY-MM-DD`, or RFC 3339): `validFrom` and `awardedDate`.
        pub issued_on: Option<String>,
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
        /// Undo it: revoke every credential it issued.
        pub revoke: String,
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
        /// For an undo: the job whose credentials it revokes.
        #[schema(required = true)]
        pub undoes_job_id: Option<String>,
        /// The job that undid this one, once started (`POST …/revoke`).
        #[schema(required = true)]
        pub undone_by_job_id: Option<String>,
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
        /// The job's badge: the one badge the file's rows are for; null for
        /// a file whose `badge` column names several (see `badges`).
        #[schema(required = true)]
        pub badge_id: Option<String>,
        /// The badge's name, or how many badges the file names ("2 badges").
        pub badge_name: String,
        /// Per badge, in the order the file first names them: its rows'
        /// totals and the new recipients they add to the month.
        pub badges: Vec<ReviewBadge>,
        /// What the review did for those who hold the badge already (the
        /// `duplicate_policy` asked for, or `by_expiry`).
        pub duplicate_policy: DuplicatePolicyName,
        /// Rows per status (each `RowStatusName`), and `rows`, `valid`,
        /// `issuable` and `holders` (rows of recipients who hold an active
        /// credential of the badge: what the duplicate policy decides).
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

    /// One badge's rows of a reviewed file.
    #[derive(ToSchema)]
    pub struct ReviewBadge {
        pub badge_id: String,
        pub badge_name: String,
        /// As the review's `totals`, for this badge's rows.
        #[schema(value_type = std::collections::HashMap<String, i64>)]
        pub totals: Value,
        /// New recipients these rows add to the month (a person given
        /// two badges counts with the first).
        pub quota_uses: i64,
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
        /// The row's `narrative` column: `credentialSubject.narrative`.
        #[schema(required = true)]
        pub narrative: Option<String>,
        /// The row's `evidence_url` column: the credential's `evidence`.
        #[schema(required = true)]
        pub evidence_url: Option<String>,
        #[schema(required = true)]
        pub evidence_name: Option<String>,
        /// The row's `issued_on` column: `validFrom` and `awardedDate`.
        #[schema(required = true, format = DateTime)]
        pub issued_on: Option<String>,
        /// The row's `expires_at` column, instead of the badge's validity.
        #[schema(required = true, format = DateTime)]
        pub expires_at: Option<String>,
        /// The badge the row is for (its `badge` cell, else the upload's
        /// badge); null when the cell names no badge that can be issued.
        #[schema(required = true)]
        pub badge_id: Option<String>,
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
        /// For an undo: the job whose credentials it revokes.
        #[schema(required = true)]
        pub undoes_job_id: Option<String>,
        /// The job that undid this one, once started (`POST …/revoke`).
        #[schema(required = true)]
        pub undone_by_job_id: Option<String>,
        /// Submitted with `?pilot=N`: its first N rows to issue are issued, then it is `paused` until `POST /v1/bulk-issue/{job_id}/release`.
        #[schema(required = true)]
        pub pilot_size: Option<i64>,
        /// An undo started with `notify_recipients`: each recipient is e-mailed as their credential is revoked (`emails` counts those notices).
        pub notify_recipients: bool,
        /// Submitted with `?scheduled_for=`: when it starts (or started); `status` is `scheduled` until then.
        #[schema(format = DateTime, required = true)]
        pub scheduled_for: Option<String>,
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

    // ---- Identity API (JSON:API) -------------------------------------

    /// Cursor paging, as `identity::jsonapi::page_of` reads it.
    #[derive(IntoParams)]
    #[into_params(parameter_in = Query)]
    pub struct PageParams {
        /// Resources per page, 1 to 100 (25 when absent).
        #[param(rename = "page[size]", nullable = false, minimum = 1, maximum = 100)]
        pub page_size: Option<i64>,
        /// The last id of the page before; `links.next` carries it.
        #[param(rename = "page[after]", nullable = false)]
        pub page_after: Option<String>,
    }

    /// A JSON:API error document, as `identity::jsonapi::JsonApiError` answers: one entry per problem.
    #[derive(ToSchema)]
    pub struct JsonApiErrorDocument {
        #[schema(min_items = 1)]
        pub errors: Vec<JsonApiErrorObject>,
    }

    #[derive(ToSchema)]
    pub struct JsonApiErrorObject {
        /// The HTTP status code, as a string (`"422"`).
        #[schema(pattern = "^[1-5][0-9]{2}$")]
        pub status: String,
        /// `validation_failed`, `invalid_parameter`, `invalid_json`, `invalid_document`, `invalid_body`,
        /// `type_mismatch`, `unsupported_media_type`, `payload_too_large`, `unauthorized`, `forbidden`,
        /// `not_found`, `conflict`, `unprocessable_entity`, `quota_exceeded`, `rate_limited`,
        /// `internal_error`, or an outage's (`database_busy`, `database_unavailable`, `storage_full`).
        pub code: String,
        /// The status's reason phrase (`Not Found`), or `Invalid attribute` for an attribute's problem.
        pub title: String,
        pub detail: String,
        /// What in the request is wrong, when one member or header or parameter is.
        #[schema(nullable = false)]
        pub source: Option<JsonApiErrorSource>,
    }

    /// One of `pointer`, `header` or `parameter`.
    #[derive(ToSchema)]
    pub struct JsonApiErrorSource {
        /// A JSON Pointer into the request document: `/data/attributes/birthdate`,
        /// `/data/relationships/account`, `/data/type`, `/data`.
        #[schema(nullable = false)]
        pub pointer: Option<String>,
        /// A request header: `Content-Type`.
        #[schema(nullable = false)]
        pub header: Option<String>,
        /// A query parameter: `page[size]`, `filter[status]`, `include`.
        #[schema(nullable = false)]
        pub parameter: Option<String>,
    }

    #[derive(ToSchema)]
    pub struct ResourceLinks {
        /// The resource's own URL, relative to the server.
        #[serde(rename = "self")]
        #[schema(format = "uri-reference")]
        pub self_link: String,
    }

    #[derive(ToSchema)]
    pub struct ListLinks {
        /// This list, relative to the server.
        #[serde(rename = "self")]
        #[schema(format = "uri-reference")]
        pub self_link: String,
        /// The next page, with the same filters; null on the last.
        #[schema(format = "uri-reference", required = true)]
        pub next: Option<String>,
    }

    #[derive(ToSchema)]
    pub struct ListMeta {
        pub has_more: bool,
    }

    // Accounts.

    /// An account, as `identity::resources::account` writes it.
    #[derive(ToSchema)]
    pub struct AccountResource {
        #[serde(rename = "type")]
        pub kind: AccountType,
        pub id: String,
        pub attributes: AccountAttributes,
        pub links: ResourceLinks,
    }

    #[derive(ToSchema)]
    pub struct AccountAttributes {
        /// The organisation's own id for the person, unique in the organisation.
        #[schema(required = true)]
        pub external_id: Option<String>,
        #[schema(required = true)]
        pub reference: Option<String>,
        pub tags: Vec<String>,
        pub status: AccountStatusName,
        #[schema(format = DateTime)]
        pub created_at: String,
        #[schema(format = DateTime)]
        pub updated_at: String,
    }

    #[derive(ToSchema)]
    pub struct AccountResponse {
        pub data: AccountResource,
    }

    /// A page of accounts, oldest first.
    #[derive(ToSchema)]
    pub struct AccountList {
        pub data: Vec<AccountResource>,
        pub links: ListLinks,
        pub meta: ListMeta,
    }

    /// `{"data": {"type": "account", "attributes": {…}}}`.
    #[derive(ToSchema)]
    pub struct AccountRequest {
        pub data: AccountRequestData,
    }

    #[derive(ToSchema)]
    pub struct AccountRequestData {
        #[serde(rename = "type")]
        pub kind: AccountType,
        #[schema(nullable = false)]
        pub attributes: Option<AccountInput>,
    }

    /// What to set: an absent attribute stays as it is, null clears it. Unknown attributes are refused.
    #[derive(ToSchema)]
    #[serde(deny_unknown_fields)]
    pub struct AccountInput {
        /// Your id for the person, unique in the organisation (`filter[external_id]` finds it); not blank.
        #[schema(min_length = 1, max_length = 255)]
        pub external_id: Option<String>,
        /// Any reference of yours; not blank.
        #[schema(min_length = 1, max_length = 255)]
        pub reference: Option<String>,
        #[schema(nullable = false)]
        pub tags: Option<AccountTags>,
    }

    #[derive(ToSchema)]
    pub struct AccountLinkage {
        #[serde(rename = "type")]
        pub kind: AccountType,
        pub id: String,
    }

    #[derive(ToSchema)]
    pub struct ToOneAccount {
        pub data: AccountLinkage,
    }

    // Sessions.

    /// A session, as `identity::resources::session` writes it.
    #[derive(ToSchema)]
    pub struct SessionResource {
        #[serde(rename = "type")]
        pub kind: SessionType,
        pub id: String,
        pub attributes: SessionAttributes,
        pub relationships: SessionRelationships,
        pub links: ResourceLinks,
    }

    /// What was entered (null where nothing was), what the documents said, and the decision.
    #[derive(ToSchema)]
    pub struct SessionAttributes {
        #[schema(required = true)]
        pub name_first: Option<String>,
        #[schema(required = true)]
        pub name_middle: Option<String>,
        #[schema(required = true)]
        pub name_last: Option<String>,
        /// `YYYY-MM-DD`.
        #[schema(required = true)]
        pub birthdate: Option<String>,
        #[schema(required = true)]
        pub address_street_1: Option<String>,
        #[schema(required = true)]
        pub address_street_2: Option<String>,
        #[schema(required = true)]
        pub address_city: Option<String>,
        #[schema(required = true)]
        pub address_subdivision: Option<String>,
        #[schema(required = true)]
        pub address_postal_code: Option<String>,
        #[schema(required = true)]
        pub country_code: Option<String>,
        #[schema(required = true)]
        pub email_address: Option<String>,
        #[schema(required = true)]
        pub phone_number: Option<String>,
        pub status: SessionStatusName,
        /// Each value read from a document, by field (`name_first`, `name_last`, `birthdate`,
        /// `document_number`, `expiration_date`, `nationality`, `address_subdivision`).
        pub extracted: std::collections::BTreeMap<String, ExtractedValue>,
        /// A member's note on deciding a session held for review.
        #[schema(required = true)]
        pub decision_note: Option<String>,
        #[schema(format = DateTime)]
        pub created_at: String,
        #[schema(format = DateTime, required = true)]
        pub submitted_at: Option<String>,
        #[schema(format = DateTime, required = true)]
        pub decided_at: Option<String>,
    }

    /// A value read from a document (issuance's `sessions::Extracted`).
    #[derive(ToSchema)]
    pub struct ExtractedValue {
        pub value: String,
        /// How and from which document: `mrz:doc_…` or `barcode:doc_…`.
        pub source: String,
    }

    #[derive(ToSchema)]
    pub struct SessionRelationships {
        pub account: ToOneAccount,
        /// The documents created with this session as theirs.
        pub documents: ToManyDocuments,
    }

    #[derive(ToSchema)]
    pub struct ToManyDocuments {
        pub data: Vec<DocumentLinkage>,
    }

    #[derive(ToSchema)]
    pub struct DocumentLinkage {
        #[serde(rename = "type")]
        pub kind: DocumentKindName,
        pub id: String,
    }

    #[derive(ToSchema)]
    pub struct SessionResponse {
        pub data: SessionResource,
        /// With `?include=` only: the account, the documents, or both.
        #[schema(nullable = false)]
        pub included: Option<Vec<IncludedResource>>,
    }

    /// A resource `?include=` adds.
    #[derive(ToSchema)]
    #[serde(untagged)]
    pub enum IncludedResource {
        Account(AccountResource),
        Document(DocumentResource),
    }

    /// A page of sessions, oldest first.
    #[derive(ToSchema)]
    pub struct SessionList {
        pub data: Vec<SessionResource>,
        pub links: ListLinks,
        pub meta: ListMeta,
    }

    /// A new session for an account (not a blocked one).
    #[derive(ToSchema)]
    pub struct NewSessionRequest {
        pub data: NewSessionData,
    }

    #[derive(ToSchema)]
    pub struct NewSessionData {
        #[serde(rename = "type")]
        pub kind: SessionType,
        #[schema(nullable = false)]
        pub attributes: Option<SessionInput>,
        pub relationships: NewSessionRelationships,
    }

    #[derive(ToSchema)]
    pub struct NewSessionRelationships {
        pub account: ToOneAccount,
    }

    /// Changes to what was entered, while the session is `created`.
    #[derive(ToSchema)]
    pub struct SessionPatchRequest {
        pub data: SessionPatchData,
    }

    #[derive(ToSchema)]
    pub struct SessionPatchData {
        #[serde(rename = "type")]
        pub kind: SessionType,
        #[schema(nullable = false)]
        pub attributes: Option<SessionInput>,
    }

    /// The person's details as entered (issuance's `sessions::Attributes`), every one optional; absent
    /// ones stay as they are. Unknown attributes are refused.
    #[derive(ToSchema)]
    #[serde(deny_unknown_fields)]
    pub struct SessionInput {
        #[schema(nullable = false, max_length = 255)]
        pub name_first: Option<String>,
        #[schema(nullable = false, max_length = 255)]
        pub name_middle: Option<String>,
        #[schema(nullable = false, max_length = 255)]
        pub name_last: Option<String>,
        /// `YYYY-MM-DD`, not in the future.
        #[schema(nullable = false, format = Date)]
        pub birthdate: Option<String>,
        #[schema(nullable = false, max_length = 255)]
        pub address_street_1: Option<String>,
        #[schema(nullable = false, max_length = 255)]
        pub address_street_2: Option<String>,
        #[schema(nullable = false, max_length = 255)]
        pub address_city: Option<String>,
        #[schema(nullable = false, max_length = 255)]
        pub address_subdivision: Option<String>,
        #[schema(nullable = false, max_length = 255)]
        pub address_postal_code: Option<String>,
        /// ISO 3166-1 alpha-2, in capitals.
        #[schema(nullable = false, pattern = "^[A-Z]{2}$")]
        pub country_code: Option<String>,
        #[schema(nullable = false, format = Email)]
        pub email_address: Option<String>,
        #[schema(nullable = false, max_length = 255)]
        pub phone_number: Option<String>,
    }

    // Documents.

    /// A document, as `identity::resources::document` writes it.
    #[derive(ToSchema)]
    pub struct DocumentResource {
        #[serde(rename = "type")]
        pub kind: DocumentKindName,
        pub id: String,
        pub attributes: DocumentAttributes,
        pub relationships: DocumentRelationships,
        pub links: ResourceLinks,
    }

    #[derive(ToSchema)]
    pub struct DocumentAttributes {
        /// A government ID's class; null for a proof of address.
        #[schema(required = true)]
        pub id_class: Option<IdClassName>,
        #[schema(required = true)]
        pub country_code: Option<String>,
        #[schema(required = true)]
        pub mrz: Option<String>,
        /// Read from the MRZ or the barcode once a verification ran.
        #[schema(required = true)]
        pub document_number: Option<String>,
        /// The front's image, once uploaded.
        #[schema(required = true)]
        pub front: Option<UploadedImage>,
        /// The back's image, once uploaded (licences and ID cards).
        #[schema(required = true)]
        pub back: Option<UploadedImage>,
        /// When the images were deleted under the retention rule; the results stay.
        #[schema(format = DateTime, required = true)]
        pub images_deleted_at: Option<String>,
        #[schema(format = DateTime)]
        pub created_at: String,
    }

    #[derive(ToSchema)]
    pub struct UploadedImage {
        /// As it was uploaded: `image/jpeg`, `image/png`, `image/webp` or `application/pdf`.
        pub content_type: String,
        /// The SHA-256 of the upload, in hex.
        #[schema(pattern = "^[0-9a-f]{64}$")]
        pub sha256: String,
    }

    #[derive(ToSchema)]
    pub struct DocumentRelationships {
        pub session: ToOneSessionOrNone,
    }

    #[derive(ToSchema)]
    pub struct ToOneSessionOrNone {
        /// Null for a document that belongs to no session.
        #[schema(required = true)]
        pub data: Option<SessionLinkage>,
    }

    #[derive(ToSchema)]
    pub struct SessionLinkage {
        #[serde(rename = "type")]
        pub kind: SessionType,
        pub id: String,
    }

    #[derive(ToSchema)]
    pub struct ToOneSession {
        pub data: SessionLinkage,
    }

    /// A document with the links to `PUT` its images to (see `putDocumentImage`).
    #[derive(ToSchema)]
    pub struct DocumentResponse {
        pub data: DocumentResource,
        /// Absent once the images were deleted.
        #[schema(nullable = false)]
        pub meta: Option<UploadLinks>,
    }

    #[derive(ToSchema)]
    pub struct UploadLinks {
        pub upload_urls: UploadUrls,
        /// Seconds each link works for, from this answer.
        pub upload_expires_in: i64,
    }

    /// A signed link per side, fresh on every answer.
    #[derive(ToSchema)]
    pub struct UploadUrls {
        #[schema(format = "uri")]
        pub front: String,
        /// For a driving licence or an ID card.
        #[schema(format = "uri", nullable = false)]
        pub back: Option<String>,
    }

    /// The document, its new image recorded.
    #[derive(ToSchema)]
    pub struct UploadedDocument {
        pub data: DocumentResource,
    }

    /// A page of documents, oldest first.
    #[derive(ToSchema)]
    pub struct DocumentList {
        pub data: Vec<DocumentResource>,
        pub links: ListLinks,
        pub meta: ListMeta,
    }

    /// A new document: `document/idv` with its `id_class` and `country_code`, or `document/address`.
    #[derive(ToSchema)]
    pub struct NewDocumentRequest {
        pub data: NewDocumentData,
    }

    #[derive(ToSchema)]
    pub struct NewDocumentData {
        #[serde(rename = "type")]
        pub kind: DocumentKindName,
        #[schema(nullable = false)]
        pub attributes: Option<DocumentInput>,
        #[schema(nullable = false)]
        pub relationships: Option<NewDocumentRelationships>,
    }

    /// Unknown attributes are refused.
    #[derive(ToSchema)]
    #[serde(deny_unknown_fields)]
    pub struct DocumentInput {
        /// Required for `document/idv`, refused for `document/address`.
        #[schema(nullable = false)]
        pub id_class: Option<IdClassName>,
        /// ISO 3166-1 alpha-2, in capitals; required for `document/idv`.
        #[schema(nullable = false, pattern = "^[A-Z]{2}$")]
        pub country_code: Option<String>,
        /// The machine-readable zone as printed, lines separated by newlines.
        #[schema(nullable = false, max_length = 200)]
        pub mrz: Option<String>,
    }

    #[derive(ToSchema)]
    pub struct NewDocumentRelationships {
        /// A session that is still `created`: the document is checked when it is submitted.
        #[schema(nullable = false)]
        pub session: Option<ToOneSession>,
    }

    // Verifications.

    /// A verification, as `identity::resources::verification` writes it.
    #[derive(ToSchema)]
    pub struct VerificationResource {
        #[serde(rename = "type")]
        pub kind: VerificationType,
        pub id: String,
        pub attributes: VerificationAttributes,
        pub relationships: VerificationRelationships,
        pub links: ResourceLinks,
    }

    #[derive(ToSchema)]
    pub struct VerificationAttributes {
        pub status: VerificationStatusName,
        /// Empty until the checks ran.
        pub checks: Vec<IdentityCheck>,
        /// What the document said (`source`, `document_number`, `name_first`, `name_last`, `birthdate`,
        /// `expiration_date`, …); `{}` until the checks ran, or when nothing could be read.
        #[schema(value_type = Object)]
        pub extracted: Value,
        #[schema(format = DateTime)]
        pub created_at: String,
        #[schema(format = DateTime, required = true)]
        pub completed_at: Option<String>,
    }

    /// One check's outcome (issuance's `identity::checks::Check`).
    #[derive(ToSchema)]
    pub struct IdentityCheck {
        pub name: IdentityCheckName,
        pub status: IdentityCheckStatus,
        /// Why, in words, for a check that did not pass.
        pub reasons: Vec<String>,
        /// What was measured.
        #[schema(value_type = Object)]
        pub details: Value,
    }

    #[derive(ToSchema)]
    pub struct VerificationRelationships {
        pub document: ToOneIdvDocument,
    }

    #[derive(ToSchema)]
    pub struct ToOneIdvDocument {
        pub data: IdvDocumentLinkage,
    }

    #[derive(ToSchema)]
    pub struct IdvDocumentLinkage {
        #[serde(rename = "type")]
        pub kind: IdvDocumentType,
        pub id: String,
    }

    #[derive(ToSchema)]
    pub struct VerificationResponse {
        pub data: VerificationResource,
    }

    /// A page of verifications, oldest first.
    #[derive(ToSchema)]
    pub struct VerificationList {
        pub data: Vec<VerificationResource>,
        pub links: ListLinks,
        pub meta: ListMeta,
    }

    /// A verification of a government ID. Any `attributes` are ignored.
    #[derive(ToSchema)]
    pub struct NewVerificationRequest {
        pub data: NewVerificationData,
    }

    #[derive(ToSchema)]
    pub struct NewVerificationData {
        #[serde(rename = "type")]
        pub kind: VerificationType,
        pub relationships: VerificationRelationships,
    }

    // A session's credential.

    /// The credential issued for an approved session.
    #[derive(ToSchema)]
    pub struct IssuedCredential {
        pub data: CredentialResource,
    }

    /// A credential as a JSON:API resource: its attributes are what `GET /v1/credentials/{id}` answers.
    #[derive(ToSchema)]
    pub struct CredentialResource {
        #[serde(rename = "type")]
        pub kind: CredentialResourceType,
        pub id: String,
        pub attributes: Credential,
        pub links: ResourceLinks,
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
    use issuance::identity::accounts::{Account, MAX_TEXT};
    use issuance::identity::checks::Check as IdentityCheckResult;
    use issuance::identity::documents::Document as IdentityDocument;
    use issuance::identity::sessions::{Attributes as SessionInputAttributes, Extracted, Session};
    use issuance::identity::verifications::Verification as IdentityVerification;
    use issuance::jobs::Job;
    use issuance::jobs::batch_submit::MAX_ITEMS;
    use model::Plan;
    use serde_json::{Value, json};

    use super::*;

    fn doc() -> Value {
        serde_json::from_str(&document_text()).unwrap()
    }

    #[test]
    fn only_links_have_snake_case_link_fields() {
        fn names(v: &Value, found: &mut BTreeSet<String>) {
            match v {
                Value::Object(members) => members.iter().for_each(|(k, x)| {
                    found.insert(k.clone());
                    names(x, found);
                }),
                Value::Array(items) => items.iter().for_each(|x| names(x, found)),
                _ => {}
            }
        }
        let mut raw = serde_json::to_value(ApiDoc::openapi()).unwrap();
        let link = &raw["paths"]["/v1/accounts"]["post"]["responses"]["201"]["links"]["getAccount"];
        assert!(
            link.get("operation_id").is_some(),
            "utoipa writes `operation_id` (if fixed, drop LINK_FIELDS): {link}"
        );
        for item in raw["paths"].as_object_mut().unwrap().values_mut() {
            for op in item.as_object_mut().unwrap().values_mut() {
                for (_, r) in op["responses"].as_object_mut().into_iter().flatten() {
                    r.as_object_mut().map(|r| r.remove("links"));
                }
            }
        }
        let mut found = BTreeSet::new();
        names(&raw, &mut found);
        for (utoipa, _) in LINK_FIELDS {
            assert!(!found.contains(utoipa.trim_matches(['"', ':'])), "{utoipa} is not only a link's");
        }
        let served = doc();
        let link = &served["paths"]["/v1/accounts"]["post"]["responses"]["201"]["links"]["createSession"];
        assert_eq!(keys(link), BTreeSet::from(["operationId".into(), "requestBody".into()]), "{link}");
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
            kind: issuance::jobs::JobKind::Issue,
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
            undoes_job_id: full.then(|| "job_0".into()),
            undone_by_job_id: None,
            undo_reason: None,
            pilot_size: full.then_some(5),
            scheduled_for: full.then_some(1_900_000_000),
            notify_recipients: i64::from(full),
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
            badge_id: Some("bdg_1".into()),
            badge_name: "B".into(),
            badge_expires: false,
            badge_column: false,
            badges: vec![issuance::bulk::BadgeGroup {
                badge_id: "bdg_1".into(),
                badge_name: "B".into(),
                badge_expires: false,
                totals: Totals::default(),
                quota_uses: 1,
            }],
            plan: Plan::Professional,
            plan_allows_submit: true,
            duplicate_policy: DuplicatePolicy::Allow,
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
                award: issuance::credentials::award::Award {
                    narrative: Some("Led the capstone.".into()),
                    evidence_url: Some("https://example.com/work".into()),
                    evidence_name: Some("Report".into()),
                    issued_on: Some(1_780_000_000),
                },
                expires_at: Some(1_800_000_000),
                badge_id: Some("bdg_1".into()),
            }],
        };
        let r = super::super::bulk::review_json(&review);
        assert_describes(&doc, "BulkReview", &r, &r);
        assert_describes(&doc, "QuotaPlan", &r["quota"], &r["quota"]);
        assert_describes(&doc, "ReviewRow", &r["rows"][0], &r["rows"][0]);
        assert_describes(&doc, "ReviewBadge", &r["badges"][0], &r["badges"][0]);
        let mut totals = keys(&r["totals"]);
        for term in RowStatus::ALL {
            assert!(totals.remove(term.as_str()), "totals lacks {term}");
        }
        assert_eq!(totals, BTreeSet::from(["rows".into(), "valid".into(), "issuable".into(), "holders".into()]));

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

    /// The names a string schema (or the `$ref` to one) allows.
    fn enum_of(doc: &Value, s: &Value) -> BTreeSet<String> {
        if let Some(r) = s["$ref"].as_str() {
            return enum_of(doc, doc.pointer(r.trim_start_matches('#')).unwrap());
        }
        s["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("no enum: {s}"))
            .iter()
            .map(|v| v.as_str().unwrap().into())
            .collect()
    }

    /// A property's schema, through `$ref`s and the `oneOf` of a nullable one.
    fn property<'a>(doc: &'a Value, schema_name: &str, field: &str) -> &'a Value {
        let mut p = &schema(doc, schema_name)["properties"][field];
        assert!(p.is_object(), "{schema_name} has no {field}");
        loop {
            if let Some(r) = p["$ref"].as_str() {
                p = doc.pointer(r.trim_start_matches('#')).unwrap();
            } else if let Some(one) = p["oneOf"].as_array() {
                p = one.iter().find(|s| s["type"] != "null").unwrap();
            } else {
                return p;
            }
        }
    }

    /// A JSON:API resource and its `attributes` against their schemas: the
    /// same members, and its `type` one the schema allows.
    fn assert_resource(doc: &Value, name: &str, attributes: &str, full: &Value, minimal: &Value) {
        assert_describes(doc, name, full, minimal);
        assert_describes(doc, attributes, &full["attributes"], &minimal["attributes"]);
        assert_eq!(keys(&full["links"]), properties(doc, schema(doc, "ResourceLinks")), "{name}");
        for r in [full, minimal] {
            let kind = r["type"].as_str().unwrap().to_owned();
            assert!(enum_of(doc, property(doc, name, "type")).contains(&kind), "{name}: type {kind}");
        }
    }

    fn account(full: bool) -> Account {
        Account {
            id: "acc_1".into(),
            org_id: "org_1".into(),
            external_id: full.then(|| "user-1".into()),
            reference: full.then(|| "r".into()),
            tags_json: r#"["vip"]"#.into(),
            status: AccountStatus::Active,
            created_at: 1,
            updated_at: 1,
        }
    }

    fn session(full: bool) -> Session {
        let text = |v: &str| full.then(|| v.to_owned());
        Session {
            id: "ses_1".into(),
            org_id: "org_1".into(),
            account_id: "acc_1".into(),
            status: if full { SessionStatus::Approved } else { SessionStatus::Created },
            entered: SessionInputAttributes {
                name_first: text("Anna"),
                name_middle: text("Maria"),
                name_last: text("Eriksson"),
                birthdate: text("1974-08-12"),
                address_street_1: text("1 Main St"),
                address_street_2: text("Flat 2"),
                address_city: text("Stockholm"),
                address_subdivision: text("AB"),
                address_postal_code: text("111 22"),
                country_code: text("SE"),
                email_address: text("anna@example.com"),
                phone_number: text("+46 8 123"),
            },
            extracted: if full {
                [("name_last".to_owned(), Extracted { value: "ERIKSSON".into(), source: "mrz:doc_1".into() })].into()
            } else {
                Default::default()
            },
            decision_note: text("checked"),
            credential_id: None,
            created_at: 1,
            updated_at: 1,
            submitted_at: full.then_some(2),
            decided_at: full.then_some(3),
        }
    }

    fn document(full: bool) -> IdentityDocument {
        let text = |v: &str| full.then(|| v.to_owned());
        IdentityDocument {
            id: "doc_1".into(),
            org_id: "org_1".into(),
            session_id: text("ses_1"),
            kind: if full { DocumentKind::Idv } else { DocumentKind::Address },
            id_class: full.then_some(IdClass::Dl),
            country_code: text("US"),
            mrz: text("P<SWE"),
            document_number: text("L898902C3"),
            front_type: text("image/jpeg"),
            front_sha256: Some("0".repeat(64)),
            back_type: text("image/png"),
            back_sha256: Some("1".repeat(64)),
            created_at: 1,
            images_deleted_at: None,
        }
    }

    #[test]
    fn each_identity_resource_schema_names_exactly_the_members_its_function_writes() {
        use super::super::identity::{documents, resources};
        let doc = doc();

        let (full, minimal) = (resources::account(&account(true)), resources::account(&account(false)));
        assert_resource(&doc, "AccountResource", "AccountAttributes", &full, &minimal);

        let kinds = [("doc_1".to_owned(), DocumentKind::Idv), ("doc_2".to_owned(), DocumentKind::Address)];
        let (full, minimal) = (resources::session(&session(true), &kinds), resources::session(&session(false), &[]));
        assert_resource(&doc, "SessionResource", "SessionAttributes", &full, &minimal);
        assert_eq!(keys(&full["relationships"]), properties(&doc, schema(&doc, "SessionRelationships")));
        assert_eq!(keys(&full["relationships"]["account"]["data"]), properties(&doc, schema(&doc, "AccountLinkage")));
        let linkage = properties(&doc, schema(&doc, "DocumentLinkage"));
        for (d, (_, kind)) in full["relationships"]["documents"]["data"].as_array().unwrap().iter().zip(&kinds) {
            assert_eq!(keys(d), linkage);
            assert_eq!(d["type"], kind.as_str(), "each linkage names its document's own kind");
        }
        assert_eq!(
            enum_of(&doc, property(&doc, "DocumentLinkage", "type")),
            enum_of(&doc, &json!({"$ref": "#/components/schemas/DocumentKindName"}))
        );
        let extracted = &full["attributes"]["extracted"]["name_last"];
        assert_eq!(keys(extracted), properties(&doc, schema(&doc, "ExtractedValue")));
        // What a session takes is what issuance's `sessions::Attributes` holds.
        let entered = serde_json::to_value(session(true).entered).unwrap();
        assert_eq!(keys(&entered), properties(&doc, schema(&doc, "SessionInput")));

        let (full, minimal) = (resources::document(&document(true)), resources::document(&document(false)));
        assert_resource(&doc, "DocumentResource", "DocumentAttributes", &full, &minimal);
        assert_eq!(keys(&full["relationships"]), properties(&doc, schema(&doc, "DocumentRelationships")));
        assert_eq!(keys(&full["relationships"]["session"]["data"]), properties(&doc, schema(&doc, "SessionLinkage")));
        assert_eq!(minimal["relationships"]["session"]["data"], Value::Null);
        for side in DocumentSide::ALL {
            assert_eq!(keys(&full["attributes"][side.as_str()]), properties(&doc, schema(&doc, "UploadedImage")));
        }
        let key = issuance::identity::upload_link::UploadKey::new(&issuance::keys::MasterKey::generate());
        let meta = documents::upload_meta(&key, "https://laurel.test", &document(true), 0).unwrap();
        assert_describes(&doc, "UploadLinks", &meta, &meta);
        let sides: BTreeSet<String> = DocumentSide::ALL.iter().map(|s| s.as_str().to_owned()).collect();
        assert_eq!(keys(&meta["upload_urls"]), sides);
        assert_eq!(properties(&doc, schema(&doc, "UploadUrls")), sides);
        let passport = IdentityDocument { id_class: Some(IdClass::Pp), ..document(true) };
        let meta = documents::upload_meta(&key, "https://laurel.test", &passport, 0).unwrap();
        assert_describes(&doc, "UploadUrls", &json!({"front": "", "back": ""}), &meta["upload_urls"]);
        let deleted = IdentityDocument { images_deleted_at: Some(5), ..document(true) };
        assert_eq!(documents::upload_meta(&key, "https://laurel.test", &deleted, 0), None);

        let verification = |full: bool| IdentityVerification {
            id: "ver_1".into(),
            org_id: "org_1".into(),
            document_id: "doc_1".into(),
            status: if full { VerificationStatus::Passed } else { VerificationStatus::Initiated },
            checks: if full { vec![IdentityCheckResult::passed(CheckName::MrzFormat, json!({}))] } else { vec![] },
            extracted: if full { json!({"source": "mrz"}) } else { json!({}) },
            created_at: 1,
            completed_at: full.then_some(2),
        };
        let (full, minimal) =
            (resources::verification(&verification(true)), resources::verification(&verification(false)));
        assert_resource(&doc, "VerificationResource", "VerificationAttributes", &full, &minimal);
        assert_eq!(keys(&full["attributes"]["checks"][0]), properties(&doc, schema(&doc, "IdentityCheck")));
        assert_eq!(keys(&full["relationships"]), properties(&doc, schema(&doc, "VerificationRelationships")));
        let linkage = &full["relationships"]["document"]["data"];
        assert_eq!(keys(linkage), properties(&doc, schema(&doc, "IdvDocumentLinkage")));
        assert!(
            enum_of(&doc, property(&doc, "IdvDocumentLinkage", "type")).contains(linkage["type"].as_str().unwrap())
        );

        let c = resources::credential("cred_1", json!({}));
        assert_describes(&doc, "CredentialResource", &c, &c);
        assert!(enum_of(&doc, property(&doc, "CredentialResource", "type")).contains(c["type"].as_str().unwrap()));

        // The documents around them.
        assert_eq!(properties(&doc, schema(&doc, "ListLinks")), BTreeSet::from(["self".into(), "next".into()]));
        let list = super::super::identity::jsonapi::list_doc("/v1/accounts", &[], vec![], true, 1, vec![]);
        let body = serde_json::from_str::<Value>(&String::from_utf8(response_body(list)).unwrap()).unwrap();
        assert_describes(&doc, "AccountList", &body, &body);
        assert_eq!(keys(&body["links"]), properties(&doc, schema(&doc, "ListLinks")));
        assert_eq!(keys(&body["meta"]), properties(&doc, schema(&doc, "ListMeta")));
    }

    /// A response's body, in a test without a runtime.
    fn response_body(r: impl IntoResponse) -> Vec<u8> {
        let body = r.into_response().into_body();
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        rt.block_on(axum::body::to_bytes(body, usize::MAX)).unwrap().to_vec()
    }

    #[test]
    fn the_json_api_error_schema_names_exactly_the_members_errors_have() {
        use super::super::identity::jsonapi::JsonApiError;
        use axum::http::StatusCode;
        let doc = doc();
        let body = |e: JsonApiError| serde_json::from_slice::<Value>(&response_body(e)).unwrap();
        let full = body(JsonApiError::at(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", "birthdate", "d"));
        let minimal = body(JsonApiError::new(StatusCode::NOT_FOUND, "not_found", "d"));
        assert_describes(&doc, "JsonApiErrorDocument", &full, &minimal);
        assert_describes(&doc, "JsonApiErrorObject", &full["errors"][0], &minimal["errors"][0]);
        let sources = properties(&doc, schema(&doc, "JsonApiErrorSource"));
        for at in ["birthdate", "relationships/account", "Content-Type", "query:page[size]", "body", "type"] {
            let e = body(JsonApiError::at(StatusCode::BAD_REQUEST, "invalid_parameter", at, "d"));
            assert!(keys(&e["errors"][0]["source"]).is_subset(&sources), "{e}");
        }
        let invalid = body(issuance::CoreError::Validation(vec![issuance::FieldError::new("tags/0", "m")]).into());
        assert_describes(&doc, "JsonApiErrorObject", &invalid["errors"][0], &invalid["errors"][0]);
        let forbidden = body(issuance::CoreError::forbidden("no").into());
        assert_describes(&doc, "JsonApiErrorObject", &full["errors"][0], &forbidden["errors"][0]);

        // The Identity API's operations say so for every answer, a refused key's too.
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                let media = |r: &Value| -> BTreeSet<String> {
                    let r = match r["$ref"].as_str() {
                        Some(p) => doc.pointer(p.trim_start_matches('#')).unwrap(),
                        None => r,
                    };
                    r["content"].as_object().into_iter().flatten().map(|(k, _)| k.clone()).collect()
                };
                let answers: Vec<BTreeSet<String>> = op["responses"].as_object().unwrap().values().map(media).collect();
                if answers.iter().any(|m| m.contains(MEDIA_TYPE)) {
                    for m in &answers {
                        assert_eq!(m, &BTreeSet::from([MEDIA_TYPE.to_owned()]), "{method} {path}");
                    }
                }
            }
        }
    }

    #[test]
    fn every_scope_the_document_requires_is_a_scope() {
        let doc = doc();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                for requirement in op["security"].as_array().into_iter().flatten() {
                    for scope in requirement["api_key"].as_array().into_iter().flatten() {
                        let scope = scope.as_str().unwrap();
                        assert!(scope.parse::<Scope>().is_ok(), "{method} {path}: {scope}");
                    }
                }
            }
        }
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

        // The Identity API's.
        for path in ["/v1/accounts", "/v1/sessions", "/v1/documents", "/v1/verifications"] {
            let params = doc["paths"][path]["get"]["parameters"].as_array().unwrap().clone();
            let size = params.into_iter().find(|p| p["name"] == "page[size]").unwrap();
            assert_eq!(size["schema"]["maximum"], json!(issuance::identity::page::MAX_SIZE), "{path}");
        }
        for field in ["external_id", "reference"] {
            assert_eq!(prop("AccountInput", field)["maxLength"], json!(MAX_TEXT), "{field}");
        }
        let include = doc["paths"]["/v1/sessions/{id}"]["get"]["parameters"].as_array().unwrap().clone();
        let include = include.into_iter().find(|p| p["name"] == "include").unwrap();
        let pattern = include["schema"]["pattern"].as_str().unwrap().to_owned();
        let names = super::super::identity::sessions::INCLUDES.join("|");
        assert_eq!(pattern, format!("^({names})(,({names}))*$"));
    }
}
