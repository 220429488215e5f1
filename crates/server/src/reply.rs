//! A successful answer as stored for idempotent replay: status, optional
//! `Location`, and the JSON body as text.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use plaza_contract::PROBLEM_CONTENT_TYPE;
use serde::Serialize;

use crate::error::{ApiError, ApiResult};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    pub location: Option<String>,
    pub body: String,
}

impl Reply {
    pub fn json<T: Serialize>(status: StatusCode, value: &T) -> ApiResult<Reply> {
        Ok(Reply {
            status: status.as_u16(),
            location: None,
            body: serde_json::to_string(value)?,
        })
    }

    pub fn ok<T: Serialize>(value: &T) -> ApiResult<Reply> {
        Self::json(StatusCode::OK, value)
    }

    pub fn created<T: Serialize>(value: &T, location: Option<String>) -> ApiResult<Reply> {
        let mut reply = Self::json(StatusCode::CREATED, value)?;
        reply.location = location;
        Ok(reply)
    }

    pub fn from_error(error: &ApiError) -> Reply {
        Reply {
            status: error.problem.status,
            location: None,
            body: error.to_json(),
        }
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let content_type = if status.is_success() {
            "application/json"
        } else {
            PROBLEM_CONTENT_TYPE
        };
        let mut response = (status, self.body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        if let Some(location) = self.location.and_then(|l| HeaderValue::from_str(&l).ok()) {
            headers.insert(header::LOCATION, location);
        }
        response
    }
}
