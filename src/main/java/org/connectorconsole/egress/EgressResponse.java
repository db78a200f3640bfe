package org.connectorconsole.egress;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** A complete, size-bounded response. Header names are lower-case. */
public record EgressResponse(URI uri, int status, Map<String, List<String>> headers, byte[] body) {

    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }

    public List<String> headers(String name) {
        return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    public boolean isRedirect() {
        return status >= 300 && status < 400;
    }

    public String contentType() {
        return header("content-type").orElse("").toLowerCase(Locale.ROOT);
    }
}
