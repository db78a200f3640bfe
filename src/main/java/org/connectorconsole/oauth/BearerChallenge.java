package org.connectorconsole.oauth;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The {@code Bearer} challenge of a {@code WWW-Authenticate} header (RFC 6750, RFC 9728 §5.1). */
public record BearerChallenge(String resourceMetadata, String scope, String error, String errorDescription) {

    /** Finds the Bearer challenge among the header values, if any. */
    public static Optional<BearerChallenge> parse(List<String> headerValues) {
        for (String value : headerValues) {
            Optional<Map<String, String>> params = bearerParams(value);
            if (params.isPresent()) {
                Map<String, String> p = params.get();
                return Optional.of(new BearerChallenge(p.get("resource_metadata"), p.get("scope"), p.get("error"),
                        p.get("error_description")));
            }
        }
        return Optional.empty();
    }

    private static Optional<Map<String, String>> bearerParams(String header) {
        int i = 0;
        int n = header.length();
        while (i < n) {
            int start = skipSeparators(header, i);
            i = tokenEnd(header, start);
            String scheme = header.substring(start, i);
            if (scheme.isEmpty()) {
                return Optional.empty();
            }
            Map<String, String> params = new LinkedHashMap<>();
            // auth-params: name=value pairs until the next scheme (a token not followed by '=')
            while (i < n) {
                int nameStart = skipSeparators(header, i);
                i = tokenEnd(header, nameStart);
                String name = header.substring(nameStart, i);
                int j = i;
                while (j < n && header.charAt(j) == ' ') {
                    j++;
                }
                if (name.isEmpty() || j >= n || header.charAt(j) != '=') {
                    i = nameStart; // next challenge starts here
                    break;
                }
                i = j + 1;
                while (i < n && header.charAt(i) == ' ') {
                    i++;
                }
                StringBuilder value = new StringBuilder();
                if (i < n && header.charAt(i) == '"') {
                    i++;
                    while (i < n && header.charAt(i) != '"') {
                        if (header.charAt(i) == '\\' && i + 1 < n) {
                            i++;
                        }
                        value.append(header.charAt(i++));
                    }
                    i++;
                } else {
                    while (i < n && header.charAt(i) != ',' && header.charAt(i) != ' ') {
                        value.append(header.charAt(i++));
                    }
                }
                params.put(name.toLowerCase(Locale.ROOT), value.toString());
            }
            if (scheme.equalsIgnoreCase("Bearer")) {
                return Optional.of(params);
            }
        }
        return Optional.empty();
    }

    /** Where the spaces and commas from {@code i} on end. */
    private static int skipSeparators(String header, int i) {
        while (i < header.length() && (header.charAt(i) == ' ' || header.charAt(i) == ',')) {
            i++;
        }
        return i;
    }

    /** Where the token (scheme or parameter name) starting at {@code i} ends. */
    private static int tokenEnd(String header, int i) {
        while (i < header.length() && isTokenChar(header.charAt(i))) {
            i++;
        }
        return i;
    }

    private static boolean isTokenChar(char c) {
        return Character.isLetterOrDigit(c) || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }
}
