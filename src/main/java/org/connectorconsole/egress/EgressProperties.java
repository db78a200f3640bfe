package org.connectorconsole.egress;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * {@code console.egress.*}. {@code allow-loopback-http} (env {@code CONSOLE_EGRESS_ALLOW_LOOPBACK_HTTP}) is for
 * development and tests only: it lets connectors point at servers on this machine. {@code send-trace-context}
 * (env {@code CONSOLE_EGRESS_SEND_TRACE_CONTEXT}) carries the trace context to MCP and authorization servers.
 */
@ConfigurationProperties("console.egress")
public record EgressProperties(boolean allowLoopbackHttp, Duration connectTimeout, Duration readTimeout,
        Duration requestTimeout, DataSize maxResponseSize, boolean sendTraceContext) {

    public EgressSettings settings() {
        EgressSettings d = EgressSettings.DEFAULTS;
        return new EgressSettings(allowLoopbackHttp,
                connectTimeout == null ? d.connectTimeout() : connectTimeout,
                readTimeout == null ? d.readTimeout() : readTimeout,
                requestTimeout == null ? d.requestTimeout() : requestTimeout,
                maxResponseSize == null ? d.maxResponseBytes() : maxResponseSize.toBytes(), sendTraceContext);
    }
}
