//! Status-list slots against a real SQLite file.

use std::collections::HashSet;

mod support;

use issuance::orgs::Plan;
use issuance::status_list::{LIST_SIZE, lists};
use support::Sandbox;

async fn org() -> (Sandbox, issuance::db::Db, String) {
    let sandbox = Sandbox::new().await;
    let org = sandbox.org("Acme", Plan::Enterprise).await;
    let db = sandbox.db.clone();
    (sandbox, db, org)
}

#[tokio::test]
async fn a_full_list_is_closed_and_a_new_one_opened_with_no_position_used_twice() {
    let (_dir, db, org) = org().await;
    let mut tx = db.begin().await.unwrap();
    let first = lists::allocate(&mut tx, &org, LIST_SIZE - 3).await.unwrap();
    let more = lists::allocate(&mut tx, &org, 10).await.unwrap();
    tx.commit().await.unwrap();

    let all: Vec<_> = first.iter().chain(&more).collect();
    assert_eq!(all.len() as u32, LIST_SIZE + 7);
    let distinct: HashSet<_> = all.iter().map(|s| (s.list_id.clone(), s.index)).collect();
    assert_eq!(distinct.len(), all.len(), "no (list, position) pair is handed out twice");
    assert!(all.iter().all(|s| s.index < LIST_SIZE));

    let lists: Vec<(String, i64, Option<i64>)> =
        sqlx::query_as("SELECT id, next_slot, full_at FROM status_lists WHERE org_id = $1 ORDER BY created_at, id")
            .bind(&org)
            .fetch_all(&db)
            .await
            .unwrap();
    assert_eq!(lists.len(), 2);
    assert_eq!((lists[0].1, lists[0].2.is_some()), (i64::from(LIST_SIZE), true), "the first list is full and closed");
    assert_eq!((lists[1].1, lists[1].2.is_none()), (7, true), "the second holds the rest and stays open");
    assert_eq!(more.iter().filter(|s| s.list_id == lists[0].0).count(), 3);
}

#[tokio::test]
async fn slots_of_a_rolled_back_issue_are_given_back() {
    let (_dir, db, org) = org().await;
    let mut tx = db.begin().await.unwrap();
    lists::allocate(&mut tx, &org, 1).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = db.begin().await.unwrap();
    let taken = lists::allocate(&mut tx, &org, 5).await.unwrap();
    tx.rollback().await.unwrap();
    let mut tx = db.begin().await.unwrap();
    let again = lists::allocate(&mut tx, &org, 5).await.unwrap();
    tx.commit().await.unwrap();
    let lists_count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM status_lists").fetch_one(&db).await.unwrap();
    assert_eq!(lists_count, 1);
    assert_eq!(
        taken.iter().map(|s| s.index).collect::<Vec<_>>(),
        again.iter().map(|s| s.index).collect::<Vec<_>>(),
        "the same slots come out again, so none is wasted"
    );
}
