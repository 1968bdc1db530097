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

    // And the schema's CHECK lists hold exactly these names: SQLite's as
    // its migrations left it, PostgreSQL's in its migration files.
    let list = |all: Vec<String>| all.iter().map(|s| format!("'{s}'")).collect::<Vec<_>>().join(", ");
    let checks = [
        ("jobs", "status", list(JobStatus::ALL.iter().map(|s| s.to_string()).collect())),
        ("jobs", "source", list(JobSource::ALL.iter().map(|s| s.to_string()).collect())),
        ("job_items", "state", list(ItemState::ALL.iter().map(|s| s.to_string()).collect())),
        ("outbox", "status", list(MailStatus::ALL.iter().map(|s| s.to_string()).collect())),
        ("outbox", "kind", list(MailKind::ALL.iter().map(|s| s.to_string()).collect())),
    ];
    let mut pg = String::new();
    let mut files: Vec<_> = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../migrations/postgres"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for f in files {
        pg.push_str(&std::fs::read_to_string(f).unwrap());
    }
    for (table, column, names) in checks {
        let sql: String = sqlx::query_scalar("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = $1")
            .bind(table)
            .fetch_one(&db)
            .await
            .unwrap();
        let check = format!("{column} IN ({names})");
        assert!(sql.contains(&check), "SQLite's {table}.{column} CHECK lists {names}: {sql}");
        assert!(pg.contains(&check), "PostgreSQL's {table}.{column} CHECK lists {names}");
    }
}
