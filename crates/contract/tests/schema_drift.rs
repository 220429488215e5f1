//! The checked-in JSON Schema and OpenAPI documents are what the types say.
//! After changing a type, regenerate them with `cargo xtask contract`.

use plaza_contract::schema::{json_schema, openapi, to_file_text, JSON_SCHEMA_PATH, OPENAPI_PATH};

fn assert_matches_checked_in(relative: &str, generated: String) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == generated,
        "{} differs from what the contract types generate; run `cargo xtask contract` and commit the result",
        path.display()
    );
}

#[test]
fn json_schema_document_is_up_to_date() {
    assert_matches_checked_in(JSON_SCHEMA_PATH, to_file_text(&json_schema()));
}

#[test]
fn openapi_document_is_up_to_date() {
    assert_matches_checked_in(OPENAPI_PATH, to_file_text(&openapi()));
}

#[test]
fn openapi_document_describes_every_call_of_the_brief() {
    let doc = openapi();
    for (path, method) in [
        ("/v1", "get"),
        ("/v1/participants", "post"),
        ("/v1/deliberations", "get"),
        ("/v1/deliberations/{deliberation_id}", "get"),
        ("/v1/deliberations/{deliberation_id}/arguments", "get"),
        ("/v1/deliberations/{deliberation_id}/arguments", "post"),
        ("/v1/arguments/{argument_id}/comments", "get"),
        ("/v1/arguments/{argument_id}/comments", "post"),
        ("/v1/arguments/{argument_id}/reactions/{kind}", "put"),
        ("/v1/arguments/{argument_id}/reactions/{kind}", "delete"),
        ("/v1/flags", "post"),
        ("/v1/deliberations/{deliberation_id}/proposals", "get"),
        ("/v1/deliberations/{deliberation_id}/proposals", "post"),
        ("/v1/polls/{poll_id}", "get"),
        ("/v1/polls/{poll_id}/ballot", "put"),
        ("/v1/polls/{poll_id}/ballot", "get"),
        ("/v1/polls/{poll_id}/results", "get"),
        ("/v1/polls/{poll_id}/ballots", "get"),
    ] {
        assert!(doc["paths"][path][method].is_object(), "{method} {path}");
    }
    assert_eq!(doc["openapi"], "3.1.0");
    let refs = doc.to_string();
    for name in ["Deliberation", "Argument", "Problem", "PollResults"] {
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "component {name}"
        );
    }
    assert!(
        !refs.contains("#/$defs/"),
        "every reference points into components"
    );
}
