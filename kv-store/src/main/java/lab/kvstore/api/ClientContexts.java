package lab.kvstore.api;

import java.io.UncheckedIOException;
import java.util.Set;
import lab.kvstore.limits.KvLimits;
import lab.kvstore.version.CausalContext;
import lab.kvstore.version.VersionCodec;
import lab.platform.problem.ProblemException;

/**
 * What a client may send as {@code X-Context}: a token this store issued, naming only nodes of the
 * ring, each at most once in its vector, with few out-of-order dots and counters far below
 * overflow. Anything else is a 400 {@code invalid-context} before the write reaches a replica, so
 * no client can make a stored context grow without bound or push a counter towards overflow.
 */
final class ClientContexts {

    private ClientContexts() {
    }

    /**
     * @param ringNodes every node this node knows as a ring member or seed (left ones included: a
     *                  stored context keeps the dots they minted)
     */
    static CausalContext parse(String header, Set<String> ringNodes) {
        if (header == null || header.isBlank()) {
            return CausalContext.EMPTY;
        }
        if (header.length() > KvLimits.MAX_CONTEXT_TOKEN_CHARS) {
            throw invalid("it is " + header.length() + " characters long, the limit is " + KvLimits.MAX_CONTEXT_TOKEN_CHARS)
                    .with("limit", KvLimits.MAX_CONTEXT_TOKEN_CHARS);
        }
        CausalContext context;
        try {
            context = VersionCodec.fromToken(header);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw invalid("it is not a context this store issued (" + e.getMessage() + ")");
        }
        if (context.cloud().size() > KvLimits.MAX_CONTEXT_CLOUD_DOTS) {
            throw invalid("it holds " + context.cloud().size() + " out-of-order dots, the limit is " + KvLimits.MAX_CONTEXT_CLOUD_DOTS)
                    .with("limit", KvLimits.MAX_CONTEXT_CLOUD_DOTS);
        }
        DotRules.violation(context, ringNodes).ifPresent(why -> {
            throw invalid(why);
        });
        return context;
    }

    private static ProblemException invalid(String why) {
        return KvProblems.INVALID_CONTEXT.exception("X-Context refused: " + why
                + "; send the X-Context of a previous read or write unchanged, or none");
    }
}
