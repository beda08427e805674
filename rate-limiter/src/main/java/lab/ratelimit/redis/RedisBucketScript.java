package lab.ratelimit.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import lab.ratelimit.bucket.BucketConfig;
import lab.ratelimit.bucket.Decision;

/**
 * The token-bucket script ({@code bucket.lua}) as one Redis round trip: EVALSHA, and EVAL only
 * when Redis answers NOSCRIPT (a restarted Redis has an empty script cache), which also loads it
 * for the next call. The script's answer is checked before it is trusted: a malformed reply is
 * a script error, counted in {@code ratelimit.script.errors}, never a silent admit.
 */
public final class RedisBucketScript {

    /** Bucket keys live under this prefix, so an operator can see and drop them with one SCAN pattern. */
    public static final String KEY_PREFIX = "ratelimit:bucket:";

    private final String source;
    private final String sha;
    private final Counter reloads;
    private final Counter malformed;

    public RedisBucketScript(MeterRegistry registry) {
        this.source = resource("bucket.lua");
        this.sha = sha1(source);
        this.reloads = Counter.builder("ratelimit.script.errors").tag("kind", "noscript")
                .description("Script calls Redis did not know by SHA (after a Redis restart); re-sent with EVAL")
                .register(registry);
        this.malformed = Counter.builder("ratelimit.script.errors").tag("kind", "malformed-reply")
                .description("Script replies that did not have the expected shape")
                .register(registry);
    }

    public String sha() {
        return sha;
    }

    public String source() {
        return source;
    }

    /** Decides {@code permits} for {@code bucketKey} (without the prefix) in one atomic round trip. */
    public CompletionStage<Decision> decide(RedisAsyncCommands<String, String> redis, String bucketKey,
                                            BucketConfig config, long permits, boolean consume) {
        String[] keys = {KEY_PREFIX + bucketKey};
        String[] args = {Double.toString(config.capacity()), Double.toString(config.refillPerSecond()),
                Long.toString(permits), consume ? "1" : "0"};
        CompletionStage<List<Object>> reply = redis.<List<Object>>evalsha(sha, ScriptOutputType.MULTI, keys, args)
                .exceptionallyCompose(failure -> {
                    if (unwrap(failure) instanceof RedisNoScriptException) {
                        reloads.increment();
                        return redis.<List<Object>>eval(source, ScriptOutputType.MULTI, keys, args);
                    }
                    return CompletableFuture.failedStage(failure);
                });
        return reply.thenApply(this::parse);
    }

    private Decision parse(List<Object> reply) {
        try {
            if (reply.size() != 4) {
                throw new IllegalStateException("expected 4 elements, got " + reply);
            }
            boolean allowed = ((Long) reply.get(0)) == 1L;
            double tokens = Double.parseDouble((String) reply.get(1));
            return new Decision(allowed, tokens, (Long) reply.get(2), (Long) reply.get(3));
        } catch (RuntimeException e) {
            malformed.increment();
            throw new IllegalStateException("bucket script answered " + reply + ": " + e.getMessage(), e);
        }
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    static String resource(String name) {
        try (InputStream in = RedisBucketScript.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("script " + name + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read script " + name, e);
        }
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-1", e);
        }
    }
}
