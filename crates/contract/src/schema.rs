//! Generates the published contract documents from the types: a JSON Schema
//! (2020-12) of every type and an OpenAPI 3.1 description of every call.
//! `cargo xtask contract` writes them to `crates/contract/schema/`.

use schemars::generate::SchemaSettings;
use schemars::SchemaGenerator;
use serde_json::{json, Map, Value};

use crate::routes::Access;
use crate::seed::Seed;
use crate::*;

/// Schemas of request fields whose rules a type alone cannot say: the text,
/// language and id checks of the contract, written as patterns
/// ([`crate::patterns`]) with the contract's own limits.
pub(crate) mod field {
    use schemars::{json_schema, Schema, SchemaGenerator};

    use crate::patterns::{blank, optional_text, required_text, LANGUAGE_TAG, NO_NUL};
    use crate::{MAX_LANGUAGE_TAG_CHARS, MAX_OPTIONS, MAX_SHORT_TEXT_CHARS, MAX_TEXT_CHARS};

    fn text(max: usize) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": required_text(max),
            "description": format!("Plain text: at most {max} characters once trimmed, not blank; no control character but tab and line breaks."),
        })
    }

    fn optional(max: usize, types: serde_json::Value) -> Schema {
        json_schema!({
            "type": types,
            "pattern": optional_text(max),
            "description": format!("Plain text, optional (blank is absent): at most {max} characters once trimmed; no control character but tab and line breaks."),
        })
    }

    pub fn long_text(_: &mut SchemaGenerator) -> Schema {
        text(MAX_TEXT_CHARS)
    }

    pub fn short_text(_: &mut SchemaGenerator) -> Schema {
        text(MAX_SHORT_TEXT_CHARS)
    }

    /// A `String` that may be blank (absent is blank, `null` is refused).
    pub fn blank_or_long_text(_: &mut SchemaGenerator) -> Schema {
        optional(MAX_TEXT_CHARS, serde_json::json!("string"))
    }

    pub fn optional_short_text(_: &mut SchemaGenerator) -> Schema {
        optional(MAX_SHORT_TEXT_CHARS, serde_json::json!(["string", "null"]))
    }

    pub fn language(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "anyOf": [
                {"type": "null"},
                {"type": "string", "pattern": blank()},
                // `not`: for engines whose `$` matches before a final line feed.
                {"type": "string", "pattern": LANGUAGE_TAG, "maxLength": MAX_LANGUAGE_TAG_CHARS, "not": {"pattern": "\n"}},
            ],
            "description": "The language of the text: a BCP 47 tag such as `fr` or `de-CH`, or blank.",
        })
    }

    pub fn id(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "string", "pattern": NO_NUL})
    }

    pub fn optional_id(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": ["string", "null"], "pattern": NO_NUL})
    }

    pub fn ranking(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "array",
            "items": {"type": "string", "pattern": NO_NUL},
            "minItems": 1,
            "maxItems": MAX_OPTIONS,
            "uniqueItems": true,
            "description": "Option ids, most preferred first; at most the poll's ranking limit.",
        })
    }
}

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
        ProposalDecisionChange,
        ContentModeration,
        Page<FlaggedContent>,
        ImportReport,
        Page<ModerationLogEntry>,
        Activity,
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
        Operation::ExportBallots => (
            None,
            200,
            Some(json!({"oneOf": [
                g.subschema_for::<BallotExport>().to_value(),
                {"$ref": "#/components/schemas/CastVoteRecordReport"},
            ]})),
        ),
        Operation::SetPhase => (s::<PhaseChange>(g), 200, s::<Deliberation>(g)),
        Operation::SetPollStatus => (s::<PollStatusChange>(g), 200, s::<Poll>(g)),
        Operation::DecideProposal => (s::<ProposalDecisionChange>(g), 200, s::<Proposal>(g)),
        Operation::ModerateContent => (s::<ContentModeration>(g), 200, s::<ContentModeration>(g)),
        Operation::ListFlagged => (None, 200, s::<Page<FlaggedContent>>(g)),
        Operation::ImportSeed => (s::<seed::Seed>(g), 200, s::<ImportReport>(g)),
        Operation::ListModerationLog | Operation::ListPublicModerationLog => {
            (None, 200, s::<Page<ModerationLogEntry>>(g))
        }
        Operation::GetActivity => (None, 200, s::<Activity>(g)),
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
        Operation::DecideProposal => (
            "decideProposal",
            "Moderation: accept a proposal onto the ballot (as its last option), or decline it with a reason",
        ),
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
        Operation::ListModerationLog => (
            "listModerationLog",
            "Moderation: every moderation action, newest first, with who did it",
        ),
        Operation::ListPublicModerationLog => (
            "listPublicModerationLog",
            "What moderators did in a deliberation and why, newest first (never who, never hidden text)",
        ),
        Operation::GetActivity => (
            "getActivity",
            "Moderation: what residents did in a deliberation, by day (participation over time)",
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
        "deliberation" => (
            json!({"type": "string", "pattern": crate::patterns::NO_NUL}),
            "Only this deliberation's (404 when it does not exist); every deliberation's when absent.",
        ),
        "cursor" => (
            json!({"type": "string", "pattern": crate::patterns::NO_NUL}),
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
        "tracker_prefix" => (
            json!({"type": "string", "pattern": format!("^[A-Za-z0-9-]{{0,{}}}$", crate::MAX_TRACKER_PREFIX_CHARS)}),
            "Only the ballots whose tracker starts with this: a resident finds their own among a few without downloading them all, and without saying which one it is.",
        ),
        _ => (json!({"type": "string"}), ""),
    }
}

/// Problem answers that mean the same on every operation, documented once
/// under `components/responses`: status, name and description.
const SHARED_PROBLEMS: [(u16, &str, &str); 7] = [
    (400, "BadRequest", "`bad_request`: a parameter or body that does not parse, or a NUL character"),
    (404, "NotFound", "`not_found`: no such resource"),
    (413, "PayloadTooLarge", "`payload_too_large`: the body is over the backend's limit"),
    (415, "UnsupportedMediaType", "`unsupported_media_type`: the body is not `application/json`"),
    (422, "ValidationFailed", "`validation_failed` with `errors` naming each field, or `idempotency_key_reused`: the key was used with another request"),
    (429, "RateLimited", "`rate_limited`: too many requests from this participant or address; `Retry-After` says when to try again"),
    (503, "Unavailable", "`unavailable`: the backend is busy or the request took too long; retry later"),
];

fn shared_description(status: u16) -> String {
    SHARED_PROBLEMS
        .iter()
        .find(|(s, _, _)| *s == status)
        .map(|(_, _, d)| (*d).to_owned())
        .unwrap_or_default()
}

/// The problems an operation may answer, by status: what the reference
/// server and `plaza-local` answer, and what the fuzzing test of the
/// server holds them to (an answer with a status not listed fails it).
fn problem_statuses(op: Operation, has_body: bool) -> Vec<(u16, String)> {
    let spec = op.spec();
    let mut statuses = vec![
        (400, shared_description(400)),
        (429, shared_description(429)),
        (503, shared_description(503)),
    ];
    // A missing resource, named in the path, the query or (flag, moderate) the body.
    let names_resource = op.path_params().next().is_some()
        || spec.query.contains(&"deliberation")
        || matches!(op, Operation::CreateFlag | Operation::ModerateContent);
    if names_resource {
        statuses.push((404, shared_description(404)));
    }
    match spec.access {
        Access::Public => {}
        Access::OptionalParticipant => {
            statuses.push((
                401,
                "`unauthorized`: the bearer token is invalid or expired".into(),
            ));
        }
        Access::Participant => {
            statuses.push((
                401,
                "`unauthorized`: the bearer token is missing, invalid or expired".into(),
            ));
            statuses.push((
                403,
                "`forbidden`: a moderator token cannot act as a participant".into(),
            ));
        }
        Access::Moderator => {
            statuses.push((
                401,
                "`unauthorized`: missing or invalid bearer token".into(),
            ));
            statuses.push((403, "`forbidden`: not a moderator token".into()));
        }
    }
    // Every route reads its body within the limit, a GET's too.
    statuses.push((413, shared_description(413)));
    if has_body {
        statuses.push((415, shared_description(415)));
    }
    let validates = has_body || !spec.query.is_empty() || spec.idempotency_key;
    if validates {
        statuses.push((422, shared_description(422)));
    }
    let mut conflicts: Vec<&str> = match op {
        Operation::CreateArgument | Operation::CreateComment | Operation::CreateProposal => {
            vec!["`phase_closed`: the deliberation does not take this contribution in its phase"]
        }
        Operation::CastBallot => vec!["`poll_not_open` or `poll_closed`"],
        Operation::SetPollStatus => vec!["`conflict`: a closed poll cannot be opened again"],
        Operation::DecideProposal => vec![
            "`conflict`: the proposal was already decided, or cannot join the ballot (no poll, the poll is closed or has ballots, or is full)",
        ],
        Operation::ImportSeed => {
            vec!["`conflict`: the change would bend a running vote (the poll has ballots)"]
        }
        _ => Vec::new(),
    };
    if spec.idempotency_key {
        conflicts.push("`idempotency_key_in_flight`: the same key is still being answered");
    }
    if !conflicts.is_empty() {
        statuses.push((409, conflicts.join("; or ")));
    }
    match op {
        Operation::CastBallot => statuses.push((
            403,
            "`not_eligible`: this participant may not vote in this poll (the poll says who may); or `forbidden`: a moderator token cannot vote".into(),
        )),
        Operation::GetResults | Operation::ExportBallots => statuses.push((
            403,
            "`results_not_available`: not yet, by the poll's results visibility".into(),
        )),
        _ => {}
    }
    // The most specific description of a status is pushed last: it stays.
    statuses.reverse();
    statuses.sort_by_key(|(status, _)| *status);
    statuses.dedup_by_key(|(status, _)| *status);
    statuses
}

/// A problem answer; with `retry`, its `Retry-After` header.
fn problem_answer(description: &str, problem: &Value, retry: bool) -> Value {
    let mut response =
        json!({"description": description, "content": {PROBLEM_CONTENT_TYPE: {"schema": problem}}});
    if retry {
        response["headers"] = json!({"Retry-After": {"description": "Seconds to wait before trying again", "schema": {"type": "integer", "minimum": 0}}});
    }
    response
}

fn header(description: &str) -> Value {
    json!({"description": description, "schema": {"type": "string"}})
}

/// A header every such answer carries.
fn always(description: &str) -> Value {
    json!({"description": description, "required": true, "schema": {"type": "string"}})
}

/// The headers of a success answer of `op`.
fn success_headers(op: Operation) -> Map<String, Value> {
    let mut headers = Map::new();
    if let Some(read) = op.created_at() {
        headers.insert(
            "Location".into(),
            always(&format!(
                "Where what was created can be read ({})",
                describe(read).0
            )),
        );
    }
    if op == Operation::ExportBallots {
        headers.insert(
            "Content-Disposition".into(),
            header("`attachment` with a file name, from a backend on the web: a link to the export saves it, also from another site"),
        );
    }
    if let Some(policy) = op.cache_control() {
        let why = if policy == "no-cache" {
            "revalidate with the ETag"
        } else {
            "a resident's own ballot, kept by no cache"
        };
        headers.insert(
            "Cache-Control".into(),
            always(&format!("`{policy}`: {why}")),
        );
        headers.insert(
            "ETag".into(),
            always("A strong validator: send it back in `If-None-Match` to get 304"),
        );
        headers.insert(
            "Vary".into(),
            always("`Authorization`: answers may depend on the bearer token"),
        );
    }
    headers
}

fn render(op: Operation, bodies: &Bodies, g: &mut SchemaGenerator, problem: &Value) -> Value {
    let spec = op.spec();
    let mut parameters: Vec<Value> = op
        .path_params()
        .map(|name| {
            let schema = match name {
                "kind" => g.subschema_for::<ReactionKind>().to_value(),
                _ => json!({"type": "string", "minLength": 1, "pattern": crate::patterns::NO_NUL}),
            };
            json!({"name": name, "in": "path", "required": true, "schema": schema})
        })
        .collect();
    for name in spec.query {
        let (schema, description) = query_param(name, g);
        parameters.push(json!({"name": name, "in": "query", "required": false, "schema": schema, "description": description}));
    }
    if spec.idempotency_key {
        parameters.push(json!({
            "name": "Idempotency-Key", "in": "header", "required": false, "schema": {"type": "string", "pattern": crate::patterns::IDEMPOTENCY_KEY},
            "description": "Recommended (the widget always sends one): a repeat after completion replays the stored response, so a retry never applies a change twice; a repeat with another body is 422 `idempotency_key_reused`; a repeat still in flight is 409 `idempotency_key_in_flight`. Without it, every request is a new one."
        }));
    }
    if op.method() == HttpMethod::Get && op != Operation::ExportBallots {
        parameters.push(json!({
            "name": "If-None-Match", "in": "header", "required": false, "schema": {"type": "string"},
            "description": "The ETag of a copy the client has: 304 when it is still current."
        }));
    }
    let mut responses = Map::new();
    let (status, schema) = &bodies.ok;
    let mut success = match schema {
        Some(schema) => {
            json!({"description": "Success", "content": {"application/json": {"schema": schema}}})
        }
        None => json!({"description": "Success"}),
    };
    let headers = success_headers(op);
    if !headers.is_empty() {
        success["headers"] = Value::Object(headers);
    }
    responses.insert(status.to_string(), success);
    if op.method() == HttpMethod::Get && op != Operation::ExportBallots {
        responses.insert(
            "304".into(),
            json!({"description": "Not modified: the copy whose ETag the client sent is current", "headers": {
                "ETag": header("The current validator"),
                "Cache-Control": header("As on the full answer"),
            }}),
        );
    }
    for (status, description) in problem_statuses(op, bodies.request.is_some()) {
        let response = match SHARED_PROBLEMS.iter().find(|(s, _, _)| *s == status) {
            Some((_, name, _)) => json!({"$ref": format!("#/components/responses/{name}")}),
            // A key still in flight says when to try again.
            None => problem_answer(&description, problem, status == 409 && spec.idempotency_key),
        };
        responses.insert(status.to_string(), response);
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
        // A public read answers everyone the same; a bearer token is ignored.
        Access::Public => json!([{}]),
        // A participant sees what is theirs (their reactions); anyone else,
        // a moderator included, what everyone sees.
        Access::OptionalParticipant => json!([{}, {"participant": []}, {"moderator": []}]),
    };
    if spec.access == Access::Moderator {
        operation["tags"] = json!(["moderation"]);
    }
    operation
}

/// The NIST SP 1500-103 cast vote record report that `format=cdf` answers:
/// its outline (the standard's own schema is NIST's), enough to tell it
/// from the contract's export and to find the records.
fn cast_vote_record_report() -> Value {
    json!({
        "type": "object",
        "description": "A NIST SP 1500-103 cast vote record report (CDF JSON), the format RCTab reads: one CVR per ballot, its `UniqueId` the ballot's tracker.",
        "required": ["@type", "Version", "GeneratedDate", "Election", "CVR"],
        "properties": {
            "@type": {"const": "CVR.CastVoteRecordReport"},
            "Version": {"type": "string"},
            "GeneratedDate": {"type": "string"},
            "Election": {"type": "array", "items": {"type": "object"}},
            "CVR": {"type": "array", "items": {
                "type": "object",
                "required": ["@type", "UniqueId"],
                "properties": {"@type": {"const": "CVR.CVR"}, "UniqueId": {"type": "string"}}
            }}
        }
    })
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
    let mut schemas = generator.take_definitions(true);
    schemas.insert("CastVoteRecordReport".into(), cast_vote_record_report());
    let shared: Map<String, Value> = SHARED_PROBLEMS
        .iter()
        .map(|(status, name, description)| {
            let retry = matches!(status, 429 | 503);
            (
                (*name).to_owned(),
                problem_answer(description, &problem, retry),
            )
        })
        .collect();
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
            "schemas": sorted(schemas),
            "responses": shared,
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
