package lab.gateway.routes;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;

/**
 * One node of a service as the environment names it: {@code idgen-1=http://127.0.0.1:8101}, or a
 * bare URL (then the node is named after its host and port). The name becomes the instance id,
 * the {@code instance} tag of the upstream metrics and the {@code X-Gateway-Instance} header.
 */
record StaticInstance(String name, URI url) {

    static List<StaticInstance> parseList(String serviceId, String spec) {
        List<StaticInstance> result = new ArrayList<>();
        if (spec == null) {
            return result;
        }
        for (String raw : spec.split(",")) {
            String entry = raw.strip();
            if (entry.isEmpty()) {
                continue;
            }
            int eq = entry.indexOf('=');
            URI url = URI.create(eq > 0 ? entry.substring(eq + 1).strip() : entry);
            if (url.getScheme() == null || url.getHost() == null || url.getPort() < 0) {
                throw new IllegalArgumentException("instance '" + entry + "' of " + serviceId
                        + " must look like name=http://host:port");
            }
            result.add(new StaticInstance(eq > 0 ? entry.substring(0, eq).strip() : url.getHost() + "-" + url.getPort(), url));
        }
        return result;
    }

    ServiceInstance toServiceInstance(String serviceId) {
        return new DefaultServiceInstance(name, serviceId, url.getHost(), url.getPort(), "https".equals(url.getScheme()));
    }
}
