package lab.platform.problem;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import lab.platform.http.BodyTooLargeException;
import org.springframework.beans.TypeMismatchException;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.BindingResult;
import org.springframework.validation.FieldError;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.exc.ValueInstantiationException;

/**
 * Translates the framework's exceptions into our problem types with a detail a user can act on
 * ("unknown field 'ammount'", not "JSON parse error"). Pure function of the exception.
 */
final class ProblemMapping {

    record Mapped(ProblemType type, String detail, Map<String, Object> properties) {
        Mapped(ProblemType type, String detail) {
            this(type, detail, Map.of());
        }
    }

    private ProblemMapping() {
    }

    static Mapped map(Exception ex, int status) {
        return switch (ex) {
            case HttpMessageNotReadableException unreadable -> unreadable(unreadable);
            case MethodArgumentNotValidException invalid -> validation(invalid.getBindingResult());
            case HandlerMethodValidationException invalid -> new Mapped(CommonProblems.VALIDATION_FAILED,
                    invalid.getParameterValidationResults().stream()
                            .flatMap(r -> r.getResolvableErrors().stream()
                                    .map(e -> r.getMethodParameter().getParameterName() + ": " + e.getDefaultMessage()))
                            .collect(Collectors.joining("; ")));
            case HttpMediaTypeNotSupportedException unsupported -> new Mapped(CommonProblems.UNSUPPORTED_MEDIA_TYPE_TYPE,
                    "Content-Type '" + (unsupported.getContentType() == null ? "(none)" : unsupported.getContentType())
                            + "' is not supported here; send one of " + unsupported.getSupportedMediaTypes());
            case HttpMediaTypeNotAcceptableException notAcceptable -> new Mapped(CommonProblems.NOT_ACCEPTABLE_TYPE,
                    "None of the accepted media types can be produced; this endpoint produces "
                            + notAcceptable.getSupportedMediaTypes());
            case HttpRequestMethodNotSupportedException method -> new Mapped(CommonProblems.METHOD_NOT_ALLOWED_TYPE,
                    "Method " + method.getMethod() + " is not supported here; supported: "
                            + String.join(", ", method.getSupportedMethods() == null ? new String[0] : method.getSupportedMethods()));
            case NoResourceFoundException notFound -> new Mapped(CommonProblems.NOT_FOUND_TYPE,
                    "No endpoint " + notFound.getHttpMethod() + " /" + notFound.getResourcePath());
            case MissingServletRequestParameterException missing -> new Mapped(CommonProblems.MISSING_PARAMETER,
                    "Query parameter '" + missing.getParameterName() + "' (" + missing.getParameterType() + ") is required");
            case MissingRequestHeaderException missing -> new Mapped(CommonProblems.MISSING_HEADER,
                    "Header '" + missing.getHeaderName() + "' is required");
            case TypeMismatchException mismatch -> new Mapped(CommonProblems.INVALID_PARAMETER,
                    "Parameter '" + mismatch.getPropertyName() + "' must be "
                            + (mismatch.getRequiredType() == null ? "valid" : "a valid " + mismatch.getRequiredType().getSimpleName())
                            + ", got '" + mismatch.getValue() + "'");
            default -> new Mapped(CommonProblems.forStatus(status), fallbackDetail(ex, status));
        };
    }

    private static Mapped unreadable(HttpMessageNotReadableException ex) {
        for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
            switch (cause) {
                case BodyTooLargeException tooLarge -> {
                    return new Mapped(CommonProblems.PAYLOAD_TOO_LARGE, tooLarge.getMessage());
                }
                case UnrecognizedPropertyException unknown -> {
                    return new Mapped(CommonProblems.UNKNOWN_FIELD,
                            "Unknown field '" + pathOf(unknown) + "'; known fields: " + unknown.getKnownPropertyIds(),
                            Map.of("field", pathOf(unknown)));
                }
                case InvalidFormatException invalid -> {
                    return new Mapped(CommonProblems.INVALID_FIELD,
                            "Field '" + pathOf(invalid) + "' cannot be read as " + invalid.getTargetType().getSimpleName()
                                    + ": " + quote(invalid.getValue()),
                            Map.of("field", pathOf(invalid)));
                }
                case ValueInstantiationException instantiation -> {
                    Throwable root = instantiation.getCause() != null ? instantiation.getCause() : instantiation;
                    return new Mapped(CommonProblems.INVALID_FIELD, "Invalid request body: " + root.getMessage());
                }
                case MismatchedInputException missing when !missing.getPath().isEmpty()
                        && String.valueOf(missing.getOriginalMessage()).startsWith("Cannot map `null`") -> {
                    return new Mapped(CommonProblems.INVALID_FIELD,
                            "Field '" + pathOf(missing) + "' is required"
                                    + (missing.getTargetType() == null ? "" : " (" + missing.getTargetType().getSimpleName() + ")"),
                            Map.of("field", pathOf(missing)));
                }
                case MismatchedInputException mismatched when !mismatched.getPath().isEmpty() -> {
                    return new Mapped(CommonProblems.INVALID_FIELD,
                            "Field '" + pathOf(mismatched) + "' has the wrong type or shape"
                                    + (mismatched.getTargetType() == null ? "" : "; expected " + mismatched.getTargetType().getSimpleName()),
                            Map.of("field", pathOf(mismatched)));
                }
                case MismatchedInputException mismatched -> {
                    return new Mapped(CommonProblems.MALFORMED_REQUEST,
                            "Request body is empty or not a JSON value of the expected shape: " + firstLine(mismatched.getOriginalMessage()));
                }
                case StreamReadException malformed -> {
                    String where = malformed.getLocation() == null ? ""
                            : " at line " + malformed.getLocation().getLineNr() + ", column " + malformed.getLocation().getColumnNr();
                    return new Mapped(CommonProblems.MALFORMED_REQUEST, "Malformed JSON" + where + ": " + firstLine(malformed.getOriginalMessage()));
                }
                default -> {
                }
            }
        }
        String message = ex.getMessage() == null ? "" : ex.getMessage();
        if (message.startsWith("Required request body is missing")) {
            return new Mapped(CommonProblems.MALFORMED_REQUEST, "A request body is required");
        }
        return new Mapped(CommonProblems.MALFORMED_REQUEST, "The request body could not be read: " + firstLine(message));
    }

    private static Mapped validation(BindingResult result) {
        List<Map<String, Object>> errors = result.getFieldErrors().stream()
                .map(ProblemMapping::fieldError)
                .toList();
        String detail = errors.stream()
                .map(e -> e.get("field") + ": " + e.get("message"))
                .collect(Collectors.joining("; "));
        if (detail.isEmpty()) {
            detail = result.getGlobalErrors().stream().map(e -> e.getDefaultMessage()).collect(Collectors.joining("; "));
        }
        return new Mapped(CommonProblems.VALIDATION_FAILED, detail, Map.of("errors", errors));
    }

    private static Map<String, Object> fieldError(FieldError error) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("field", error.getField());
        map.put("message", error.getDefaultMessage());
        return map;
    }

    private static String pathOf(DatabindException ex) {
        StringBuilder path = new StringBuilder();
        for (var reference : ex.getPath()) {
            if (reference.getPropertyName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.isEmpty() ? "(root)" : path.toString();
    }

    private static String quote(Object value) {
        return value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private static String fallbackDetail(Exception ex, int status) {
        if (status >= 500) {
            return "The node failed to handle the request; its log has the details";
        }
        return ex.getMessage() == null ? "Bad request" : firstLine(ex.getMessage());
    }
}
