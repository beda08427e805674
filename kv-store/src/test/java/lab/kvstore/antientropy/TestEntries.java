package lab.kvstore.antientropy;

import java.nio.charset.StandardCharsets;
import lab.kvstore.storage.StoredEntry;
import lab.kvstore.version.CausalContext;
import lab.kvstore.version.Dot;
import lab.kvstore.version.Sibling;
import lab.kvstore.version.VersionedValue;

/** Stored entries of given sizes for batching tests. */
public final class TestEntries {

    private TestEntries() {
    }

    /** A key whose value has one concurrent sibling (of another node's dot) per size given, zero-filled. */
    public static StoredEntry of(String key, int... siblingBytes) {
        VersionedValue value = VersionedValue.EMPTY;
        for (int i = 0; i < siblingBytes.length; i++) {
            value = value.join(VersionedValue.write(new Dot("kv-" + (i + 1), 1),
                    new Sibling(new byte[siblingBytes[i]], Sibling.DEFAULT_CONTENT_TYPE, 1_700_000_000_000L, false), CausalContext.EMPTY));
        }
        return new StoredEntry(key.getBytes(StandardCharsets.UTF_8), value);
    }
}
