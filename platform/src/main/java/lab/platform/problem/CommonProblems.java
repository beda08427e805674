package lab.platform.problem;

import static org.springframework.http.HttpStatus.*;

/** The problem types every service shares. Service-specific types live with their feature. */
public final class CommonProblems {

    public static final ProblemType MALFORMED_REQUEST = new ProblemType("malformed-request", BAD_REQUEST, "Malformed request body");
    public static final ProblemType UNKNOWN_FIELD = new ProblemType("unknown-field", BAD_REQUEST, "Unknown field in request body");
    public static final ProblemType INVALID_FIELD = new ProblemType("invalid-field", BAD_REQUEST, "Invalid value in request body");
    public static final ProblemType VALIDATION_FAILED = new ProblemType("validation-failed", BAD_REQUEST, "Request failed validation");
    public static final ProblemType INVALID_PARAMETER = new ProblemType("invalid-parameter", BAD_REQUEST, "Invalid request parameter");
    public static final ProblemType MISSING_PARAMETER = new ProblemType("missing-parameter", BAD_REQUEST, "Missing request parameter");
    public static final ProblemType MISSING_HEADER = new ProblemType("missing-header", BAD_REQUEST, "Missing request header");
    public static final ProblemType BAD_REQUEST_TYPE = new ProblemType("bad-request", BAD_REQUEST, "Bad request");
    public static final ProblemType UNAUTHORIZED_TYPE = new ProblemType("unauthorized", UNAUTHORIZED, "Missing or malformed bearer token");
    public static final ProblemType FORBIDDEN_TYPE = new ProblemType("forbidden", FORBIDDEN, "Wrong admin token");
    public static final ProblemType CLUSTER_CREDENTIAL_REQUIRED = new ProblemType("cluster-credential-required", UNAUTHORIZED,
            "Missing or wrong cluster credential");
    public static final ProblemType REJECTED_REQUEST = new ProblemType("rejected-request", BAD_REQUEST,
            "Request refused before routing");
    public static final ProblemType NOT_FOUND_TYPE = new ProblemType("not-found", NOT_FOUND, "Not found");
    public static final ProblemType METHOD_NOT_ALLOWED_TYPE = new ProblemType("method-not-allowed", METHOD_NOT_ALLOWED, "Method not allowed");
    public static final ProblemType NOT_ACCEPTABLE_TYPE = new ProblemType("not-acceptable", NOT_ACCEPTABLE, "Not acceptable");
    public static final ProblemType PAYLOAD_TOO_LARGE = new ProblemType("payload-too-large", CONTENT_TOO_LARGE, "Request body too large");
    public static final ProblemType UNSUPPORTED_MEDIA_TYPE_TYPE = new ProblemType("unsupported-media-type", UNSUPPORTED_MEDIA_TYPE, "Unsupported media type");
    public static final ProblemType INJECTED_FAULT = new ProblemType("injected-fault", SERVICE_UNAVAILABLE, "Fault injected by an operator");
    public static final ProblemType PEER_PARTITIONED = new ProblemType("peer-partitioned", SERVICE_UNAVAILABLE, "Traffic from this peer is dropped");
    public static final ProblemType SERVICE_UNAVAILABLE_TYPE = new ProblemType("service-unavailable", SERVICE_UNAVAILABLE, "Service unavailable");
    public static final ProblemType INTERNAL_ERROR = new ProblemType("internal-error", INTERNAL_SERVER_ERROR, "Internal error");

    private CommonProblems() {
    }

    /** The shared type for a status that has no more specific one. */
    public static ProblemType forStatus(int status) {
        return switch (status) {
            case 400 -> BAD_REQUEST_TYPE;
            case 401 -> UNAUTHORIZED_TYPE;
            case 403 -> FORBIDDEN_TYPE;
            case 404 -> NOT_FOUND_TYPE;
            case 405 -> METHOD_NOT_ALLOWED_TYPE;
            case 406 -> NOT_ACCEPTABLE_TYPE;
            case 413 -> PAYLOAD_TOO_LARGE;
            case 415 -> UNSUPPORTED_MEDIA_TYPE_TYPE;
            case 503 -> SERVICE_UNAVAILABLE_TYPE;
            default -> status >= 500 ? INTERNAL_ERROR : BAD_REQUEST_TYPE;
        };
    }
}
