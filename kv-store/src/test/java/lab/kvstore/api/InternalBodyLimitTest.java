package lab.kvstore.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Properties;
import lab.kvstore.antientropy.EntriesCodec;
import lab.kvstore.storage.StoredEntry;
import lab.kvstore.version.CausalContext;
import lab.kvstore.version.Dot;
import lab.kvstore.version.Sibling;
import lab.kvstore.version.VersionedValue;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.YamlPropertiesFactoryBean;
import org.springframework.core.io.ClassPathResource;

/** The body limit against the largest key the store lets a write make. */
class InternalBodyLimitTest {

    private static final int MAX_SIBLINGS = 16;

    /** The worst key the API and the write path allow: longest key, content type and node ids, max-siblings values of 1 MiB. */
    private static StoredEntry largestEntry(int siblings) {
        String contentType = "€".repeat(KeyRules.MAX_CONTENT_TYPE_CHARS); // 3 bytes each in (modified) UTF-8
        VersionedValue value = VersionedValue.EMPTY;
        for (int i = 0; i < siblings; i++) {
            String node = ("n" + i + "-").repeat(30).substring(0, InternalBodyLimit.MAX_NODE_ID_BYTES);
            value = value.join(VersionedValue.write(new Dot(node, Long.MAX_VALUE - i),
                    new Sibling(new byte[KeyRules.MAX_VALUE_BYTES], contentType, Long.MAX_VALUE, false), CausalContext.EMPTY));
        }
        return new StoredEntry(new byte[KeyRules.MAX_KEY_BYTES], value);
    }

    @Test
    void theLargestKeyAWriteCanMakeFitsTheComputedBound() {
        long encoded = EntriesCodec.encode(List.of(largestEntry(MAX_SIBLINGS))).length;
        assertThat(encoded).isLessThanOrEqualTo(InternalBodyLimit.largestEntryBodyBytes(MAX_SIBLINGS));
        assertThat(InternalBodyLimit.largestEntryBodyBytes(MAX_SIBLINGS) - encoded)
                .as("only the context allowance is slack").isLessThanOrEqualTo(InternalBodyLimit.CONTEXT_ALLOWANCE_BYTES);
    }

    @Test
    void theShippedLimitCarriesTheShippedMaxSiblings() {
        YamlPropertiesFactoryBean yaml = new YamlPropertiesFactoryBean();
        yaml.setResources(new ClassPathResource("application.yml"));
        Properties properties = yaml.getObject();
        long maxBodyBytes = Long.parseLong(properties.getProperty("lab.http.max-body-bytes"));
        int maxSiblings = Integer.parseInt(properties.getProperty("kv.max-siblings"));
        assertThat(InternalBodyLimit.checked(maxBodyBytes, maxSiblings).maxBodyBytes()).isEqualTo(maxBodyBytes);
    }

    @Test
    void aLimitBelowTheLargestKeyRefusesToStartAndSaysWhatToRaise() {
        assertThatThrownBy(() -> InternalBodyLimit.checked(1_114_112, MAX_SIBLINGS))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("lab.http.max-body-bytes").hasMessageContaining("kv.max-siblings=16")
                .hasMessageContaining(Long.toString(InternalBodyLimit.largestEntryBodyBytes(MAX_SIBLINGS)));
        assertThat(InternalBodyLimit.checked(InternalBodyLimit.largestEntryBodyBytes(1), 1).maxBodyBytes())
                .isEqualTo(InternalBodyLimit.largestEntryBodyBytes(1));
    }
}
