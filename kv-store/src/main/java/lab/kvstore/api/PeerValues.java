package lab.kvstore.api;

import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;
import lab.kvstore.antientropy.EntriesCodec;
import lab.kvstore.limits.KvLimits;
import lab.kvstore.storage.StoredEntry;
import lab.kvstore.version.VersionCodec;
import lab.kvstore.version.VersionedValue;
import lab.platform.problem.CommonProblems;
import lab.platform.problem.ProblemException;

/**
 * Versioned values a peer sends (replica deltas, hints, anti-entropy pushes), decoded and held
 * to the rules every stored value keeps ({@link DotRules}): a malformed or foreign one is a 400
 * and reaches no replica.
 */
final class PeerValues {

    private PeerValues() {
    }

    static VersionedValue value(byte[] body, Set<String> ringNodes) {
        VersionedValue value;
        try {
            value = VersionCodec.decode(body);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw malformed("not a versioned value: " + e.getMessage());
        }
        return checked(value, ringNodes);
    }

    static List<StoredEntry> entries(byte[] body, Set<String> ringNodes) {
        List<StoredEntry> entries;
        try {
            entries = EntriesCodec.decode(body);
        } catch (IllegalArgumentException | UncheckedIOException | IllegalStateException e) {
            throw malformed("not a list of entries: " + e.getMessage());
        }
        if (entries.size() > KvLimits.MAX_ENTRIES_PER_PUSH) {
            throw malformed(entries.size() + " entries in one push, the limit is " + KvLimits.MAX_ENTRIES_PER_PUSH)
                    .with("limit", KvLimits.MAX_ENTRIES_PER_PUSH);
        }
        for (StoredEntry entry : entries) {
            if (entry.key().length == 0 || entry.key().length > KeyRules.MAX_KEY_BYTES) {
                throw malformed("an entry's key is " + entry.key().length + " bytes; keys are 1 to " + KeyRules.MAX_KEY_BYTES);
            }
            checked(entry.value(), ringNodes);
        }
        return entries;
    }

    private static VersionedValue checked(VersionedValue value, Set<String> ringNodes) {
        DotRules.violation(value, ringNodes).ifPresent(why -> {
            throw malformed("a versioned value refused: " + why);
        });
        return value;
    }

    private static ProblemException malformed(String why) {
        return CommonProblems.MALFORMED_REQUEST.exception(why);
    }
}
