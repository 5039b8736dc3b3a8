//! Instances that start at the same moment against a database nobody has created yet (several
//! replicas of a deployment rolled out together, or `create-admin` beside a starting server):
//! each creates the database if missing and runs the pending migrations, and none may fail
//! because another got there first.

use agora::config::Settings;
use agora::db;
use diesel::prelude::*;

use crate::common::{admin_connection, blocking};

/// The machine's PostgreSQL with a database of this name.
fn url_of(database: &str) -> String {
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/agora".to_owned());
    let mut url = url::Url::parse(&db::split_database_url(&url).unwrap().0).unwrap();
    url.set_path(&format!("/{database}"));
    url.to_string()
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

#[tokio::test]
async fn instances_starting_together_on_a_new_database_all_start() {
    let name = format!("agora_race_{}", uuid::Uuid::new_v4().simple());
    let url = url_of(&name);
    let starts: Vec<_> = (0..6)
        .map(|_| {
            let settings = Settings::for_tests(url.clone());
            std::thread::spawn(move || db::connect_and_migrate(&settings).map(|_| ()))
        })
        .collect();
    let results: Vec<String> =
        starts.into_iter().map(|t| t.join().unwrap()).filter_map(|r| r.err().map(|e| format!("{e:#}"))).collect();

    let applied = blocking({
        let url = url.clone();
        move || {
            let mut conn = PgConnection::establish(&url).unwrap();
            let counts = diesel::sql_query(
                "SELECT count(*) AS n FROM __diesel_schema_migrations \
                 UNION ALL SELECT count(DISTINCT version) FROM __diesel_schema_migrations",
            )
            .load::<Count>(&mut conn)
            .unwrap();
            (counts[0].n, counts[1].n)
        }
    })
    .await;
    let migrations = std::fs::read_dir("migrations").unwrap().filter(|e| e.as_ref().unwrap().path().is_dir()).count();
    blocking(move || db::drop_database(&mut admin_connection(), &name).unwrap()).await;

    assert!(results.is_empty(), "every instance starts: {results:?}");
    assert_eq!(
        applied,
        (i64::try_from(migrations).unwrap(), i64::try_from(migrations).unwrap()),
        "each migration once"
    );
}
