package lab.platform.http;

import java.io.IOException;

/** Thrown while a request body is read past the node's limit; the problem handler answers 413. */
public class BodyTooLargeException extends IOException {

    public BodyTooLargeException(long limitBytes) {
        super("Request body exceeds the limit of " + limitBytes + " bytes");
    }
}
