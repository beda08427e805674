package lab.load.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterStatusTest {

    @Test
    void runningServiceNodesByScenarioNameAndTheGateway() {
        ClusterStatus status = ClusterStatus.parse("""
                {"running":true,"ready":true,"gatewayUrl":null,"nodes":[
                  {"name":"zookeeper","service":"infrastructure","state":"running","address":"127.0.0.1:2181"},
                  {"name":"idgen-1","service":"id-generator","state":"running","url":"http://127.0.0.1:8101"},
                  {"name":"idgen-2","service":"id-generator","state":"stopped","url":"http://127.0.0.1:8102"},
                  {"name":"ratelimit-1","service":"rate-limiter","state":"running","url":"http://127.0.0.1:8201"},
                  {"name":"mq-1","service":"message-queue","state":"running","url":"http://127.0.0.1:8501"},
                  {"name":"gateway","service":"gateway","state":"running","url":"http://127.0.0.1:8080"}]}
                """);
        assertThat(status.serviceUrls()).containsOnlyKeys("ids", "ratelimit", "messaging");
        assertThat(status.serviceUrls().get("ids")).isEqualTo(List.of("http://127.0.0.1:8101"));
        assertThat(status.gatewayUrl()).contains("http://127.0.0.1:8080");
    }
}
