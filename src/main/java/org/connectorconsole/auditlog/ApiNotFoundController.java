package org.connectorconsole.auditlog;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Every {@code /api/**} request no API controller serves (an unknown path, or a method an endpoint does not take):
 * a JSON 404. Without it such a request fell through to Vaadin, which served the application page and opened an
 * HTTP session on an API that is meant to be stateless. More specific mappings always win over this one.
 */
@RestController
class ApiNotFoundController {

    static final String JSON_UTF8 = "application/json;charset=UTF-8";

    @RequestMapping("/api/**")
    ResponseEntity<String> notFound() {
        return ResponseEntity.status(HttpStatus.NOT_FOUND)
                .header(HttpHeaders.CONTENT_TYPE, JSON_UTF8)
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .body("{\"error\":\"not_found\",\"message\":\"There is no such API endpoint. The API offers "
                        + "GET /api/audit/export.\"}");
    }
}
