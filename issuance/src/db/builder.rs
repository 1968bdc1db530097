//! A query put together piece by piece (lists with optional filters,
//! multi-row inserts), numbering its parameters `$1, $2, …`.
//!
//! sqlx's own `QueryBuilder` writes `?` for every parameter under the `Any`
//! driver, which PostgreSQL does not read; `$N` is read by both backends.
//! But SQLite keeps `$N` (and `?N`) as *named* parameters, and binding
//! looks each name up in a list (sqlx asks `sqlite3_bind_parameter_name`
//! for every parameter), so a statement of thousands of them (a multi-row
//! insert) binds in quadratic time: a 10,000-row job spent 0.75 s a chunk
//! there. [`Builder::on`] writes SQLite's anonymous `?`, bound in order,
//! for the statements that bind many values.

use std::fmt::{Display, Write};

use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::{Query, QueryAs, QueryScalar};
use sqlx::{Any, Arguments, Encode, FromRow, Type};

use super::Backend;

pub struct Builder<'a> {
    sql: String,
    args: Option<AnyArguments<'a>>,
    binds: usize,
    /// `$N` (both backends read it), or SQLite's anonymous `?`.
    numbered: bool,
}

impl<'a> Builder<'a> {
    /// For a statement of a few parameters, on either backend.
    pub fn new(init: impl Into<String>) -> Self {
        Builder { sql: init.into(), args: Some(AnyArguments::default()), binds: 0, numbered: true }
    }

    /// For a statement that may bind thousands of values, on `backend`.
    pub fn on(backend: Backend, init: impl Into<String>) -> Self {
        Builder { numbered: backend == Backend::Postgres, ..Builder::new(init) }
    }

    pub fn push(&mut self, sql: impl Display) -> &mut Self {
        write!(self.sql, "{sql}").expect("writing to a String");
        self
    }

    pub fn push_bind<T>(&mut self, value: T) -> &mut Self
    where
        T: 'a + Encode<'a, Any> + Type<Any>,
    {
        let args = self.args.as_mut().expect("a Builder is built once");
        // Encoding into Any only copies the value; it cannot fail.
        args.add(value).expect("encoding a parameter");
        self.binds += 1;
        if self.numbered {
            write!(self.sql, "${}", self.binds).expect("writing to a String");
        } else {
            self.sql.push('?');
        }
        self
    }

    /// A list whose items `separator` goes between.
    pub fn separated<'b>(&'b mut self, separator: &'static str) -> Separated<'b, 'a> {
        Separated { builder: self, separator, first: true }
    }

    /// `VALUES (…), (…)`: `each` binds one row's values into its brackets.
    pub fn push_values<I, F>(&mut self, rows: I, mut each: F) -> &mut Self
    where
        I: IntoIterator,
        F: FnMut(Separated<'_, 'a>, I::Item),
    {
        self.push("VALUES ");
        for (n, row) in rows.into_iter().enumerate() {
            if n > 0 {
                self.push(", ");
            }
            self.push("(");
            each(self.separated(", "), row);
            self.push(")");
        }
        self
    }

    pub fn sql(&self) -> &str {
        &self.sql
    }

    fn take_args(&mut self) -> AnyArguments<'a> {
        self.args.take().expect("a Builder is built once")
    }

    pub fn build(&mut self) -> Query<'_, Any, AnyArguments<'_>> {
        let args = self.take_args();
        sqlx::query_with(&self.sql, args)
    }

    pub fn build_query_as<T>(&mut self) -> QueryAs<'_, Any, T, AnyArguments<'_>>
    where
        T: for<'r> FromRow<'r, AnyRow>,
    {
        let args = self.take_args();
        sqlx::query_as_with(&self.sql, args)
    }

    pub fn build_query_scalar<T>(&mut self) -> QueryScalar<'_, Any, T, AnyArguments<'_>>
    where
        (T,): for<'r> FromRow<'r, AnyRow>,
    {
        let args = self.take_args();
        sqlx::query_scalar_with(&self.sql, args)
    }
}

/// Items of a list, with the separator written between them.
pub struct Separated<'b, 'a> {
    builder: &'b mut Builder<'a>,
    separator: &'static str,
    first: bool,
}

impl<'a> Separated<'_, 'a> {
    fn next(&mut self) {
        if !std::mem::take(&mut self.first) {
            self.builder.push(self.separator);
        }
    }

    pub fn push(&mut self, sql: impl Display) -> &mut Self {
        self.next();
        self.builder.push(sql);
        self
    }

    pub fn push_bind<T>(&mut self, value: T) -> &mut Self
    where
        T: 'a + Encode<'a, Any> + Type<Any>,
    {
        self.next();
        self.builder.push_bind(value);
        self
    }

    /// Text after the last item, with no separator before it.
    pub fn push_unseparated(&mut self, sql: impl Display) -> &mut Self {
        self.builder.push(sql);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_numbered_in_the_order_they_are_bound() {
        let mut q = Builder::new("INSERT INTO t (a, b) ");
        q.push_values([(1_i64, "x"), (2, "y")], |mut row, (a, b)| {
            row.push_bind(a).push_bind(b);
        });
        q.push(" WHERE c IN (");
        let mut list = q.separated(", ");
        list.push_bind(3_i64).push_bind(4_i64);
        list.push_unseparated(")");
        assert_eq!(q.sql(), "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4) WHERE c IN ($5, $6)");
        let mut q = Builder::on(Backend::Sqlite, "SELECT ");
        q.push_bind(1_i64).push(", ").push_bind(2_i64);
        assert_eq!(q.sql(), "SELECT ?, ?");
        let mut q = Builder::on(Backend::Postgres, "SELECT ");
        q.push_bind(1_i64);
        assert_eq!(q.sql(), "SELECT $1");
    }
}
