//! What can go wrong in a request, as the client sees it: [`ApiFailure`], its status and its
//! stable [`ErrorCode`]. Every module that answers HTTP returns it; it depends on nothing of the
//! server's but the store's error.

use axum::{
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use shared::api::{ApiError, ErrorCode};

use crate::store::StoreError;

/// What can go wrong in the API. Details are logged; the client gets a short, safe message and
/// the matching status.
#[derive(Debug, thiserror::Error)]
pub enum ApiFailure {
    /// 400: the request itself is wrong (a bad name, email, password or JSON body).
    #[error("{0}")]
    BadRequest(String),
    /// 401: no credentials, or ones that are not (or no longer) valid.
    #[error("{0}")]
    Unauthorized(String),
    /// 403: signed in, but not allowed (or a missing CSRF header).
    #[error("{0}")]
    Forbidden(String),
    /// 404: no such thing, or nothing the caller may see.
    #[error("{0}")]
    NotFound(String),
    /// 409: the request conflicts with what is there (a taken email, the last owner).
    #[error("{0}")]
    Conflict(String),
    /// A refusal with its own [`ErrorCode`], which also gives the status: what the app shows a
    /// person, translated from the code.
    #[error("{1}")]
    Refused(ErrorCode, String),
    /// 429: too many failed sign-ins for an email or from an address.
    #[error("too many failed sign-ins: try again in {retry_after_secs} seconds")]
    TooManyAttempts { retry_after_secs: u64 },
    /// 429: too many sign-ups from an address.
    #[error("too many sign-ups from this address: try again in {retry_after_secs} seconds")]
    TooManySignUps { retry_after_secs: u64 },
    /// 429: too many members added by email from one account.
    #[error("too many members added: try again in {retry_after_secs} seconds")]
    TooManyMemberAdds { retry_after_secs: u64 },
    /// 503: the server is too busy for this now (every password hashing slot is taken).
    #[error("the server is busy: try again in a few seconds")]
    Busy,
    /// 500: logged in full, shown as a generic message.
    #[error("the server could not complete the request")]
    Internal(#[from] anyhow::Error),
}

impl From<StoreError> for ApiFailure {
    fn from(error: StoreError) -> ApiFailure {
        ApiFailure::Internal(error.into())
    }
}

impl ApiFailure {
    /// The stable code sent beside the message; the general one of its status where the
    /// failure names none.
    pub fn code(&self) -> ErrorCode {
        match self {
            ApiFailure::BadRequest(_) => ErrorCode::BadRequest,
            ApiFailure::Unauthorized(_) => ErrorCode::SignInFirst,
            ApiFailure::Forbidden(_) => ErrorCode::Forbidden,
            ApiFailure::NotFound(_) => ErrorCode::NotFound,
            ApiFailure::Conflict(_) => ErrorCode::Conflict,
            ApiFailure::Refused(code, _) => *code,
            ApiFailure::TooManyAttempts { .. } => ErrorCode::TooManyAttempts,
            ApiFailure::TooManySignUps { .. } => ErrorCode::TooManySignUps,
            ApiFailure::TooManyMemberAdds { .. } => ErrorCode::TooManyMemberAdds,
            ApiFailure::Busy => ErrorCode::Busy,
            ApiFailure::Internal(_) => ErrorCode::Internal,
        }
    }
}

impl IntoResponse for ApiFailure {
    fn into_response(self) -> Response {
        let status = match &self {
            ApiFailure::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiFailure::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiFailure::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiFailure::NotFound(_) => StatusCode::NOT_FOUND,
            ApiFailure::Conflict(_) => StatusCode::CONFLICT,
            ApiFailure::Refused(code, _) => {
                StatusCode::from_u16(code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
            }
            ApiFailure::TooManyAttempts { .. }
            | ApiFailure::TooManySignUps { .. }
            | ApiFailure::TooManyMemberAdds { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiFailure::Busy => StatusCode::SERVICE_UNAVAILABLE,
            ApiFailure::Internal(error) => {
                tracing::error!(error = format!("{error:#}"), "API request failed");
                StatusCode::INTERNAL_SERVER_ERROR
            }
        };
        let mut response = (status, Json(ApiError { error: self.to_string(), code: self.code() })).into_response();
        let retry_after_secs = match self {
            ApiFailure::TooManyAttempts { retry_after_secs }
            | ApiFailure::TooManySignUps { retry_after_secs }
            | ApiFailure::TooManyMemberAdds { retry_after_secs } => Some(retry_after_secs),
            ApiFailure::Busy => Some(5),
            _ => None,
        };
        if let Some(retry_after_secs) = retry_after_secs {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        response
    }
}

/// The answer for a board that does not exist and for one the caller is not a member of alike.
pub fn no_board(board: &str) -> ApiFailure {
    ApiFailure::Refused(ErrorCode::NoSuchBoard, format!("there is no board {board}, or you are not one of its members"))
}
