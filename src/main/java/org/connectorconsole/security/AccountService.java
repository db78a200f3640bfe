package org.connectorconsole.security;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.connectorconsole.base.Times;
import org.connectorconsole.audit.AuditAction;
import org.connectorconsole.audit.AuditRecord;
import org.connectorconsole.audit.AuditService;
import org.connectorconsole.base.ConflictException;
import org.connectorconsole.base.DisplayNames;
import org.connectorconsole.base.ValidationException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The signed-in person's own account: their name and password. */
@Service
public class AccountService {

    public static final int MAX_NAME_LENGTH = 120;

    /** What the account page shows; {@code version} guards against overwriting a concurrent change. */
    public record AccountDetails(String email, String displayName, int version, List<Member> memberships) {
    }

    private final CurrentMember currentMember;
    private final IdentityRepository repository;
    private final PasswordEncoder passwordEncoder;
    private final LoginThrottle throttle;
    private final AuditService audit;
    private final Clock clock;

    AccountService(CurrentMember currentMember, IdentityRepository repository, PasswordEncoder passwordEncoder,
            LoginThrottle throttle, AuditService audit, Clock clock) {
        this.currentMember = currentMember;
        this.repository = repository;
        this.passwordEncoder = passwordEncoder;
        this.throttle = throttle;
        this.audit = audit;
        this.clock = clock;
    }

    @Transactional(readOnly = true)
    public AccountDetails me() {
        ConsoleUser user = signedIn();
        IdentityRepository.Account account = repository.account(user.userId())
                .orElseThrow(() -> new AccessDeniedException("Your account no longer exists."));
        return new AccountDetails(account.email(), account.displayName(), account.version(),
                repository.memberships(user.userId()));
    }

    @Transactional
    public void rename(String newName, int expectedVersion) {
        ConsoleUser user = signedIn();
        String name = validName(newName);
        IdentityRepository.Account before = repository.account(user.userId()).orElseThrow();
        if (!repository.updateDisplayName(user.userId(), name, expectedVersion)) {
            throw new ConflictException("Your account was changed elsewhere since this page was opened. "
                    + "Reload the page and try again.");
        }
        for (Member m : repository.memberships(user.userId())) {
            audit.record(AuditRecord.of(m.orgId(), m.actor(), AuditAction.ACCOUNT_RENAMED)
                    .target("user", user.userId().toString(), user.email())
                    .details(Map.of("before.displayName", before.displayName(), "after.displayName", name)));
        }
    }

    @Transactional
    public void changePassword(String currentPassword, String newPassword, String confirmation, int expectedVersion) {
        ConsoleUser user = signedIn();
        IdentityRepository.Account account = repository.account(user.userId()).orElseThrow();
        // reserved before the check, like a sign-in: parallel guesses cannot all pass a lock none has reached yet
        throttle.reserve(account.email()).ifPresent(refusal -> {
            throw ValidationException.forField("currentPassword", refusal);
        });
        boolean correct;
        try {
            correct = account.passwordHash() != null && currentPassword != null
                    && passwordEncoder.matches(currentPassword, account.passwordHash());
        } catch (RuntimeException e) {
            throttle.release(account.email());
            throw e;
        }
        if (!correct) {
            throttle.recordFailure(account.email());
            throw ValidationException.forField("currentPassword", "That is not your current password.");
        }
        // knowing the current password forgives nothing here: earlier sign-in failures keep counting
        throttle.release(account.email());
        PasswordPolicy.problem(newPassword, account.email()).ifPresent(problem -> {
            throw ValidationException.forField("newPassword", problem);
        });
        if (!newPassword.equals(confirmation)) {
            throw ValidationException.forField("confirmation", "The two new passwords differ.");
        }
        OffsetDateTime now = Times.utcNow(clock);
        if (!repository.updatePassword(user.userId(), passwordEncoder.encode(newPassword), now, expectedVersion)) {
            throw new ConflictException("Your account was changed elsewhere since this page was opened. "
                    + "Reload the page and try again.");
        }
        for (Member m : repository.memberships(user.userId())) {
            audit.record(AuditRecord.of(m.orgId(), m.actor(), AuditAction.ACCOUNT_PASSWORD_CHANGED)
                    .target("user", user.userId().toString(), user.email()));
        }
    }

    static String validName(String raw) {
        return DisplayNames.require(raw, MAX_NAME_LENGTH, "Enter your name.", "displayName");
    }

    private ConsoleUser signedIn() {
        return currentMember.user().orElseThrow(() -> new AccessDeniedException("Sign in to continue."));
    }
}
