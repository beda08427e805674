package lab.cluster.abuse;

import java.util.Optional;

/** What a probe must get back. Whatever the expectation, a 5xx is a failure. */
enum Expectation {

    /** 401 problem+json: no or a wrong credential. */
    UNAUTHORIZED {
        @Override
        Optional<String> violation(RawHttp.Response r) {
            return r.status() == 401 && r.isProblem() ? Optional.empty() : Optional.of("expected 401 problem+json");
        }
    },
    /** 400 problem+json: input the node understood and refused. */
    BAD_REQUEST {
        @Override
        Optional<String> violation(RawHttp.Response r) {
            return r.status() == 400 && r.isProblem() ? Optional.empty() : Optional.of("expected 400 problem+json");
        }
    },
    /**
     * Any 4xx: refused before a handler ran (Spring Security's firewall answers a malformed path
     * with a bare 400, an unknown spelling is a 404); a body, if any, is problem+json.
     */
    REFUSED {
        @Override
        Optional<String> violation(RawHttp.Response r) {
            if (r.status() < 400 || r.status() >= 500) {
                return Optional.of("expected a 4xx");
            }
            return r.body().isBlank() || r.isProblem() ? Optional.empty() : Optional.of("expected problem+json or no body");
        }
    },
    /** A value at a type's limit that may be legitimate: anything but a server error, and a refusal is problem+json. */
    NO_SERVER_ERROR {
        @Override
        Optional<String> violation(RawHttp.Response r) {
            if (r.status() >= 500) {
                return Optional.of("expected no 5xx");
            }
            return r.status() < 400 || r.isProblem() ? Optional.empty() : Optional.of("expected a refusal as problem+json");
        }
    };

    abstract Optional<String> violation(RawHttp.Response response);
}
