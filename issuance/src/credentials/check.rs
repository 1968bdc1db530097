//! A small walker over untrusted JSON that collects every problem with its
//! field path, instead of stopping at the first. The request validators are
//! written with it.

use serde_json::{Map, Value};

use crate::error::FieldError;

#[derive(Default)]
pub struct Checker {
    pub errors: Vec<FieldError>,
}

/// `a.b` joined, or `b` at the top.
pub fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_owned()
    } else {
        format!("{parent}.{key}")
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl Checker {
    pub fn fail(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.errors.push(FieldError::new(path, message));
    }

    pub fn ok(&self) -> bool {
        self.errors.is_empty()
    }

    /// The object at `path`, or an error if it is absent or not an object.
    pub fn object<'v>(
        &mut self,
        parent: &'v Map<String, Value>,
        at: &str,
        key: &str,
    ) -> Option<&'v Map<String, Value>> {
        let path = join(at, key);
        match parent.get(key) {
            Some(Value::Object(m)) => Some(m),
            Some(other) => {
                self.fail(path, format!("expected an object, got {}", kind(other)));
                None
            }
            None => {
                self.fail(path, "is required");
                None
            }
        }
    }

    /// A required non-empty string.
    pub fn string<'v>(
        &mut self,
        parent: &'v Map<String, Value>,
        at: &str,
        key: &str,
    ) -> Option<&'v str> {
        match parent.get(key) {
            None | Some(Value::Null) => {
                self.fail(join(at, key), "is required");
                None
            }
            Some(_) => self.opt_string(parent, at, key),
        }
    }

    /// An optional string; present but empty or of another type is an error.
    pub fn opt_string<'v>(
        &mut self,
        parent: &'v Map<String, Value>,
        at: &str,
        key: &str,
    ) -> Option<&'v str> {
        match parent.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s.trim().is_empty() => {
                self.fail(join(at, key), "must not be empty");
                None
            }
            Some(Value::String(s)) => Some(s),
            Some(other) => {
                self.fail(
                    join(at, key),
                    format!("expected a string, got {}", kind(other)),
                );
                None
            }
        }
    }

    /// A required string that must be one of `allowed`.
    pub fn one_of<'v>(
        &mut self,
        parent: &'v Map<String, Value>,
        at: &str,
        key: &str,
        allowed: &[&str],
    ) -> Option<&'v str> {
        let value = self.string(parent, at, key)?;
        self.check_one_of(&join(at, key), value, allowed)
    }

    fn check_one_of<'v>(
        &mut self,
        path: &str,
        value: &'v str,
        allowed: &[&str],
    ) -> Option<&'v str> {
        if allowed.contains(&value) {
            Some(value)
        } else {
            let choices = allowed
                .iter()
                .map(|a| format!("'{a}'"))
                .collect::<Vec<_>>()
                .join(" | ");
            self.fail(path, format!("expected {choices}, got '{value}'"));
            None
        }
    }

    /// A required boolean.
    pub fn boolean(
        &mut self,
        parent: &Map<String, Value>,
        at: &str,
        key: &str,
        required: bool,
    ) -> Option<bool> {
        match parent.get(key) {
            Some(Value::Bool(b)) => Some(*b),
            None | Some(Value::Null) if !required => None,
            None | Some(Value::Null) => {
                self.fail(join(at, key), "is required");
                None
            }
            Some(other) => {
                self.fail(
                    join(at, key),
                    format!("expected true or false, got {}", kind(other)),
                );
                None
            }
        }
    }

    /// A number within `min..=max`.
    pub fn number(
        &mut self,
        parent: &Map<String, Value>,
        at: &str,
        key: &str,
        required: bool,
        min: f64,
        max: f64,
    ) -> Option<f64> {
        let path = join(at, key);
        match parent.get(key) {
            Some(Value::Number(n)) => {
                let v = n.as_f64().unwrap_or(f64::NAN);
                if v.is_finite() && (min..=max).contains(&v) {
                    Some(v)
                } else {
                    self.fail(path, format!("must be between {min} and {max}, got {n}"));
                    None
                }
            }
            None | Some(Value::Null) if !required => None,
            None | Some(Value::Null) => {
                self.fail(path, "is required");
                None
            }
            Some(other) => {
                self.fail(path, format!("expected a number, got {}", kind(other)));
                None
            }
        }
    }

    /// A whole number of minor currency units, zero or more.
    pub fn amount(
        &mut self,
        parent: &Map<String, Value>,
        at: &str,
        key: &str,
        required: bool,
    ) -> Option<i64> {
        let path = join(at, key);
        match parent.get(key) {
            Some(Value::Number(n)) => match n.as_i64() {
                Some(v) if v >= 0 => Some(v),
                _ => {
                    self.fail(
                        path,
                        format!("expected a whole number of minor units (0 or more), got {n}"),
                    );
                    None
                }
            },
            None | Some(Value::Null) if !required => None,
            None | Some(Value::Null) => {
                self.fail(path, "is required");
                None
            }
            Some(other) => {
                self.fail(path, format!("expected a number, got {}", kind(other)));
                None
            }
        }
    }

    /// An ISO 4217 code in lower or upper case, e.g. `usd`.
    pub fn currency(&mut self, parent: &Map<String, Value>, at: &str, key: &str, required: bool) {
        let value = if required {
            self.string(parent, at, key)
        } else {
            self.opt_string(parent, at, key)
        };
        if let Some(c) = value
            && !(c.len() == 3 && c.chars().all(|ch| ch.is_ascii_alphabetic()))
        {
            self.fail(
                join(at, key),
                format!("expected a three-letter ISO 4217 currency code, got '{c}'"),
            );
        }
    }

    /// An RFC 3339 timestamp; returns unix seconds.
    pub fn datetime(
        &mut self,
        parent: &Map<String, Value>,
        at: &str,
        key: &str,
        required: bool,
    ) -> Option<i64> {
        let value = if required {
            self.string(parent, at, key)?
        } else {
            self.opt_string(parent, at, key)?
        };
        match time::OffsetDateTime::parse(value, &time::format_description::well_known::Rfc3339) {
            Ok(t) => Some(t.unix_timestamp()),
            Err(_) => {
                self.fail(
                    join(at, key),
                    format!(
                        "expected an RFC 3339 date-time such as 2026-05-20T00:00:00Z, got '{value}'"
                    ),
                );
                None
            }
        }
    }

    /// An array; `min` items at least.
    pub fn array<'v>(
        &mut self,
        parent: &'v Map<String, Value>,
        at: &str,
        key: &str,
        required: bool,
        min: usize,
    ) -> Option<&'v Vec<Value>> {
        let path = join(at, key);
        match parent.get(key) {
            Some(Value::Array(items)) if items.len() >= min => Some(items),
            Some(Value::Array(_)) => {
                self.fail(
                    path,
                    format!(
                        "must have at least {min} item{}",
                        if min == 1 { "" } else { "s" }
                    ),
                );
                None
            }
            None | Some(Value::Null) if !required => None,
            None | Some(Value::Null) => {
                self.fail(path, "is required");
                None
            }
            Some(other) => {
                self.fail(path, format!("expected an array, got {}", kind(other)));
                None
            }
        }
    }

    /// An array of non-empty strings.
    pub fn strings(
        &mut self,
        parent: &Map<String, Value>,
        at: &str,
        key: &str,
        required: bool,
        min: usize,
    ) -> Option<Vec<String>> {
        let items = self.array(parent, at, key, required, min)?;
        let path = join(at, key);
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            match item {
                Value::String(s) if !s.trim().is_empty() => out.push(s.clone()),
                other => self.fail(
                    format!("{path}[{i}]"),
                    format!("expected a non-empty string, got {}", kind(other)),
                ),
            }
        }
        Some(out)
    }

    /// Refuses members not in `known`, which are most often typos.
    pub fn only(&mut self, object: &Map<String, Value>, at: &str, known: &[&str]) {
        for key in object.keys() {
            if !known.contains(&key.as_str()) {
                let hint = known
                    .iter()
                    .map(|k| format!("'{k}'"))
                    .collect::<Vec<_>>()
                    .join(", ");
                self.fail(
                    join(at, key),
                    format!("is not a known field (expected one of {hint})"),
                );
            }
        }
    }
}
