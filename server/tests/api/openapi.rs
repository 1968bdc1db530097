//! `GET /v1/openapi.json`: the OpenAPI 3.1 document generated from the
//! handlers' annotations. It is public, lists every route the REST router
//! registers (read from its source, so a new route without an annotation
//! fails here), and passes an outside validator.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use reqwest::header::CONTENT_TYPE;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

/// The document, fetched without a key.
async fn document(app: &TestApp) -> Value {
    let r = app.get("/v1/openapi.json").await;
    assert_eq!(r.status(), StatusCode::OK);
    let content_type = r.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert!(content_type.starts_with("application/json"), "Content-Type: {content_type}");
    let text = r.text().await.unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// Follows `$ref`s within the document.
fn resolve<'a>(doc: &'a Value, mut v: &'a Value) -> &'a Value {
    while let Some(r) = v.get("$ref").and_then(Value::as_str) {
        let pointer = r.strip_prefix('#').unwrap_or_else(|| panic!("not a local $ref: {r}"));
        v = doc.pointer(pointer).unwrap_or_else(|| panic!("dangling $ref {r}"));
    }
    v
}

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// Splits `text` at `sep` where it stands outside brackets and strings.
fn split_top(text: &str, sep: char) -> Vec<&str> {
    let (mut depth, mut in_string, mut escaped, mut start) = (0i32, false, false, 0);
    let mut parts = Vec::new();
    for (i, c) in text.char_indices() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '(' | '{' | '[' => depth += 1,
            ')' | '}' | ']' => depth -= 1,
            _ if c == sep && depth == 0 => {
                parts.push(&text[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

/// The text between the parenthesis that opens at `open` and its match.
fn parenthesised(text: &str, open: usize) -> &str {
    let inner = &text[open + 1..];
    let mut end = inner.len();
    let mut depth = 0;
    let mut in_string = false;
    for (i, c) in inner.char_indices() {
        match c {
            '"' => in_string = !in_string,
            '(' if !in_string => depth += 1,
            ')' if !in_string && depth == 0 => {
                end = i;
                break;
            }
            ')' if !in_string => depth -= 1,
            _ => {}
        }
    }
    &inner[..end]
}

/// The string literal that `text` starts with (after whitespace).
fn literal(text: &str) -> String {
    let text = text.trim_start();
    let rest = text.strip_prefix('"').unwrap_or_else(|| panic!("expected a string literal: {text}"));
    rest[..rest.find('"').unwrap()].to_owned()
}

/// The HTTP methods of a method router such as `post(a::b).get(a::c)`.
fn methods(handlers: &str) -> Vec<String> {
    let mut found = Vec::new();
    for m in METHODS {
        let call = format!("{m}(");
        for (i, _) in handlers.match_indices(&call) {
            let before = handlers[..i].chars().next_back();
            if !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                found.push(m.to_owned());
            }
        }
    }
    found
}

/// The routers `rest::router()` takes from other files, by the module that
/// builds them, with that file's source.
const SUBROUTERS: [(&str, &str); 1] = [("identity", include_str!("../../src/rest/identity/mod.rs"))];

/// Every (path, method) that `rest::router()` registers, read from its
/// source: the `.route(...)` calls of each router it builds, with the
/// prefix of the `.nest(...)` that mounts them and through `.merge(...)`,
/// and those of the routers of [`SUBROUTERS`] it uses.
fn registered_routes() -> BTreeSet<(String, String)> {
    router_routes(include_str!("../../src/rest/mod.rs"))
}

/// The (path, method)s of the `pub fn router()` in `source`.
fn router_routes(source: &str) -> BTreeSet<(String, String)> {
    let source: String = source.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
    let start = source.find("pub fn router()").expect("rest/mod.rs has `pub fn router()`");
    let open = start + source[start..].find('{').unwrap();
    let body = &source[open + 1..open + 1 + source[open + 1..].rfind('}').unwrap()];

    let mut routers: Vec<(String, BTreeSet<(String, String)>)> = Vec::new();
    let lookup = |routers: &[(String, BTreeSet<(String, String)>)], name: &str| {
        routers.iter().rev().find(|(n, _)| n == name).map(|(_, r)| r.clone())
    };
    let mut tail = BTreeSet::new();
    for statement in split_top(body, ';') {
        let statement = statement.trim();
        if statement.is_empty() {
            continue;
        }
        let (name, expr) = match statement.strip_prefix("let ") {
            Some(rest) => {
                let (name, expr) = rest.split_once('=').unwrap();
                (Some(name.trim().trim_start_matches("mut ").to_owned()), expr.trim())
            }
            None => (None, statement),
        };
        let mut routes = BTreeSet::new();
        // A router this one is built on (`batches.merge(v1)`).
        let receiver: String = expr.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        if let Some(r) = lookup(&routers, &receiver) {
            routes.extend(r);
        }
        for (module, source) in SUBROUTERS {
            if expr.contains(&format!("{module}::router()")) {
                routes.extend(router_routes(source));
            }
        }
        for (i, _) in expr.match_indices(".route(") {
            let args = parenthesised(expr, i + ".route".len());
            let path = literal(args);
            let handlers = &args[args.find(',').expect("route(path, handlers)") + 1..];
            let ms = methods(handlers);
            assert!(!ms.is_empty(), "no method found for route {path}: {handlers}");
            routes.extend(ms.into_iter().map(|m| (path.clone(), m)));
        }
        for (i, _) in expr.match_indices(".merge(") {
            let arg = parenthesised(expr, i + ".merge".len()).trim();
            routes.extend(lookup(&routers, arg).unwrap_or_else(|| panic!("merge of an unknown router: {arg}")));
        }
        for (i, _) in expr.match_indices(".nest(") {
            let args = parenthesised(expr, i + ".nest".len());
            let prefix = literal(args);
            let inner = args[args.find(',').unwrap() + 1..].trim();
            let nested = lookup(&routers, inner).unwrap_or_else(|| panic!("nest of an unknown router: {inner}"));
            routes.extend(nested.into_iter().map(|(p, m)| (format!("{prefix}{p}"), m)));
        }
        match name {
            Some(name) => routers.push((name, routes)),
            None => tail = routes,
        }
    }
    tail
}

/// Every (path, method) the document describes.
fn documented_operations(doc: &Value) -> BTreeSet<(String, String)> {
    let mut ops = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for m in METHODS {
            if item.get(m).is_some() {
                ops.insert((path.clone(), m.to_owned()));
            }
        }
    }
    ops
}

#[tokio::test]
async fn the_document_is_served_without_a_key_as_openapi_3_1_and_describes_every_registered_route() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["info"]["title"], "Laurel API");
    assert_eq!(doc["info"]["version"], env!("CARGO_PKG_VERSION"));

    let routes = registered_routes();
    // The reading of rest/mod.rs found the routers it builds.
    for expected in [
        ("/v1/credentials", "post"),
        ("/v1/credentials/batch-issue", "post"),
        ("/v1/audit/streams/{id}", "delete"),
        ("/v1/openapi.json", "get"),
        ("/organizations/{org_id}/status-lists/{list_id}", "get"),
        ("/v1/accounts", "post"),
        ("/v1/sessions/{id}/issue-credential", "post"),
        ("/v1/uploads/{document_id}/{side}", "put"),
    ] {
        assert!(routes.contains(&(expected.0.to_owned(), expected.1.to_owned())), "{expected:?} not in {routes:#?}");
    }
    let documented = documented_operations(&doc);
    let undocumented: Vec<_> = routes.difference(&documented).collect();
    assert!(undocumented.is_empty(), "routes without a #[utoipa::path] in the document: {undocumented:#?}");
    let unrouted: Vec<_> = documented.difference(&routes).collect();
    assert!(unrouted.is_empty(), "documented operations that no route serves: {unrouted:#?}");

    // Every path parameter of a path is declared on its operations.
    for (path, method) in &documented {
        let op = &doc["paths"][path][method];
        let declared: BTreeSet<&str> = op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["in"] == "path")
            .filter_map(|p| p["name"].as_str())
            .collect();
        let in_path: BTreeSet<&str> =
            path.split('/').filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}'))).collect();
        assert_eq!(declared, in_path, "{method} {path}");
    }
}

#[tokio::test]
async fn the_document_passes_an_independent_openapi_validator() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("openapi.json");
    std::fs::write(&file, doc.to_string()).unwrap();
    let out = tokio::process::Command::new("python3")
        .args([
            "-c",
            "from openapi_spec_validator import validate; import json,sys; validate(json.load(open(sys.argv[1])))",
        ])
        .arg(&file)
        .output()
        .await
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "openapi-spec-validator refused the document (it needs openapi-spec-validator from PyPI; \
         scripts/lib.sh installs it): {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test]
async fn the_document_gives_batch_limits_audit_filters_idempotency_and_the_api_key_scheme() {
    let app = spawn_app().await;
    let doc = document(&app).await;

    // A JSON batch: 202, and at most 10,000 items.
    let submit = &doc["paths"]["/v1/credentials/batch-issue"]["post"];
    assert!(submit["responses"]["202"].is_object(), "{submit}");
    let body = resolve(&doc, &submit["requestBody"]["content"]["application/json"]["schema"]);
    let credentials = resolve(&doc, &body["properties"]["credentials"]);
    assert_eq!(credentials["type"], "array", "{credentials}");
    assert_eq!(credentials["maxItems"], 10000, "{credentials}");

    // The audit log's filters.
    let params: BTreeSet<&str> = doc["paths"]["/v1/audit/events"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["in"] == "query")
        .filter_map(|p| p["name"].as_str())
        .collect();
    for name in ["action", "target", "since", "after", "limit"] {
        assert!(params.contains(name), "GET /v1/audit/events lacks the query parameter {name}: {params:?}");
    }

    // The POSTs that honour Idempotency-Key say so.
    for path in ["/v1/credentials", "/v1/credentials/batch-issue", "/v1/bulk-issue"] {
        let headers: Vec<&str> = doc["paths"][path]["post"]["parameters"]
            .as_array()
            .unwrap_or_else(|| panic!("POST {path} has no parameters"))
            .iter()
            .filter(|p| p["in"] == "header")
            .filter_map(|p| p["name"].as_str())
            .collect();
        assert_eq!(headers, ["Idempotency-Key"], "POST {path}");
    }

    // The key: a header scheme, required by every /v1 operation but this
    // document and the upload links (the signed link is the permission),
    // with the scope named; the public documents need none.
    let scheme = &doc["components"]["securitySchemes"]["api_key"];
    assert_eq!(scheme["type"], "apiKey", "{scheme}");
    assert_eq!(scheme["in"], "header");
    assert_eq!(scheme["name"], "X-Api-Key");
    for (path, method) in documented_operations(&doc) {
        let op = &doc["paths"][&path][&method];
        let keyed = path.starts_with("/v1/") && path != "/v1/openapi.json" && !path.starts_with("/v1/uploads/");
        let scopes = op["security"].as_array().and_then(|s| s.first()).and_then(|r| r["api_key"].as_array());
        if keyed {
            let scope = scopes.and_then(|s| s.first()).and_then(Value::as_str);
            let scope = scope.unwrap_or_else(|| panic!("{method} {path} does not require the api_key scheme"));
            assert!(op["description"].as_str().unwrap().contains(&format!("`{scope}`")), "{method} {path}");
            for status in ["401", "403", "429"] {
                assert!(op["responses"][status].is_object(), "{method} {path} lacks a {status} answer");
            }
        } else {
            assert!(scopes.is_none(), "{method} {path} should be public");
        }
    }

    // Errors have the API's shape.
    let error = resolve(&doc, &doc["paths"]["/v1/credentials"]["post"]["responses"]["400"]);
    let error = resolve(&doc, &error["content"]["application/json"]["schema"]);
    let inner = resolve(&doc, &error["properties"]["error"]);
    let keys: BTreeSet<&str> = inner["properties"].as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, BTreeSet::from(["code", "message", "details"]));
}

const JSON_API: &str = "application/vnd.api+json";

#[tokio::test]
async fn the_identity_api_is_documented_as_json_api_down_to_a_refused_key() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    let tags = ["accounts", "sessions", "documents", "verifications"];
    let mut seen = 0;
    for (path, method) in documented_operations(&doc) {
        let op = &doc["paths"][&path][&method];
        let Some(tag) = op["tags"][0].as_str().filter(|t| tags.contains(t)) else { continue };
        seen += 1;
        assert!(op["operationId"].is_string(), "{method} {path}");
        for (status, answer) in op["responses"].as_object().unwrap() {
            let answer = resolve(&doc, answer);
            let media: Vec<&String> = answer["content"].as_object().unwrap().keys().collect();
            assert_eq!(media, [JSON_API], "{method} {path} {status} ({tag})");
            if status.starts_with('4') {
                let body = resolve(&doc, &answer["content"][JSON_API]["schema"]);
                let errors = resolve(&doc, &body["properties"]["errors"]["items"]);
                let keys: BTreeSet<&str> =
                    errors["properties"].as_object().unwrap().keys().map(String::as_str).collect();
                assert_eq!(keys, BTreeSet::from(["status", "code", "title", "detail", "source"]), "{method} {path}");
            }
        }
        if let Some(body) = op["requestBody"]["content"].as_object() {
            if path.starts_with("/v1/uploads/") {
                for (media, content) in body {
                    assert!(media.starts_with("image/") || media == "application/pdf", "{media}");
                    let schema = resolve(&doc, &content["schema"]);
                    assert_eq!((&schema["type"], &schema["format"]), (&json!("string"), &json!("binary")), "{media}");
                }
            } else {
                let media: BTreeSet<&str> = body.keys().map(String::as_str).collect();
                assert_eq!(media, BTreeSet::from([JSON_API, "application/json"]), "{method} {path}");
            }
        }
        let params: BTreeSet<&str> = op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["in"] == "query")
            .filter_map(|p| p["name"].as_str())
            .collect();
        if method == "get" && !path.contains('{') {
            assert!(params.is_superset(&BTreeSet::from(["page[size]", "page[after]"])), "{method} {path}: {params:?}");
            assert!(params.iter().any(|p| p.starts_with("filter[")), "{method} {path}: {params:?}");
        }
    }
    assert_eq!(seen, 21, "every Identity API operation has one of its tags");
    let upload = &doc["paths"]["/v1/uploads/{document_id}/{side}"]["put"];
    assert!(upload["security"].is_null(), "the upload link takes no API key: {upload}");
    let link: BTreeSet<&str> = upload["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["in"] == "query" && p["required"] == true)
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert_eq!(link, BTreeSet::from(["expires", "signature"]));
    let include = doc["paths"]["/v1/sessions/{id}"]["get"]["parameters"].as_array().unwrap();
    assert!(include.iter().any(|p| p["name"] == "include"), "{include:?}");
}
