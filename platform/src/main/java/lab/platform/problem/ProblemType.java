package lab.platform.problem;

import java.net.URI;
import java.util.Objects;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;

/**
 * A stable kind of error: its {@code type} URI ({@code /problems/<slug>}), the HTTP status it
 * answers with and a short title. Clients branch on the type, never on the human detail, so a
 * slug is a public contract: once published it is not renamed.
 */
public record ProblemType(String slug, HttpStatus status, String title) {

    private static final Pattern SLUG = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

    public ProblemType {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(title, "title");
        if (slug == null || !SLUG.matcher(slug).matches()) {
            throw new IllegalArgumentException("problem slug must be lower-case-with-dashes: " + slug);
        }
        if (!status.isError()) {
            throw new IllegalArgumentException("a problem answers with a 4xx or 5xx status, not " + status);
        }
    }

    public URI uri() {
        return URI.create("/problems/" + slug);
    }

    public ProblemException exception(String detail) {
        return new ProblemException(this, detail);
    }
}
