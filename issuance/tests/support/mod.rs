//! Fixtures shared by the core's integration tests and benchmarks: a real
//! SQLite file in a temporary folder, an approved org, a badge, an owner,
//! a CSV of recipients. (Each test binary uses a part of it.)
#![allow(dead_code)]

use issuance::badges::{self, NewBadge};
use issuance::db::Db;
use issuance::keys::MasterKey;
use issuance::orgs::{Plan, organizations};

pub const PUBLIC_URL: &str = "https://laurel.example";

/// A fresh database of its own, gone when dropped.
pub struct Sandbox {
    _dir: tempfile::TempDir,
    pub db: Db,
    pub master: MasterKey,
}

impl Sandbox {
    pub async fn new() -> Sandbox {
        let dir = tempfile::tempdir().unwrap();
        let db = issuance::db::connect(&format!("sqlite://{}", dir.path().join("t.db").display())).await.unwrap();
        Sandbox { _dir: dir, db, master: MasterKey::generate() }
    }

    /// An approved org on `plan`, with its signing key; returns its id.
    pub async fn org(&self, name: &str, plan: Plan) -> String {
        let org = organizations::create(&self.db, name, plan).await.unwrap();
        organizations::approve(&self.db, &self.master, &org.id).await.unwrap();
        org.id
    }

    /// A badge of `org` valid for `validity_days` (`None`: never expires).
    pub async fn badge(&self, org: &str, name: &str, validity_days: Option<i64>) -> String {
        let new = NewBadge {
            name: name.into(),
            description: format!("{name}: knows the drill."),
            criteria_narrative: "Passed the course.".into(),
            image_url: None,
            validity_days,
        };
        badges::create(&self.db, org, new, None).await.unwrap().id
    }

    /// An account (no usable password: these tests never sign in).
    pub async fn user(&self, email: &str) -> String {
        let email = issuance::email::EmailAddress::parse(email).unwrap();
        issuance::accounts::users::create(&self.db, &email, "Owner", "not-a-hash").await.unwrap().id
    }
}

/// `name,email` and `rows` recipients at `domain`.
pub fn recipients_csv(rows: usize, domain: &str) -> String {
    let mut csv = String::from("name,email\n");
    for i in 0..rows {
        csv.push_str(&format!("Person {i},p{i}@{domain}\n"));
    }
    csv
}
