package lab.kvstore.api;

import java.util.HashSet;
import java.util.Set;
import lab.kvstore.limits.KvLimits;
import lab.platform.problem.CommonProblems;
import lab.platform.problem.ProblemException;

/**
 * The numbers in internal paths and parameters, parsed here rather than by Spring so that every
 * hostile spelling (non-numeric, negative, past {@code int}, out of range) is one clear 400
 * naming the parameter and its range.
 */
final class InternalParameters {

    private InternalParameters() {
    }

    /** A partition number: 0 to {@code partitionCount - 1}. */
    static int partition(String text, int partitionCount) {
        return inRange("partition", text, 0, partitionCount - 1);
    }

    /** A Merkle tree's leaf count: a power of two from 1 to {@link KvLimits#MAX_MERKLE_SEGMENTS}. */
    static int segmentCount(String text) {
        int segments = inRange("segments", text, 1, KvLimits.MAX_MERKLE_SEGMENTS);
        if (Integer.bitCount(segments) != 1) {
            throw invalid("segments", "segments=" + segments + " is not a power of two");
        }
        return segments;
    }

    /** {@code wanted}: distinct segment numbers below {@code segmentCount}, comma-separated, at most one per segment. */
    static Set<Integer> segmentIds(String wanted, int segmentCount) {
        String[] parts = wanted.split(",", -1);
        if (parts.length > segmentCount) {
            throw invalid("wanted", "wanted names " + parts.length + " segments of " + segmentCount);
        }
        Set<Integer> ids = new HashSet<>();
        for (String part : parts) {
            ids.add(inRange("wanted", part, 0, segmentCount - 1));
        }
        return ids;
    }

    private static int inRange(String name, String text, int min, int max) {
        if (text.isEmpty() || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw invalid(name, name + "='" + abbreviated(text) + "' is not a decimal number in " + min + ".." + max);
        }
        long value = text.length() > 10 ? Long.MAX_VALUE : Long.parseLong(text);
        if (value < min || value > max) {
            throw invalid(name, name + "=" + abbreviated(text) + " is outside " + min + ".." + max);
        }
        return (int) value;
    }

    private static String abbreviated(String text) {
        return text.length() <= 24 ? text : text.substring(0, 24) + "…";
    }

    private static ProblemException invalid(String name, String detail) {
        return CommonProblems.INVALID_PARAMETER.exception(detail).with("parameter", name);
    }
}
