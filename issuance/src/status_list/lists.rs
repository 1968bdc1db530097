//! Status lists in the database: handing out slots, and deriving a list's
//! bitstring from the revoked credentials that point into it.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;

use super::shuffle::Shuffle;
use super::{Bitstring, LIST_SIZE};
use crate::db::Db;
use crate::error::{CoreError, CoreResult};
use crate::{clock, ids};

/// Where one credential's revocation bit lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slot {
    pub list_id: String,
    pub index: u32,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct StatusList {
    pub id: String,
    pub org_id: String,
    pub size: i64,
    pub created_at: i64,
}

/// Takes `count` slots from the org's open list, opening new lists as the
/// current one fills. Runs inside the caller's transaction, so a failed
/// issue gives its slots back.
pub async fn allocate(tx: &mut crate::db::Conn, org_id: &str, count: u32) -> CoreResult<Vec<Slot>> {
    let mut slots = Vec::with_capacity(count as usize);
    while (slots.len() as u32) < count {
        let open: Option<OpenList> = sqlx::query_as(
            "SELECT id, next_slot, size, shuffle_key FROM status_lists
             WHERE org_id = $1 AND purpose = 'revocation' AND full_at IS NULL
             ORDER BY created_at, id LIMIT 1",
        )
        .bind(org_id)
        .fetch_optional(&mut *tx)
        .await?;
        let OpenList { id: list_id, next_slot: next, size, shuffle_key: key } = match open {
            Some(list) => list,
            None => open_list(tx, org_id).await?,
        };
        let wanted = i64::from(count) - slots.len() as i64;
        let take = wanted.min(size - next);
        let now = clock::now();
        // Guarded by the slot we read, so two writers never share a slot
        // even where reads are not serialised (PostgreSQL).
        let claimed = sqlx::query(
            "UPDATE status_lists
             SET next_slot = next_slot + $1,
                 full_at = CASE WHEN next_slot + $1 >= size THEN $2 ELSE NULL END
             WHERE id = $3 AND next_slot = $4",
        )
        .bind(take)
        .bind(now)
        .bind(&list_id)
        .bind(next)
        .execute(&mut *tx)
        .await?;
        if claimed.rows_affected() == 0 {
            continue;
        }
        let key = URL_SAFE_NO_PAD.decode(&key).map_err(|e| anyhow::anyhow!("status list {list_id} key: {e}"))?;
        let shuffle = Shuffle::new(&key);
        slots.extend(
            (next..next + take).map(|slot| Slot { list_id: list_id.clone(), index: shuffle.position(slot as u32) }),
        );
    }
    Ok(slots)
}

/// The list slots are taken from: the next slot to hand out, of how many.
#[derive(sqlx::FromRow)]
struct OpenList {
    id: String,
    next_slot: i64,
    size: i64,
    shuffle_key: String,
}

async fn open_list(tx: &mut crate::db::Conn, org_id: &str) -> CoreResult<OpenList> {
    let mut key = [0u8; 32];
    rand::rng().fill_bytes(&mut key);
    let key = URL_SAFE_NO_PAD.encode(key);
    let id = ids::new_id("sl");
    sqlx::query(
        "INSERT INTO status_lists (id, org_id, purpose, size, next_slot, shuffle_key, created_at)
         VALUES ($1, $2, 'revocation', $3, 0, $4, $5)",
    )
    .bind(&id)
    .bind(org_id)
    .bind(i64::from(LIST_SIZE))
    .bind(&key)
    .bind(clock::now())
    .execute(&mut *tx)
    .await?;
    Ok(OpenList { id, next_slot: 0, size: i64::from(LIST_SIZE), shuffle_key: key })
}

pub async fn get(db: &Db, org_id: &str, list_id: &str) -> CoreResult<StatusList> {
    sqlx::query_as("SELECT id, org_id, size, created_at FROM status_lists WHERE id = $1 AND org_id = $2")
        .bind(list_id)
        .bind(org_id)
        .fetch_optional(db)
        .await?
        .ok_or(CoreError::NotFound)
}

/// The list's current bits: set for every revoked credential in it.
pub async fn bitstring(db: &Db, list: &StatusList) -> CoreResult<Bitstring> {
    let revoked: Vec<i64> = sqlx::query_scalar(
        "SELECT status_list_index FROM credentials WHERE status_list_id = $1 AND status = 'revoked'",
    )
    .bind(&list.id)
    .fetch_all(db)
    .await?;
    let mut bits = Bitstring::new(list.size as u32);
    for index in revoked {
        bits.set(index as u32, true);
    }
    Ok(bits)
}

/// The list as a signed `BitstringStatusListCredential` (compact JWS,
/// `vc+jwt`), signed with the org's current key.
pub async fn signed_credential(
    db: &Db,
    master: &crate::keys::MasterKey,
    public_url: &str,
    list: &StatusList,
    now: i64,
) -> CoreResult<String> {
    let bits = bitstring(db, list).await?;
    let did = crate::did::org_did(public_url, &list.org_id);
    let url = crate::credentials::vc::status_list_url(public_url, &list.org_id, &list.id);
    let payload = serde_json::json!({
        "@context": [crate::credentials::vc::VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": did,
        "validFrom": clock::rfc3339(now),
        "credentialSubject": {
            "id": format!("{url}#list"),
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": bits.encode(),
        },
        "iss": did,
        "iat": now,
        "jti": url,
    });
    let mut conn = db.acquire().await?;
    let (key_id, key) = crate::keys::active(&mut conn, master, &list.org_id).await?;
    let kid = crate::did::key_url(&did, &key_id);
    let payload = serde_json::to_vec(&payload).map_err(anyhow::Error::from)?;
    Ok(crate::jws::sign(&crate::jws::Header { alg: "ES256", typ: "vc+jwt", kid: &kid }, &payload, &key))
}
