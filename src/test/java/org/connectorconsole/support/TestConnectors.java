package org.connectorconsole.support;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorForm;
import org.connectorconsole.connector.ConnectorService;
import org.connectorconsole.connector.Diagnosis;
import org.connectorconsole.connector.ToolPolicyService;
import org.connectorconsole.connector.ToolSettings;
import org.springframework.stereotype.Component;

/** An owner's connector, added and checked through the services as an owner would (and their tool rules). */
@Component
public class TestConnectors {

    private final TestOrganizations orgs;
    private final ConnectorService connectors;
    private final ToolPolicyService policies;

    TestConnectors(TestOrganizations orgs, ConnectorService connectors, ToolPolicyService policies) {
        this.orgs = orgs;
        this.connectors = connectors;
        this.policies = policies;
    }

    /**
     * Signs in as the org's owner, sets what new tools start as, adds the connector and waits for the connection
     * doctor's verdict (the owner's check lists the tools of a server without sign-in); signs out again. A null
     * {@code newTools} leaves the organization's tool rules as they are.
     */
    public Checked addChecked(TestOrganizations.Org org, String name, String url, ToolSettings.NewTools newTools)
            throws Exception {
        orgs.signIn(org.owner());
        try {
            if (newTools != null && newTools != policies.settings().newTools()) {
                policies.updateSettings(newTools, false, policies.settings().version());
            }
            Connector c = connectors.add(new ConnectorForm(name, url, null, null, false));
            CompletableFuture<Diagnosis> done = new CompletableFuture<>();
            connectors.startCheck(c.id(), step -> { }, done::complete);
            return new Checked(c, done.get(60, TimeUnit.SECONDS));
        } finally {
            TestOrganizations.signOut();
        }
    }

    /**
     * Signs in as the org's owner, adds the connector (no check: the doctor runs when someone asks, as after an add
     * in the console) and signs out again; what journeys set up before the browser opens.
     */
    public Connector add(TestOrganizations.Org org, String name, String url) {
        return add(org, name, url, null);
    }

    /** As {@link #add(TestOrganizations.Org, String, String)}, first setting what new tools start as (null: as is). */
    public Connector add(TestOrganizations.Org org, String name, String url, ToolSettings.NewTools newTools) {
        orgs.signIn(org.owner());
        try {
            if (newTools != null) {
                policies.updateSettings(newTools, false, policies.settings().version());
            }
            return connectors.add(new ConnectorForm(name, url, null, null, false));
        } finally {
            TestOrganizations.signOut();
        }
    }

    public record Checked(Connector connector, Diagnosis diagnosis) {
    }
}
