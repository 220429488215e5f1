-- Who a flag comes from, so that one person cannot hide content alone:
-- `network` is a keyed hash of the flagger's address (IPv6 by /64), and
-- `standing` 2 for a resident the city's site signed in, 1 for an anonymous
-- participant past the trust threshold (old enough, and has contributed),
-- 0 for any other. Only standings 1 (one per network) and 2 count towards
-- hiding; every flag still reaches the moderation queue.
ALTER TABLE flags ADD COLUMN network TEXT NOT NULL DEFAULT '';
ALTER TABLE flags ADD COLUMN standing BIGINT NOT NULL DEFAULT 0;
