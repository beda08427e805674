package lab.kvstore.api;

import lab.platform.problem.CommonProblems;

/** R and W as a caller states them: between 1 and the ring's N, else a 400 naming the parameter. */
final class Quorums {

    private Quorums() {
    }

    /**
     * A quorum parameter as the request spells it: absent means the default; anything but the
     * plain decimal digits of a number from 1 to N (empty, signs, hex, fractions, overflow) is a 400.
     */
    static int parsed(String name, String text, int fallback, int replicas) {
        if (text == null) {
            return checked(name, null, fallback, replicas);
        }
        if (text.isEmpty() || text.length() > 9 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            String shown = text.length() <= 24 ? text : text.substring(0, 24) + "…";
            throw CommonProblems.INVALID_PARAMETER.exception(name + "='" + shown + "' is not a number between 1 and N=" + replicas)
                    .with("parameter", name);
        }
        return checked(name, Integer.parseInt(text), fallback, replicas);
    }

    static int checked(String name, Integer requested, int fallback, int replicas) {
        int quorum = requested == null ? Math.min(fallback, replicas) : requested;
        if (quorum < 1 || quorum > replicas) {
            throw CommonProblems.INVALID_PARAMETER.exception(name + "=" + quorum + " must be between 1 and N=" + replicas)
                    .with("parameter", name);
        }
        return quorum;
    }
}
