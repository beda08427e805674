-- The W3C trace context of the request that wrote the event, sent as the Kafka record's
-- traceparent header so one payment can be followed into the merchant's channel. Null for
-- events written outside a request (the recovery worker) and for rows written before this.
ALTER TABLE outbox_events ADD COLUMN traceparent text;
