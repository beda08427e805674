package lab.platform.faults;

/**
 * A fault a service adds on top of the platform's latency, error rate and dropped peers, for
 * example the id-generator's clock offset. It appears as one more member of
 * {@code POST/GET /admin/faults}, one more {@code kind} of the {@code lab.faults.active} metric,
 * and can be cleared with {@code DELETE /admin/faults/{kind}}.
 *
 * @param <T> the JSON value type of the member (a boxed number, a string, a record)
 */
public interface FaultExtension<T> {

    /** The JSON member name, for example {@code clockOffsetMillis}. */
    String field();

    /** The short kind name used in metrics and in the DELETE path, for example {@code clock-offset}. */
    String kind();

    Class<T> valueType();

    /** Throws {@link IllegalArgumentException} with a message for the user when the value is invalid. */
    void validate(T value);

    void apply(T value);

    void clear();

    boolean active();

    T current();
}
