//! Contract enums stored as their JSON names in TEXT columns, and a small
//! builder for queries whose conditions depend on the request.

use serde::de::DeserializeOwned;
use serde::Serialize;
use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::Any;

use crate::error::ApiError;

/// `ContentStatus::HiddenPendingReview` → `hidden_pending_review`.
pub fn to_text<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// The reverse of [`to_text`]; a value the schema does not allow means the
/// database was changed by hand, an internal error.
pub fn from_text<T: DeserializeOwned>(text: &str) -> Result<T, ApiError> {
    serde_json::from_value(serde_json::Value::String(text.to_owned())).map_err(|e| {
        ApiError::internal().caused_by(format_args!(
            "unexpected value {text:?} in the database: {e}"
        ))
    })
}

pub enum Bind {
    Text(String),
    Int(i64),
}

/// SQL with numbered parameters (`$1`, `$2`, … work on both databases),
/// every value bound, never spliced into the text.
#[derive(Default)]
pub struct Sql {
    pub text: String,
    binds: Vec<Bind>,
}

impl Sql {
    pub fn new(text: &str) -> Sql {
        Sql {
            text: text.to_owned(),
            binds: Vec::new(),
        }
    }

    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Binds a value and returns its placeholder.
    pub fn param(&mut self, value: Bind) -> String {
        self.binds.push(value);
        format!("${}", self.binds.len())
    }

    pub fn text(&mut self, value: impl Into<String>) -> String {
        self.param(Bind::Text(value.into()))
    }

    pub fn int(&mut self, value: i64) -> String {
        self.param(Bind::Int(value))
    }

    pub fn query(&self) -> Query<'_, Any, AnyArguments<'_>> {
        let mut query = sqlx::query(&self.text);
        for bind in &self.binds {
            query = match bind {
                Bind::Text(s) => query.bind(s.as_str()),
                Bind::Int(n) => query.bind(*n),
            };
        }
        query
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plaza_contract::ContentStatus;

    #[test]
    fn enums_round_trip_through_text() {
        let text = to_text(&ContentStatus::HiddenPendingReview);
        assert_eq!(text, "hidden_pending_review");
        assert_eq!(
            from_text::<ContentStatus>(&text).unwrap(),
            ContentStatus::HiddenPendingReview
        );
        assert!(from_text::<ContentStatus>("gone").is_err());
    }

    #[test]
    fn parameters_are_numbered_in_order() {
        let mut sql = Sql::new("SELECT 1 WHERE a = ");
        let a = sql.text("x");
        sql.push(&a).push(" AND b = ");
        let b = sql.int(2);
        sql.push(&b);
        assert_eq!(sql.text, "SELECT 1 WHERE a = $1 AND b = $2");
    }
}
