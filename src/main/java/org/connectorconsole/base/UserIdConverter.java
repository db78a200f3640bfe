package org.connectorconsole.base;

/** The uuid columns holding a person's account id, as {@link UserId} (the forced type in pom.xml names it). */
public final class UserIdConverter extends IdConverter<UserId> {

    public UserIdConverter() {
        super(UserId.class, UserId::new, UserId::value);
    }
}
