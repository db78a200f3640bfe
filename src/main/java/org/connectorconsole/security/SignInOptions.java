package org.connectorconsole.security;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** What the sign-in page offers before anyone is signed in. */
@Service
public class SignInOptions {

    private final IdentityRepository repository;

    SignInOptions(IdentityRepository repository) {
        this.repository = repository;
    }

    /** True while no owner exists: the sign-in page then leads to the first-time setup. */
    @Transactional(readOnly = true)
    public boolean firstTimeSetupPending() {
        return !repository.anyOwnerExists();
    }
}
