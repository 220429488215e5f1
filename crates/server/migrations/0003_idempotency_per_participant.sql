-- A participant's stored answers, newest first: each new key drops those
-- beyond the newest 500 (`idempotency::forget_oldest`), which reads them
-- in this order.
CREATE INDEX idempotency_keys_participant_age
    ON idempotency_keys (participant_id, created_at, key);
