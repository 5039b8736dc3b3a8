//! `GET /api/v1/docs`: the OpenAPI document as a page for people. It is rendered on the server
//! from the same value `openapi.json` serves, so it cannot disagree with it, and needs no
//! script (the CSP allows none inline, and a bundled Swagger UI would be most of the payload).

use std::sync::OnceLock;

use askama::Template;
use serde_json::Value;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::{OpenApi, RefOr, Required};

use crate::auth::Visitor;
use crate::render::pages::{Chrome, ok};

/// The page.
#[derive(Template)]
#[template(path = "api/docs.html")]
pub struct DocsPage {
    pub chrome: Chrome,
    pub reference: &'static Reference,
}

/// Everything on the page that does not depend on the visitor; built once.
pub struct Reference {
    pub title: String,
    pub version: String,
    pub paragraphs: Vec<String>,
    pub security: Vec<(String, String)>,
    pub groups: Vec<TagGroup>,
    pub schemas: Vec<SchemaDoc>,
}

/// A named schema: its fields, or what it is when it has none.
pub struct SchemaDoc {
    pub name: String,
    pub description: String,
    /// Other schemas whose fields it also has (`allOf`).
    pub includes: Vec<SchemaLabel>,
    pub properties: Vec<PropertyDoc>,
    /// For a schema without fields: its type and constraints.
    pub kind: Option<String>,
    /// Whether fields other than those listed are refused.
    pub closed: bool,
}

/// A field of a schema.
pub struct PropertyDoc {
    pub name: String,
    pub schema: SchemaLabel,
    pub required: bool,
    pub description: String,
}

/// The operations of one tag.
pub struct TagGroup {
    pub name: String,
    pub description: String,
    pub operations: Vec<OperationDoc>,
}

/// One method on one path.
pub struct OperationDoc {
    /// The `operationId`, also the anchor on the page.
    pub id: String,
    pub method: &'static str,
    pub path: String,
    pub summary: String,
    pub description: String,
    /// Needs the session cookie and the `X-CSRF-Token` header.
    pub secured: bool,
    pub parameters: Vec<ParameterDoc>,
    pub body: Option<SchemaLabel>,
    pub responses: Vec<ResponseDoc>,
}

/// A path or query parameter.
pub struct ParameterDoc {
    pub name: String,
    pub location: &'static str,
    pub required: bool,
    pub schema: SchemaLabel,
    pub description: String,
}

/// One documented status.
pub struct ResponseDoc {
    pub status: String,
    pub description: String,
    pub schema: Option<SchemaLabel>,
}

/// A schema in a few words, linking to its definition when it is a named one.
pub struct SchemaLabel {
    pub text: String,
    pub anchor: Option<String>,
}

/// This reference as a page
///
/// Every operation with its parameters and responses, and every schema.
#[utoipa::path(
    get,
    path = "/api/v1/docs",
    operation_id = "get_docs_page",
    tag = "docs",
    responses((status = 200, description = "The page", content_type = "text/html", body = String))
)]
pub async fn page(visitor: Visitor) -> actix_web::HttpResponse {
    static REFERENCE: OnceLock<Reference> = OnceLock::new();
    let reference = REFERENCE.get_or_init(|| Reference::from(super::openapi::document()));
    ok(&DocsPage { chrome: Chrome::of(&visitor), reference })
}

impl From<&OpenApi> for Reference {
    fn from(doc: &OpenApi) -> Self {
        let components = doc.components.clone().unwrap_or_default();
        let mut groups: Vec<TagGroup> = doc
            .tags
            .iter()
            .flatten()
            .map(|t| TagGroup {
                name: t.name.clone(),
                description: t.description.clone().unwrap_or_default(),
                operations: Vec::new(),
            })
            .collect();
        for (path, item) in &doc.paths.paths {
            let methods = [("GET", &item.get), ("POST", &item.post), ("PUT", &item.put), ("DELETE", &item.delete)];
            for (method, operation) in methods {
                let Some(operation) = operation else { continue };
                let doc = operation_doc(method, path, operation, &components);
                let tag = operation.tags.iter().flatten().next().cloned().unwrap_or_default();
                match groups.iter_mut().find(|g| g.name == tag) {
                    Some(group) => group.operations.push(doc),
                    None => groups.push(TagGroup { name: tag, description: String::new(), operations: vec![doc] }),
                }
            }
        }
        Reference {
            title: doc.info.title.clone(),
            version: doc.info.version.clone(),
            paragraphs: doc.info.description.iter().flat_map(|d| d.split("\n\n")).map(str::to_owned).collect(),
            security: components
                .security_schemes
                .iter()
                .map(|(name, scheme)| (name.clone(), json_of(scheme)["description"].as_str().unwrap_or("").to_owned()))
                .collect(),
            schemas: components.schemas.iter().map(|(name, schema)| schema_doc(name, &json_of(schema))).collect(),
            groups,
        }
    }
}

fn operation_doc(
    method: &'static str,
    path: &str,
    operation: &Operation,
    components: &utoipa::openapi::Components,
) -> OperationDoc {
    let parameters = operation
        .parameters
        .iter()
        .flatten()
        .map(|p| ParameterDoc {
            name: p.name.clone(),
            location: match p.parameter_in {
                ParameterIn::Path => "path",
                ParameterIn::Query => "query",
                ParameterIn::Header => "header",
                ParameterIn::Cookie => "cookie",
            },
            required: matches!(p.required, Required::True),
            schema: p.schema.as_ref().map(|s| label(&json_of(s))).unwrap_or_else(|| label(&Value::Null)),
            description: p.description.clone().unwrap_or_default(),
        })
        .collect();
    let body = operation
        .request_body
        .as_ref()
        .and_then(|b| b.content.values().next())
        .and_then(|c| c.schema.as_ref())
        .map(|s| label(&json_of(s)));
    let responses = operation
        .responses
        .responses
        .iter()
        .map(|(status, response)| {
            let response = match response {
                RefOr::T(r) => Some(r),
                RefOr::Ref(r) => {
                    r.ref_location.rsplit('/').next().and_then(|name| match components.responses.get(name) {
                        Some(RefOr::T(r)) => Some(r),
                        _ => None,
                    })
                }
            };
            ResponseDoc {
                status: status.clone(),
                description: response.map(|r| r.description.clone()).unwrap_or_default(),
                schema: response
                    .and_then(|r| r.content.values().next())
                    .and_then(|c| c.schema.as_ref())
                    .map(|s| label(&json_of(s))),
            }
        })
        .collect();
    OperationDoc {
        id: operation.operation_id.clone().unwrap_or_default(),
        method,
        path: path.to_owned(),
        summary: operation.summary.clone().unwrap_or_default(),
        description: operation.description.clone().unwrap_or_default(),
        secured: operation.security.as_ref().is_some_and(|s| !s.is_empty()),
        parameters,
        body,
        responses,
    }
}

fn schema_doc(name: &str, schema: &Value) -> SchemaDoc {
    let (mut includes, mut parts) = (Vec::new(), vec![schema]);
    for part in schema["allOf"].as_array().into_iter().flatten() {
        if part.get("$ref").is_some() { includes.push(label(part)) } else { parts.push(part) }
    }
    let mut properties = Vec::new();
    for part in &parts {
        let required: Vec<&str> = part["required"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
        for (field, property) in part["properties"].as_object().into_iter().flatten() {
            // An optional `$ref` is `oneOf: [null, {$ref, description}]`: the description is inside.
            let described =
                property["oneOf"].as_array().and_then(|o| o.iter().find(|p| p.get("description").is_some()));
            let description = described.unwrap_or(property)["description"].as_str().unwrap_or_default();
            properties.push(PropertyDoc {
                name: field.clone(),
                schema: label(property),
                required: required.contains(&field.as_str()),
                description: description.to_owned(),
            });
        }
    }
    let kind = (properties.is_empty() && includes.is_empty()).then(|| match schema["pattern"].as_str() {
        Some(pattern) => format!("{}, matching {pattern}", label(schema).text),
        None => label(schema).text,
    });
    SchemaDoc {
        name: name.to_owned(),
        description: schema["description"].as_str().unwrap_or_default().to_owned(),
        includes,
        properties,
        kind,
        closed: schema["additionalProperties"] == Value::Bool(false),
    }
}

fn json_of(value: &impl serde::Serialize) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// "ThreadList", "integer (int64)", "one of: arc, questions", "string or null", ...
fn label(schema: &Value) -> SchemaLabel {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.rsplit('/').next().unwrap_or(reference).to_owned();
        return SchemaLabel { anchor: Some(format!("schema-{name}")), text: name };
    }
    let text = |text: String| SchemaLabel { text, anchor: None };
    if let Some(values) = schema["enum"].as_array() {
        let values: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
        return text(format!("one of: {}", values.join(", ")));
    }
    for (key, joiner) in [("oneOf", " or "), ("anyOf", " or "), ("allOf", " and ")] {
        if let Some(parts) = schema[key].as_array() {
            let parts: Vec<SchemaLabel> = parts.iter().map(label).collect();
            let text = parts.iter().map(|p| p.text.as_str()).collect::<Vec<_>>().join(joiner);
            // `null or Text`: link to the one named schema, if there is exactly one.
            let mut anchors = parts.into_iter().filter_map(|p| p.anchor);
            let anchor = match (anchors.next(), anchors.next()) {
                (Some(only), None) => Some(only),
                _ => None,
            };
            return SchemaLabel { text, anchor };
        }
    }
    let kind = match &schema["type"] {
        Value::String(t) => t.clone(),
        Value::Array(types) => types.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(" or "),
        _ => "any".to_owned(),
    };
    if kind == "array" {
        let items = label(&schema["items"]);
        return SchemaLabel { text: format!("array of {}", items.text), anchor: items.anchor };
    }
    match schema["format"].as_str() {
        Some(format) => text(format!("{kind} ({format})")),
        None => text(kind),
    }
}
