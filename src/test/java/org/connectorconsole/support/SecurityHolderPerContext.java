package org.connectorconsole.support;

import org.springframework.context.ApplicationContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestExecutionListener;

/**
 * Before each test class (and each test), puts the security context holder strategy of the class's own console
 * context back in place. Each console context installs Vaadin's strategy (a {@code ThreadLocal} of its own) as the
 * JVM-wide holder when it starts; when Spring's test cache hands a class a context started before another one, its
 * filters and its views would otherwise read and write different holders, and a signed-in browser would look
 * signed out (seen: ConnectJourneyTest after GatewayTest). Registered for every Spring test in
 * META-INF/spring.factories.
 */
public class SecurityHolderPerContext implements TestExecutionListener {

    @Override
    public void beforeTestClass(TestContext testContext) {
        install(testContext);
    }

    @Override
    public void beforeTestMethod(TestContext testContext) {
        install(testContext);
    }

    private static void install(TestContext testContext) {
        if (!testContext.hasApplicationContext()) {
            return;
        }
        ApplicationContext context = testContext.getApplicationContext();
        context.getBeanProvider(SecurityContextHolderStrategy.class).ifAvailable(strategy -> {
            if (SecurityContextHolder.getContextHolderStrategy() != strategy) {
                SecurityContextHolder.setContextHolderStrategy(strategy);
            }
        });
    }
}
