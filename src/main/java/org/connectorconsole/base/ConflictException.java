package org.connectorconsole.base;

/** Someone else changed the record since it was read; nothing was saved. */
public class ConflictException extends RuntimeException {
    public ConflictException(String message) {
        super(message);
    }
}
