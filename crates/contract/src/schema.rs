//! Generates the published contract documents from the types: a JSON Schema
//! (2020-12) of every type and an OpenAPI 3.1 description of every call.
//! `cargo xtask contract` writes them to `crates/contract/schema/`.

use schemars::generate::SchemaSettings;
use schemars::SchemaGenerator;
use serde_json::{json, Map, Value};

use crate::routes::Access;
use crate::seed::Seed;
use crate::*;

/// Where the checked-in documents live, relative to the crate root.
pub const JSON_SCHEMA_PATH: &str = "schema/plaza-v1.schema.json";
pub const OPENAPI_PATH: &str = "schema/openapi.json";

/// Registers every type of the contract with `generator`, in a fixed order.
fn register_all(generator: &mut SchemaGenerator) {
    macro_rules! register {
        ($($t:ty),* $(,)?) => { $( generator.subschema_for::<$t>(); )* };
    }
    register!(
        Capabilities,
        ParticipantToken,
        Page<DeliberationSummary>,
        Deliberation,
        Page<Argument>,
        NewArgument,
        Argument,
        Page<Comment>,
        NewComment,
        Comment,
        ReactionState,
        NewFlag,
        FlagReceipt,
        Page<Proposal>,
        NewProposal,
        Proposal,
        Poll,
        BallotSubmission,
        BallotReceipt,
        MyBallot,
        PollResults,
        BallotExport,
        Problem,
        Seed,
        PhaseChange,
        PollStatusChange,
        ContentModeration,
        Page<FlaggedContent>,
        ImportReport,
    );
}

/// The JSON Schema document: every contract type under `$defs`.
pub fn json_schema() -> Value {
    let mut generator = SchemaSettings::draft2020_12().into_generator();
    register_all(&mut generator);
    let defs = generator.take_definitions(true);
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://plaza.example/contract/v1/schema.json",
        "title": "Plaza contract v1",
        "description": "Every JSON document exchanged between the Plaza widget and a backend. Generated from crates/contract; do not edit by hand.",
        "$defs": sorted(defs),
    })
}

fn sorted(map: Map<String, Value>) -> Value {
    let mut entries: Vec<_> = map.into_iter().collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    Value::Object(entries.into_iter().collect())
}

/// What an operation takes and answers, as schemas: the request body, and
/// the status and body of success (`None`: no body).
struct Bodies {
    request: Option<Value>,
    ok: (u16, Option<Value>),
}

/// The schemas of each operation of the route table; the match is
/// exhaustive, so a new operation cannot be left out of the document.
fn bodies(op: Operation, g: &mut SchemaGenerator) -> Bodies {
    fn s<T: schemars::JsonSchema>(g: &mut SchemaGenerator) -> Option<Value> {
        Some(g.subschema_for::<T>().to_value())
    }
    let (request, status, ok) = match op {
        Operation::GetCapabilities => (None, 200, s::<Capabilities>(g)),
        Operation::CreateParticipant => (None, 201, s::<ParticipantToken>(g)),
        Operation::ListDeliberations => (None, 200, s::<Page<DeliberationSummary>>(g)),
        Operation::GetDeliberation => (None, 200, s::<Deliberation>(g)),
        Operation::ListArguments => (None, 200, s::<Page<Argument>>(g)),
        Operation::CreateArgument => (s::<NewArgument>(g), 201, s::<Argument>(g)),
        Operation::GetArgument => (None, 200, s::<Argument>(g)),
        Operation::ListComments => (None, 200, s::<Page<Comment>>(g)),
        Operation::CreateComment => (s::<NewComment>(g), 201, s::<Comment>(g)),
        Operation::PutReaction | Operation::DeleteReaction => (None, 200, s::<ReactionState>(g)),
        Operation::CreateFlag => (s::<NewFlag>(g), 201, s::<FlagReceipt>(g)),
        Operation::ListProposals => (None, 200, s::<Page<Proposal>>(g)),
        Operation::CreateProposal => (s::<NewProposal>(g), 201, s::<Proposal>(g)),
        Operation::GetPoll => (None, 200, s::<Poll>(g)),
        Operation::CastBallot => (s::<BallotSubmission>(g), 200, s::<BallotReceipt>(g)),
        Operation::GetMyBallot => (None, 200, s::<MyBallot>(g)),
        Operation::GetResults => (None, 200, s::<PollResults>(g)),
        Operation::ExportBallots => (None, 200, s::<BallotExport>(g)),
        Operation::SetPhase => (s::<PhaseChange>(g), 200, s::<Deliberation>(g)),
        Operation::SetPollStatus => (s::<PollStatusChange>(g), 200, s::<Poll>(g)),
        Operation::ModerateContent => (s::<ContentModeration>(g), 200, s::<ContentModeration>(g)),
        Operation::ListFlagged => (None, 200, s::<Page<FlaggedContent>>(g)),
        Operation::ImportSeed => (s::<seed::Seed>(g), 200, s::<ImportReport>(g)),
    };
    Bodies {
        request,
        ok: (status, ok),
    }
}

/// The OpenAPI `operationId` and summary of each operation (kept out of the
/// route table itself, which the widget carries to every resident).
fn describe(op: Operation) -> (&'static str, &'static str) {
    match op {
        Operation::GetCapabilities => ("getCapabilities", "What this backend supports"),
        Operation::CreateParticipant => (
            "createParticipant",
            "Create an anonymous participant and its bearer token",
        ),
        Operation::ListDeliberations => ("listDeliberations", "List deliberations"),
        Operation::GetDeliberation => ("getDeliberation", "One deliberation"),
        Operation::ListArguments => ("listArguments", "Arguments for and against"),
        Operation::CreateArgument => ("createArgument", "Add an argument"),
        Operation::GetArgument => (
            "getArgument",
            "One argument (where Location points after a post)",
        ),
        Operation::ListComments => (
            "listComments",
            "Replies to an argument, threaded by parent_id",
        ),
        Operation::CreateComment => ("createComment", "Reply to an argument or a comment"),
        Operation::PutReaction => ("putReaction", "React to an argument (idempotent)"),
        Operation::DeleteReaction => ("deleteReaction", "Withdraw a reaction (idempotent)"),
        Operation::CreateFlag => (
            "createFlag",
            "Flag content for moderation; hidden pending review after N flags",
        ),
        Operation::ListProposals => ("listProposals", "Options residents proposed"),
        Operation::CreateProposal => ("createProposal", "Propose an option for the ballot"),
        Operation::GetPoll => ("getPoll", "A ranked-choice poll"),
        Operation::CastBallot => (
            "castBallot",
            "Cast or replace my ballot (the last one counts)",
        ),
        Operation::GetMyBallot => ("getMyBallot", "My current ballot and its receipt"),
        Operation::GetResults => ("getResults", "Round-by-round results"),
        Operation::ExportBallots => ("exportBallots", "The anonymous ballots, after close"),
        Operation::SetPhase => ("setPhase", "Moderation: move a deliberation to a phase"),
        Operation::SetPollStatus => ("setPollStatus", "Moderation: open or close a poll"),
        Operation::ModerateContent => (
            "moderateContent",
            "Moderation: hide, hold or restore an argument, comment or proposal",
        ),
        Operation::ListFlagged => (
            "listFlagged",
            "Moderation: flagged content, most flagged first",
        ),
        Operation::ImportSeed => (
            "importSeed",
            "Moderation: create or update deliberations and their polls from a seed document",
        ),
    }
}

/// The schema and description of a query parameter of the route table.
fn query_param(name: &str, g: &mut SchemaGenerator) -> (Value, &'static str) {
    match name {
        "stance" => (
            g.subschema_for::<Stance>().to_value(),
            "Only arguments on this side.",
        ),
        "sort" => (
            g.subschema_for::<ArgumentSort>().to_value(),
            "`helpful` (default) or `recent`.",
        ),
        "cursor" => (
            json!({"type": "string"}),
            "`next_cursor` of the previous page.",
        ),
        "limit" => (
            json!({"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": DEFAULT_PAGE_SIZE}),
            "Items per page.",
        ),
        "format" => (
            json!({"type": "string", "enum": ["plaza", "cdf"], "default": "plaza"}),
            "`cdf`: NIST SP 1500-103 CDF JSON, readable by RCTab.",
        ),
        _ => (json!({"type": "string"}), ""),
    }
}

fn render(op: Operation, bodies: &Bodies, g: &mut SchemaGenerator, problem: &Value) -> Value {
    let spec = op.spec();
    let mut parameters: Vec<Value> = op
        .path_params()
        .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string", "minLength": 1}}))
        .collect();
    for name in spec.query {
        let (schema, description) = query_param(name, g);
        parameters.push(json!({"name": name, "in": "query", "required": false, "schema": schema, "description": description}));
    }
    if spec.idempotency_key {
        parameters.push(json!({
            "name": "Idempotency-Key", "in": "header", "required": true, "schema": {"type": "string", "minLength": 1, "maxLength": 255},
            "description": "A repeat after completion replays the stored response; a repeat with another body is 422 `idempotency_key_reused`; a repeat still in flight is 409 `idempotency_key_in_flight`."
        }));
    }
    let problem_response = |description: &str| json!({"description": description, "content": {PROBLEM_CONTENT_TYPE: {"schema": problem}}});
    let mut responses = Map::new();
    let (status, schema) = &bodies.ok;
    responses.insert(
        status.to_string(),
        match schema {
            Some(schema) => json!({"description": "Success", "content": {"application/json": {"schema": schema}}}),
            None => json!({"description": "Success"}),
        },
    );
    responses.insert(
        "default".into(),
        problem_response("An RFC 9457 problem with a stable `code`"),
    );
    let moderator = spec.access == Access::Moderator;
    if moderator || spec.access == Access::Participant {
        responses.insert(
            "401".into(),
            problem_response("Missing or invalid bearer token"),
        );
    }
    if moderator {
        responses.insert("403".into(), problem_response("Not a moderator token"));
    }
    let (id, summary) = describe(op);
    let mut operation = json!({
        "operationId": id,
        "summary": summary,
        "parameters": parameters,
        "responses": responses,
    });
    if let Some(body) = &bodies.request {
        operation["requestBody"] =
            json!({"required": true, "content": {"application/json": {"schema": body}}});
    }
    operation["security"] = match spec.access {
        Access::Moderator => json!([{"moderator": []}]),
        Access::Participant => json!([{"participant": []}]),
        Access::Public | Access::OptionalParticipant => json!([{}, {"participant": []}]),
    };
    if moderator {
        operation["tags"] = json!(["moderation"]);
    }
    operation
}

/// The OpenAPI 3.1 document of the whole contract.
pub fn openapi() -> Value {
    let mut generator = SchemaSettings::draft2020_12()
        .with(|s| s.definitions_path = "/components/schemas".into())
        .into_generator();
    register_all(&mut generator);
    let problem = generator.subschema_for::<Problem>().to_value();
    let mut paths = Map::new();
    for op in Operation::ALL {
        let b = bodies(op, &mut generator);
        let operation = render(op, &b, &mut generator, &problem);
        let entry = paths
            .entry(op.mounted_template())
            .or_insert_with(|| json!({}));
        entry[op.method().as_str().to_ascii_lowercase()] = operation;
    }
    json!({
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "Plaza contract",
            "version": CONTRACT_VERSION,
            "description": "The JSON contract between the Plaza widget and any backend. Generated from crates/contract; do not edit by hand.",
            "license": {"name": "MIT OR Apache-2.0", "identifier": "MIT OR Apache-2.0"}
        },
        "servers": [{"url": "{base}", "variables": {"base": {"default": "http://127.0.0.1:8080", "description": "The backend's origin; every path starts with /v1."}}}],
        "paths": paths,
        "components": {
            "schemas": sorted(generator.take_definitions(true)),
            "securitySchemes": {
                "participant": {"type": "http", "scheme": "bearer", "description": "An anonymous participant token from POST /v1/participants, or a token the host site signed for its resident."},
                "moderator": {"type": "http", "scheme": "bearer", "description": "A moderator token from the backend's configuration; only for the optional /v1/moderation surface."}
            }
        }
    })
}

/// A document as it is written to disk: pretty JSON with a final newline.
pub fn to_file_text(document: &Value) -> String {
    let mut text = serde_json::to_string_pretty(document).unwrap_or_default();
    text.push('\n');
    text
}
