//! `laurel admin backup` and `laurel admin restore`: one file that holds
//! everything Laurel keeps on an embedded (SQLite) server but its master
//! key, taken while the server runs, and its return into a new data
//! directory.
//!
//! The archive is a gzipped tar of `manifest.json`, `laurel.db` (a
//! `VACUUM INTO` snapshot: one consistent instant, a running job included)
//! and `identity-files/` (the identity documents' images, already
//! encrypted). The master key is left out on purpose: it unseals the
//! organisations' signing keys and the document images, so a backup that
//! travels with it is a backup whose thief can sign as every issuer. Keep
//! it apart (a secrets manager, `LAUREL_MASTER_KEY`); a restore without it
//! still serves, verifies and revokes every credential already issued, but
//! cannot sign new ones or open document images.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use issuance::db::Db;
use issuance::keys::MasterKey;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

const DB_FILE: &str = "laurel.db";
const FILES_DIR: &str = "identity-files";
const MANIFEST: &str = "manifest.json";
const FORMAT: &str = "laurel-backup/1";

/// What an archive says about itself, read back before anything is
/// restored.
#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub laurel_version: String,
    pub created_at: String,
    /// The newest migration the database had: a restore into an older
    /// Laurel is refused rather than run on a schema it does not know.
    pub schema_version: i64,
    pub database_sha256: String,
    pub organizations: i64,
    pub credentials: i64,
    pub jobs: i64,
    pub identity_files: usize,
    pub master_key: String,
}

/// What a backup wrote.
pub struct Written {
    pub manifest: Manifest,
    pub bytes: u64,
}

/// Writes the archive of `db` and `data_dir`'s document images to `out`.
pub async fn backup(db: &Db, data_dir: &Path, out: &Path) -> anyhow::Result<Written> {
    if out.exists() {
        bail!("--out {}: the file exists; choose a new name (a backup never overwrites)", out.display());
    }
    let scratch = tempfile::Builder::new()
        .prefix(".laurel-backup-")
        .tempdir_in(out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")))
        .with_context(|| format!("--out {}: cannot write beside it", out.display()))?;
    let snapshot = scratch.path().join(DB_FILE);
    issuance::db::snapshot_into(db, &snapshot).await?;

    let counted = issuance::db::connect(&format!("sqlite://{}", snapshot.display())).await?;
    let count = |sql: &'static str| {
        let counted = counted.clone();
        async move { sqlx::query_scalar::<_, i64>(sql).fetch_one(&counted).await }
    };
    let files = list_files(&data_dir.join(FILES_DIR))?;
    let manifest = Manifest {
        format: FORMAT.into(),
        laurel_version: env!("CARGO_PKG_VERSION").into(),
        created_at: issuance::clock::rfc3339(issuance::clock::now()),
        schema_version: count("SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations").await?,
        database_sha256: sha256_of(&snapshot)?,
        organizations: count("SELECT COUNT(*) FROM organizations").await?,
        credentials: count("SELECT COUNT(*) FROM credentials").await?,
        jobs: count("SELECT COUNT(*) FROM jobs").await?,
        identity_files: files.len(),
        master_key: "not included: restore with the same LAUREL_MASTER_KEY (or master.key) to sign and to open \
                     document images"
            .into(),
    };
    counted.close().await;

    // Written under a temporary name and renamed, so a half-written
    // archive never carries the name asked for.
    let partial = scratch.path().join("archive.tar.gz");
    let mut tar = tar::Builder::new(GzEncoder::new(File::create(&partial)?, Compression::default()));
    let manifest_json = serde_json::to_vec_pretty(&manifest)?;
    let mut header = tar::Header::new_gnu();
    header.set_size(manifest_json.len() as u64);
    header.set_mode(0o600);
    tar.append_data(&mut header, MANIFEST, manifest_json.as_slice())?;
    tar.append_path_with_name(&snapshot, DB_FILE)?;
    for (path, name) in &files {
        tar.append_path_with_name(path, Path::new(FILES_DIR).join(name))?;
    }
    tar.into_inner()?.finish()?.sync_all()?;
    std::fs::rename(&partial, out).with_context(|| format!("moving the archive to {}", out.display()))?;
    let bytes = std::fs::metadata(out)?.len();
    Ok(Written { manifest, bytes })
}

/// What a restore found.
pub struct Restored {
    pub manifest: Manifest,
    /// Organisations whose signing key the master key in use opens, of
    /// those that have one; `None` when no master key is set.
    pub keys_opened: Option<(usize, usize)>,
}

/// Unpacks `from` into `to` (a data directory without a database yet),
/// checks the database against the manifest and SQLite's own integrity
/// check, and brings its schema up to this Laurel's.
pub async fn restore(from: &Path, to: &Path, master: Option<&MasterKey>) -> anyhow::Result<Restored> {
    if to.join(DB_FILE).exists() {
        bail!("--to {}: it already holds {DB_FILE}; restore into a new directory (nothing was changed)", to.display());
    }
    std::fs::create_dir_all(to).with_context(|| format!("--to {}", to.display()))?;
    let scratch = tempfile::Builder::new().prefix(".laurel-restore-").tempdir_in(to)?;
    let archive = File::open(from).with_context(|| format!("--from {}", from.display()))?;
    let mut tar = tar::Archive::new(GzDecoder::new(archive));
    for entry in tar.entries().with_context(|| format!("--from {}: not a Laurel backup", from.display()))? {
        let mut entry = entry.with_context(|| format!("--from {}: the archive is damaged", from.display()))?;
        // `unpack_in` refuses names that would land outside the directory.
        if !entry.unpack_in(scratch.path())? {
            bail!("--from {}: an entry names a path outside the archive ({:?})", from.display(), entry.path()?);
        }
    }
    let manifest: Manifest = {
        let mut text = String::new();
        File::open(scratch.path().join(MANIFEST))
            .with_context(|| format!("--from {}: no {MANIFEST}; not a Laurel backup", from.display()))?
            .read_to_string(&mut text)?;
        serde_json::from_str(&text).with_context(|| format!("--from {}: {MANIFEST} does not read", from.display()))?
    };
    if manifest.format != FORMAT {
        bail!("--from {}: format {:?}, this Laurel reads {FORMAT:?}", from.display(), manifest.format);
    }
    let db_path = scratch.path().join(DB_FILE);
    let sha = sha256_of(&db_path).with_context(|| format!("--from {}: no {DB_FILE} inside", from.display()))?;
    if sha != manifest.database_sha256 {
        bail!("--from {}: {DB_FILE} does not match the manifest's checksum; the archive is damaged", from.display());
    }
    let newest_known = issuance::db::sqlite_migrations_newest();
    if manifest.schema_version > newest_known {
        bail!(
            "--from {}: made by Laurel {} with schema {}, newer than this Laurel's ({newest_known}); restore with that \
             version or later",
            from.display(),
            manifest.laurel_version,
            manifest.schema_version
        );
    }

    for name in [DB_FILE, FILES_DIR] {
        let source = scratch.path().join(name);
        if source.exists() {
            std::fs::rename(&source, to.join(name))?;
        }
    }
    // Opening runs any newer migrations, as starting the server would.
    let db = issuance::db::connect(&format!("sqlite://{}", to.join(DB_FILE).display())).await?;
    let check: String = sqlx::query_scalar("PRAGMA integrity_check").fetch_one(&db).await?;
    if check != "ok" {
        bail!("the restored database fails SQLite's integrity check: {check}");
    }
    let keys_opened = match master {
        Some(master) => Some(keys_opened(&db, master).await?),
        None => None,
    };
    db.close().await;
    Ok(Restored { manifest, keys_opened })
}

/// Of the organisations with a signing key, how many of their newest keys
/// `master` opens.
async fn keys_opened(db: &Db, master: &MasterKey) -> anyhow::Result<(usize, usize)> {
    let keys: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT k.id, k.org_id, k.private_key_enc FROM signing_keys k
         WHERE k.created_at = (SELECT MAX(created_at) FROM signing_keys WHERE org_id = k.org_id)",
    )
    .fetch_all(db)
    .await?;
    let opened =
        keys.iter().filter(|(id, org, sealed)| issuance::keys::unseal(master, id, org, sealed).is_ok()).count();
    Ok((opened, keys.len()))
}

/// Every file under `dir` with its name relative to it.
fn list_files(dir: &Path) -> anyhow::Result<Vec<(PathBuf, PathBuf)>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for entry in entries {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let name = path.strip_prefix(dir)?.to_path_buf();
                out.push((path, name));
            }
        }
    }
    out.sort();
    Ok(out)
}

fn sha256_of(path: &Path) -> anyhow::Result<String> {
    let mut hasher = Sha256::new();
    std::io::copy(&mut File::open(path)?, &mut hasher)?;
    Ok(hex::encode(hasher.finalize()))
}
