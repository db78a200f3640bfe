package org.connectorconsole.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.unboundid.scim2.common.GenericScimResource;
import com.unboundid.scim2.common.exceptions.ScimException;
import com.unboundid.scim2.common.filters.Filter;
import com.unboundid.scim2.common.filters.FilterType;
import com.unboundid.scim2.common.messages.PatchOperation;
import com.unboundid.scim2.common.messages.PatchOpType;
import com.unboundid.scim2.common.messages.PatchRequest;
import com.unboundid.scim2.common.types.Member;
import com.unboundid.scim2.common.utils.JsonUtils;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.connectorconsole.base.PublicAddress;
import org.connectorconsole.base.UserId;
import org.connectorconsole.group.Group;
import org.connectorconsole.group.GroupDirectory;
import org.connectorconsole.group.GroupId;
import org.connectorconsole.group.GroupMember;
import org.connectorconsole.group.GroupSource;
import org.connectorconsole.organization.ProvisionedMember;
import org.connectorconsole.organization.ProvisionedMembers;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The SCIM 2.0 Users and Groups of one organization, for a caller whose credential named it (the
 * {@link ScimController}). Users are the organization's members (id: the account's id, userName: its e-mail address);
 * Groups are the organization's groups provisioned by SCIM ({@link GroupSource#SCIM}; groups owners made in the
 * console or that single sign-on claims fill are not the identity provider's and are not shown). Each request is one
 * transaction: a deactivation or removal has ended the person's sessions, gateway tokens and grants and connections
 * when the response is sent (their upstream tokens are revoked right after, in the background).
 */
@Component
class ScimResources {

    static final String USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
    static final String GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group";
    static final int MAX_COUNT = 200;

    private static final JsonNodeFactory JSON = JsonUtils.getJsonNodeFactory();

    private final ProvisionedMembers members;
    private final GroupDirectory groups;
    private final PublicAddress publicAddress;

    ScimResources(ProvisionedMembers members, GroupDirectory groups, PublicAddress publicAddress) {
        this.members = members;
        this.groups = groups;
        this.publicAddress = publicAddress;
    }

    /** A page of the list: the resources and the total that matched. */
    record Page(List<ObjectNode> resources, int total, int startIndex) {
    }

    // ---------------------------------------------------------------- Users

    @Transactional(readOnly = true)
    public ObjectNode user(ScimCaller caller, String id) throws ScimException {
        return userNode(caller, findUser(caller, id));
    }

    @Transactional(readOnly = true)
    public Page users(ScimCaller caller, String filter, int startIndex, int count) throws ScimException {
        if (filter != null && !filter.isBlank()) {
            Filter f = Filter.fromString(filter);
            String attribute = equalityAttribute(f, Set.of("username", "externalid", "id", "emails.value",
                    "emails"));
            String value = f.getComparisonValue().asText();
            Optional<ProvisionedMember> found = switch (attribute) {
                case "externalid" -> members.findByExternalId(caller.orgId(), value);
                case "id" -> userId(value).flatMap(id -> members.find(caller.orgId(), id));
                default -> members.findByEmail(caller.orgId(), value);
            };
            List<ObjectNode> list = found.filter(m -> startIndex <= 1 && count > 0)
                    .map(m -> List.of(userNode(caller, m))).orElse(List.of());
            return new Page(list, found.isPresent() ? 1 : 0, startIndex);
        }
        List<ObjectNode> list = new ArrayList<>();
        if (count > 0) {
            for (ProvisionedMember m : members.page(caller.orgId(), startIndex - 1, count)) {
                list.add(userNode(caller, m));
            }
        }
        return new Page(list, members.count(caller.orgId()), startIndex);
    }

    @Transactional
    public ObjectNode createUser(ScimCaller caller, ObjectNode body) throws ScimException {
        String email = emailOf(body);
        String name = displayNameOf(body);
        ProvisionedMember created = members.add(caller.orgId(), caller.actor(), email, name,
                text(body, "externalId"), active(body.get("active"), true));
        return userNode(caller, created);
    }

    @Transactional
    public ObjectNode replaceUser(ScimCaller caller, String id, ObjectNode body) throws ScimException {
        ProvisionedMember before = findUser(caller, id);
        return userNode(caller, applyUser(caller, before, body));
    }

    @Transactional
    public ObjectNode patchUser(ScimCaller caller, String id, ObjectNode body) throws ScimException {
        ProvisionedMember before = findUser(caller, id);
        GenericScimResource resource = new GenericScimResource(userNode(caller, before));
        patchRequest(body).apply(resource);
        return userNode(caller, applyUser(caller, before, resource.getObjectNode()));
    }

    @Transactional
    public void deleteUser(ScimCaller caller, String id) throws ScimException {
        ProvisionedMember before = findUser(caller, id);
        members.remove(caller.orgId(), caller.actor(), before.userId());
    }

    /** The changes SCIM may make to a member: externalId and active. userName is the account's address. */
    private ProvisionedMember applyUser(ScimCaller caller, ProvisionedMember before, ObjectNode wanted)
            throws ScimException {
        String userName = text(wanted, "userName");
        if (userName != null && !userName.strip().equalsIgnoreCase(before.email())) {
            throw new ScimException(400, "mutability", "userName is the person's e-mail address in the console and "
                    + "cannot be changed through SCIM; remove the user and provision the new address instead.");
        }
        return members.update(caller.orgId(), caller.actor(), before.userId(), text(wanted, "externalId"),
                active(wanted.get("active"), before.active()));
    }

    private ProvisionedMember findUser(ScimCaller caller, String id) throws ScimException {
        return userId(id).flatMap(u -> members.find(caller.orgId(), u))
                .orElseThrow(() -> new ScimException(404, null, "User " + id + " not found."));
    }

    private ObjectNode userNode(ScimCaller caller, ProvisionedMember m) {
        ObjectNode node = JSON.objectNode();
        node.putArray("schemas").add(USER_SCHEMA);
        node.put("id", m.userId().toString());
        if (m.externalId() != null) {
            node.put("externalId", m.externalId());
        }
        node.put("userName", m.email());
        node.put("displayName", m.displayName());
        node.putObject("name").put("formatted", m.displayName());
        ObjectNode email = node.putArray("emails").addObject();
        email.put("value", m.email());
        email.put("type", "work");
        email.put("primary", true);
        node.put("active", m.active());
        ArrayNode groupsOf = node.putArray("groups");
        for (Group g : groups.groupsOf(caller.orgId(), m.userId())) {
            if (g.source() == GroupSource.SCIM) {
                groupsOf.addObject().put("value", g.id().toString()).put("display", g.name())
                        .put("$ref", location(caller, "Groups", g.id().toString()));
            }
        }
        ObjectNode meta = node.putObject("meta");
        meta.put("resourceType", "User");
        meta.put("created", m.joinedAt().toString());
        meta.put("location", location(caller, "Users", m.userId().toString()));
        meta.put("version", "W/\"" + m.version() + (m.active() ? "" : "s") + "\"");
        return node;
    }

    // ---------------------------------------------------------------- Groups

    @Transactional(readOnly = true)
    public ObjectNode group(ScimCaller caller, String id, boolean withMembers) throws ScimException {
        return groupNode(caller, findGroup(caller, id), withMembers);
    }

    @Transactional(readOnly = true)
    public Page groupList(ScimCaller caller, String filter, int startIndex, int count, boolean withMembers)
            throws ScimException {
        List<Group> all = groups.list(caller.orgId()).stream().filter(g -> g.source() == GroupSource.SCIM).toList();
        if (filter != null && !filter.isBlank()) {
            Filter f = Filter.fromString(filter);
            String attribute = equalityAttribute(f, Set.of("displayname", "externalid", "id"));
            String value = f.getComparisonValue().asText();
            all = all.stream().filter(g -> switch (attribute) {
                case "externalid" -> value.equals(g.externalId());
                case "id" -> g.id().toString().equals(value);
                default -> g.name().equalsIgnoreCase(value);
            }).toList();
        }
        List<ObjectNode> page = new ArrayList<>();
        for (int i = startIndex - 1; i < all.size() && page.size() < count; i++) {
            page.add(groupNode(caller, all.get(i), withMembers));
        }
        return new Page(page, all.size(), startIndex);
    }

    @Transactional
    public ObjectNode createGroup(ScimCaller caller, ObjectNode body) throws ScimException {
        String name = text(body, "displayName");
        if (name == null || name.isBlank()) {
            throw new ScimException(400, "invalidValue", "displayName is required.");
        }
        Set<UserId> wanted = memberIds(caller, body.get("members"));
        Group created = groups.create(caller.orgId(), caller.actor(), name, GroupSource.SCIM,
                text(body, "externalId"));
        for (UserId u : wanted) {
            groups.addMember(caller.orgId(), caller.actor(), created.id(), u);
        }
        return groupNode(caller, groups.find(caller.orgId(), created.id()).orElseThrow(), true);
    }

    @Transactional
    public ObjectNode replaceGroup(ScimCaller caller, String id, ObjectNode body) throws ScimException {
        Group group = findGroup(caller, id);
        String name = text(body, "displayName");
        if (name != null && !name.equals(group.name())) {
            groups.rename(caller.orgId(), caller.actor(), group.id(), name, -1);
        }
        setMembers(caller, group.id(), memberIds(caller, body.get("members")));
        return groupNode(caller, groups.find(caller.orgId(), group.id()).orElseThrow(), true);
    }

    /**
     * PATCH on a group, in the shapes identity providers send: Okta's {@code replace} without a path (a value with
     * {@code displayName} and/or {@code members}) and {@code remove} with {@code members[value eq "id"]}; Entra ID's
     * capitalised {@code Add}/{@code Remove}/{@code Replace} on {@code members} with a list of {@code {value}} (also
     * for Remove) and on {@code displayName}.
     */
    @Transactional
    public ObjectNode patchGroup(ScimCaller caller, String id, ObjectNode body, boolean withMembers)
            throws ScimException {
        Group group = findGroup(caller, id);
        for (PatchOperation op : patchRequest(body)) {
            String attribute = op.getPath() == null || op.getPath().size() == 0 ? null
                    : op.getPath().getElement(0).getAttribute().toLowerCase(Locale.ROOT);
            if (attribute == null) {
                JsonNode value = op.getJsonNode();
                if (op.getOpType() == PatchOpType.REMOVE || value == null || !value.isObject()) {
                    throw new ScimException(400, "noTarget", "A " + op.getOpType() + " without a path needs an "
                            + "object value.");
                }
                if (value.hasNonNull("displayName")) {
                    groups.rename(caller.orgId(), caller.actor(), group.id(), value.get("displayName").asText(), -1);
                }
                if (value.has("members")) {
                    Set<UserId> ids = memberIds(caller, value.get("members"));
                    if (op.getOpType() == PatchOpType.REPLACE) {
                        setMembers(caller, group.id(), ids);
                    } else {
                        addMembers(caller, group.id(), ids);
                    }
                }
                continue;
            }
            switch (attribute) {
                case "displayname" -> {
                    if (op.getOpType() == PatchOpType.REMOVE) {
                        throw new ScimException(400, "mutability", "displayName is required.");
                    }
                    groups.rename(caller.orgId(), caller.actor(), group.id(), op.getJsonNode().asText(), -1);
                }
                case "externalid" -> {
                    // the group keeps the id it was created with: nothing to change
                }
                case "members" -> patchMembers(caller, group.id(), op);
                default -> throw new ScimException(400, "invalidPath", "Groups support displayName and members; "
                        + op.getPath() + " cannot be changed.");
            }
        }
        return groupNode(caller, groups.find(caller.orgId(), group.id()).orElseThrow(), withMembers);
    }

    @Transactional
    public void deleteGroup(ScimCaller caller, String id) throws ScimException {
        Group group = findGroup(caller, id);
        groups.delete(caller.orgId(), caller.actor(), group.id());
    }

    private void patchMembers(ScimCaller caller, GroupId groupId, PatchOperation op) throws ScimException {
        Filter filter = op.getPath().getElement(0).getValueFilter();
        switch (op.getOpType()) {
            case ADD -> addMembers(caller, groupId, memberIds(caller, op.getJsonNode()));
            case REPLACE -> setMembers(caller, groupId, memberIds(caller, op.getJsonNode()));
            case REMOVE -> {
                if (filter != null) {
                    String attribute = equalityAttribute(filter, Set.of("value"));
                    if (!attribute.equals("value")) {
                        throw new ScimException(400, "invalidFilter", "Remove members by value.");
                    }
                    userId(filter.getComparisonValue().asText()).ifPresent(u ->
                            groups.removeMember(caller.orgId(), caller.actor(), groupId, u));
                } else if (op.getJsonNode() != null && !op.getJsonNode().isNull()) {
                    for (Member m : op.getRemoveMemberList()) {
                        userId(m.getValue()).ifPresent(u ->
                                groups.removeMember(caller.orgId(), caller.actor(), groupId, u));
                    }
                } else {
                    setMembers(caller, groupId, Set.of());
                }
            }
            default -> throw new ScimException(400, "invalidSyntax", "Unknown operation.");
        }
    }

    private void addMembers(ScimCaller caller, GroupId groupId, Set<UserId> ids) {
        for (UserId u : ids) {
            groups.addMember(caller.orgId(), caller.actor(), groupId, u);
        }
    }

    private void setMembers(ScimCaller caller, GroupId groupId, Set<UserId> wanted) {
        Set<UserId> present = new LinkedHashSet<>();
        for (GroupMember m : groups.members(caller.orgId(), groupId)) {
            present.add(m.userId());
            if (!wanted.contains(m.userId())) {
                groups.removeMember(caller.orgId(), caller.actor(), groupId, m.userId());
            }
        }
        for (UserId u : wanted) {
            if (!present.contains(u)) {
                groups.addMember(caller.orgId(), caller.actor(), groupId, u);
            }
        }
    }

    /** The user ids of a members value (an array of {@code {value}} or one such object); each must be a member. */
    private Set<UserId> memberIds(ScimCaller caller, JsonNode members) throws ScimException {
        Set<UserId> ids = new LinkedHashSet<>();
        if (members == null || members.isNull()) {
            return ids;
        }
        List<JsonNode> items = new ArrayList<>();
        if (members.isArray()) {
            members.forEach(items::add);
        } else {
            items.add(members);
        }
        for (JsonNode item : items) {
            String value = item.isObject() ? item.path("value").asText(null) : item.asText(null);
            Optional<UserId> id = userId(value).filter(u -> members(caller, u));
            if (id.isEmpty()) {
                throw new ScimException(400, "invalidValue", "Member " + value + " is not a user of this "
                        + "organization: provision the user first.");
            }
            ids.add(id.get());
        }
        return ids;
    }

    private boolean members(ScimCaller caller, UserId u) {
        return this.members.find(caller.orgId(), u).isPresent();
    }

    private Group findGroup(ScimCaller caller, String id) throws ScimException {
        Optional<GroupId> groupId;
        try {
            groupId = Optional.of(new GroupId(UUID.fromString(id)));
        } catch (IllegalArgumentException e) {
            groupId = Optional.empty();
        }
        return groupId.flatMap(g -> groups.find(caller.orgId(), g)).filter(g -> g.source() == GroupSource.SCIM)
                .orElseThrow(() -> new ScimException(404, null, "Group " + id + " not found."));
    }

    private ObjectNode groupNode(ScimCaller caller, Group g, boolean withMembers) {
        ObjectNode node = JSON.objectNode();
        node.putArray("schemas").add(GROUP_SCHEMA);
        node.put("id", g.id().toString());
        if (g.externalId() != null) {
            node.put("externalId", g.externalId());
        }
        node.put("displayName", g.name());
        if (withMembers) {
            ArrayNode list = node.putArray("members");
            for (GroupMember m : groups.members(caller.orgId(), g.id())) {
                list.addObject().put("value", m.userId().toString()).put("display", m.email())
                        .put("$ref", location(caller, "Users", m.userId().toString()));
            }
        }
        ObjectNode meta = node.putObject("meta");
        meta.put("resourceType", "Group");
        meta.put("created", g.createdAt().toString());
        meta.put("location", location(caller, "Groups", g.id().toString()));
        meta.put("version", "W/\"" + g.version() + "\"");
        return node;
    }

    // ---------------------------------------------------------------- shared

    String location(ScimCaller caller, String type, String id) {
        return publicAddress.base() + "/scim/v2/o/" + caller.orgId() + "/" + type + "/" + id;
    }

    /**
     * Reads a PATCH request with the SDK, after writing each operation's {@code op} in lower case: Entra ID sends
     * {@code "Replace"}, {@code "Add"}, {@code "Remove"}.
     */
    static PatchRequest patchRequest(ObjectNode body) throws ScimException {
        JsonNode operations = body.get("Operations");
        if (operations == null || !operations.isArray() || operations.isEmpty()) {
            throw new ScimException(400, "invalidSyntax", "A PATCH request needs Operations.");
        }
        for (JsonNode op : operations) {
            if (op.isObject() && op.get("op") != null && op.get("op").isTextual()) {
                ((ObjectNode) op).put("op", op.get("op").asText().toLowerCase(Locale.ROOT));
            }
        }
        try {
            return JsonUtils.getObjectReader().forType(PatchRequest.class).readValue(body);
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new ScimException(400, "invalidSyntax", "The PATCH request could not be read: "
                    + rootMessage(e));
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /** The attribute (lower case) of an {@code attribute eq "value"} filter, if it is one we answer. */
    private static String equalityAttribute(Filter f, Set<String> supported) throws ScimException {
        if (f.getFilterType() != FilterType.EQUAL || f.getAttributePath() == null
                || f.getComparisonValue() == null) {
            throw new ScimException(400, "invalidFilter", "Only \"attribute eq value\" filters are supported.");
        }
        String attribute = f.getAttributePath().toString().toLowerCase(Locale.ROOT);
        if (attribute.startsWith(USER_SCHEMA.toLowerCase(Locale.ROOT) + ":")) {
            attribute = attribute.substring(USER_SCHEMA.length() + 1);
        }
        if (!supported.contains(attribute)) {
            throw new ScimException(400, "invalidFilter", "Filtering on " + f.getAttributePath() + " is not "
                    + "supported.");
        }
        return attribute;
    }

    private static Optional<UserId> userId(String value) {
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new UserId(UUID.fromString(value)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** {@code active} as identity providers send it: a boolean, or (Entra ID) the string "True"/"False". */
    static boolean active(JsonNode value, boolean absent) throws ScimException {
        if (value == null || value.isNull()) {
            return absent;
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isTextual()) {
            String s = value.asText().strip();
            if (s.equalsIgnoreCase("true")) {
                return true;
            }
            if (s.equalsIgnoreCase("false")) {
                return false;
            }
        }
        throw new ScimException(400, "invalidValue", "active must be true or false.");
    }

    private static String emailOf(ObjectNode body) throws ScimException {
        String userName = text(body, "userName");
        if (userName != null && userName.contains("@")) {
            return userName;
        }
        JsonNode emails = body.get("emails");
        if (emails != null && emails.isArray()) {
            for (JsonNode e : emails) {
                if (e.path("primary").asBoolean(false) && e.hasNonNull("value")) {
                    return e.get("value").asText();
                }
            }
            if (!emails.isEmpty() && emails.get(0).hasNonNull("value")) {
                return emails.get(0).get("value").asText();
            }
        }
        if (userName == null) {
            throw new ScimException(400, "invalidValue", "userName (the person's e-mail address) is required.");
        }
        return userName;
    }

    private static String displayNameOf(ObjectNode body) {
        String display = text(body, "displayName");
        if (display != null && !display.isBlank()) {
            return display;
        }
        JsonNode name = body.get("name");
        if (name != null && name.isObject()) {
            if (name.hasNonNull("formatted")) {
                return name.get("formatted").asText();
            }
            String joined = (name.path("givenName").asText("") + " " + name.path("familyName").asText("")).strip();
            if (!joined.isEmpty()) {
                return joined;
            }
        }
        return null;
    }
}
