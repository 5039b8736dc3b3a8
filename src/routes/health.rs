//! `GET /healthz`: 200 when the database answers, 503 when it does not.

use actix_web::{HttpResponse, web};
use diesel::RunQueryDsl;

use crate::db;
use crate::routes::table::{Routes, at};
use crate::state::AppState;

/// Registers the health check.
pub fn configure(cfg: &mut web::ServiceConfig) {
    Routes::new(cfg).add(at("/healthz").get(healthz));
}

async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let answer = db::with_conn(&state.pool, |c| Ok(diesel::sql_query("SELECT 1").execute(c)?)).await;
    match answer {
        Ok(_) => HttpResponse::Ok().json(serde_json::json!({ "status": "ok", "database": "up" })),
        Err(_) => {
            HttpResponse::ServiceUnavailable().json(serde_json::json!({ "status": "unavailable", "database": "down" }))
        }
    }
}
