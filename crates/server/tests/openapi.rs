//! The published OpenAPI document holds both backends to its word.
//! Requests are generated from the document — every operation, with valid
//! and invalid path, query, header and body values, with no token, a
//! resident's, a moderator's and a forged one — and sent in process to the
//! server and to `plaza-local` (behind the conformance kit's adapter, which
//! adds what a server's HTTP layer does); every answer is checked against
//! the document: no 5xx, a status the operation documents, a body its
//! schema accepts, no header it does not document, and no success for a
//! request the document calls invalid.
//!
//! The generator draws from a seeded random source: `cargo xtask test`
//! fixes the seed (`PROPTEST_RNG_SEED`), so CI replays the same requests;
//! `PLAZA_FUZZ_REQUESTS` sets how many (default 3,000). A failure prints
//! the seed and the request, to replay it.

mod in_process;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use axum::body::Body;
use axum::http::Request;
use axum::Router;
use in_process::{call, seed_into, seeded_app, Answer, MODERATOR};
use jsonschema::Validator;
use serde_json::{json, Map, Value};

const DOCUMENT: &str = include_str!("../../contract/schema/openapi.json");

/// SplitMix64: small, seedable, and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// One operation of the document.
struct Op {
    method: String,
    template: String,
    spec: Value,
}

/// Schemas compiled on demand, each with the document's components so
/// that its `$ref`s resolve.
struct Schemas {
    components: Value,
    compiled: HashMap<String, Validator>,
}

impl Schemas {
    fn validator(&mut self, schema: &Value) -> &Validator {
        let key = schema.to_string();
        let components = &self.components;
        self.compiled.entry(key).or_insert_with(|| {
            let mut root = json!({"$schema": "https://json-schema.org/draft/2020-12/schema"});
            root["allOf"] = json!([schema]);
            root["components"] = components.clone();
            jsonschema::options()
                .with_draft(jsonschema::Draft::Draft202012)
                .build(&root)
                .unwrap_or_else(|e| panic!("the document's schema {schema} compiles: {e}"))
        })
    }

    fn accepts(&mut self, schema: &Value, value: &Value) -> bool {
        self.validator(schema).is_valid(value)
    }

    fn errors(&mut self, schema: &Value, value: &Value) -> Vec<String> {
        self.validator(schema)
            .iter_errors(value)
            .map(|e| {
                let error: String = e.to_string().chars().take(160).collect();
                format!("{error} at {}", e.instance_path())
            })
            .take(3)
            .collect()
    }
}

/// Values the generator draws from: the seed's ids, ids the server gave
/// during the run, and the texts that sit on each side of the contract's
/// rules. Most draws are plausible, so that every operation also succeeds.
struct Pools {
    deliberations: Vec<String>,
    polls: Vec<String>,
    moderated_deliberations: Vec<String>,
    moderated_polls: Vec<String>,
    /// Arguments, comments and proposals the server answered with.
    content: Vec<String>,
    arguments: Vec<String>,
    proposals: Vec<String>,
    odd: Vec<String>,
    options: Vec<String>,
    good_texts: Vec<String>,
    bad_texts: Vec<String>,
    langs: Vec<Value>,
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

impl Pools {
    fn new() -> Pools {
        Pools {
            // The deliberation residents act on, twice as likely.
            deliberations: strings(&[
                "rue-des-lilas",
                "rue-des-lilas",
                "quiet",
                "done",
                "residents",
            ]),
            polls: strings(&[
                "rue-des-lilas-design",
                "rue-des-lilas-design",
                "quiet-poll",
                "done-poll",
                "residents-poll",
            ]),
            moderated_deliberations: strings(&["quiet", "residents"]),
            moderated_polls: strings(&["quiet-poll", "residents-poll"]),
            content: Vec::new(),
            arguments: Vec::new(),
            proposals: Vec::new(),
            odd: strings(&[
                "nothing-here",
                "a b/c?d",
                "\u{0}",
                "ü",
                "%00",
                "..",
                "rue-des-lilas-design-2",
            ])
            .into_iter()
            .chain(["x".repeat(300)])
            .collect(),
            // The options of the seed's polls.
            options: in_process::seed()
                .deliberations
                .iter()
                .filter_map(|d| d.poll.as_ref())
                .flat_map(|p| p.options.iter().map(|o| o.id.clone()))
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect(),
            good_texts: strings(&[
                "Shade for the market.",
                "  Trimmed at both ends.  ",
                "Two\nlines\tand a tab",
                "\u{202E}reversed",
                "مرحبا بالجميع",
                "<script>alert(1)</script>",
                "é",
            ])
            .into_iter()
            .chain([120, 2000].map(|n| "é".repeat(n)))
            .collect(),
            bad_texts: strings(&[
                "",
                "   ",
                "bell\u{7}",
                "nul\u{0}here",
                "\u{85}",
                "\u{b}",
                "ok\u{b}",
            ])
            .into_iter()
            .chain([121, 2001].map(|n| "é".repeat(n)))
            .chain([format!(" {} ", "a".repeat(2001))])
            .collect(),
            langs: vec![
                json!("fr"),
                json!("de-CH"),
                json!("ar"),
                json!(""),
                json!(" "),
                Value::Null,
                json!(" fr"),
                json!("<script>"),
                json!("fr_CA"),
                json!(format!("en{}", "-abcdefgh".repeat(4))),
            ],
        }
    }

    /// Learns the ids of contributions in an answer.
    fn learn(&mut self, value: &Value) {
        match value {
            Value::Object(map) => {
                if let Some(id) = map.get("id").and_then(Value::as_str) {
                    let argument = map.contains_key("stance");
                    // A proposal's decision is a word (a deliberation's is who decides).
                    let proposal = map.get("decision").is_some_and(Value::is_string);
                    let contribution = argument || map.contains_key("argument_id") || proposal;
                    // Proposals apart too: the other contributions soon fill `content`.
                    if proposal
                        && !self.proposals.iter().any(|known| known == id)
                        && self.proposals.len() < 100
                    {
                        self.proposals.push(id.to_owned());
                    }
                    if contribution
                        && !self.content.iter().any(|known| known == id)
                        && self.content.len() < 300
                    {
                        self.content.push(id.to_owned());
                        if argument {
                            self.arguments.push(id.to_owned());
                        }
                    }
                }
                map.values().for_each(|v| self.learn(v));
            }
            Value::Array(items) => items.iter().for_each(|v| self.learn(v)),
            _ => {}
        }
    }

    /// A value for a string named `name`: from the pool its name suggests
    /// most of the time, any other now and then.
    fn string_for(&self, name: &str, rng: &mut Rng) -> String {
        self.value_for(name, false, rng)
    }

    fn value_for(&self, name: &str, moderation: bool, rng: &mut Rng) -> String {
        let pool = match name {
            "text" | "title" | "description" | "display_name" => {
                return if rng.chance(75) {
                    rng.pick(&self.good_texts).clone()
                } else {
                    rng.pick(&self.bad_texts).clone()
                };
            }
            // Moderation moves phases and closes polls: it acts on the
            // deliberations the resident's operations do not need, so that
            // the rest keep succeeding whatever the seed draws.
            "deliberation_id" if moderation => &self.moderated_deliberations,
            "poll_id" if moderation => &self.moderated_polls,
            "deliberation_id" => &self.deliberations,
            "poll_id" => &self.polls,
            "argument_id" if !self.arguments.is_empty() => &self.arguments,
            "proposal_id" if !self.proposals.is_empty() => &self.proposals,
            "target_id" | "parent_id" if !self.content.is_empty() => &self.content,
            _ => &self.odd,
        };
        if rng.chance(85) {
            rng.pick(pool).clone()
        } else {
            // Never the deliberation residents act on: only a named field
            // of a resident's operation reaches it.
            let all = [
                &self.moderated_deliberations,
                &self.moderated_polls,
                &self.content,
                &self.odd,
            ];
            let pool = *rng.pick(&all);
            if pool.is_empty() {
                rng.pick(&self.odd).clone()
            } else {
                rng.pick(pool).clone()
            }
        }
    }
}

/// Resolves a local `$ref` against the document.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(pointer) => doc
            .pointer(pointer.trim_start_matches('#'))
            .map_or(schema, |target| resolve(doc, target)),
        None => schema,
    }
}

/// A value for `schema`, named `name` in its parent: mostly plausible,
/// sometimes not (the document decides which it is, not the generator).
fn generate(
    doc: &Value,
    schema: &Value,
    name: &str,
    pools: &Pools,
    rng: &mut Rng,
    depth: u32,
) -> Value {
    let schema = resolve(doc, schema);
    if name == "lang" {
        return rng.pick(&pools.langs).clone();
    }
    if name == "ranking" {
        let mut ranking: Vec<Value> = Vec::new();
        let len = match rng.below(10) {
            0 => 0,
            1 => 101,
            _ => 1 + rng.below(5),
        };
        for _ in 0..len {
            let id = if rng.chance(90) {
                rng.pick(&pools.options).clone()
            } else {
                pools.string_for("option_id", rng)
            };
            ranking.push(json!(id));
        }
        if len > 1 && rng.chance(20) {
            ranking.push(ranking[0].clone());
        }
        return Value::Array(ranking);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(choices)) = schema.get(key) {
            // An optional value written out is mostly a value, now and then null.
            let values: Vec<Value> = choices
                .iter()
                .filter(|c| c.get("type") != Some(&json!("null")))
                .cloned()
                .collect();
            let choice = if values.len() < choices.len() && !values.is_empty() && rng.chance(80) {
                rng.pick(&values)
            } else {
                rng.pick(choices)
            };
            return generate(doc, choice, name, pools, rng, depth);
        }
    }
    if let Some(Value::Array(values)) = schema.get("enum") {
        return if rng.chance(95) {
            rng.pick(values).clone()
        } else {
            json!("not-one-of-them")
        };
    }
    if let Some(value) = schema.get("const") {
        return value.clone();
    }
    let types: Vec<&str> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec!["string"],
    };
    let ty = if types.len() > 1 && rng.chance(10) {
        *rng.pick(&types)
    } else {
        types
            .iter()
            .copied()
            .find(|t| *t != "null")
            .unwrap_or("null")
    };
    match ty {
        "null" => Value::Null,
        "boolean" => json!(rng.chance(50)),
        "integer" | "number" => {
            let min = schema.get("minimum").and_then(Value::as_i64).unwrap_or(0);
            let max = schema
                .get("maximum")
                .and_then(Value::as_i64)
                .unwrap_or(1000);
            json!(*rng.pick(&[min, max, min - 1, max + 1, (min + max) / 2, -7]))
        }
        "array" => {
            if depth > 4 {
                return json!([]);
            }
            let items = schema.get("items").cloned().unwrap_or(json!({}));
            let n = rng.below(3);
            Value::Array(
                (0..n)
                    .map(|_| generate(doc, &items, name, pools, rng, depth + 1))
                    .collect(),
            )
        }
        "object" => {
            let mut out = Map::new();
            let required: BTreeSet<&str> = schema
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            if let Some(Value::Object(properties)) = schema.get("properties") {
                for (key, property) in properties {
                    let wanted = if required.contains(key.as_str()) {
                        !rng.chance(5)
                    } else {
                        depth < 3 && rng.chance(40)
                    };
                    if wanted {
                        out.insert(
                            key.clone(),
                            generate(doc, property, key, pools, rng, depth + 1),
                        );
                    }
                }
            }
            if rng.chance(3) {
                out.insert("unexpected".into(), json!(true));
            }
            Value::Object(out)
        }
        _ => json!(pools.string_for(name, rng)),
    }
}

/// Percent-encodes a path segment.
fn encode(segment: &str) -> String {
    segment
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A query parameter's value as it travels: a string, checked against the
/// document as the type the schema names.
fn query_value(schema: &Value, text: &str) -> Value {
    match schema.get("type").and_then(Value::as_str) {
        Some("integer") => text.parse::<i64>().map_or(json!(text), |n| json!(n)),
        _ => json!(text),
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    Nobody,
    Resident,
    Forged,
    Moderator,
}

/// One generated request, and whether the document calls it valid.
struct Generated {
    request: Request<Body>,
    described: String,
    valid: bool,
    why_invalid: Vec<String>,
}

fn generate_request(
    doc: &Value,
    op: &Op,
    pools: &Pools,
    schemas: &mut Schemas,
    target: &Target,
    keys: &mut Vec<String>,
    rng: &mut Rng,
) -> Generated {
    let mut why_invalid = Vec::new();
    let parameters: Vec<Value> = op.spec["parameters"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let mut path = op.template.clone();
    let mut query = Vec::new();
    let mut headers: Vec<(String, String)> = Vec::new();
    for parameter in &parameters {
        let name = parameter["name"].as_str().unwrap_or_default();
        let schema = &parameter["schema"];
        let value = match parameter["in"].as_str() {
            Some("path") => {
                let moderation = op.template.starts_with("/v1/moderation/");
                let value = match generate(doc, schema, name, pools, rng, 0) {
                    Value::String(s) if !s.is_empty() && name == "kind" => s,
                    _ => pools.value_for(name, moderation, rng),
                };
                if value.is_empty() {
                    continue;
                }
                path = path.replace(&format!("{{{name}}}"), &encode(&value));
                json!(value)
            }
            Some("query") => {
                if rng.chance(50) {
                    continue;
                }
                let text = match generate(doc, schema, name, pools, rng, 0) {
                    Value::String(s) => s,
                    other => other.to_string(),
                };
                query.push(format!("{name}={}", encode(&text)));
                query_value(schema, &text)
            }
            Some("header") if name == "Idempotency-Key" => {
                let key = match rng.below(10) {
                    0 => String::new(),
                    1 => "k".repeat(256),
                    2 | 3 if !keys.is_empty() => rng.pick(keys).clone(),
                    _ => format!("key-{}", rng.next()),
                };
                if key.is_empty() && rng.chance(50) {
                    continue; // no key at all: documented as optional
                }
                keys.push(key.clone());
                headers.push((name.to_owned(), key.clone()));
                json!(key)
            }
            Some("header") if name == "If-None-Match" => {
                if rng.chance(80) {
                    continue;
                }
                let tag = rng.pick(&["\"abc\"", "*", "\"0\", \"1\""]).to_string();
                headers.push((name.to_owned(), tag.clone()));
                json!(tag)
            }
            _ => continue,
        };
        if !schemas.accepts(schema, &value) {
            why_invalid.push(format!("parameter {name} = {value}"));
        }
    }
    let schemes: Vec<String> = op.spec["security"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| {
            s.as_object()
                .map(|m| m.keys().next().cloned().unwrap_or_default())
        })
        .collect();
    // Mostly a caller the operation is for, so that every operation also
    // succeeds; anyone else now and then.
    let expected = match schemes.iter().find(|s| !s.is_empty()).map(String::as_str) {
        Some("participant") => Who::Resident,
        Some("moderator") => Who::Moderator,
        _ => Who::Nobody,
    };
    let who = if rng.chance(60) {
        expected
    } else {
        *rng.pick(&[Who::Nobody, Who::Resident, Who::Forged, Who::Moderator])
    };
    match who {
        Who::Nobody => {}
        Who::Resident => headers.push((
            "authorization".into(),
            format!("Bearer {}", target.resident),
        )),
        Who::Forged => headers.push(("authorization".into(), "Bearer forged.token.value".into())),
        Who::Moderator => headers.push((
            "authorization".into(),
            format!("Bearer {}", target.moderator),
        )),
    }

    // An operation open to anyone alone ignores bearer tokens; in a page,
    // every caller but the moderator is the page's one participant.
    let anyone = schemes.iter().all(String::is_empty)
        || (!target.checks_participants
            && schemes.iter().any(|s| s.is_empty() || s == "participant"));
    let authorised = anyone
        || match who {
            Who::Nobody => schemes.iter().any(String::is_empty),
            Who::Resident => schemes.iter().any(|s| s == "participant"),
            Who::Moderator => schemes.iter().any(|s| s == "moderator"),
            Who::Forged => false,
        };
    if !authorised {
        why_invalid.push(format!("{who:?} for security {schemes:?}"));
    }
    let mut body = Body::empty();
    let mut body_text = String::new();
    if let Some(schema) = op
        .spec
        .pointer("/requestBody/content/application~1json/schema")
    {
        let (content_type, text, valid) = match rng.below(20) {
            0 => ("application/json", "{\"unterminated\": ".to_owned(), false),
            1 => ("text/plain", "{}".to_owned(), false),
            2 => (
                "application/json",
                format!("\"{}\"", "x".repeat(300 * 1024)),
                false,
            ),
            _ => {
                let value = generate(doc, schema, "body", pools, rng, 0);
                let valid = schemas.accepts(schema, &value);
                if !valid {
                    why_invalid.extend(schemas.errors(schema, &value));
                }
                ("application/json", value.to_string(), valid)
            }
        };
        if !valid && why_invalid.is_empty() {
            why_invalid.push(format!("body {content_type}"));
        }
        headers.push(("content-type".into(), content_type.into()));
        body_text = text.chars().take(300).collect();
        body = Body::from(text);
    }
    let uri = if query.is_empty() {
        path
    } else {
        format!("{path}?{}", query.join("&"))
    };
    let described = format!(
        "{} {uri} as {who:?}, headers {headers:?}, body {body_text}",
        op.method
    );
    let mut request = Request::builder()
        .method(op.method.as_str())
        .uri(uri.as_str());
    for (name, value) in &headers {
        request = request.header(name.as_str(), value.as_str());
    }
    Generated {
        request: request.body(body).expect("a request"),
        described,
        valid: why_invalid.is_empty(),
        why_invalid,
    }
}

/// Headers of HTTP itself and of the server's security policy, on every
/// answer whatever the operation: the document does not list them.
const TRANSPORT_HEADERS: [&str; 5] = [
    "content-type",
    "content-length",
    "vary",
    "x-content-type-options",
    "referrer-policy",
];

/// What is wrong with `answer` by the document (empty: nothing).
fn check(
    doc: &Value,
    op: &Op,
    (valid, why_invalid): (bool, &[String]),
    answer: &Answer,
    schemas: &mut Schemas,
) -> Vec<String> {
    let mut wrong = Vec::new();
    let status = answer.status;
    if status >= 500 {
        wrong.push(format!("a server error {status}: {}", answer.body));
    }
    let documented = resolve(doc, &op.spec["responses"][status.to_string()]);
    if documented.is_null() {
        wrong.push(format!(
            "status {status} is not documented for this operation: {}",
            answer.body
        ));
        return wrong;
    }
    if status < 400 && !valid {
        wrong.push(format!(
            "success {status} for a request the document calls invalid ({why_invalid:?})"
        ));
    }
    let content = documented.get("content").and_then(Value::as_object);
    match content.and_then(|c| c.get(answer.content_type.as_str())) {
        Some(media) => {
            let schema = resolve(doc, &media["schema"]).clone();
            let errors = schemas.errors(&schema, &answer.body);
            if !errors.is_empty() {
                wrong.push(format!(
                    "the body does not match the documented schema: {errors:?}"
                ));
            }
            if answer.content_type == "application/problem+json"
                && answer.body["status"] != json!(status)
            {
                wrong.push(format!(
                    "the problem's status is not {status}: {}",
                    answer.body
                ));
            }
        }
        None if status == 304 => {}
        None => wrong.push(format!(
            "content type {:?} is not documented for {status} (documented: {:?})",
            answer.content_type,
            content.map(|c| c.keys().cloned().collect::<Vec<_>>())
        )),
    }
    let headers = documented.get("headers").and_then(Value::as_object);
    let listed =
        |name: &str| headers.is_some_and(|h| h.keys().any(|k| k.eq_ignore_ascii_case(name)));
    for name in answer.headers.keys() {
        if !TRANSPORT_HEADERS.contains(&name.as_str()) && !listed(name.as_str()) {
            wrong.push(format!("header {name} is not documented for {status}"));
        }
    }
    for (name, header) in headers.into_iter().flatten() {
        if header["required"] == json!(true) && !answer.headers.contains_key(name.as_str()) {
            wrong.push(format!(
                "header {name}, documented as always sent with {status}, is missing"
            ));
        }
    }
    wrong
}

fn operations(doc: &Value) -> Vec<Op> {
    let mut ops = Vec::new();
    for (template, methods) in doc["paths"].as_object().expect("paths") {
        for (method, spec) in methods.as_object().expect("methods") {
            ops.push(Op {
                method: method.to_ascii_uppercase(),
                template: template.clone(),
                spec: spec.clone(),
            });
        }
    }
    ops
}

/// A backend behind the HTTP layer, with who may call it.
struct Target {
    name: &'static str,
    app: Router,
    /// A participant's token.
    resident: String,
    moderator: String,
    /// Whether participants' tokens are checked: `plaza-local` has one
    /// participant, the page, whatever a request carries.
    checks_participants: bool,
}

#[tokio::test]
async fn the_server_answers_as_its_openapi_document_says() {
    // Forged tokens would soon bring 429 for every request from the one
    // address; the limit has tests of its own.
    let (app, resident) = seeded_app(&["--auth-failures-per-minute", "0"]).await;
    fuzz(Target {
        name: "plaza-server",
        app,
        resident,
        moderator: MODERATOR.to_owned(),
        checks_participants: true,
    })
    .await;
}

#[tokio::test]
async fn plaza_local_answers_as_the_openapi_document_says() {
    // The conformance kit's adapter: plaza-local with the HTTP layer a
    // server would add, its state kept as the widget keeps it.
    let app = plaza_conformance::local::router();
    let moderator = plaza_conformance::local::MODERATOR_TOKEN.to_owned();
    let resident = seed_into(&app, &moderator).await;
    fuzz(Target {
        name: "plaza-local",
        app,
        resident,
        moderator,
        checks_participants: false,
    })
    .await;
}

/// Sends the generated requests to `target` and checks every answer.
async fn fuzz(target: Target) {
    let doc: Value = serde_json::from_str(DOCUMENT).expect("openapi.json");
    let seed: u64 = std::env::var("PROPTEST_RNG_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20261203);
    let requests: usize = std::env::var("PLAZA_FUZZ_REQUESTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3000);
    let ops = operations(&doc);
    let app = &target.app;
    let mut schemas = Schemas {
        components: doc["components"].clone(),
        compiled: HashMap::new(),
    };
    let mut pools = Pools::new();
    let mut keys = Vec::new();
    let mut rng = Rng(seed);
    let mut successes: BTreeMap<String, usize> = BTreeMap::new();
    let mut statuses: BTreeMap<u16, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    for i in 0..requests {
        let op = &ops[i % ops.len()];
        let generated =
            generate_request(&doc, op, &pools, &mut schemas, &target, &mut keys, &mut rng);
        let Generated {
            request,
            described,
            valid,
            why_invalid,
        } = generated;
        let cdf = request
            .uri()
            .query()
            .is_some_and(|q| q.contains("format=cdf"));
        let answer = call(app, request).await;
        let mut wrong = check(&doc, op, (valid, &why_invalid), &answer, &mut schemas);
        // The export's document allows either format: the one asked for comes.
        if op.spec["operationId"] == "exportBallots" && answer.status == 200 {
            let is_cdf = answer.body["@type"] == "CVR.CastVoteRecordReport";
            if is_cdf != cdf {
                wrong.push(format!(
                    "the export is not in the format asked for (cdf: {cdf})"
                ));
            }
        }
        *statuses.entry(answer.status).or_default() += 1;
        if answer.status < 300 {
            *successes
                .entry(format!("{} {}", op.method, op.template))
                .or_default() += 1;
            pools.learn(&answer.body);
        }
        if !wrong.is_empty() && failures.len() < 20 {
            failures.push(format!(
                "request {i}: {described}\n  answered {}: {wrong:?}",
                answer.status
            ));
        }
    }
    let name = target.name;
    println!("{name}: seed {seed}, {requests} requests; statuses {statuses:?}");
    assert!(
        failures.is_empty(),
        "{name}, seed {seed}:\n{}",
        failures.join("\n")
    );
    let missing: Vec<String> = ops
        .iter()
        .map(|op| format!("{} {}", op.method, op.template))
        .filter(|name| !successes.contains_key(name))
        .collect();
    assert!(
        missing.is_empty(),
        "{name}: no request succeeded for {missing:?} (seed {seed}): the generator does not reach them"
    );
}
