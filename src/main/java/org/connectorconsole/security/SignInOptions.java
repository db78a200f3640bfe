package org.connectorconsole.security;

import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** What the sign-in page offers before anyone is signed in. */
@Service
public class SignInOptions {

    /** A configured OpenID Connect provider: its button's label and where the button leads. */
    public record SsoProvider(String registrationId, String name, String path) {
    }

    private final IdentityRepository repository;
    private final ObjectProvider<ClientRegistrationRepository> registrations;

    SignInOptions(IdentityRepository repository, ObjectProvider<ClientRegistrationRepository> registrations) {
        this.repository = repository;
        this.registrations = registrations;
    }

    /** True while no owner exists: the sign-in page then leads to the first-time setup. */
    @Transactional(readOnly = true)
    public boolean firstTimeSetupPending() {
        return !repository.anyOwnerExists();
    }

    /** The single sign-on providers configured for this console, in configuration order (none by default). */
    public List<SsoProvider> ssoProviders() {
        List<SsoProvider> out = new ArrayList<>();
        if (registrations.getIfAvailable() instanceof Iterable<?> all) {
            for (Object o : all) {
                if (o instanceof ClientRegistration r && r.getScopes().contains("openid")) {
                    out.add(new SsoProvider(r.getRegistrationId(), r.getClientName(),
                            "oauth2/authorization/" + r.getRegistrationId()));
                }
            }
        }
        return out;
    }
}
