//! The invalid rows of an upload as a CSV file to fix and upload again:
//! each row's cells as the file gave them (name, email, and its badge and
//! award columns), then its row number and the reason. Cells a spreadsheet
//! would run as formulas are neutralised. In-file duplicates are not here:
//! they are not a person's to fix.

use std::collections::HashMap;

use super::csv_file::{self, FileError, UploadedRow};
use super::{RowStatus, column_aliases, review, uploads};
use crate::db::Db;
use crate::error::CoreResult;

/// The file for the upload `upload_id` as of `now`; the inner error is the
/// upload's own file problem (it has no rows to list).
pub async fn csv(db: &Db, org_id: &str, upload_id: &str, now: i64) -> CoreResult<Result<Vec<u8>, FileError>> {
    let (upload, content) = uploads::get(db, org_id, upload_id).await?;
    let filename = upload.filename.as_deref();
    let policy = upload.duplicate_policy;
    let review = match review::review(db, org_id, upload.badge_id.as_deref(), &content, filename, policy, now).await? {
        Ok(r) => r,
        Err(e) => return Ok(Err(e)),
    };
    // Read again for the cells as given: the review keeps only what it checked.
    let aliases = column_aliases::load(db, org_id).await?;
    let parsed = match csv_file::read(filename, &content, &aliases) {
        Ok(p) => p,
        Err(e) => return Ok(Err(e)),
    };
    let given: HashMap<usize, &UploadedRow> = parsed.rows.iter().map(|r| (r.row, r)).collect();

    let mut out = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["name", "email"];
    if parsed.badge_column {
        header.push(csv_file::BADGE_COLUMN);
    }
    header.extend(parsed.award_columns.iter().map(|f| f.as_str()));
    header.extend(["row", "reason"]);
    out.write_record(&header).map_err(anyhow::Error::from)?;
    for row in review.rows.iter().filter(|r| r.status == RowStatus::Invalid) {
        let cells = given.get(&row.row);
        let mut record = vec![csv_file::neutralise(&row.name), csv_file::neutralise(&row.email)];
        if parsed.badge_column {
            record.push(csv_file::neutralise(cells.map_or("", |c| c.badge.as_str())));
        }
        for field in &parsed.award_columns {
            record.push(csv_file::neutralise(cells.map_or("", |c| c.award.get(*field))));
        }
        record.push(row.row.to_string());
        record.push(csv_file::neutralise(row.reason.as_deref().unwrap_or_default()));
        out.write_record(&record).map_err(anyhow::Error::from)?;
    }
    Ok(Ok(out.into_inner().map_err(|e| anyhow::anyhow!("writing the invalid rows: {e}"))?))
}
