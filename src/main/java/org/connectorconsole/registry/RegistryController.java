package org.connectorconsole.registry;

import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.security.BearerOnlyChain;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The organization's private registry, read-only, in the MCP Registry API v0.1 shape:
 * {@code GET /registry/o/{org}/v0.1/servers} (paged with {@code cursor}/{@code limit}) and
 * {@code GET …/v0.1/servers/{namespace}/{name}/versions[/latest|/{version}]}. Off (404) unless an owner published
 * it; then public or with the registry's bearer token. No session or cookie is read here.
 */
@RestController
@RequestMapping("/registry/o/{org}/v0.1/servers")
class RegistryController {

    private final RegistryListing listing;

    RegistryController(RegistryListing listing) {
        this.listing = listing;
    }

    @GetMapping
    ResponseEntity<Object> servers(@PathVariable String org, @RequestParam(required = false) String cursor,
            @RequestParam(required = false) Integer limit, HttpServletRequest request) {
        Optional<ResponseEntity<Object>> refused = refused(org, request);
        if (refused.isPresent()) {
            return refused.get();
        }
        int size = limit == null ? RegistryListing.DEFAULT_LIMIT : limit;
        if (size < 1 || size > RegistryListing.MAX_LIMIT) {
            return error(400, "limit must be between 1 and " + RegistryListing.MAX_LIMIT + ".");
        }
        RegistryListing.Page page = listing.servers(orgId(org).orElseThrow(), cursor, size);
        Map<String, Object> metadata = new LinkedHashMap<>();
        if (page.nextCursor() != null) {
            metadata.put("nextCursor", page.nextCursor());
        }
        metadata.put("count", page.servers().size());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("servers", page.servers());
        body.put("metadata", metadata);
        return ok(body);
    }

    @GetMapping("/{namespace}/{name}/versions")
    ResponseEntity<Object> versions(@PathVariable String org, @PathVariable String namespace,
            @PathVariable String name, HttpServletRequest request) {
        Optional<ResponseEntity<Object>> refused = refused(org, request);
        if (refused.isPresent()) {
            return refused.get();
        }
        return listing.server(orgId(org).orElseThrow(), namespace + "/" + name)
                .<ResponseEntity<Object>>map(s -> ok(Map.of("servers", List.of(s),
                        "metadata", Map.of("count", 1))))
                .orElseGet(() -> error(404, "Server not found"));
    }

    @GetMapping("/{namespace}/{name}/versions/{version}")
    ResponseEntity<Object> version(@PathVariable String org, @PathVariable String namespace,
            @PathVariable String name, @PathVariable String version, HttpServletRequest request) {
        Optional<ResponseEntity<Object>> refused = refused(org, request);
        if (refused.isPresent()) {
            return refused.get();
        }
        return listing.server(orgId(org).orElseThrow(), namespace + "/" + name)
                .filter(s -> version.equals("latest") || version.equals(versionOf(s)))
                .<ResponseEntity<Object>>map(RegistryController::ok)
                .orElseGet(() -> error(404, "Server not found"));
    }

    @ExceptionHandler(RegistryListing.InvalidCursor.class)
    ResponseEntity<Object> invalidCursor(RegistryListing.InvalidCursor e) {
        return error(400, e.getMessage());
    }

    @ExceptionHandler(org.springframework.web.method.annotation.MethodArgumentTypeMismatchException.class)
    ResponseEntity<Object> badParameter(Exception e) {
        return error(400, "A query parameter has the wrong type.");
    }

    /** 404 when the organization has no published registry; 401 without the right token. */
    private Optional<ResponseEntity<Object>> refused(String org, HttpServletRequest request) {
        Optional<OrganizationId> orgId = orgId(org);
        String bearer = BearerOnlyChain.token(request).orElse(null);
        Optional<Boolean> may = orgId.flatMap(id -> listing.mayRead(id, bearer));
        if (may.isEmpty()) {
            return Optional.of(error(404, "Registry not found"));
        }
        if (!may.get()) {
            return Optional.of(ResponseEntity.status(401).header("WWW-Authenticate", "Bearer realm=\"registry\"")
                    .contentType(MediaType.APPLICATION_JSON).cacheControl(CacheControl.noStore())
                    .body(Map.of("error", "This registry needs its bearer token (an owner shows it under "
                            + "Organization > Registry).")));
        }
        return Optional.empty();
    }

    @SuppressWarnings("unchecked")
    private static String versionOf(Map<String, Object> response) {
        return String.valueOf(((Map<String, Object>) response.get("server")).get("version"));
    }

    private static Optional<OrganizationId> orgId(String org) {
        try {
            return Optional.of(new OrganizationId(UUID.fromString(org)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static ResponseEntity<Object> ok(Object body) {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).cacheControl(CacheControl.noStore())
                .body(body);
    }

    private static ResponseEntity<Object> error(int status, String message) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON)
                .cacheControl(CacheControl.noStore()).body(Map.of("error", message));
    }
}
