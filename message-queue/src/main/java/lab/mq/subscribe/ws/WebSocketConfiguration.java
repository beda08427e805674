package lab.mq.subscribe.ws;

import lab.mq.fanout.FanOut;
import lab.mq.fanout.FanOutSettings;
import lab.mq.history.ChannelReader;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;

@Configuration(proxyBeanMethods = false)
@EnableWebSocket
class WebSocketConfiguration implements WebSocketConfigurer {

    private final FanOut fanOut;
    private final ChannelReader reader;
    private final FanOutSettings settings;

    WebSocketConfiguration(FanOut fanOut, ChannelReader reader, FanOutSettings settings) {
        this.fanOut = fanOut;
        this.reader = reader;
        this.settings = settings;
    }

    @Override
    public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
        registry.addHandler(new ChannelsWebSocketHandler(fanOut, reader, settings.writeTimeout().toMillis()), "/channels/ws")
                .setAllowedOrigins("*");
    }

    /** Client frames are small commands; a small buffer keeps an idle connection's memory small. */
    @Bean
    ServletServerContainerFactoryBean webSocketContainer() {
        ServletServerContainerFactoryBean container = new ServletServerContainerFactoryBean();
        container.setMaxTextMessageBufferSize(4096);
        container.setMaxBinaryMessageBufferSize(1024);
        return container;
    }
}
