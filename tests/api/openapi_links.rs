//! OpenAPI links (`responses.<status>.links`): clients and stateful testers (Schemathesis'
//! stateful phase) chain calls through them, so each must name a real operation, fill exactly its
//! path parameters, and take values from fields the answer or the request really has.

use std::collections::{BTreeMap, BTreeSet};

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::spawn_app;

/// `#/components/schemas/X` resolved, repeatedly.
fn resolve<'a>(doc: &'a Value, mut schema: &'a Value) -> &'a Value {
    while let Some(reference) = schema["$ref"].as_str() {
        let name = reference.rsplit('/').next().unwrap();
        schema = &doc["components"]["schemas"][name];
    }
    schema
}

/// The `{name}`s of a path template.
fn path_parameters(path: &str) -> BTreeSet<String> {
    path.split('/').filter_map(|s| s.strip_prefix('{')?.strip_suffix('}')).map(str::to_owned).collect()
}

#[tokio::test]
async fn links_name_real_operations_fill_their_path_parameters_and_read_real_fields() {
    let app = spawn_app().await;
    let res = app.get("/api/v1/openapi.json").await;
    assert_eq!(res.status(), StatusCode::OK);
    let doc: Value = res.json().await.unwrap();

    // operationId -> its path
    let mut paths = BTreeMap::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for operation in item.as_object().unwrap().values() {
            paths.insert(operation["operationId"].as_str().unwrap().to_owned(), path.clone());
        }
    }

    let mut links = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            for (status, response) in operation["responses"].as_object().unwrap() {
                for (name, link) in response["links"].as_object().into_iter().flatten() {
                    links.push((
                        format!("{method} {path} {status} {name}"),
                        path.clone(),
                        response.clone(),
                        link.clone(),
                    ));
                }
            }
        }
    }
    let from: BTreeSet<&str> = links.iter().map(|(at, ..)| at.split(' ').nth(1).unwrap()).collect();
    for source in
        ["/api/v1/threads", "/api/v1/threads/{slug}/synthesis", "/api/v1/threads/{slug}/{kind}", "/api/v1/events"]
    {
        assert!(from.contains(source), "no links from {source}: {from:?}");
    }

    for (at, source_path, response, link) in &links {
        let target = link["operationId"].as_str().unwrap_or_else(|| panic!("{at}: no operationId"));
        let target_path = paths.get(target).unwrap_or_else(|| panic!("{at}: no operation {target}"));
        let parameters = link["parameters"].as_object().unwrap_or_else(|| panic!("{at}: no parameters"));
        let named: BTreeSet<String> = parameters.keys().cloned().collect();
        assert_eq!(named, path_parameters(target_path), "{at}: the parameters of {target} ({target_path})");
        let body = resolve(&doc, &response["content"]["application/json"]["schema"]);
        for (parameter, expression) in parameters {
            let expression = expression.as_str().unwrap();
            if let Some(field) = expression.strip_prefix("$response.body#/") {
                assert!(body["properties"].get(field).is_some(), "{at}: {parameter} reads {field}, not in the answer");
                assert!(
                    body["required"].as_array().is_some_and(|r| r.iter().any(|f| f == field)),
                    "{at}: {parameter} reads {field}, which the answer may leave out"
                );
            } else if let Some(name) = expression.strip_prefix("$request.path.") {
                assert!(
                    path_parameters(source_path).contains(name),
                    "{at}: {parameter} reads a path parameter {name} it lacks"
                );
            } else {
                panic!("{at}: {parameter} = {expression} is not a response-body or request-path expression");
            }
        }
    }
}
