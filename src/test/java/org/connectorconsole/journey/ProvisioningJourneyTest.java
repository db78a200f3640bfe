package org.connectorconsole.journey;

import static org.assertj.core.api.Assertions.assertThat;

import org.connectorconsole.audit.Actor;
import org.connectorconsole.base.Plan;
import org.connectorconsole.organization.ProvisionedMembers;
import org.connectorconsole.provisioning.ScimCredentials;
import org.connectorconsole.registry.RegistryAccess;
import org.connectorconsole.registry.RegistrySettingsService;
import org.connectorconsole.support.Browser;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/**
 * An owner, in a real browser: revokes everything of a member from Members (with a confirmation), creates a SCIM
 * credential under Provisioning (shown once), and publishes the registry with a token.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class ProvisioningJourneyTest {

    static Browser browser;

    @LocalServerPort
    int port;
    @Autowired
    TestOrganizations orgs;
    @Autowired
    ScimCredentials credentials;
    @Autowired
    RegistrySettingsService registry;
    @Autowired
    ProvisionedMembers provisioned;

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void owner_revokes_a_members_access_creates_a_scim_credential_and_publishes_the_registry() {
        Org org = orgs.create(Plan.TEAM, 2);
        // the identity provider deactivated the second member
        provisioned.update(org.id(), new Actor(null, "scim:test"), org.members().get(1).id(), null, false);
        browser = new Browser("http://localhost:" + port + "/");
        Browser b = browser;
        b.signIn(org.owner().email(), TestOrganizations.PASSWORD);

        b.open("organization/members");
        b.awaitText("Revoke everything");
        b.find(By.id("revoke-everything-" + org.members().getFirst().id())).click();
        b.awaitText("Revoke everything of " + org.members().getFirst().name() + "?");
        b.screenshot("70-members-revoke-everything");
        b.find(By.cssSelector("vaadin-confirm-dialog [slot='confirm-button'], vaadin-button[slot='confirm-button']"))
                .click();
        b.awaitText("was revoked; they stay a member");
        b.awaitText(org.members().get(1).name() + " (deactivated by the identity provider)");

        b.open("organization/provisioning");
        b.awaitText("No credentials yet");
        b.find(By.cssSelector("#scim-credential-name input")).sendKeys("Okta");
        b.find(By.id("scim-credential-create")).click();
        b.awaitText("it is shown only this once");
        b.screenshot("71-provisioning-credential-shown-once");
        b.open("organization/provisioning");
        b.awaitText("Okta");
        b.screenshot("72-provisioning");

        b.open("organization/registry");
        b.awaitText("Who may read it");
        b.screenshot("73-registry");
        orgs.signIn(org.owner());
        assertThat(credentials.list()).singleElement().satisfies(c -> assertThat(c.name()).isEqualTo("Okta"));
        assertThat(registry.current().access()).isEqualTo(RegistryAccess.OFF);
        TestOrganizations.signOut();
    }
}
