package lab.gateway.trace;

import lab.gateway.failover.UpstreamObserver;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.logging.AccessLog;
import reactor.netty.http.server.logging.AccessLogArgProvider;

/**
 * One line per request at the edge, written by Reactor Netty's access log (logger
 * {@code reactor.netty.http.server.AccessLog}) once the answer is sent: method, path, status,
 * duration, the instance that served it and the trace id. With the trace id, a request's line
 * here joins its lines on every node it touched ({@code grep <trace id>} over the logs).
 * {@code gateway.access-log=false} (GATEWAY_ACCESS_LOG) turns it off.
 */
public final class EdgeAccessLog implements NettyServerCustomizer {

    @Override
    public HttpServer apply(HttpServer server) {
        return server.accessLog(true, EdgeAccessLog::line);
    }

    static AccessLog line(AccessLogArgProvider request) {
        return AccessLog.create("{} {} -> {} in {} ms via {} trace {}", request.method(), request.uri(), request.status(),
                request.duration(), orDash(request.responseHeader(UpstreamObserver.INSTANCE_HEADER)),
                orDash(request.responseHeader(EdgeTrace.TRACE_ID_HEADER)));
    }

    private static CharSequence orDash(CharSequence value) {
        return value == null ? "-" : value;
    }
}
