//! The organisation's time zone: how its people give and read the times of
//! scheduled jobs. Stored as its IANA name (`Europe/Berlin`), `UTC` unless
//! an owner or admin chose another; the tz database is built in.

use jiff::civil::DateTime;
use jiff::tz::TimeZone;

use crate::db::Db;
use crate::error::{CoreError, CoreResult};

/// The organisation's time zone, as stored.
pub async fn get(db: &Db, org_id: &str) -> CoreResult<String> {
    sqlx::query_scalar("SELECT time_zone FROM organizations WHERE id = $1")
        .bind(org_id)
        .fetch_optional(db)
        .await?
        .ok_or(CoreError::NotFound)
}

/// Sets it after checking the name against the tz database.
pub async fn set(db: &Db, org_id: &str, name: &str) -> CoreResult<String> {
    let name = name.trim();
    zone(name)?;
    sqlx::query("UPDATE organizations SET time_zone = $1 WHERE id = $2").bind(name).bind(org_id).execute(db).await?;
    Ok(name.to_owned())
}

/// The zone a name stands for, or a field error naming it.
pub fn zone(name: &str) -> CoreResult<TimeZone> {
    TimeZone::get(name).map_err(|_| {
        CoreError::field("time_zone", format!("'{name}' is not a time zone; give an IANA name such as Europe/Berlin"))
    })
}

/// A time as people give it: RFC 3339 with its offset (`2027-03-01T09:00:00+01:00`),
/// or a wall-clock time in `zone` (`2027-03-01T09:00`, as a browser's
/// date-and-time field sends it). `field` is named in the error.
pub fn parse(text: &str, zone: &TimeZone, field: &str) -> CoreResult<i64> {
    let text = text.trim();
    if let Ok(at) = text.parse::<jiff::Timestamp>() {
        return Ok(at.as_second());
    }
    let civil: DateTime = text.parse().map_err(|_| {
        CoreError::field(field, format!("'{text}' is not a date and time (expected e.g. 2027-03-01T09:00)"))
    })?;
    civil
        .to_zoned(zone.clone())
        .map(|z| z.timestamp().as_second())
        .map_err(|e| CoreError::field(field, format!("'{text}' does not exist in this time zone: {e}")))
}

/// `unix` as a wall-clock time in `zone`, `2027-03-01T09:00`: what a
/// date-and-time field shows.
pub fn local(unix: i64, zone: &TimeZone) -> String {
    jiff::Timestamp::from_second(unix)
        .map(|t| t.to_zoned(zone.clone()).strftime("%Y-%m-%dT%H:%M").to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wall_clock_time_is_read_in_the_zone_and_an_offset_wins() {
        let berlin = zone("Europe/Berlin").unwrap();
        // 09:00 in Berlin in March (UTC+1) is 08:00 UTC.
        let at = parse("2027-03-01T09:00", &berlin, "scheduled_for").unwrap();
        assert_eq!(crate::clock::rfc3339(at), "2027-03-01T08:00:00Z");
        assert_eq!(local(at, &berlin), "2027-03-01T09:00");
        // In July (UTC+2) the same wall-clock time is 07:00 UTC.
        assert_eq!(crate::clock::rfc3339(parse("2027-07-01T09:00", &berlin, "f").unwrap()), "2027-07-01T07:00:00Z");
        let at = parse("2027-03-01T09:00:00-05:00", &berlin, "f").unwrap();
        assert_eq!(crate::clock::rfc3339(at), "2027-03-01T14:00:00Z");
    }

    #[test]
    fn unknown_zones_and_times_are_refused_by_field() {
        assert!(zone("Mars/Olympus").unwrap_err().to_string().contains("Mars/Olympus"));
        let e = parse("next tuesday", &TimeZone::UTC, "scheduled_for").unwrap_err();
        assert!(e.to_string().contains("scheduled_for"), "{e}");
    }
}
