//! Generates the published contract documents from the types: a JSON Schema
//! (2020-12) of every type and an OpenAPI 3.1 description of every call.
//! `cargo xtask contract` writes them to `crates/contract/schema/`.

use schemars::generate::SchemaSettings;
use schemars::SchemaGenerator;
use serde_json::{json, Map, Value};

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

/// A request parameter of an operation.
enum Param {
    Path(&'static str),
    Query(&'static str, Value, &'static str),
}

struct Operation {
    method: &'static str,
    path: &'static str,
    id: &'static str,
    summary: &'static str,
    params: Vec<Param>,
    body: Option<Value>,
    /// Status and schema of the success response (`None`: no body).
    ok: (u16, Option<Value>),
    /// Whether the call needs the participant's bearer token.
    auth: bool,
    /// Whether the call takes an `Idempotency-Key`.
    idempotent_key: bool,
    /// Whether the call needs a moderator token (the optional moderation surface).
    moderator: bool,
}

fn op(
    method: &'static str,
    path: &'static str,
    id: &'static str,
    summary: &'static str,
) -> Operation {
    Operation {
        method,
        path,
        id,
        summary,
        params: Vec::new(),
        body: None,
        ok: (200, None),
        auth: false,
        idempotent_key: false,
        moderator: false,
    }
}

impl Operation {
    fn params(mut self, params: Vec<Param>) -> Self {
        self.params = params;
        self
    }
    fn body(mut self, schema: Value) -> Self {
        self.body = Some(schema);
        self
    }
    fn ok(mut self, status: u16, schema: Option<Value>) -> Self {
        self.ok = (status, schema);
        self
    }
    fn auth(mut self) -> Self {
        self.auth = true;
        self
    }
    fn writes(mut self) -> Self {
        self.auth = true;
        self.idempotent_key = true;
        self
    }
    fn moderator(mut self) -> Self {
        self.moderator = true;
        self
    }
}

fn operations(g: &mut SchemaGenerator) -> Vec<Operation> {
    let cursor = || {
        Param::Query(
            "cursor",
            json!({"type": "string"}),
            "`next_cursor` of the previous page.",
        )
    };
    let s = |v: schemars::Schema| v.to_value();
    vec![
        op(
            "get",
            "/v1",
            "getCapabilities",
            "What this backend supports",
        )
        .ok(200, Some(s(g.subschema_for::<Capabilities>()))),
        op(
            "post",
            "/v1/participants",
            "createParticipant",
            "Create an anonymous participant and its bearer token",
        )
        .ok(201, Some(s(g.subschema_for::<ParticipantToken>()))),
        op(
            "get",
            "/v1/deliberations",
            "listDeliberations",
            "List deliberations",
        )
        .params(vec![cursor()])
        .ok(200, Some(s(g.subschema_for::<Page<DeliberationSummary>>()))),
        op(
            "get",
            "/v1/deliberations/{deliberation_id}",
            "getDeliberation",
            "One deliberation",
        )
        .params(vec![Param::Path("deliberation_id")])
        .ok(200, Some(s(g.subschema_for::<Deliberation>()))),
        op(
            "get",
            "/v1/deliberations/{deliberation_id}/arguments",
            "listArguments",
            "Arguments for and against",
        )
        .params(vec![
            Param::Path("deliberation_id"),
            Param::Query(
                "stance",
                s(g.subschema_for::<Stance>()),
                "Only arguments on this side.",
            ),
            Param::Query(
                "sort",
                s(g.subschema_for::<ArgumentSort>()),
                "`helpful` (default) or `recent`.",
            ),
            cursor(),
        ])
        .ok(200, Some(s(g.subschema_for::<Page<Argument>>()))),
        op(
            "post",
            "/v1/deliberations/{deliberation_id}/arguments",
            "createArgument",
            "Add an argument",
        )
        .params(vec![Param::Path("deliberation_id")])
        .body(s(g.subschema_for::<NewArgument>()))
        .ok(201, Some(s(g.subschema_for::<Argument>())))
        .writes(),
        op(
            "get",
            "/v1/arguments/{argument_id}/comments",
            "listComments",
            "Replies to an argument, threaded by parent_id",
        )
        .params(vec![Param::Path("argument_id"), cursor()])
        .ok(200, Some(s(g.subschema_for::<Page<Comment>>()))),
        op(
            "post",
            "/v1/arguments/{argument_id}/comments",
            "createComment",
            "Reply to an argument or a comment",
        )
        .params(vec![Param::Path("argument_id")])
        .body(s(g.subschema_for::<NewComment>()))
        .ok(201, Some(s(g.subschema_for::<Comment>())))
        .writes(),
        op(
            "put",
            "/v1/arguments/{argument_id}/reactions/{kind}",
            "putReaction",
            "React to an argument (idempotent)",
        )
        .params(vec![Param::Path("argument_id"), Param::Path("kind")])
        .ok(200, Some(s(g.subschema_for::<ReactionState>())))
        .auth(),
        op(
            "delete",
            "/v1/arguments/{argument_id}/reactions/{kind}",
            "deleteReaction",
            "Withdraw a reaction (idempotent)",
        )
        .params(vec![Param::Path("argument_id"), Param::Path("kind")])
        .ok(200, Some(s(g.subschema_for::<ReactionState>())))
        .auth(),
        op(
            "post",
            "/v1/flags",
            "createFlag",
            "Flag content for moderation; hidden pending review after N flags",
        )
        .body(s(g.subschema_for::<NewFlag>()))
        .ok(201, Some(s(g.subschema_for::<FlagReceipt>())))
        .writes(),
        op(
            "get",
            "/v1/deliberations/{deliberation_id}/proposals",
            "listProposals",
            "Options residents proposed",
        )
        .params(vec![Param::Path("deliberation_id"), cursor()])
        .ok(200, Some(s(g.subschema_for::<Page<Proposal>>()))),
        op(
            "post",
            "/v1/deliberations/{deliberation_id}/proposals",
            "createProposal",
            "Propose an option for the ballot",
        )
        .params(vec![Param::Path("deliberation_id")])
        .body(s(g.subschema_for::<NewProposal>()))
        .ok(201, Some(s(g.subschema_for::<Proposal>())))
        .writes(),
        op(
            "get",
            "/v1/polls/{poll_id}",
            "getPoll",
            "A ranked-choice poll",
        )
        .params(vec![Param::Path("poll_id")])
        .ok(200, Some(s(g.subschema_for::<Poll>()))),
        op(
            "put",
            "/v1/polls/{poll_id}/ballot",
            "castBallot",
            "Cast or replace my ballot (the last one counts)",
        )
        .params(vec![Param::Path("poll_id")])
        .body(s(g.subschema_for::<BallotSubmission>()))
        .ok(200, Some(s(g.subschema_for::<BallotReceipt>())))
        .writes(),
        op(
            "get",
            "/v1/polls/{poll_id}/ballot",
            "getMyBallot",
            "My current ballot and its receipt",
        )
        .params(vec![Param::Path("poll_id")])
        .ok(200, Some(s(g.subschema_for::<MyBallot>())))
        .auth(),
        op(
            "get",
            "/v1/polls/{poll_id}/results",
            "getResults",
            "Round-by-round results",
        )
        .params(vec![Param::Path("poll_id")])
        .ok(200, Some(s(g.subschema_for::<PollResults>()))),
        op(
            "get",
            "/v1/polls/{poll_id}/ballots",
            "exportBallots",
            "The anonymous ballots, after close",
        )
        .params(vec![
            Param::Path("poll_id"),
            Param::Query(
                "format",
                json!({"type": "string", "enum": ["plaza", "cdf"]}),
                "`cdf`: NIST SP 1500-103 CDF JSON, readable by RCTab.",
            ),
        ])
        .ok(200, Some(s(g.subschema_for::<BallotExport>()))),
        op(
            "put",
            "/v1/moderation/deliberations/{deliberation_id}/phase",
            "setPhase",
            "Moderation: move a deliberation to a phase",
        )
        .params(vec![Param::Path("deliberation_id")])
        .body(s(g.subschema_for::<PhaseChange>()))
        .ok(200, Some(s(g.subschema_for::<Deliberation>())))
        .moderator(),
        op(
            "put",
            "/v1/moderation/polls/{poll_id}/status",
            "setPollStatus",
            "Moderation: open or close a poll",
        )
        .params(vec![Param::Path("poll_id")])
        .body(s(g.subschema_for::<PollStatusChange>()))
        .ok(200, Some(s(g.subschema_for::<Poll>())))
        .moderator(),
        op(
            "put",
            "/v1/moderation/content",
            "moderateContent",
            "Moderation: hide, hold or restore an argument, comment or proposal",
        )
        .body(s(g.subschema_for::<ContentModeration>()))
        .ok(200, Some(s(g.subschema_for::<ContentModeration>())))
        .moderator(),
        op(
            "get",
            "/v1/moderation/flagged",
            "listFlagged",
            "Moderation: flagged content, most flagged first",
        )
        .params(vec![cursor()])
        .ok(200, Some(s(g.subschema_for::<Page<FlaggedContent>>())))
        .moderator(),
        op(
            "post",
            "/v1/moderation/import",
            "importSeed",
            "Moderation: create or update deliberations and their polls from a seed document",
        )
        .body(s(g.subschema_for::<seed::Seed>()))
        .ok(200, Some(s(g.subschema_for::<ImportReport>())))
        .moderator(),
    ]
}

fn render(op: &Operation, problem: &Value) -> Value {
    let mut parameters: Vec<Value> = op
        .params
        .iter()
        .map(|p| match p {
            Param::Path(name) => json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}),
            Param::Query(name, schema, description) => {
                json!({"name": name, "in": "query", "required": false, "schema": schema, "description": description})
            }
        })
        .collect();
    if op.idempotent_key {
        parameters.push(json!({
            "name": "Idempotency-Key", "in": "header", "required": true, "schema": {"type": "string", "minLength": 1, "maxLength": 255},
            "description": "A repeat after completion replays the stored response; a repeat with another body is 422 `idempotency_key_reused`; a repeat still in flight is 409 `idempotency_key_in_flight`."
        }));
    }
    let problem_response = |description: &str| json!({"description": description, "content": {PROBLEM_CONTENT_TYPE: {"schema": problem}}});
    let mut responses = Map::new();
    let (status, schema) = &op.ok;
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
    if op.auth || op.moderator {
        responses.insert(
            "401".into(),
            problem_response("Missing or invalid bearer token"),
        );
    }
    if op.moderator {
        responses.insert("403".into(), problem_response("Not a moderator token"));
    }
    let mut operation = json!({
        "operationId": op.id,
        "summary": op.summary,
        "parameters": parameters,
        "responses": responses,
    });
    if let Some(body) = &op.body {
        operation["requestBody"] =
            json!({"required": true, "content": {"application/json": {"schema": body}}});
    }
    if op.moderator {
        operation["security"] = json!([{"moderator": []}]);
        operation["tags"] = json!(["moderation"]);
    } else if op.auth {
        operation["security"] = json!([{"participant": []}]);
    } else {
        operation["security"] = json!([{}, {"participant": []}]);
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
    let ops = operations(&mut generator);
    let mut paths = Map::new();
    for op in &ops {
        let entry = paths.entry(op.path).or_insert_with(|| json!({}));
        entry[op.method] = render(op, &problem);
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
