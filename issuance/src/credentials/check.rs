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
    if parent.is_empty() { key.to_owned() } else { format!("{parent}.{key}") }
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

    /// The value at `key`, if present. A missing or null required value is
    /// reported here, so the typed readers below only check the type.
    fn present<'v>(
        &mut self,
        parent: &'v Map<String, Value>,
        at: &str,
        key: &str,
        required: bool,
    ) -> Option<&'v Value> {
        match parent.get(key) {
            None | Some(Value::Null) => {
                if required {
                    self.fail(join(at, key), "is required");
                }
                None
            }
            Some(v) => Some(v),
        }
    }

    fn wrong_type(&mut self, at: &str, key: &str, expected: &str, got: &Value) {
        self.fail(join(at, key), format!("expected {expected}, got {}", kind(got)));
    }

    /// The object at `key`; required.
    pub fn object<'v>(
        &mut self,
        parent: &'v Map<String, Value>,
        at: &str,
        key: &str,
    ) -> Option<&'v Map<String, Value>> {
        match self.present(parent, at, key, true)? {
            Value::Object(m) => Some(m),
            other => {
                self.wrong_type(at, key, "an object", other);
                None
            }
        }
    }

    /// A required non-empty string.
    pub fn string<'v>(&mut self, parent: &'v Map<String, Value>, at: &str, key: &str) -> Option<&'v str> {
        self.text(parent, at, key, true)
    }

    /// An optional string; present but empty or of another type is an error.
    pub fn opt_string<'v>(&mut self, parent: &'v Map<String, Value>, at: &str, key: &str) -> Option<&'v str> {
        self.text(parent, at, key, false)
    }

    fn text<'v>(&mut self, parent: &'v Map<String, Value>, at: &str, key: &str, required: bool) -> Option<&'v str> {
        match self.present(parent, at, key, required)? {
            Value::String(s) if s.trim().is_empty() => {
                self.fail(join(at, key), "must not be empty");
                None
            }
            Value::String(s) => Some(s),
            other => {
                self.wrong_type(at, key, "a string", other);
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
        if allowed.contains(&value) {
            Some(value)
        } else {
            let choices = allowed.iter().map(|a| format!("'{a}'")).collect::<Vec<_>>().join(" | ");
            self.fail(join(at, key), format!("expected {choices}, got '{value}'"));
            None
        }
    }

    pub fn boolean(&mut self, parent: &Map<String, Value>, at: &str, key: &str, required: bool) -> Option<bool> {
        match self.present(parent, at, key, required)? {
            Value::Bool(b) => Some(*b),
            other => {
                self.wrong_type(at, key, "true or false", other);
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
        match self.present(parent, at, key, required)? {
            Value::Number(n) => {
                let v = n.as_f64().unwrap_or(f64::NAN);
                if v.is_finite() && (min..=max).contains(&v) {
                    Some(v)
                } else {
                    self.fail(join(at, key), format!("must be between {min} and {max}, got {n}"));
                    None
                }
            }
            other => {
                self.wrong_type(at, key, "a number", other);
                None
            }
        }
    }

    /// A whole number of minor currency units, zero or more.
    pub fn amount(&mut self, parent: &Map<String, Value>, at: &str, key: &str, required: bool) -> Option<i64> {
        match self.present(parent, at, key, required)? {
            Value::Number(n) => match n.as_i64() {
                Some(v) if v >= 0 => Some(v),
                _ => {
                    self.fail(join(at, key), format!("expected a whole number of minor units (0 or more), got {n}"));
                    None
                }
            },
            other => {
                self.wrong_type(at, key, "a number", other);
                None
            }
        }
    }

    /// An ISO 4217 code in lower or upper case, e.g. `usd`.
    pub fn currency(&mut self, parent: &Map<String, Value>, at: &str, key: &str, required: bool) {
        if let Some(c) = self.text(parent, at, key, required)
            && !(c.len() == 3 && c.chars().all(|ch| ch.is_ascii_alphabetic()))
        {
            self.fail(join(at, key), format!("expected a three-letter ISO 4217 currency code, got '{c}'"));
        }
    }

    /// An RFC 3339 timestamp; returns unix seconds.
    pub fn datetime(&mut self, parent: &Map<String, Value>, at: &str, key: &str, required: bool) -> Option<i64> {
        let value = self.text(parent, at, key, required)?;
        match time::OffsetDateTime::parse(value, &time::format_description::well_known::Rfc3339) {
            Ok(t) => Some(t.unix_timestamp()),
            Err(_) => {
                self.fail(
                    join(at, key),
                    format!("expected an RFC 3339 date-time such as 2026-05-20T00:00:00Z, got '{value}'"),
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
        match self.present(parent, at, key, required)? {
            Value::Array(items) if items.len() >= min => Some(items),
            Value::Array(_) => {
                self.fail(join(at, key), format!("must have at least {min} item{}", if min == 1 { "" } else { "s" }));
                None
            }
            other => {
                self.wrong_type(at, key, "an array", other);
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
                other => self.fail(format!("{path}[{i}]"), format!("expected a non-empty string, got {}", kind(other))),
            }
        }
        Some(out)
    }

    /// Refuses members not in `known`, which are most often typos.
    pub fn only(&mut self, object: &Map<String, Value>, at: &str, known: &[&str]) {
        for key in object.keys() {
            if !known.contains(&key.as_str()) {
                let hint = known.iter().map(|k| format!("'{k}'")).collect::<Vec<_>>().join(", ");
                self.fail(join(at, key), format!("is not a known field (expected one of {hint})"));
            }
        }
    }
}
