//! `GET /healthz`: 200 when the database answers, 503 when it does not.

use actix_web::{HttpResponse, web};

use crate::ops::health;
use crate::routes::table::{Routes, at};
use crate::state::AppState;

/// Registers the health check.
pub fn configure(cfg: &mut web::ServiceConfig) {
    Routes::new(cfg).add(at("/healthz").get(healthz));
}

async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    match health::database_answers(&state.pool).await {
        Ok(_) => HttpResponse::Ok().json(serde_json::json!({ "status": "ok", "database": "up" })),
        Err(_) => {
            HttpResponse::ServiceUnavailable().json(serde_json::json!({ "status": "unavailable", "database": "down" }))
        }
    }
}
