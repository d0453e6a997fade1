-- Login devices (登录设备): the browsers an account has logged in from, by
-- the hash of a long-lived random cookie, so a login from any other device
-- sends the holder an alert (新设备登录提醒).
CREATE TABLE known_devices (
    account_id BIGINT NOT NULL,
    device_hash TEXT NOT NULL,
    first_seen_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, device_hash)
);
