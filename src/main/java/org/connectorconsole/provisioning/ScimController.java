package org.connectorconsole.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.unboundid.scim2.common.exceptions.ScimException;
import com.unboundid.scim2.common.types.GroupResource;
import com.unboundid.scim2.common.types.SchemaResource;
import com.unboundid.scim2.common.types.UserResource;
import com.unboundid.scim2.common.utils.JsonUtils;
import com.unboundid.scim2.common.utils.SchemaUtils;
import jakarta.servlet.http.HttpServletRequest;
import org.connectorconsole.base.ConflictException;
import org.connectorconsole.base.NotFoundException;
import org.connectorconsole.base.ValidationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The organization's SCIM 2.0 service provider (RFC 7644) at {@code /scim/v2/o/{org}}: discovery
 * (ServiceProviderConfig, ResourceTypes, Schemas), Users and Groups. The credential checked by
 * {@link ScimSecurityConfiguration} must belong to {@code {org}}; any other organization is not found. Bodies are read
 * and written with the SCIM SDK's JSON (Jackson 2), as {@code application/scim+json}.
 */
@RestController
@RequestMapping("/scim/v2/o/{org}")
class ScimController {

    private static final Logger log = LoggerFactory.getLogger(ScimController.class);
    private static final MediaType SCIM = MediaType.parseMediaType(ScimErrors.MEDIA_TYPE + ";charset=UTF-8");

    private final ScimResources resources;

    ScimController(ScimResources resources) {
        this.resources = resources;
    }

    // ---------------------------------------------------------------- discovery

    @GetMapping("/ServiceProviderConfig")
    ResponseEntity<String> serviceProviderConfig(@PathVariable String org, HttpServletRequest request)
            throws ScimException {
        caller(org, request);
        ObjectNode node = JsonUtils.getJsonNodeFactory().objectNode();
        node.putArray("schemas").add("urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig");
                node.putObject("patch").put("supported", true);
        node.putObject("bulk").put("supported", false).put("maxOperations", 0).put("maxPayloadSize", 0);
        node.putObject("filter").put("supported", true).put("maxResults", ScimResources.MAX_COUNT);
        node.putObject("changePassword").put("supported", false);
        node.putObject("sort").put("supported", false);
        node.putObject("etag").put("supported", false);
        node.putArray("authenticationSchemes").addObject().put("type", "oauthbearertoken")
                .put("name", "Bearer credential").put("primary", true)
                .put("description", "A credential an owner creates under Organization > Provisioning.");
        node.putObject("meta").put("resourceType", "ServiceProviderConfig");
        return ok(node);
    }

    @GetMapping("/ResourceTypes")
    ResponseEntity<String> resourceTypes(@PathVariable String org, HttpServletRequest request) throws ScimException {
        caller(org, request);
        ArrayNode list = JsonUtils.getJsonNodeFactory().arrayNode();
        list.add(resourceType("User", "/Users", ScimResources.USER_SCHEMA));
        list.add(resourceType("Group", "/Groups", ScimResources.GROUP_SCHEMA));
        return ok(listResponse(list, 2, 1));
    }

    @GetMapping("/ResourceTypes/{name}")
    ResponseEntity<String> resourceType(@PathVariable String org, @PathVariable String name,
            HttpServletRequest request) throws ScimException {
        caller(org, request);
        return switch (name) {
            case "User" -> ok(resourceType("User", "/Users", ScimResources.USER_SCHEMA));
            case "Group" -> ok(resourceType("Group", "/Groups", ScimResources.GROUP_SCHEMA));
            default -> throw new ScimException(404, null, "Resource type " + name + " not found.");
        };
    }

    @GetMapping("/Schemas")
    ResponseEntity<String> schemas(@PathVariable String org, HttpServletRequest request) throws ScimException {
        caller(org, request);
        ArrayNode list = JsonUtils.getJsonNodeFactory().arrayNode();
        list.add(schema(UserResource.class));
        list.add(schema(GroupResource.class));
        return ok(listResponse(list, 2, 1));
    }

    @GetMapping("/Schemas/{id}")
    ResponseEntity<String> schema(@PathVariable String org, @PathVariable String id, HttpServletRequest request)
            throws ScimException {
        caller(org, request);
        if (id.equals(ScimResources.USER_SCHEMA)) {
            return ok(schema(UserResource.class));
        }
        if (id.equals(ScimResources.GROUP_SCHEMA)) {
            return ok(schema(GroupResource.class));
        }
        throw new ScimException(404, null, "Schema " + id + " not found.");
    }

    // ---------------------------------------------------------------- Users

    @GetMapping("/Users")
    ResponseEntity<String> users(@PathVariable String org, @RequestParam(required = false) String filter,
            @RequestParam(defaultValue = "1") int startIndex, @RequestParam(defaultValue = "100") int count,
            HttpServletRequest request) throws ScimException {
        ScimResources.Page page = resources.users(caller(org, request), filter, Math.max(1, startIndex),
                count(count));
        return ok(listResponse(page));
    }

    @GetMapping("/Users/{id}")
    ResponseEntity<String> user(@PathVariable String org, @PathVariable String id, HttpServletRequest request)
            throws ScimException {
        return ok(resources.user(caller(org, request), id));
    }

    @PostMapping("/Users")
    ResponseEntity<String> createUser(@PathVariable String org, @RequestBody(required = false) String body,
            HttpServletRequest request) throws ScimException {
        return created(resources.createUser(caller(org, request), object(body)));
    }

    @PutMapping("/Users/{id}")
    ResponseEntity<String> replaceUser(@PathVariable String org, @PathVariable String id,
            @RequestBody(required = false) String body, HttpServletRequest request) throws ScimException {
        return ok(resources.replaceUser(caller(org, request), id, object(body)));
    }

    @PatchMapping("/Users/{id}")
    ResponseEntity<String> patchUser(@PathVariable String org, @PathVariable String id,
            @RequestBody(required = false) String body, HttpServletRequest request) throws ScimException {
        return ok(resources.patchUser(caller(org, request), id, object(body)));
    }

    @DeleteMapping("/Users/{id}")
    ResponseEntity<Void> deleteUser(@PathVariable String org, @PathVariable String id, HttpServletRequest request)
            throws ScimException {
        resources.deleteUser(caller(org, request), id);
        return ResponseEntity.noContent().build();
    }

    /** 201 Created with the new resource and its address in {@code Location}. */
    private static ResponseEntity<String> created(ObjectNode resource) {
        return ResponseEntity.status(HttpStatus.CREATED).contentType(SCIM)
                .header("Location", resource.path("meta").path("location").asText())
                .body(ScimErrors.json(resource));
    }

    // ---------------------------------------------------------------- Groups

    @GetMapping("/Groups")
    ResponseEntity<String> groups(@PathVariable String org, @RequestParam(required = false) String filter,
            @RequestParam(defaultValue = "1") int startIndex, @RequestParam(defaultValue = "100") int count,
            @RequestParam(required = false) String excludedAttributes, HttpServletRequest request)
            throws ScimException {
        ScimResources.Page page = resources.groupList(caller(org, request), filter, Math.max(1, startIndex),
                count(count), !excludes(excludedAttributes, "members"));
        return ok(listResponse(page));
    }

    @GetMapping("/Groups/{id}")
    ResponseEntity<String> group(@PathVariable String org, @PathVariable String id,
            @RequestParam(required = false) String excludedAttributes, HttpServletRequest request)
            throws ScimException {
        return ok(resources.group(caller(org, request), id, !excludes(excludedAttributes, "members")));
    }

    @PostMapping("/Groups")
    ResponseEntity<String> createGroup(@PathVariable String org, @RequestBody(required = false) String body,
            HttpServletRequest request) throws ScimException {
        return created(resources.createGroup(caller(org, request), object(body)));
    }

    @PutMapping("/Groups/{id}")
    ResponseEntity<String> replaceGroup(@PathVariable String org, @PathVariable String id,
            @RequestBody(required = false) String body, HttpServletRequest request) throws ScimException {
        return ok(resources.replaceGroup(caller(org, request), id, object(body)));
    }

    @PatchMapping("/Groups/{id}")
    ResponseEntity<String> patchGroup(@PathVariable String org, @PathVariable String id,
            @RequestParam(required = false) String excludedAttributes, @RequestBody(required = false) String body,
            HttpServletRequest request) throws ScimException {
        return ok(resources.patchGroup(caller(org, request), id, object(body),
                !excludes(excludedAttributes, "members")));
    }

    @DeleteMapping("/Groups/{id}")
    ResponseEntity<Void> deleteGroup(@PathVariable String org, @PathVariable String id, HttpServletRequest request)
            throws ScimException {
        resources.deleteGroup(caller(org, request), id);
        return ResponseEntity.noContent().build();
    }

    // ---------------------------------------------------------------- errors in SCIM's shape

    @ExceptionHandler(ScimException.class)
    ResponseEntity<String> scim(ScimException e) {
        return error(e.getScimError().getStatus(), e.getScimError().getScimType(), e.getScimError().getDetail());
    }

    @ExceptionHandler(ValidationException.class)
    ResponseEntity<String> invalid(ValidationException e) {
        return error(400, "invalidValue", e.getMessage());
    }

    @ExceptionHandler(ConflictException.class)
    ResponseEntity<String> conflict(ConflictException e) {
        return error(409, "uniqueness", e.getMessage());
    }

    @ExceptionHandler(NotFoundException.class)
    ResponseEntity<String> notFound(NotFoundException e) {
        return error(404, null, e.getMessage());
    }

    @ExceptionHandler(org.springframework.web.method.annotation.MethodArgumentTypeMismatchException.class)
    ResponseEntity<String> badParameter(Exception e) {
        return error(400, "invalidValue", "A query parameter has the wrong type.");
    }

    @ExceptionHandler(RuntimeException.class)
    ResponseEntity<String> unexpected(RuntimeException e) {
        log.error("A SCIM request failed unexpectedly", e);
        return error(500, null, "The request failed unexpectedly; nothing was changed.");
    }

    private static ResponseEntity<String> error(int status, String scimType, String detail) {
        return ResponseEntity.status(status).contentType(SCIM).header("Cache-Control", "no-store")
                .body(ScimErrors.json(ScimErrors.error(status, scimType, detail)));
    }

    // ---------------------------------------------------------------- plumbing

    /** The credential's caller, when {@code org} is its organization; otherwise not found (nothing to tell). */
    private static ScimCaller caller(String org, HttpServletRequest request) throws ScimException {
        ScimCaller caller = (ScimCaller) request.getAttribute(ScimSecurityConfiguration.CALLER);
        if (caller == null || !caller.orgId().toString().equals(org)) {
            throw new ScimException(404, null, "No such organization for this credential.");
        }
        return caller;
    }

    private static ObjectNode object(String body) throws ScimException {
        if (body == null || body.isBlank()) {
            throw new ScimException(400, "invalidSyntax", "The request needs a JSON body.");
        }
        try {
            JsonNode node = JsonUtils.getObjectReader().readTree(body);
            if (node == null || !node.isObject()) {
                throw new ScimException(400, "invalidSyntax", "The body must be a JSON object.");
            }
            return (ObjectNode) node;
        } catch (java.io.IOException e) {
            throw new ScimException(400, "invalidSyntax", "The body is not valid JSON.");
        }
    }

    private static int count(int count) {
        return Math.max(0, Math.min(count, ScimResources.MAX_COUNT));
    }

    private static boolean excludes(String excludedAttributes, String attribute) {
        if (excludedAttributes == null) {
            return false;
        }
        for (String a : excludedAttributes.split(",")) {
            if (a.strip().equalsIgnoreCase(attribute)) {
                return true;
            }
        }
        return false;
    }

    private static ObjectNode resourceType(String name, String endpoint, String schema) {
        ObjectNode node = JsonUtils.getJsonNodeFactory().objectNode();
        node.putArray("schemas").add("urn:ietf:params:scim:schemas:core:2.0:ResourceType");
        node.put("id", name);
        node.put("name", name);
        node.put("endpoint", endpoint);
        node.put("schema", schema);
        node.putObject("meta").put("resourceType", "ResourceType");
        return node;
    }

    private static JsonNode schema(Class<?> type) {
        try {
            SchemaResource schema = SchemaUtils.getSchema(type);
            ObjectNode node = JsonUtils.valueToNode(schema);
            node.putObject("meta").put("resourceType", "Schema");
            return node;
        } catch (java.beans.IntrospectionException e) {
            throw new IllegalStateException("The SCIM SDK could not describe " + type.getSimpleName(), e);
        }
    }

    private static ObjectNode listResponse(ScimResources.Page page) {
        ArrayNode list = JsonUtils.getJsonNodeFactory().arrayNode();
        page.resources().forEach(list::add);
        return listResponse(list, page.total(), page.startIndex());
    }

    private static ObjectNode listResponse(ArrayNode resources, int total, int startIndex) {
        ObjectNode node = JsonUtils.getJsonNodeFactory().objectNode();
        node.putArray("schemas").add("urn:ietf:params:scim:api:messages:2.0:ListResponse");
        node.put("totalResults", total);
        node.put("startIndex", startIndex);
        node.put("itemsPerPage", resources.size());
        node.set("Resources", resources);
        return node;
    }

    private static ResponseEntity<String> ok(JsonNode node) {
        return ResponseEntity.ok().contentType(SCIM).header("Cache-Control", "no-store").body(ScimErrors.json(node));
    }
}
