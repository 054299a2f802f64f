//! One macro for the many closed vocabularies (message type, direction, status, ...).
//!
//! Each of them is stored as text, sent in JSON and named in events, so the name must be written
//! once: the macro puts the same literal in `serde(rename)`, `as_str` and `parse`, which makes a
//! drift between the database, the API and the OpenAPI schema impossible.

/// Declares a `Copy` enum whose variants have stable snake_case names.
///
/// Generates `ALL`, `as_str`, `parse` (failing with the given error code), `Display` and
/// `FromStr`, serde derives and a `utoipa::ToSchema` implementation that use the same names.
macro_rules! named_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident (error = $code:literal) {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
        )]
        $vis enum $name {
            $( $(#[$vmeta])* #[serde(rename = $text)] $variant ),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable snake_case name used in the database, the API and events.
            #[must_use]
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text),+
                }
            }

            /// Parses the exact name produced by [`Self::as_str`].
            ///
            /// # Errors
            #[doc = concat!("`", $code, "` for any other text.")]
            pub fn parse(raw: &str) -> Result<Self, $crate::error::ValidationError> {
                match raw {
                    $($text => Ok(Self::$variant),)+
                    _ => Err($crate::error::ValidationError::new(
                        $code,
                        format!("must be one of {}", [$($text),+].join(", ")),
                    )),
                }
            }
        }

        // Written by hand, not derived: `#[derive(ToSchema)]` does not see the `serde(rename)`
        // literals a macro passes and documented the Rust variant names (`Open`, not `open`).
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($text),+]))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::error::ValidationError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }
    };
}

pub(crate) use named_enum;

#[cfg(test)]
mod tests {
    use crate::ConversationStatus;
    use utoipa::PartialSchema;

    /// The OpenAPI enum lists the wire names, the ones `parse` accepts.
    #[test]
    fn the_schema_lists_the_wire_names() {
        let json = serde_json::to_value(ConversationStatus::schema()).unwrap();
        let names: Vec<&str> = ConversationStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(json["enum"], serde_json::json!(names));
    }
}
