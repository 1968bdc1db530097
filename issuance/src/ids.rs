//! Prefixed, sortable identifiers (`org_01J...`): the prefix tells a reader
//! what an id points at, the ULID keeps inserts in time order.

pub fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", ulid::Ulid::new())
}
