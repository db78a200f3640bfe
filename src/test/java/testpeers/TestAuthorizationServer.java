package testpeers;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configurers.oauth2.server.authorization.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.authorization.InMemoryOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientRegistrationAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientRegistrationAuthenticationValidator;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.config.annotation.web.configuration.OAuth2AuthorizationServerConfiguration;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.context.SecurityContextHolderFilter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.web.context.support.AnnotationConfigWebApplicationContext;

/**
 * A real OAuth 2.1 authorization server for tests: Spring Authorization Server (dynamic client registration,
 * PKCE, refresh tokens, revocation, introspection) in an embedded Tomcat on 127.0.0.1, port 0. The person at its
 * authorization endpoint is signed in as {@code alice} and consents at once, as the MCP test servers do.
 *
 * <p>Deliberately outside {@code org.connectorconsole}: the console's component scan must not find it.
 */
public final class TestAuthorizationServer implements AutoCloseable {

    public static final String RESOURCE_SERVER_ID = "mcp-resource-server";
    public static final String RESOURCE_SERVER_SECRET = "resource-server-secret";

    private final Tomcat tomcat;
    private final Connector connector;
    private final AnnotationConfigWebApplicationContext spring = new AnnotationConfigWebApplicationContext();
    private volatile Filter security;
    private final AtomicInteger refreshRequests = new AtomicInteger();
    private final AtomicInteger tokenRequests = new AtomicInteger();
    private final AtomicInteger registrations = new AtomicInteger();
    private final AtomicInteger revocations = new AtomicInteger();
    private final Set<String> revocationRequests = ConcurrentHashMap.newKeySet();
    private final Set<String> refusedRefresh = ConcurrentHashMap.newKeySet();

    public TestAuthorizationServer() {
        try {
            tomcat = new Tomcat();
            tomcat.setBaseDir(Files.createTempDirectory("test-as-tomcat").toString());
            connector = new Connector();
            connector.setPort(0);
            connector.setProperty("address", "127.0.0.1");
            tomcat.setConnector(connector);
            Context context = tomcat.addContext("", Files.createTempDirectory("test-as-docs").toString());
            FilterDef def = new FilterDef();
            def.setFilterName("security");
            def.setFilter(new Filter() {
                @Override
                public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                        throws IOException, ServletException {
                    count((HttpServletRequest) request);
                    security.doFilter(request, response, chain);
                }
            });
            context.addFilterDef(def);
            FilterMap map = new FilterMap();
            map.setFilterName("security");
            map.addURLPattern("/*");
            context.addFilterMap(map);
            Tomcat.addServlet(context, "missing", new HttpServlet() {
                @Override
                protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    resp.sendError(404);
                }
            });
            context.addServletMappingDecoded("/", "missing");
            tomcat.start();
            Peer.signedIn = "alice";
            Peer.issuer = "http://127.0.0.1:" + connector.getLocalPort();
            spring.setServletContext(context.getServletContext());
            spring.register(Peer.class);
            spring.refresh();
            security = spring.getBean("springSecurityFilterChain", Filter.class);
        } catch (IOException | LifecycleException e) {
            throw new IllegalStateException(e);
        }
    }

    private void count(HttpServletRequest request) {
        String path = request.getRequestURI();
        if (path.equals("/oauth2/token")) {
            tokenRequests.incrementAndGet();
            if ("refresh_token".equals(request.getParameter("grant_type"))) {
                refreshRequests.incrementAndGet();
            }
        } else if (path.equals("/oauth2/register")) {
            registrations.incrementAndGet();
        } else if (path.equals("/oauth2/revoke")) {
            revocations.incrementAndGet();
            String token = request.getParameter("token"); // the container keeps the parsed form for the endpoint
            if (token != null) {
                revocationRequests.add(token);
            }
        }
    }

    public String issuer() {
        return "http://127.0.0.1:" + connector.getLocalPort();
    }

    public int tokenRequests() {
        return tokenRequests.get();
    }

    public int refreshRequests() {
        return refreshRequests.get();
    }

    public int registrations() {
        return registrations.get();
    }

    public int revocations() {
        return revocations.get();
    }

    /**
     * Whether a client asked to revoke this token. Unlike a difference of {@link #revocations()}, which another
     * test's revocation still running in the background can change, this is about one token.
     */
    public boolean revocationRequested(String token) {
        return revocationRequests.contains(token);
    }

    public RegisteredClientRepository clients() {
        return spring.getBean(RegisteredClientRepository.class);
    }

    public OAuth2AuthorizationService authorizations() {
        return spring.getBean(OAuth2AuthorizationService.class);
    }

    /** Pre-registers a client, as an owner would at the provider (secret null: a public client). */
    public void register(String clientId, String secret, ClientAuthenticationMethod method, String redirectUri,
            Duration accessTokenLifetime, String... scopes) {
        RegisteredClient.Builder builder = RegisteredClient.withId(UUID.randomUUID().toString())
                .clientId(clientId)
                .clientAuthenticationMethod(method)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .authorizationGrantType(AuthorizationGrantType.REFRESH_TOKEN)
                .redirectUri(redirectUri)
                .clientSettings(ClientSettings.builder().requireProofKey(true).requireAuthorizationConsent(false)
                        .build())
                .tokenSettings(TokenSettings.builder().accessTokenTimeToLive(accessTokenLifetime)
                        .reuseRefreshTokens(false).build());
        if (secret != null) {
            org.connectorconsole.support.SuiteSecrets.register(secret);
            builder.clientSecret("{noop}" + secret);
        }
        for (String scope : scopes) {
            builder.scope(scope);
        }
        clients().save(builder.build());
    }

    /** A person of this identity provider. */
    public record Person(String subject, String email, String name, boolean emailVerified) {
    }

    /** Makes {@code person} known and the one signed in at the authorization endpoint from now on. */
    public void signInAs(Person person) {
        Peer.people.put(person.subject(), person);
        Peer.signedIn = person.subject();
    }

    /** The {@code groups} claim of the person's ID tokens from now on (empty list: none sent). */
    public void setGroups(String subject, java.util.List<String> names) {
        Peer.groups.put(subject, java.util.List.copyOf(names));
    }

    /** A console registered as a sign-in (OpenID Connect) client: confidential, code flow, openid email profile. */
    public void registerSignInClient(String clientId, String secret, String... redirectUris) {
        RegisteredClient.Builder builder = RegisteredClient.withId(UUID.randomUUID().toString())
                .clientId(clientId)
                .clientSecret("{noop}" + secret)
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .clientSettings(ClientSettings.builder().requireProofKey(false).requireAuthorizationConsent(false)
                        .build())
                .scope("openid").scope("email").scope("profile");
        for (String uri : redirectUris) {
            builder.redirectUri(uri);
        }
        clients().save(builder.build());
    }

    @Override
    public void close() {
        spring.close();
        try {
            tomcat.stop();
            tomcat.destroy();
        } catch (LifecycleException ignored) {
            // closing a test server
        }
    }

    /** The Spring configuration of the authorization server. */
    @Configuration
    @EnableWebSecurity
    public static class Peer {

        static volatile String issuer;
        /** The person signed in at the authorization endpoint (its subject); alice unless a test says otherwise. */
        static volatile String signedIn = "alice";
        /** Who each subject is, for ID tokens and user info. */
        static final java.util.Map<String, Person> people = new ConcurrentHashMap<>();
        /** The groups claim of each subject, where a test set one. */
        static final java.util.Map<String, java.util.List<String>> groups = new ConcurrentHashMap<>();

        /** Puts e-mail address, its verification and name into ID tokens, as identity providers do. */
        @Bean
        org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer<
                org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext> idTokenClaims() {
            return context -> {
                if ("id_token".equals(context.getTokenType().getValue())) {
                    Person person = people.get(context.getPrincipal().getName());
                    if (person != null) {
                        context.getClaims().claim("email", person.email())
                                .claim("email_verified", person.emailVerified())
                                .claim("name", person.name());
                        java.util.List<String> names = groups.get(person.subject());
                        if (names != null && !names.isEmpty()) {
                            context.getClaims().claim("groups", names);
                        }
                    }
                }
            };
        }

        @Bean
        SecurityFilterChain authorizationServer(HttpSecurity http) throws Exception {
            OAuth2AuthorizationServerConfigurer as = new OAuth2AuthorizationServerConfigurer();
            // the strategy this chain's filters use (the console in the same JVM later installs its own globally)
            SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();
            http.securityMatcher(as.getEndpointsMatcher())
                    .with(as, server -> server
                            // OpenID Connect 1.0 too (discovery, ID tokens, user info): a sign-in provider
                            .oidc(org.springframework.security.config.Customizer.withDefaults())
                            .clientRegistrationEndpoint(registration -> registration.openRegistrationAllowed(true)
                                    // like MCP-minded servers: a registering client may name its scopes
                                    .authenticationProviders(providers -> providers.forEach(provider -> {
                                        if (provider instanceof OAuth2ClientRegistrationAuthenticationProvider r) {
                                            r.setAuthenticationValidator(OAuth2ClientRegistrationAuthenticationValidator
                                                    .DEFAULT_REDIRECT_URI_VALIDATOR
                                                    .andThen(OAuth2ClientRegistrationAuthenticationValidator
                                                            .DEFAULT_JWK_SET_URI_VALIDATOR)
                                                    .andThen(OAuth2ClientRegistrationAuthenticationValidator
                                                            .SIMPLE_SCOPE_VALIDATOR));
                                        }
                                    })))
                            .authorizationEndpoint(authorize -> authorize.authenticationProviders(providers ->
                                    providers.forEach(provider -> {
                                        if (provider instanceof OAuth2AuthorizationCodeRequestAuthenticationProvider
                                                request) {
                                            request.setAuthorizationConsentRequired(context -> false);
                                        }
                                    }))))
                    .authorizeHttpRequests(requests -> requests
                            .requestMatchers(PathPatternRequestMatcher.withDefaults()
                                    .matcher(HttpMethod.POST, "/oauth2/register")).permitAll()
                            .anyRequest().authenticated())
                    .csrf(csrf -> csrf.disable())
                    // user info is asked for with the access token
                    .oauth2ResourceServer(rs -> rs.jwt(org.springframework.security.config.Customizer.withDefaults()))
                    // the person at the authorization endpoint: always alice, already signed in
                    .addFilterAfter((request, response, chain) -> {
                        if (((HttpServletRequest) request).getRequestURI().equals("/oauth2/authorize")) {
                            SecurityContextImpl alice = new SecurityContextImpl(
                                    UsernamePasswordAuthenticationToken.authenticated(signedIn, "n/a", List.of(
                                            AuthorityUtils.createAuthorityList("ROLE_USER").getFirst(),
                                            // when they signed in (an ID token's auth_time)
                                            org.springframework.security.core.authority.FactorGrantedAuthority
                                                    .fromAuthority(org.springframework.security.core.authority
                                                            .FactorGrantedAuthority.PASSWORD_AUTHORITY))));
                            // set where this chain's filters look, and where the global holder points now
                            contexts.setContext(alice);
                            SecurityContextHolder.setContext(alice);
                            try {
                                chain.doFilter(request, response);
                            } finally {
                                SecurityContextHolder.clearContext();
                            }
                            return;
                        }
                        chain.doFilter(request, response);
                    }, SecurityContextHolderFilter.class);
            return http.build();
        }

        /**
         * The console in the same JVM installs Vaadin's holder strategy globally, after this chain may have been
         * built: every filter here looks the current global strategy up at each call, so all agree.
         */
        @Bean
        SecurityContextHolderStrategy securityContextHolderStrategy() {
            return new SecurityContextHolderStrategy() {
                @Override
                public void clearContext() {
                    SecurityContextHolder.getContextHolderStrategy().clearContext();
                }

                @Override
                public org.springframework.security.core.context.SecurityContext getContext() {
                    return SecurityContextHolder.getContextHolderStrategy().getContext();
                }

                @Override
                public java.util.function.Supplier<org.springframework.security.core.context.SecurityContext>
                        getDeferredContext() {
                    return SecurityContextHolder.getContextHolderStrategy().getDeferredContext();
                }

                @Override
                public void setContext(org.springframework.security.core.context.SecurityContext context) {
                    SecurityContextHolder.getContextHolderStrategy().setContext(context);
                }

                @Override
                public void setDeferredContext(
                        java.util.function.Supplier<org.springframework.security.core.context.SecurityContext> c) {
                    SecurityContextHolder.getContextHolderStrategy().setDeferredContext(c);
                }

                @Override
                public org.springframework.security.core.context.SecurityContext createEmptyContext() {
                    return SecurityContextHolder.getContextHolderStrategy().createEmptyContext();
                }
            };
        }

        @Bean
        RegisteredClientRepository registeredClientRepository() {
            RegisteredClient resourceServer = RegisteredClient.withId(UUID.randomUUID().toString())
                    .clientId(RESOURCE_SERVER_ID)
                    .clientSecret("{noop}" + RESOURCE_SERVER_SECRET)
                    .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                    .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                    .build();
            return new InMemoryRegisteredClientRepository(resourceServer);
        }

        @Bean
        OAuth2AuthorizationService authorizationService() {
            OAuth2AuthorizationService store = new InMemoryOAuth2AuthorizationService();
            return new OAuth2AuthorizationService() {
                @Override
                public void save(org.springframework.security.oauth2.server.authorization.OAuth2Authorization a) {
                    // every code and token issued must never be readable in the console's database
                    var code = a.getToken(org.springframework.security.oauth2.server.authorization
                            .OAuth2AuthorizationCode.class);
                    for (var token : java.util.Arrays.asList(code, a.getAccessToken(), a.getRefreshToken())) {
                        if (token != null) {
                            org.connectorconsole.support.SuiteSecrets.register(token.getToken().getTokenValue());
                        }
                    }
                    store.save(a);
                }

                @Override
                public void remove(org.springframework.security.oauth2.server.authorization.OAuth2Authorization a) {
                    store.remove(a);
                }

                @Override
                public org.springframework.security.oauth2.server.authorization.OAuth2Authorization findById(
                        String id) {
                    return store.findById(id);
                }

                @Override
                public org.springframework.security.oauth2.server.authorization.OAuth2Authorization findByToken(
                        String token, OAuth2TokenType tokenType) {
                    return store.findByToken(token, tokenType);
                }
            };
        }

        @Bean
        JWKSource<SecurityContext> jwkSource() throws NoSuchAlgorithmException {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            RSAKey key = new RSAKey.Builder((RSAPublicKey) pair.getPublic())
                    .privateKey((RSAPrivateKey) pair.getPrivate()).keyID(UUID.randomUUID().toString()).build();
            return new ImmutableJWKSet<>(new JWKSet(List.of(key)));
        }

        @Bean
        JwtDecoder jwtDecoder(JWKSource<SecurityContext> jwkSource) {
            return OAuth2AuthorizationServerConfiguration.jwtDecoder(jwkSource);
        }

        @Bean
        AuthorizationServerSettings authorizationServerSettings() {
            return AuthorizationServerSettings.builder().issuer(issuer).build();
        }
    }
}
