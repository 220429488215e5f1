-- Every moderation action, for staff (with who did it) and residents
-- (what and why, per deliberation). `what` is the contract's
-- ModerationChange as JSON; `staff` is `staff:<id>` or `moderator-token`.
CREATE TABLE moderation_log (
    id              TEXT PRIMARY KEY,
    created_at      BIGINT NOT NULL,
    deliberation_id TEXT NOT NULL,
    what            TEXT NOT NULL,
    reason          TEXT,
    staff           TEXT NOT NULL
);
CREATE INDEX moderation_log_newest ON moderation_log (created_at, id);
CREATE INDEX moderation_log_deliberation ON moderation_log (deliberation_id, created_at, id);
