-- The W3C trace context of the request that started the operation. The recovery worker continues
-- that trace when it finishes an operation left between phases, so its log lines and the events it
-- writes carry the request's trace id. Null for operations written before this.
ALTER TABLE payment_operations ADD COLUMN traceparent text;
