//! The headers an organisation said hold the recipient's name and e-mail
//! ("Full Name", "Email Address"), remembered so its next file with those
//! headers reads at once, on the dashboard and through the API alike.

use super::csv_file::ColumnAliases;
use crate::clock;
use crate::db::Db;
use crate::error::{CoreError, CoreResult};

/// The organisation's remembered headers.
pub async fn load(db: &Db, org_id: &str) -> CoreResult<ColumnAliases> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT header, field FROM column_aliases WHERE org_id = $1 ORDER BY header")
            .bind(org_id)
            .fetch_all(db)
            .await?;
    let mut aliases = ColumnAliases::default();
    for (header, field) in rows {
        match field.as_str() {
            "name" => aliases.name.push(header),
            _ => aliases.email.push(header),
        }
    }
    Ok(aliases)
}

/// Remembers that `name_header` holds the name and `email_header` the
/// e-mail. Both must be among `columns` (the file's header) and differ.
pub async fn remember(
    db: &Db,
    org_id: &str,
    columns: &[String],
    name_header: &str,
    email_header: &str,
    actor: &str,
) -> CoreResult<()> {
    let key = |h: &str| h.trim().to_lowercase();
    let (name, email) = (key(name_header), key(email_header));
    let mut errors = Vec::new();
    for (field, chosen) in [("name_column", &name), ("email_column", &email)] {
        if !columns.iter().any(|c| key(c) == *chosen) {
            errors.push(crate::FieldError::new(field, "must be one of the file's columns"));
        }
    }
    if errors.is_empty() && name == email {
        errors.push(crate::FieldError::new("email_column", "must be a different column from the name"));
    }
    if !errors.is_empty() {
        return Err(CoreError::Validation(errors));
    }
    let mut tx = crate::db::begin(db).await?;
    for (header, field) in [(&name, "name"), (&email, "email")] {
        sqlx::query(
            "INSERT INTO column_aliases (org_id, header, field, created_by, created_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (org_id, header) DO UPDATE SET field = excluded.field, created_by = excluded.created_by,
                                                      created_at = excluded.created_at",
        )
        .bind(org_id)
        .bind(header)
        .bind(field)
        .bind(actor)
        .bind(clock::now())
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
