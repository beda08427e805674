package lab.gateway.ratelimit;

import java.net.ConnectException;
import java.util.concurrent.TimeoutException;
import org.springframework.cloud.gateway.support.NotFoundException;
import org.springframework.web.reactive.function.client.WebClientRequestException;

/** Why the limiter gave no usable decision, as far as it matters for the bound: could it have counted the request? */
enum LimiterSilence {
    /** It answered without deciding, refused the connection, or had no live node: nothing was counted. */
    NOT_COUNTED,
    /** The call was sent and no answer came in time (or the connection broke): the limiter may have counted it. */
    MAYBE_COUNTED;

    static LimiterSilence of(Throwable error) {
        if (error instanceof NotFoundException
                || error instanceof WebClientRequestException e && e.getCause() instanceof ConnectException) {
            return NOT_COUNTED;
        }
        return error instanceof TimeoutException || error instanceof WebClientRequestException ? MAYBE_COUNTED : NOT_COUNTED;
    }
}
