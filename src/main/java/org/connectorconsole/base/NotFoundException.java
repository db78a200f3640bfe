package org.connectorconsole.base;

/**
 * What was asked for does not exist, or is outside the caller's organization (the two are deliberately not
 * told apart).
 */
public class NotFoundException extends RuntimeException {
    public NotFoundException(String message) {
        super(message);
    }
}
