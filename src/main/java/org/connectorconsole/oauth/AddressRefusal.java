package org.connectorconsole.oauth;

/**
 * An address an authorization server handed back that the egress policy refuses: which metadata field, the address
 * exactly as the server wrote it, and the policy's reason.
 */
public record AddressRefusal(String field, String address, String reason) {

    public String sentence() {
        return "The authorization server's " + field + " " + address + " is refused: " + reason;
    }
}
