//! The database stores every status, role and plan under the same name as
//! JSON and the pages use: written through `sqlx::Type`, it reads back as
//! the serde name, and that name reads back as the variant.

use model::{
    Action, CredentialStatus, CredentialType, ItemState, JobSource, JobStatus, MailKind, MailStatus, Plan, Role,
    RowStatus,
};
use serde::Serialize;
use serde::de::DeserializeOwned;

async fn round_trip<T>(db: &issuance::db::Db, all: &[T])
where
    T: Copy + std::fmt::Debug + PartialEq + Serialize + DeserializeOwned + Send + Sync + Unpin + 'static,
    T: for<'q> sqlx::Encode<'q, sqlx::Any> + sqlx::Type<sqlx::Any> + for<'r> sqlx::Decode<'r, sqlx::Any>,
{
    for &v in all {
        sqlx::query("DELETE FROM t").execute(db).await.unwrap();
        sqlx::query("INSERT INTO t (v) VALUES ($1)").bind(v).execute(db).await.unwrap();
        let stored: String = sqlx::query_scalar("SELECT v FROM t").fetch_one(db).await.unwrap();
        assert_eq!(serde_json::to_value(v).unwrap(), serde_json::Value::from(stored.clone()), "{v:?}");
        let read: T = sqlx::query_scalar("SELECT v FROM t").fetch_one(db).await.unwrap();
        assert_eq!(read, v);
    }
}

#[tokio::test]
async fn database_names_are_the_wire_names_for_every_variant() {
    let dir = tempfile::tempdir().unwrap();
    let db = issuance::db::connect(&format!("sqlite://{}", dir.path().join("v.db").display())).await.unwrap();
    sqlx::query("CREATE TABLE t (v TEXT NOT NULL)").execute(&db).await.unwrap();
    round_trip(&db, Role::ALL).await;
    round_trip(&db, Action::ALL).await;
    round_trip(&db, Plan::ALL).await;
    round_trip(&db, JobStatus::ALL).await;
    round_trip(&db, ItemState::ALL).await;
    round_trip(&db, RowStatus::ALL).await;
    round_trip(&db, CredentialStatus::ALL).await;
    round_trip(&db, MailStatus::ALL).await;
    round_trip(&db, MailKind::ALL).await;
    round_trip(&db, JobSource::ALL).await;
    round_trip(&db, CredentialType::ALL).await;

    // And the schema's CHECK lists hold exactly these names.
    let schema = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../migrations/sqlite/20261122000004_jobs_and_outbox.sql"
    ))
    .unwrap();
    let job_check = JobStatus::ALL.iter().map(|s| format!("'{s}'")).collect::<Vec<_>>().join(", ");
    assert!(schema.contains(&format!("status IN ({job_check})")), "jobs.status CHECK lists {job_check}");
    let item_check = ItemState::ALL.iter().map(|s| format!("'{s}'")).collect::<Vec<_>>().join(", ");
    assert!(schema.contains(&format!("state IN ({item_check})")), "job_items.state CHECK lists {item_check}");
    let batches = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../migrations/sqlite/20261129000003_json_batches.sql"
    ))
    .unwrap();
    let source_check = JobSource::ALL.iter().map(|s| format!("'{s}'")).collect::<Vec<_>>().join(", ");
    assert!(batches.contains(&format!("source IN ({source_check})")), "jobs.source CHECK lists {source_check}");
    assert!(batches.contains(&format!("status IN ({job_check})")), "the rebuilt jobs.status CHECK lists {job_check}");

    let outbox = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../migrations/sqlite/20261129000002_operator_trust.sql"
    ))
    .unwrap();
    let mail_check = MailStatus::ALL.iter().map(|s| format!("'{s}'")).collect::<Vec<_>>().join(", ");
    assert!(outbox.contains(&format!("status IN ({mail_check})")), "outbox.status CHECK lists {mail_check}");

    // PostgreSQL's schema, written as one step, holds the same lists.
    let pg = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../migrations/postgres/20261130000001_schema.sql"
    ))
    .unwrap();
    for check in [&job_check, &item_check, &source_check, &mail_check] {
        assert!(pg.contains(&format!("IN ({check})")), "the PostgreSQL schema's CHECK lists {check}");
    }
}
