package org.connectorconsole.gateway;

import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The gateway's servlet at {@code /mcp/*}, beside Vaadin's (which serves everything else). */
@Configuration
class GatewayServletConfiguration {

    @Bean
    ServletRegistrationBean<GatewayServlet> gatewayServlet(GatewayMcpServer server) {
        ServletRegistrationBean<GatewayServlet> registration = new ServletRegistrationBean<>(server.servlet(),
                GatewayEndpoints.PREFIX + "/*");
        registration.setName("gateway");
        registration.setAsyncSupported(true);
        registration.setLoadOnStartup(1);
        return registration;
    }
}
