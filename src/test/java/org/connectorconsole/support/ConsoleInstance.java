package org.connectorconsole.support;

import java.util.ArrayList;
import java.util.List;
import org.connectorconsole.Application;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A whole console (web server on a free port, services, Vaadin) started against an external PostgreSQL, as an
 * operator runs it: for tests that need two instances on one database, or a database that goes away.
 */
public final class ConsoleInstance implements AutoCloseable {

    private final ConfigurableApplicationContext context;

    private ConsoleInstance(ConfigurableApplicationContext context) {
        this.context = context;
    }

    /** {@code extra}: more {@code --name=value} settings. */
    public static ConsoleInstance start(String jdbcUrl, String keysetJson, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--spring.datasource.url=" + jdbcUrl, "--spring.datasource.username=postgres",
                "--console.sealing.keyset=" + keysetJson, "--server.port=0", "--spring.main.banner-mode=off",
                "--vaadin.devmode.devTools.enabled=false", "--console.security.bcrypt-strength=4",
                "--console.egress.allow-loopback-http=true"));
        args.addAll(List.of(extra));
        return new ConsoleInstance(new SpringApplication(Application.class).run(args.toArray(String[]::new)));
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    public <T> T bean(Class<T> type, String name) {
        return context.getBean(name, type);
    }

    public int port() {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port", "0"));
    }

    @Override
    public void close() {
        context.close();
    }
}
