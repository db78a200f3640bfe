package org.connectorconsole;

import com.vaadin.flow.component.dependency.StyleSheet;
import com.vaadin.flow.component.page.AppShellConfigurator;
import com.vaadin.flow.server.AppShellSettings;
import com.vaadin.flow.theme.lumo.Lumo;
import java.util.List;
import org.connectorconsole.audit.AuditVerifyCommand;
import org.connectorconsole.base.KeysetCommand;
import org.connectorconsole.connection.McpAuthClientCommand;
import org.connectorconsole.connector.DoctorCommand;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * Connector Console: a self-hosted console for an organization's custom MCP connectors.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@StyleSheet(Lumo.STYLESHEET)
@StyleSheet("styles.css")
// server push: on for every UI, with the configured transport, by base.ui.PushTransportSetting (an @Push here
// would override that transport)
@org.springframework.scheduling.annotation.EnableScheduling
public class Application implements AppShellConfigurator {

    public static void main(String[] args) {
        // Command-line tools run without starting the console (no database, no web server).
        if (args.length > 0 && args[0].equals("doctor")) {
            System.exit(DoctorCommand.run(List.of(args).subList(1, args.length), System.out));
        }
        if (args.length > 0 && args[0].equals("mcp-auth-client")) {
            System.exit(McpAuthClientCommand.run(List.of(args).subList(1, args.length), System.getenv(), System.out));
        }
        if (args.length > 0 && args[0].equals("audit-verify")) {
            System.exit(AuditVerifyCommand.run(List.of(args).subList(1, args.length), System.out));
        }
        if (args.length > 0 && args[0].equals("keyset")) {
            System.exit(KeysetCommand.run(List.of(args).subList(1, args.length), System.out));
        }
        System.setProperty("org.jooq.no-logo", "true");
        System.setProperty("org.jooq.no-tips", "true");
        SpringApplication.run(Application.class, args);
    }

    @Override
    public void configurePage(AppShellSettings settings) {
        settings.setPageTitle("Connector Console");
    }
}
