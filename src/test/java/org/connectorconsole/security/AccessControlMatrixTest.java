package org.connectorconsole.security;

import static com.github.mvysny.kaributesting.v10.LocatorJ._find;
import static org.assertj.core.api.Assertions.assertThat;
import static org.connectorconsole.db.Tables.API_TOKEN;
import static org.connectorconsole.db.Tables.CONNECTOR;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.router.Route;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;
import org.connectorconsole.audit.AuditQuery;
import org.connectorconsole.auditlog.ApiTokenService;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.base.Plan;
import org.connectorconsole.base.UserId;
import org.connectorconsole.base.ui.NotAllowedView;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorForm;
import org.connectorconsole.connector.ConnectorId;
import org.connectorconsole.connector.ConnectorService;
import org.connectorconsole.security.ui.LoginView;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.connectorconsole.support.TestOrganizations.Person;
import org.connectorconsole.support.ViewTest;
import org.jooq.DSLContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Service;

/**
 * The access control matrix: every Vaadin route (found on the class path) and every public method of every
 * {@code @Service} bean (found in the application context), for the anonymous visitor, a member, an owner of a
 * Team organization, a Pro individual, a Free individual, and an owner of <em>another</em> organization aiming at
 * this organization's data. The expected rule of each route and method is declared below, one line each; a route
 * or a public service method without a declared rule fails the build, with the line to add.
 */
class AccessControlMatrixTest extends ViewTest {

    /** Who may pass. Methods and routes refuse everyone else. */
    enum Rule {
        /** Anyone, signed in or not (the sign-in page; first-time setup, which a one-time code protects). */
        PUBLIC(EnumSet.allOf(Who.class)),
        /** Only someone not signed in (accepting an invitation by creating an account). */
        VISITOR(EnumSet.of(Who.ANONYMOUS)),
        /** Anyone signed in to an organization. */
        SIGNED_IN(EnumSet.of(Who.MEMBER, Who.TEAM_OWNER, Who.PRO, Who.FREE)),
        /** Anyone in an organization on a plan with custom connectors (members' own connections). */
        PAID_PLAN(EnumSet.of(Who.MEMBER, Who.TEAM_OWNER, Who.PRO)),
        /** Owners of any plan (an individual owns their own organization). */
        OWNER(EnumSet.of(Who.TEAM_OWNER, Who.PRO, Who.FREE)),
        /** Owners on a plan with custom connectors (Pro, Max, Team, Enterprise). */
        PAID_OWNER(EnumSet.of(Who.TEAM_OWNER, Who.PRO)),
        /** Owners of a Team or Enterprise organization (the one with members). */
        ORG_OWNER(EnumSet.of(Who.TEAM_OWNER)),
        /**
         * Not for people: called by other services or controllers after their own check (say, an API token), or
         * a lifecycle method. Not invoked here; the reason is part of the rule.
         */
        INTERNAL(EnumSet.noneOf(Who.class));

        final Set<Who> allowed;

        Rule(Set<Who> allowed) {
            this.allowed = allowed;
        }
    }

    enum Who {
        ANONYMOUS, MEMBER, TEAM_OWNER, PRO, FREE
    }

    private record Declared(Rule rule, String reason) {
    }

    private static final Map<String, Declared> SERVICE_RULES = new LinkedHashMap<>();
    private static final Map<String, Rule> ROUTE_RULES = new LinkedHashMap<>();

    private static void rule(String method, Rule rule) {
        SERVICE_RULES.put(method, new Declared(rule, null));
    }

    private static void internal(String method, String reason) {
        SERVICE_RULES.put(method, new Declared(Rule.INTERNAL, reason));
    }

    private static void route(String viewClass, Rule rule) {
        ROUTE_RULES.put(viewClass, rule);
    }

    // ---------------------------------------------------------------- declared rules: one line per method / route
    static {
        rule("AccountService.me", Rule.SIGNED_IN);
        rule("LiveUpdates.subscribe", Rule.SIGNED_IN);
        rule("AccountService.rename", Rule.SIGNED_IN);
        rule("AccountService.changePassword", Rule.SIGNED_IN);
        rule("SignInOptions.firstTimeSetupPending", Rule.PUBLIC);
        rule("SetupService.isSetupPending", Rule.PUBLIC);
        rule("SetupService.completeSetup", Rule.PUBLIC);
        rule("OrganizationService.current", Rule.SIGNED_IN);
        rule("OrganizationService.memberPage", Rule.OWNER);
        rule("OrganizationService.memberCounts", Rule.OWNER);
        rule("OrganizationService.member", Rule.OWNER);
        rule("ConnectorService.availability", Rule.OWNER);
        rule("ConnectorService.list", Rule.PAID_OWNER);
        rule("ConnectorService.page", Rule.PAID_OWNER);
        rule("ConnectorService.count", Rule.PAID_OWNER);
        rule("ConnectorService.get", Rule.PAID_OWNER);
        rule("ConnectorService.add", Rule.PAID_OWNER);
        rule("ConnectorService.update", Rule.PAID_OWNER);
        rule("ConnectorService.setEnabled", Rule.PAID_OWNER);
        rule("ConnectorService.remove", Rule.PAID_OWNER);
        rule("ConnectorService.startCheck", Rule.PAID_OWNER);
        rule("ConnectorService.serverIcon", Rule.SIGNED_IN);
        rule("PrivateHostService.list", Rule.PAID_OWNER);
        rule("PrivateHostService.allow", Rule.PAID_OWNER);
        rule("PrivateHostService.remove", Rule.PAID_OWNER);
        rule("ConnectionService.list", Rule.PAID_PLAN);
        rule("ConnectionService.check", Rule.PAID_PLAN);
        rule("ConnectionService.checkNow", Rule.PAID_PLAN);
        rule("ConnectionService.connect", Rule.PAID_PLAN);
        rule("ConnectionService.connectInBackground", Rule.PAID_PLAN);
        rule("ConnectionService.complete", Rule.PAID_PLAN);
        rule("ConnectionService.disconnect", Rule.PAID_PLAN);
        rule("ConnectionService.disconnectInBackground", Rule.PAID_PLAN);
        rule("EnterpriseManagedService.tokenExchange", Rule.PAID_OWNER);
        rule("EnterpriseManagedService.saveTokenExchange", Rule.PAID_OWNER);
        rule("EnterpriseManagedService.setEnterpriseManaged", Rule.PAID_OWNER);
        rule("EnterpriseManagedService.enterpriseManagedConnectors", Rule.PAID_PLAN);
        rule("EnterpriseManagedService.connectAutomatically", Rule.PAID_PLAN);
        rule("EnterpriseManagedService.connectAutomaticallyInBackground", Rule.PAID_PLAN);
        rule("EnterpriseManagedService.setEnterpriseManagedInBackground", Rule.PAID_OWNER);
        rule("EnterpriseManagedService.connectThroughOrganization", Rule.PAID_PLAN);
        rule("EnterpriseManagedService.connectThroughOrganizationInBackground", Rule.PAID_PLAN);
        rule("AuditLogService.page", Rule.OWNER);
        rule("AuditLogService.count", Rule.OWNER);
        rule("AuditLogService.actions", Rule.OWNER);
        rule("AuditLogService.connectors", Rule.OWNER);
        rule("AuditLogService.members", Rule.OWNER);
        rule("AuditLogService.export", Rule.OWNER);
        rule("AuditLogService.verify", Rule.OWNER);
        internal("AuditLogService.begin", "the export API, after ApiTokenService.authenticate named the organization");
        internal("AuditLogService.stream", "streams an Export that begin() or export() created after their checks");
        rule("ApiTokenService.create", Rule.OWNER);
        rule("ApiTokenService.list", Rule.OWNER);
        rule("ApiTokenService.revoke", Rule.OWNER);
        rule("ApiTokenService.authenticate", Rule.PUBLIC);
        rule("GatewaySettingsService.current", Rule.SIGNED_IN);
        rule("GatewaySettingsService.save", Rule.OWNER);
        rule("GatewaySettingsService.memberEndpoint", Rule.SIGNED_IN);
        rule("GatewaySettingsService.conversationEndpoint", Rule.SIGNED_IN);
        rule("PersonalAccessTokens.create", Rule.PAID_PLAN);
        rule("PersonalAccessTokens.mine", Rule.SIGNED_IN);
        rule("PersonalAccessTokens.revoke", Rule.SIGNED_IN);
        internal("PersonalAccessTokens.authenticate", "the gateway's bearer check: the token is the credential");
        internal("ConnectionService.listFor", "the gateway, for the member its credential stands for");
        internal("ConnectionService.sessionCredentials", "the tool runtime, for the member it already acts for");
        internal("ConnectionService.recordUse", "the tool runtime's recorder, when a call of the member it acts for starts");
        internal("ConversationService.toolsFor", "the gateway, for the member its credential stands for");
        internal("ConversationService.switchedOn", "the gateway, for the member its credential stands for");
        internal("ConversationService.ownerOf", "the gateway's endpoint check, before it knows the caller");
        rule("AuthorizedAppsService.mine", Rule.SIGNED_IN);
        rule("AuthorizedAppsService.revokeMine", Rule.SIGNED_IN);
        rule("AuthorizedAppsService.organization", Rule.OWNER);
        rule("AuthorizedAppsService.organizationPage", Rule.OWNER);
        rule("AuthorizedAppsService.revokeAsOwner", Rule.OWNER);
        rule("ConsentService.describe", Rule.SIGNED_IN);
        internal("AuditService.record", "services record events after their own checks; it takes no caller");
        internal("AuditService.recordAll", "the tool runtime's recorder appends the ends of calls it already recorded, "
                + "as record does; it takes no caller");
        rule("ConversationService.recent", Rule.SIGNED_IN);
        rule("ConversationService.create", Rule.SIGNED_IN);
        rule("ConversationService.get", Rule.SIGNED_IN);
        rule("ConversationService.rename", Rule.SIGNED_IN);
        rule("ConversationService.delete", Rule.SIGNED_IN);
        rule("ConversationService.connectorsAvailable", Rule.SIGNED_IN);
        rule("ConversationService.connectors", Rule.SIGNED_IN);
        rule("ConversationService.setEnabled", Rule.PAID_PLAN);
        rule("ConversationService.tools", Rule.SIGNED_IN);
        rule("ConversationService.toolsNow", Rule.SIGNED_IN);
        rule("ConversationService.history", Rule.SIGNED_IN);
        rule("ConversationService.start", Rule.PAID_PLAN);
        rule("ConversationService.watch", Rule.SIGNED_IN);
        rule("ConversationService.cancel", Rule.SIGNED_IN);
        internal("ConversationService.callTimeout", "a configuration value the conversation page shows; no data");
        rule("ToolPolicyService.tools", Rule.PAID_OWNER);
        rule("ToolPolicyService.pendingReviews", Rule.PAID_OWNER);
        rule("ToolPolicyService.setPolicy", Rule.PAID_OWNER);
        rule("ToolPolicyService.approve", Rule.PAID_OWNER);
        rule("ToolPolicyService.approveAllNew", Rule.PAID_OWNER);
        rule("ToolPolicyService.settings", Rule.PAID_OWNER);
        rule("ToolPolicyService.updateSettings", Rule.PAID_OWNER);
        internal("ConnectionService.openSession", "ConversationService's calls, with the Member it resolved through "
                + "CurrentMember on the request thread; checks plan, organization and connector again");
        internal("ConnectionService.refusedDuringUse", "ConversationService, after a server refused that member's "
                + "own token during a call; only ever touches that member's connection");
        rule("InvitationService.invite", Rule.ORG_OWNER);
        rule("InvitationService.pending", Rule.ORG_OWNER);
        rule("InvitationService.revoke", Rule.ORG_OWNER);
        rule("InvitationService.preview", Rule.PUBLIC);
        rule("InvitationService.acceptWithNewAccount", Rule.VISITOR);
        rule("InvitationService.acceptAsSignedIn", Rule.SIGNED_IN);
        rule("OrganizationService.changeRole", Rule.ORG_OWNER);
        rule("OrganizationService.removeMember", Rule.ORG_OWNER);
        rule("MemberAccess.revokeEverything", Rule.ORG_OWNER);
        rule("MemberAccess.suspendedMembers", Rule.ORG_OWNER);
        internal("MemberAccess.suspend", "the SCIM endpoint, after its bearer credential named the organization");
        internal("MemberAccess.reactivate", "the SCIM endpoint, after its bearer credential named the organization");
        internal("MemberAccess.suspended", "the SCIM endpoint, after its bearer credential named the organization");
        rule("ScimCredentials.endpoint", Rule.ORG_OWNER);
        rule("ScimCredentials.list", Rule.ORG_OWNER);
        rule("ScimCredentials.create", Rule.ORG_OWNER);
        rule("ScimCredentials.revoke", Rule.ORG_OWNER);
        internal("ScimCredentials.authenticate", "the SCIM endpoint's bearer check: the credential is the caller");
        rule("RegistrySettingsService.current", Rule.ORG_OWNER);
        rule("RegistrySettingsService.save", Rule.ORG_OWNER);
        rule("SsoGroupClaims.claimName", Rule.ORG_OWNER);
        rule("SsoGroupClaims.setClaimName", Rule.ORG_OWNER);
        rule("OrganizationService.ssoRequired", Rule.SIGNED_IN);
        rule("OrganizationService.setSsoRequired", Rule.ORG_OWNER);
        rule("ConnectionOverviewService.page", Rule.ORG_OWNER);
        rule("ConnectionOverviewService.counts", Rule.ORG_OWNER);
        rule("ConnectionOverviewService.requestReconnect", Rule.ORG_OWNER);
        rule("ConnectionOverviewService.myReconnectRequests", Rule.SIGNED_IN);
        rule("ConnectionOverviewService.openReconnectRequests", Rule.ORG_OWNER);
        // the drawer's organization list: empty for a visitor, one's own memberships otherwise
        rule("ActiveOrganization.choices", Rule.PUBLIC);
        rule("ActiveOrganization.switchTo", Rule.SIGNED_IN);
        rule("SignInOptions.ssoProviders", Rule.PUBLIC);
        rule("GroupService.list", Rule.ORG_OWNER);
        rule("GroupService.get", Rule.ORG_OWNER);
        rule("GroupService.create", Rule.ORG_OWNER);
        rule("GroupService.rename", Rule.ORG_OWNER);
        rule("GroupService.delete", Rule.ORG_OWNER);
        rule("GroupService.addMember", Rule.ORG_OWNER);
        rule("GroupService.removeMember", Rule.ORG_OWNER);
        rule("GroupService.members", Rule.ORG_OWNER);
        rule("GroupService.groupsOf", Rule.ORG_OWNER);
        rule("GroupService.myGroups", Rule.SIGNED_IN);
        rule("ConnectorAccessService.settings", Rule.PAID_OWNER);
        rule("ConnectorAccessService.setAudience", Rule.ORG_OWNER);
        rule("ConnectorAccessService.setRules", Rule.PAID_OWNER);
        rule("ConnectorAccessService.setGrant", Rule.ORG_OWNER);
        rule("ConnectorAccessService.explain", Rule.ORG_OWNER);
        rule("ConnectorAccessService.myTools", Rule.PAID_PLAN);
        internal("ConversationService.standing", "the gateway, with the Member it resolved from its bearer token; "
                + "reads only that member's own standing in their organization");

        route("ProvisioningView", Rule.ORG_OWNER);
        route("RegistryView", Rule.ORG_OWNER);
        route("LoginView", Rule.PUBLIC);
        route("SetupView", Rule.PUBLIC);
        route("OverviewView", Rule.SIGNED_IN);
        route("AccountView", Rule.SIGNED_IN);
        route("AuthorizedAppsView", Rule.SIGNED_IN);
        route("GatewaySettingsView", Rule.ORG_OWNER);
        route("EnterpriseSignInView", Rule.ORG_OWNER);
        route("ConsentView", Rule.SIGNED_IN);
        route("OrganizationAppsView", Rule.ORG_OWNER);
        route("MemberConnectorsView", Rule.SIGNED_IN);
        route("ConnectorsView", Rule.OWNER);
        route("ConnectorView", Rule.OWNER);
        route("AuditLogView", Rule.OWNER);
        route("MembersView", Rule.ORG_OWNER);
        route("GroupsView", Rule.ORG_OWNER);
        route("ConversationsView", Rule.SIGNED_IN);
        route("ConversationView", Rule.SIGNED_IN);
        route("ConnectionsOverviewView", Rule.ORG_OWNER);
        route("InvitationView", Rule.PUBLIC);
    }
    // ---------------------------------------------------------------- end of declared rules

    @Autowired
    DSLContext db;
    @Autowired
    ConnectorService connectorService;
    @Autowired
    ApiTokenService apiTokens;

    Org team;
    Org pro;
    Org free;
    /** Another Team organization whose data the owner of {@link #team} aims at. */
    Org victim;
    Connector victimConnector;
    UUID victimToken;
    org.connectorconsole.group.GroupId victimGroup;
    org.connectorconsole.conversation.ConversationId victimConversation;
    @Autowired
    org.connectorconsole.conversation.ConversationService conversations;

    @BeforeEach
    void organizations() {
        team = orgs.create(Plan.TEAM, 1);
        pro = orgs.create(Plan.PRO, 0);
        free = orgs.create(Plan.FREE, 0);
        victim = orgs.create(Plan.TEAM, 1);
        orgs.signIn(victim.owner());
        victimConnector = connectorService.add(ConnectorForm.of("Victim's private tools",
                "https://victim-" + UUID.randomUUID() + ".example/mcp"));
        victimToken = apiTokens.create("victim token").id();
        victimGroup = context.getBean(org.connectorconsole.group.GroupService.class).create("Victim's group").id();
        orgs.signIn(victim.members().getFirst());
        victimConversation = conversations.create("Victim's private conversation").id();
        TestOrganizations.signOut();
    }

    private Person person(Who who) {
        return switch (who) {
            case ANONYMOUS -> null;
            case MEMBER -> team.members().getFirst();
            case TEAM_OWNER -> team.owner();
            case PRO -> pro.owner();
            case FREE -> free.owner();
        };
    }

    // ---------------------------------------------------------------- completeness

    private List<Object> serviceBeans() {
        return context.getBeansWithAnnotation(Service.class).values().stream()
                .filter(bean -> AopUtils.getTargetClass(bean).getName().startsWith("org.connectorconsole."))
                .toList();
    }

    private static boolean lifecycle(Method m) {
        return (m.getName().equals("destroy") && DisposableBean.class.isAssignableFrom(m.getDeclaringClass())
                && m.getParameterCount() == 0)
                || (m.getName().equals("afterPropertiesSet") && InitializingBean.class.isAssignableFrom(
                        m.getDeclaringClass()) && m.getParameterCount() == 0);
    }

    private static List<Method> publicMethods(Class<?> type) {
        return Arrays.stream(type.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers()))
                .filter(m -> !m.isSynthetic() && !m.isBridge() && !lifecycle(m))
                .sorted(java.util.Comparator.comparing(Method::toString))
                .toList();
    }

    private static String key(Class<?> type, Method m) {
        return type.getSimpleName() + "." + m.getName();
    }

    private static List<Class<?>> routes() {
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(Route.class));
        return scanner.findCandidateComponents("org.connectorconsole").stream().<Class<?>>map(bd -> {
            try {
                return Class.forName(bd.getBeanClassName());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }).sorted(java.util.Comparator.comparing(Class::getName)).toList();
    }

    @Test
    void every_public_service_method_and_every_route_has_a_declared_rule() {
        Set<String> missing = new TreeSet<>();
        Set<String> seen = new TreeSet<>();
        for (Object bean : serviceBeans()) {
            Class<?> type = AopUtils.getTargetClass(bean);
            for (Method m : publicMethods(type)) {
                seen.add(key(type, m));
                if (!SERVICE_RULES.containsKey(key(type, m))) {
                    missing.add("rule(\"" + key(type, m) + "\", Rule.SIGNED_IN);   // or PUBLIC, OWNER, PAID_OWNER, "
                            + "ORG_OWNER, PAID_PLAN, or internal(\"" + key(type, m) + "\", \"why no person calls it\")");
                }
            }
        }
        for (Class<?> view : routes()) {
            seen.add(view.getSimpleName());
            if (!ROUTE_RULES.containsKey(view.getSimpleName())) {
                missing.add("route(\"" + view.getSimpleName() + "\", Rule.SIGNED_IN);   // or PUBLIC, OWNER, "
                        + "PAID_OWNER, ORG_OWNER");
            }
        }
        assertThat(missing).as("Routes and public service methods without a declared access rule. Add these lines "
                + "to the static block 'declared rules' of " + getClass().getName() + " (choose the rule):\n"
                + String.join("\n", missing) + "\n").isEmpty();
        Set<String> stale = new TreeSet<>(SERVICE_RULES.keySet());
        stale.addAll(ROUTE_RULES.keySet());
        stale.removeAll(seen);
        assertThat(stale).as("Rules for routes or methods that no longer exist: remove them from "
                + getClass().getSimpleName()).isEmpty();
        assertThat(serviceBeans()).as("the scan finds the services").hasSizeGreaterThanOrEqualTo(9);
        assertThat(routes()).as("the scan finds the routes").hasSizeGreaterThanOrEqualTo(9);
    }

    // ---------------------------------------------------------------- services

    /** Harmless arguments: the check of who calls comes before anything is read from them. */
    private Object argument(Class<?> type, boolean aimAtVictim) {
        if (type == ConnectorId.class) {
            return aimAtVictim ? victimConnector.id() : ConnectorId.random();
        }
        if (type == org.connectorconsole.conversation.ConversationId.class) {
            return aimAtVictim ? victimConversation : org.connectorconsole.conversation.ConversationId.random();
        }
        if (type == org.connectorconsole.conversation.ToolCallRequest.class) {
            return aimAtVictim ? new org.connectorconsole.conversation.ToolCallRequest(victimConversation,
                    victimConnector.id(), "echo", "{}", null)
                    : new org.connectorconsole.conversation.ToolCallRequest(
                            org.connectorconsole.conversation.ConversationId.random(), ConnectorId.random(), "echo",
                            "{}", null);
        }
        if (type == org.connectorconsole.group.GroupId.class) {
            return aimAtVictim ? victimGroup : org.connectorconsole.group.GroupId.random();
        }
        if (type == UUID.class) {
            return aimAtVictim ? victimToken : UUID.randomUUID();
        }
        if (type == UserId.class) {
            return aimAtVictim ? victim.members().getFirst().id() : UserId.random();
        }
        if (type == OrganizationId.class) {
            return aimAtVictim ? victim.id() : OrganizationId.random();
        }
        if (type == String.class) {
            return "matrix-" + UUID.randomUUID().toString().substring(0, 8);
        }
        if (type == int.class || type == Integer.class) {
            return aimAtVictim ? victimConnector.version() : 0;
        }
        if (type == long.class) {
            return 0L;
        }
        if (type == boolean.class) {
            return false;
        }
        if (type == AuditQuery.class) {
            return AuditQuery.ALL;
        }
        if (type == ConnectorForm.class) {
            return ConnectorForm.of("Matrix", "https://matrix-" + UUID.randomUUID() + ".example/mcp");
        }
        if (type == Consumer.class) {
            return (Consumer<Object>) x -> { };
        }
        if (type == LongConsumer.class) {
            return (LongConsumer) x -> { };
        }
        if (type == OutputStream.class) {
            return OutputStream.nullOutputStream();
        }
        if (type.isEnum()) {
            return type.getEnumConstants()[0];
        }
        return null;
    }

    private record Call(Object result, Throwable error) {
        boolean denied() {
            return error instanceof AccessDeniedException;
        }
    }

    private Call call(Object bean, Method m, boolean aimAtVictim) {
        Object[] args = Arrays.stream(m.getParameterTypes()).map(t -> argument(t, aimAtVictim)).toArray();
        try {
            Method onBean = bean.getClass().getMethod(m.getName(), m.getParameterTypes());
            return new Call(onBean.invoke(bean, args), null);
        } catch (InvocationTargetException e) {
            return new Call(null, e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private void as(Who who) {
        TestOrganizations.signOut();
        if (who != Who.ANONYMOUS) {
            orgs.signIn(person(who));
        }
    }

    @Test
    void every_service_method_refuses_exactly_those_its_rule_excludes() {
        List<String> wrong = new ArrayList<>();
        int checked = 0;
        for (Object bean : serviceBeans()) {
            Class<?> type = AopUtils.getTargetClass(bean);
            for (Method m : publicMethods(type)) {
                Declared declared = SERVICE_RULES.get(key(type, m));
                if (declared == null || declared.rule() == Rule.INTERNAL) {
                    continue;
                }
                for (Who who : Who.values()) {
                    as(who);
                    Call call = call(bean, m, false);
                    boolean expectAllowed = declared.rule().allowed.contains(who);
                    if (expectAllowed == call.denied()) {
                        wrong.add(key(type, m) + " as " + who + ": expected " + (expectAllowed ? "allowed" : "refused")
                                + " (" + declared.rule() + "), got " + (call.error() == null ? "a result"
                                        : call.error().getClass().getSimpleName() + ": " + call.error().getMessage()));
                    }
                    checked++;
                }
            }
        }
        TestOrganizations.signOut();
        assertThat(wrong).as("service methods whose access differs from their declared rule").isEmpty();
        assertThat(checked).isGreaterThanOrEqualTo(5 * 30);
    }

    @Test
    void owner_of_another_organization_reaches_nothing_of_this_one_through_any_service_method() {
        List<String> leaks = new ArrayList<>();
        List<String> markers = List.of(victimConnector.id().toString(), victimConnector.url(), victim.name(),
                victim.owner().email(), victim.members().getFirst().email(), victimToken.toString(),
                "Victim's private conversation", victimGroup.toString(), "Victim's group");
        int aimed = 0;
        for (Object bean : serviceBeans()) {
            Class<?> type = AopUtils.getTargetClass(bean);
            for (Method m : publicMethods(type)) {
                Declared declared = SERVICE_RULES.get(key(type, m));
                if (declared == null || declared.rule() == Rule.INTERNAL || declared.rule() == Rule.PUBLIC) {
                    continue;
                }
                as(Who.TEAM_OWNER); // owner of 'team', aiming at 'victim'
                Call call = call(bean, m, true);
                aimed++;
                String shown = String.valueOf(call.result()) + (call.error() == null ? "" : call.error().getMessage());
                for (String marker : markers) {
                    if (shown.contains(marker)) {
                        leaks.add(key(type, m) + " showed " + marker + ": " + shown);
                    }
                }
            }
        }
        TestOrganizations.signOut();
        assertThat(leaks).as("another organization's data reached through a service").isEmpty();
        assertThat(aimed).isGreaterThanOrEqualTo(30);
        // and nothing of the victim changed: its connector is as it was, its token still valid
        assertThat(db.fetchOne(CONNECTOR, CONNECTOR.ID.eq(victimConnector.id().value())))
                .as("the victim's connector still exists").isNotNull()
                .satisfies(row -> {
                    assertThat(row.getVersion()).isEqualTo(victimConnector.version());
                    assertThat(row.getEnabled()).isTrue();
                });
        assertThat(db.fetchOne(API_TOKEN, API_TOKEN.ID.eq(victimToken)).getRevokedAt())
                .as("the victim's API token was revoked by another organization").isNull();
    }

    // ---------------------------------------------------------------- routes

    private static String path(Class<?> view, Connector connector) {
        String value = view.getAnnotation(Route.class).value();
        return value.replace(":id", connector.id().toString());
    }

    @Test
    void every_route_opens_for_exactly_those_its_rule_allows() {
        List<String> wrong = new ArrayList<>();
        // a connector of the Team organization, so parameterised routes have something to show its owner
        orgs.signIn(team.owner());
        Connector own = connectorService.add(ConnectorForm.of("Own tools",
                "https://own-" + UUID.randomUUID() + ".example/mcp"));
        TestOrganizations.signOut();
        for (Class<?> view : routes()) {
            Rule rule = ROUTE_RULES.get(view.getSimpleName());
            if (rule == null) {
                continue;
            }
            for (Who who : Who.values()) {
                TestOrganizations.signOut();
                startOver();
                if (who != Who.ANONYMOUS) {
                    signIn(person(who));
                }
                navigate(path(view, own));
                Component shown = UI.getCurrent().getCurrentView();
                // refused: the not-allowed page, or (for a visitor) the sign-in page instead of a non-public route;
                // a public route may itself send a visitor to sign in (setup, once done, does)
                boolean refused = !_find(NotAllowedView.class).isEmpty()
                        || (who == Who.ANONYMOUS && shown instanceof LoginView && rule != Rule.PUBLIC);
                boolean expectAllowed = rule.allowed.contains(who);
                if (expectAllowed == refused) {
                    wrong.add(view.getSimpleName() + " as " + who + ": expected " + (expectAllowed ? "to open"
                            : "refused") + " (" + rule + "), showed " + shown.getClass().getSimpleName());
                }
            }
        }
        assertThat(wrong).as("routes whose access differs from their declared rule").isEmpty();
    }

    @Test
    void routes_with_an_id_show_nothing_of_another_organization() {
        List<String> leaks = new ArrayList<>();
        for (Class<?> view : routes()) {
            if (!view.getAnnotation(Route.class).value().contains(":")) {
                continue;
            }
            startOver();
            signIn(team.owner()); // aiming at the victim's connector
            navigate(path(view, victimConnector));
            String text = UI.getCurrent().getElement().getTextRecursively() + texts();
            if (text.contains(victimConnector.name()) || text.contains(victimConnector.url())) {
                leaks.add(view.getSimpleName() + " showed the victim's connector: " + text);
            }
        }
        assertThat(leaks).isEmpty();
    }

    private static String texts() {
        return _find(com.vaadin.flow.component.Component.class).stream()
                .map(c -> c.getElement().getText() + " " + c.getElement().getProperty("label", "") + " "
                        + c.getElement().getProperty("value", ""))
                .collect(Collectors.joining(" "));
    }

    /**
     * A fresh UI with nobody signed in: the fake request carries no principal, so the security context must be
     * empty too (otherwise the sign-in page, seeing someone signed in, and the access check, seeing nobody, send
     * the first navigation back and forth for ever).
     */
    private void startOver() {
        TestOrganizations.signOut();
        com.github.mvysny.kaributesting.v10.MockVaadin.tearDown();
        startVaadin();
    }
}
