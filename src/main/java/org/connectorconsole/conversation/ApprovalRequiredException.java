package org.connectorconsole.conversation;

/**
 * The tool needs the member's confirmation of these exact arguments before it runs; nothing was called.
 * {@code argumentsHash} is what the confirmation must carry.
 */
public class ApprovalRequiredException extends RuntimeException {

    private final String argumentsHash;

    public ApprovalRequiredException(String message, String argumentsHash) {
        super(message);
        this.argumentsHash = argumentsHash;
    }

    public String argumentsHash() {
        return argumentsHash;
    }
}
