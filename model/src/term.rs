//! What every vocabulary type shares: its variants in order, its wire name,
//! and parsing that names the choices when the input is none of them.

/// Finds the variant whose wire name is `input` (trimmed, any case), or
/// says what the choices were: `expected 'owner' | 'admin', got 'boss'`.
pub fn parse_term<T>(input: &str) -> Result<T, String>
where
    T: strum::VariantArray + Copy + Into<&'static str>,
{
    let wanted = input.trim();
    T::VARIANTS.iter().copied().find(|v| (*v).into().eq_ignore_ascii_case(wanted)).ok_or_else(|| {
        let choices: Vec<String> =
            T::VARIANTS.iter().map(|v| format!("'{}'", Into::<&'static str>::into(*v))).collect();
        format!("expected {}, got '{input}'", choices.join(" | "))
    })
}

/// Declares a vocabulary enum. The naming policy is written here once:
/// every wire name is the variant's name in snake_case, for serde, for
/// strum (`as_str`, `Display`) and, with the `sqlx` feature, for the
/// database (`stored_as_text!`); `tests::wire_names_agree` holds the three to it. The enum also
/// gets `ALL` (its variants, in order) and a `FromStr` whose error lists
/// the choices.
macro_rules! vocabulary {
    ($(#[$meta:meta])* pub enum $name:ident { $($body:tt)* }) => {
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize,
            strum::IntoStaticStr, strum::Display, strum::VariantArray,
        )]
        #[serde(rename_all = "snake_case")]
        #[strum(serialize_all = "snake_case")]
        $(#[$meta])*
        pub enum $name { $($body)* }

        impl $name {
            pub const ALL: &'static [$name] = <$name as strum::VariantArray>::VARIANTS;

            /// The wire name: JSON, the database, URLs.
            pub fn as_str(self) -> &'static str {
                self.into()
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                $crate::term::parse_term(s)
            }
        }

        $crate::term::stored_as_text!($name);
    };
}
pub(crate) use vocabulary;

/// For a vocabulary whose wire names are not the variants' snake_case
/// (`credentials:read`, `job.completed`): each variant's name is written
/// once, in its `#[strum(serialize = "…")]`, and this gives the type `ALL`,
/// `as_str`, parsing that names the choices, and serde through the same
/// names. The enum derives `strum::IntoStaticStr`, `strum::Display` and
/// `strum::VariantArray`.
macro_rules! named_terms {
    ($name:ident) => {
        impl $name {
            pub const ALL: &'static [$name] = <$name as strum::VariantArray>::VARIANTS;

            /// The wire name: JSON, the database, URLs.
            pub fn as_str(self) -> &'static str {
                self.into()
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                $crate::term::parse_term(s)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                <String as serde::Deserialize>::deserialize(d)?.parse().map_err(serde::de::Error::custom)
            }
        }

        $crate::term::stored_as_text!($name);
    };
}
pub(crate) use named_terms;

/// A vocabulary type is a TEXT column holding its wire name, bound and read
/// through sqlx's `Any` driver (the core runs on SQLite and PostgreSQL
/// alike); a stored name that is none of the variants fails the read.
#[cfg(feature = "sqlx")]
macro_rules! stored_as_text {
    ($name:ident) => {
        impl sqlx::Type<sqlx::Any> for $name {
            fn type_info() -> sqlx::any::AnyTypeInfo {
                <str as sqlx::Type<sqlx::Any>>::type_info()
            }
            fn compatible(ty: &sqlx::any::AnyTypeInfo) -> bool {
                <str as sqlx::Type<sqlx::Any>>::compatible(ty)
            }
        }

        impl<'q> sqlx::Encode<'q, sqlx::Any> for $name {
            fn encode_by_ref(
                &self,
                buf: &mut <sqlx::Any as sqlx::Database>::ArgumentBuffer<'q>,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                <&str as sqlx::Encode<'q, sqlx::Any>>::encode(self.as_str(), buf)
            }
        }

        impl<'r> sqlx::Decode<'r, sqlx::Any> for $name {
            fn decode(value: sqlx::any::AnyValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
                Ok(<&str as sqlx::Decode<'r, sqlx::Any>>::decode(value)?.parse::<$name>()?)
            }
        }
    };
}
#[cfg(not(feature = "sqlx"))]
macro_rules! stored_as_text {
    ($name:ident) => {};
}
pub(crate) use stored_as_text;
