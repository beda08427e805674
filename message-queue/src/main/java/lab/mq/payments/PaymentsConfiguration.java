package lab.mq.payments;

import io.micrometer.core.instrument.MeterRegistry;
import lab.mq.log.KafkaSettings;
import lab.mq.publish.PublishSettings;
import lab.mq.publish.Publisher;
import lab.platform.identity.NodeIdentity;
import lab.platform.internode.TracePropagation;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "mq.payments.enabled", havingValue = "true")
class PaymentsConfiguration {

    @Bean(initMethod = "start", destroyMethod = "close")
    PaymentEventsBridge paymentEventsBridge(KafkaSettings kafka, @Value("${mq.payments.topic}") String topic, Publisher publisher,
                                            PublishSettings settings, NodeIdentity identity, MeterRegistry meters,
                                            TracePropagation tracing) {
        return new PaymentEventsBridge(kafka, topic, publisher, settings.maxTextChars(), identity.nodeId(), meters, tracing);
    }
}
