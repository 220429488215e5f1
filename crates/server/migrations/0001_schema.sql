-- One schema for SQLite and PostgreSQL: only TEXT and BIGINT columns, times
-- as Unix milliseconds, booleans as 0/1, JSON documents as TEXT. Keeping to
-- the common subset is what lets one set of queries run on both.

-- Server-wide values every process shares, e.g. the key that signs anonymous tokens.
CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE participants (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,           -- 'anonymous' | 'host'
    created_at BIGINT NOT NULL
);

-- The deliberation document as imported (its counts are derived on read).
CREATE TABLE deliberations (
    id            TEXT PRIMARY KEY,
    document      TEXT NOT NULL,
    current_phase TEXT NOT NULL,
    poll_id       TEXT,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);

-- The poll document as imported; status is the live value the moderator sets.
-- ballots_version changes with every ballot change: cached results say which
-- version they counted.
CREATE TABLE polls (
    id              TEXT PRIMARY KEY,
    deliberation_id TEXT NOT NULL REFERENCES deliberations (id),
    document        TEXT NOT NULL,
    status          TEXT NOT NULL,
    ballots_version BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE arguments (
    id              TEXT PRIMARY KEY,
    deliberation_id TEXT NOT NULL REFERENCES deliberations (id),
    stance          TEXT NOT NULL,
    text            TEXT NOT NULL,
    lang            TEXT,
    display_name    TEXT,
    author_id       TEXT,
    created_at      BIGINT NOT NULL,
    helpful         BIGINT NOT NULL DEFAULT 0,
    changed_my_mind BIGINT NOT NULL DEFAULT 0,
    comment_count   BIGINT NOT NULL DEFAULT 0,
    status          TEXT NOT NULL DEFAULT 'visible',
    flags           BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX arguments_recent ON arguments (deliberation_id, stance, created_at, id);
CREATE INDEX arguments_helpful ON arguments (deliberation_id, stance, helpful, created_at, id);
CREATE INDEX arguments_all_recent ON arguments (deliberation_id, created_at, id);

CREATE TABLE comments (
    id              TEXT PRIMARY KEY,
    argument_id     TEXT NOT NULL REFERENCES arguments (id),
    deliberation_id TEXT NOT NULL REFERENCES deliberations (id),
    parent_id       TEXT,
    text            TEXT NOT NULL,
    lang            TEXT,
    display_name    TEXT,
    author_id       TEXT,
    created_at      BIGINT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'visible',
    flags           BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX comments_thread ON comments (argument_id, created_at, id);
CREATE INDEX comments_deliberation ON comments (deliberation_id, status);

CREATE TABLE proposals (
    id              TEXT PRIMARY KEY,
    deliberation_id TEXT NOT NULL REFERENCES deliberations (id),
    title           TEXT NOT NULL,
    description     TEXT,
    lang            TEXT,
    display_name    TEXT,
    author_id       TEXT,
    created_at      BIGINT NOT NULL,
    decision        TEXT NOT NULL DEFAULT 'under_review',
    status          TEXT NOT NULL DEFAULT 'visible',
    flags           BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX proposals_by_deliberation ON proposals (deliberation_id, created_at, id);

-- One row per participant and kind: the primary key makes PUT/DELETE idempotent.
CREATE TABLE reactions (
    argument_id    TEXT NOT NULL REFERENCES arguments (id),
    participant_id TEXT NOT NULL,
    kind           TEXT NOT NULL,
    PRIMARY KEY (argument_id, participant_id, kind)
);
CREATE INDEX reactions_by_participant ON reactions (participant_id, argument_id);

-- One flag per participant and target, so N flags are N people.
CREATE TABLE flags (
    target_type    TEXT NOT NULL,
    target_id      TEXT NOT NULL,
    participant_id TEXT NOT NULL,
    reason         TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    PRIMARY KEY (target_type, target_id, participant_id)
);

-- One ballot per participant and poll: casting again replaces it (an upsert
-- under this key, so concurrent submissions can never leave two).
CREATE TABLE ballots (
    poll_id        TEXT NOT NULL REFERENCES polls (id),
    participant_id TEXT NOT NULL,
    ranking        TEXT NOT NULL,       -- JSON array of option ids
    tracker        TEXT NOT NULL UNIQUE,
    recorded_at    BIGINT NOT NULL,
    PRIMARY KEY (poll_id, participant_id)
);

CREATE TABLE results_cache (
    poll_id         TEXT PRIMARY KEY REFERENCES polls (id),
    ballots_version BIGINT NOT NULL,
    document        TEXT NOT NULL
);

-- Who took part in a deliberation (for counts.participants). Seeded content
-- without a participant counts under a 'seed:' pseudo-id.
CREATE TABLE contributors (
    deliberation_id TEXT NOT NULL,
    participant_id  TEXT NOT NULL,
    PRIMARY KEY (deliberation_id, participant_id)
);

-- Idempotency-Key records: status is NULL while the first request runs.
CREATE TABLE idempotency_keys (
    participant_id TEXT NOT NULL,
    key            TEXT NOT NULL,
    fingerprint    TEXT NOT NULL,
    status         BIGINT,
    location       TEXT,
    body           TEXT,
    created_at     BIGINT NOT NULL,
    PRIMARY KEY (participant_id, key)
);
CREATE INDEX idempotency_keys_age ON idempotency_keys (created_at);

-- Fixed-window rate-limit counters, shared by every server process.
CREATE TABLE rate_limits (
    bucket       TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    hits         BIGINT NOT NULL,
    PRIMARY KEY (bucket, window_start)
);
CREATE INDEX rate_limits_age ON rate_limits (window_start);
