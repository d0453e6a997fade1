-- The SMS outbox (短信发件箱) (sqlite): every message is a template (短信模板)
-- with its parameters, written in the transaction of the change that caused
-- it and delivered afterwards by the outbox worker (server/src/sms), with
-- retries and backoff. A worker claims a row by moving it to 'sending' with a
-- lease (next_attempt_at in the future) and its own claim token: a crashed
-- worker's row becomes due again when the lease ends, so no message is lost.
-- Keep in step with ../postgres/0010_sms_outbox.sql.
--
-- The old table held free texts that nothing ever delivered (the log was
-- the only gateway) and that no provider would send (they accept approved
-- templates only), so they are not carried over.
DROP INDEX sms_outbox_phone;
DROP TABLE sms_outbox;

CREATE TABLE sms_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    phone TEXT NOT NULL,
    -- SmsTemplate::name(), e.g. 'verification_code'
    template TEXT NOT NULL,
    -- JSON object: variable name -> value
    params TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    -- tries so far (claims)
    attempts BIGINT NOT NULL DEFAULT 0,
    -- due from then on: the next try, or the end of a claim's lease
    next_attempt_at BIGINT NOT NULL,
    -- the token of the worker that claimed it ('sending')
    claim TEXT,
    last_error TEXT,
    sent_at BIGINT,
    -- the provider's id for the message (Alibaba Cloud's BizId)
    provider_message_id TEXT,
    created_at BIGINT NOT NULL,
    CONSTRAINT sms_outbox_status CHECK (status IN ('pending', 'sending', 'sent', 'failed'))
);
CREATE INDEX sms_outbox_phone ON sms_outbox (phone, id);
CREATE INDEX sms_outbox_due ON sms_outbox (status, next_attempt_at);

-- Codes are now kept as HMAC-SHA256 with the server's secret: live codes
-- hashed the old way could never match again, so they end here.
UPDATE sms_codes SET used_at = created_at WHERE used_at IS NULL;
