package org.connectorconsole.support;

import com.github.mvysny.fakeservlet.FakeRequest;
import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.github.mvysny.kaributesting.v10.Routes;
import com.github.mvysny.kaributesting.v10.spring.MockSpringServlet;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.VaadinServletRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

/**
 * Browserless view tests (Karibu): real views, real services and database, Vaadin's own navigation access
 * control, no browser.
 */
@IntegrationTest
public abstract class ViewTest {

    private static final Routes ROUTES = routes();

    @Autowired
    protected ApplicationContext context;
    @Autowired
    protected TestOrganizations orgs;

    @BeforeEach
    protected void startVaadin() {
        MockVaadin.setup(UI::new, new MockSpringServlet(ROUTES, context, UI::new));
    }

    @AfterEach
    void stopVaadin() {
        MockVaadin.tearDown();
        TestOrganizations.signOut();
    }

    /**
     * Every route, layout and error view. Karibu's discovery (ClassGraph) sees public classes only, and the features'
     * views are package-private; Spring's scanner (as Vaadin's own in the application) finds them all.
     */
    private static Routes routes() {
        Routes routes = new Routes().autoDiscoverViews("org.connectorconsole");
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(Route.class));
        for (BeanDefinition view : scanner.findCandidateComponents("org.connectorconsole")) {
            try {
                routes.getRoutes().add(Class.forName(view.getBeanClassName()).asSubclass(Component.class));
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }
        return routes;
    }

    /** Signs the person in through the real authentication manager and shows that to Vaadin's access control. */
    protected void signIn(TestOrganizations.Person person) {
        Authentication auth = orgs.signIn(person);
        FakeRequest request = (FakeRequest) VaadinServletRequest.getCurrent().getRequest();
        request.setUserPrincipalInt(auth);
        request.setUserInRole((principal, role) -> auth.getAuthorities().stream()
                .map(GrantedAuthority::getAuthority)
                .anyMatch(a -> a.equals("ROLE_" + role)));
    }

    protected static void navigate(String path) {
        UI.getCurrent().navigate(path);
    }

    /** Sets a field's value as if typed or chosen in the browser (a value change "from client"). */
    protected static <V> void typeInto(com.vaadin.flow.component.HasValue<?, V> field, V value) {
        try {
            var setModelValue = com.vaadin.flow.component.AbstractField.class.getDeclaredMethod("setModelValue",
                    Object.class, boolean.class);
            setModelValue.setAccessible(true);
            setModelValue.invoke(field, value, true);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /** The grid with this id. */
    protected static com.vaadin.flow.component.grid.Grid<?> gridWithId(String id) {
        return com.github.mvysny.kaributesting.v10.LocatorJ._get(com.vaadin.flow.component.grid.Grid.class,
                spec -> spec.withId(id));
    }

    /** Whether the component with this id is shown (Karibu finds only components visible with their ancestors). */
    protected static boolean shown(String id) {
        return !com.github.mvysny.kaributesting.v10.LocatorJ._find(Component.class, spec -> spec.withId(id)).isEmpty();
    }
}
