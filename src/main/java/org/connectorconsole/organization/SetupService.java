package org.connectorconsole.organization;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import org.connectorconsole.base.Times;
import org.connectorconsole.base.DisplayNames;
import org.connectorconsole.base.EmailAddress;
import org.connectorconsole.base.Plan;
import org.connectorconsole.base.Tokens;
import org.connectorconsole.base.ValidationException;
import org.connectorconsole.organization.internal.OrganizationRepository;
import org.connectorconsole.security.PasswordPolicy;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * First-time setup: while no owner exists, a person holding a one-time code from the console's log creates the
 * first organization and its owner. Once an owner exists, setup is gone for good.
 */
@Service
public class SetupService {

    static final Duration CODE_LIFETIME = Duration.ofHours(24);
    public static final int MAX_ORG_NAME = 120;
    static final int MAX_PERSON_NAME = 120;

    /** What the setup form submits. */
    public record SetupRequest(String code, String organizationName, Plan plan, String ownerName, String email,
            String password, String passwordConfirmation) {
        /** Never prints the code or the passwords (records print every field by default). */
        @Override
        public String toString() {
            return "SetupRequest[organizationName=" + organizationName + ", plan=" + plan + ", email=" + email + "]";
        }
    }

    private final OrganizationRepository repository;
    private final OrganizationProvisioning provisioning;
    private final Clock clock;

    SetupService(OrganizationRepository repository, OrganizationProvisioning provisioning, Clock clock) {
        this.repository = repository;
        this.provisioning = provisioning;
        this.clock = clock;
    }

    /** Anyone may ask: the answer only says whether the setup page is open. */
    @Transactional(readOnly = true)
    public boolean isSetupPending() {
        return !repository.anyOwnerExists();
    }

    /** Creates a new one-time code while setup is pending; the caller prints it to the operator's log. */
    @Transactional
    String issueCode() {
        OffsetDateTime now = now();
        String code = Tokens.readableCode(3);
        repository.insertSetupCode(Tokens.sha256Hex(code), now, now.plus(CODE_LIFETIME));
        return code;
    }

    @Transactional
    public void completeSetup(SetupRequest request) {
        Map<String, String> errors = new LinkedHashMap<>();
        String orgName = DisplayNames.clean(request.organizationName());
        String ownerName = DisplayNames.clean(request.ownerName());
        String email = EmailAddress.normalize(request.email());
        if (request.code() == null || request.code().isBlank()) {
            errors.put("code", "Enter the setup code printed in the console's log.");
        }
        DisplayNames.problem(orgName, MAX_ORG_NAME, "Name your organization.")
                .ifPresent(p -> errors.put("organizationName", p));
        if (request.plan() == null) {
            errors.put("plan", "Choose a plan.");
        }
        DisplayNames.problem(ownerName, MAX_PERSON_NAME, "Enter your name.").ifPresent(p -> errors.put("ownerName", p));
        EmailAddress.problem(email).ifPresent(p -> errors.put("email", p));
        PasswordPolicy.problem(request.password(), email).ifPresent(p -> errors.put("password", p));
        if (!errors.containsKey("password") && !request.password().equals(request.passwordConfirmation())) {
            errors.put("passwordConfirmation", "The two passwords differ.");
        }
        if (!errors.isEmpty()) {
            throw new ValidationException("Some fields need attention.", errors);
        }

        repository.lockSetup();
        if (repository.anyOwnerExists()) {
            throw new ValidationException("This console has already been set up. Sign in instead.");
        }
        String code = request.code().strip().toUpperCase(java.util.Locale.ROOT);
        if (!repository.validSetupCode(Tokens.sha256Hex(code), now())) {
            throw ValidationException.forField("code",
                    "That setup code is wrong or has expired. Use the newest code in the console's log "
                            + "(restart the console to print a fresh one).");
        }
        if (repository.emailTaken(email)) {
            throw ValidationException.forField("email", "An account with this e-mail address already exists.");
        }
        provisioning.organizationWithOwner(orgName, request.plan(), ownerName, email, request.password(), "setup");
        repository.deleteAllSetupCodes();
    }

    private OffsetDateTime now() {
        return Times.utcNow(clock);
    }
}
