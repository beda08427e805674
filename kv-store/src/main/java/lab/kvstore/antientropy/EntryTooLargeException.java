package lab.kvstore.antientropy;

import java.nio.charset.StandardCharsets;
import lab.kvstore.storage.StoredEntry;

/**
 * One key's value is larger than a node accepts in an internal request. The store's limits make
 * this impossible for a key within kv.max-siblings (see docs/decisions/0012); it can only happen
 * when replicas that did not see each other's writes each let a key reach that many siblings.
 */
public final class EntryTooLargeException extends IllegalStateException {

    public EntryTooLargeException(StoredEntry entry, long bodyBytes, long maxBodyBytes) {
        super("the entry of key '" + abbreviate(new String(entry.key(), StandardCharsets.UTF_8)) + "' ("
                + entry.value().siblings().size() + " siblings) is " + bodyBytes + " bytes on the wire, above the "
                + maxBodyBytes + " bytes a node accepts (lab.http.max-body-bytes); resolve its siblings with a write "
                + "that carries their context, or raise the limit on every node");
    }

    private static String abbreviate(String key) {
        return key.length() > 80 ? key.substring(0, 80) + "…" : key;
    }
}
