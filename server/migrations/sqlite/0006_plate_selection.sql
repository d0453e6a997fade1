-- Plate pre-selection (机动车预选号牌, V7) (sqlite). Keep in step with ../postgres.
-- The pool of numbers per city. Numbers withheld by rule are never loaded.
-- A number is available, shown in one live batch, held for one vehicle, or
-- taken; a shown or held number whose time ran out counts as available.
CREATE TABLE plate_pool (
    plate TEXT NOT NULL PRIMARY KEY,
    city TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('available', 'shown', 'held', 'taken')),
    vin TEXT,
    batch_id BIGINT,
    until_ms BIGINT NOT NULL DEFAULT 0,
    extended BIGINT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL,
    CHECK ((status IN ('held', 'taken')) = (vin IS NOT NULL))
);
CREATE INDEX plate_pool_city_status ON plate_pool (city, status, until_ms);
-- One number held or taken per vehicle, whatever runs at once.
CREATE UNIQUE INDEX plate_pool_one_per_vin ON plate_pool (vin) WHERE status IN ('held', 'taken');

-- Random batches: the commitment is published before the draw, the seed
-- revealed after. At most three per vehicle (numbered slots).
CREATE TABLE plate_batches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    vin TEXT NOT NULL,
    seq BIGINT NOT NULL CHECK (seq BETWEEN 1 AND 3),
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    city TEXT NOT NULL,
    commitment TEXT NOT NULL,
    server_seed TEXT NOT NULL,
    client_nonce TEXT,
    pool_size BIGINT,
    pool_digest TEXT,
    plates TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    drawn_at BIGINT,
    expires_at BIGINT,
    CONSTRAINT plate_batches_slot UNIQUE (vin, seq)
);

-- Confirmed pre-selections: final, one per vehicle and one per number.
CREATE TABLE plate_selections (
    vin TEXT NOT NULL PRIMARY KEY,
    plate TEXT NOT NULL UNIQUE,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    way TEXT NOT NULL,
    confirmed_at BIGINT NOT NULL
);
