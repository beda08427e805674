package lab.kvstore.storage;

import lab.kvstore.version.VersionedValue;

/** One stored key (UTF-8 bytes, without the partition prefix) and its value. */
public record StoredEntry(byte[] key, VersionedValue value) {
}
