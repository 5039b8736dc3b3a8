//! `GET /healthz`: 200 when the (primary) database answers, 503 when it does not. Read replicas
//! are reported (`"replicas": [{"name", "status", "lag_ms", "replay_lsn", "error"}]`) but never
//! change the status: a replica that is down or lagging is skipped for the primary.

use actix_web::{HttpResponse, web};

use crate::ops::health;
use crate::routes::table::{Routes, at};
use crate::state::AppState;

/// Registers the health check.
pub fn configure(cfg: &mut web::ServiceConfig) {
    Routes::new(cfg).add(at("/healthz").get(healthz));
}

async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let replicas = state.replicas.report();
    match health::database_answers(&state.pool).await {
        Ok(_) => HttpResponse::Ok().json(serde_json::json!({ "status": "ok", "database": "up", "replicas": replicas })),
        Err(_) => HttpResponse::ServiceUnavailable()
            .json(serde_json::json!({ "status": "unavailable", "database": "down", "replicas": replicas })),
    }
}
