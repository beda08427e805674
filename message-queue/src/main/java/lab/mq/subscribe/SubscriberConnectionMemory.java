package lab.mq.subscribe;

import org.apache.coyote.http11.Http11NioProtocol;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Smaller Tomcat buffers, because every subscriber connection keeps its own for as long as it is
 * open, and a node holds thousands of them. Tomcat sizes them for bulk traffic: 8 KiB each for the
 * socket's read and write buffers, and 8 KiB of bytes plus 8 Ki chars for a response's output
 * buffer. A subscriber's traffic is small frames, each written and flushed at once, so small
 * buffers cost nothing but a few more writes for a large history answer. The response header
 * buffer is set in application.yml. (Measured per idle connection in docs/message-queue.md.)
 */
@Configuration(proxyBeanMethods = false)
class SubscriberConnectionMemory {

    static final int SOCKET_READ_BUFFER_BYTES = 2048;
    static final int SOCKET_WRITE_BUFFER_BYTES = 4096;
    static final int RESPONSE_BUFFER_BYTES = 1024;

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> smallConnectionBuffers() {
        return factory -> factory.setProtocol(SmallBufferProtocol.class.getName());
    }

    /** HTTP/1.1 over NIO with the buffer sizes above; Tomcat instantiates it by class name. */
    public static final class SmallBufferProtocol extends Http11NioProtocol {

        public SmallBufferProtocol() {
            getEndpoint().getSocketProperties().setAppReadBufSize(SOCKET_READ_BUFFER_BYTES);
            getEndpoint().getSocketProperties().setAppWriteBufSize(SOCKET_WRITE_BUFFER_BYTES);
        }

        /** The size of each response's output buffer (the only way Tomcat offers to set it for a connector). */
        @Override
        public int getDesiredBufferSize() {
            return RESPONSE_BUFFER_BYTES;
        }
    }
}
