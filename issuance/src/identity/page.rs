//! Cursor paging as JSON:API clients send it: `page[size]` and
//! `page[after]` (the last id of the page before); ids sort in creation
//! order, so a page is a range of the `(org_id, id)` index.

use crate::db::Builder;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page {
    /// One more than is shown, to tell whether there is a next page.
    pub size: i64,
    pub after: Option<String>,
}

pub const DEFAULT_SIZE: i64 = 25;
pub const MAX_SIZE: i64 = 100;

impl Page {
    pub fn new(size: Option<i64>, after: Option<String>) -> Page {
        Page { size: size.unwrap_or(DEFAULT_SIZE).clamp(1, MAX_SIZE), after: after.filter(|a| !a.is_empty()) }
    }

    /// Appends the cursor, the order and the limit (one more row than the
    /// page, see [`Page::split`]).
    pub(crate) fn push<'a>(&'a self, q: &mut Builder<'a>) {
        if let Some(after) = &self.after {
            q.push(" AND id > ").push_bind(after);
        }
        q.push(" ORDER BY id LIMIT ").push_bind(self.size + 1);
    }

    /// The page's rows and whether more follow.
    pub fn split<T>(&self, mut rows: Vec<T>) -> (Vec<T>, bool) {
        let more = rows.len() as i64 > self.size;
        rows.truncate(self.size as usize);
        (rows, more)
    }
}
