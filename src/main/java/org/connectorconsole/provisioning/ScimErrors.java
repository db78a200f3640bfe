package org.connectorconsole.provisioning;

import com.unboundid.scim2.common.messages.ErrorResponse;
import com.unboundid.scim2.common.utils.JsonUtils;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** SCIM's error shape (RFC 7644 §3.12): {@code schemas}, {@code status} as a string, {@code scimType}, {@code detail}. */
final class ScimErrors {

    static final String MEDIA_TYPE = "application/scim+json";

    private ScimErrors() {
    }

    static ErrorResponse error(int status, String scimType, String detail) {
        ErrorResponse error = new ErrorResponse(status);
        error.setScimType(scimType);
        error.setDetail(detail);
        return error;
    }

    static String json(Object value) {
        try {
            return JsonUtils.getObjectWriter().writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("A SCIM response could not be written", e);
        }
    }

    static void write(HttpServletResponse response, int status, String scimType, String detail) throws IOException {
        response.setStatus(status);
        response.setHeader("Cache-Control", "no-store");
        response.setContentType(MEDIA_TYPE + ";charset=UTF-8");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter().write(json(error(status, scimType, detail)));
    }
}
