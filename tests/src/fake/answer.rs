//! An HTTP answer of the fake before it becomes an axum response, so the pipeline can
//! add headers (quota) or spoil the body (malformed JSON fault) in one place.

use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, Response, StatusCode};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Answer {
    pub status: u16,
    pub content_type: Option<&'static str>,
    pub body: String,
    pub headers: Vec<(&'static str, String)>,
}

const JSON: &str = "application/json; charset=utf-8";

impl Answer {
    pub(crate) fn json(status: u16, value: &Value) -> Answer {
        Answer {
            status,
            content_type: Some(JSON),
            body: value.to_string(),
            headers: Vec::new(),
        }
    }

    pub(crate) fn ok(value: Value) -> Answer {
        Answer::json(200, &value)
    }

    /// Toggl's usual error body: a JSON-encoded string.
    pub(crate) fn error(status: u16, message: &str) -> Answer {
        Answer::json(status, &Value::String(message.into()))
    }

    pub(crate) fn text(status: u16, content_type: &'static str, body: String) -> Answer {
        Answer {
            status,
            content_type: Some(content_type),
            body,
            headers: Vec::new(),
        }
    }

    pub(crate) fn empty(status: u16) -> Answer {
        Answer {
            status,
            content_type: None,
            body: String::new(),
            headers: Vec::new(),
        }
    }

    pub(crate) fn header(mut self, name: &'static str, value: impl ToString) -> Answer {
        self.headers.push((name, value.to_string()));
        self
    }

    pub(crate) fn has_header(&self, name: &str) -> bool {
        self.headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
    }

    pub(crate) fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    pub(crate) fn into_response(self) -> Response<Body> {
        let mut response = Response::new(Body::from(self.body));
        *response.status_mut() = StatusCode::from_u16(self.status).unwrap_or(StatusCode::OK);
        let headers = response.headers_mut();
        if let Some(ct) = self.content_type {
            headers.insert("content-type", HeaderValue::from_static(ct));
        }
        for (name, value) in self.headers {
            if let Ok(v) = HeaderValue::from_str(&value) {
                headers.append(HeaderName::from_static(name), v);
            }
        }
        response
    }
}
