package org.connectorconsole.audit;

import org.connectorconsole.base.UserId;

/** Who did something: a person (id and e-mail at the time) or the console itself. */
public record Actor(UserId id, String label) {

    public static final Actor SYSTEM = new Actor(null, "system");

    public static Actor person(UserId id, String email) {
        return new Actor(id, email);
    }
}
