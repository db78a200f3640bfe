package org.connectorconsole.auditlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.connectorconsole.db.Tables.AUDIT_EVENT;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.connectorconsole.audit.AuditExportFormat;
import org.connectorconsole.audit.AuditQuery;
import org.connectorconsole.base.Plan;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.test.context.ActiveProfiles;

/**
 * The bound on exports streaming at once, as an API client meets it: four exports are held mid-stream (their
 * output blocks until the test lets go), and the fifth, over the API, is refused before anything is decided.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "server.address=127.0.0.1")
@ActiveProfiles("test")
class AuditExportBusyTest {

    static final int STREAMING = 4;

    @LocalServerPort
    int port;
    @Autowired
    TestOrganizations orgs;
    @Autowired
    ApiTokenService tokens;
    @Autowired
    AuditLogService auditLog;
    @Autowired
    DSLContext db;

    private final ExecutorService threads = Executors.newFixedThreadPool(STREAMING);
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        threads.shutdownNow();
        TestOrganizations.signOut();
    }

    @Test
    void an_api_export_while_four_stream_is_a_503_with_the_reason_and_nothing_recorded() throws Exception {
        Org org = orgs.create(Plan.TEAM, 0);
        Authentication owner = orgs.signIn(org.owner());
        String secret = tokens.create("Busy check").secret();
        CountDownLatch streaming = new CountDownLatch(STREAMING);
        List<Future<Long>> held = new ArrayList<>();
        for (int i = 0; i < STREAMING; i++) {
            held.add(threads.submit(() -> {
                SecurityContextHolder.getContext().setAuthentication(owner);
                return auditLog.export(new AuditQuery(null, null, null, null, null, null, null),
                        AuditExportFormat.CSV, new HeldOutput(streaming, release), rows -> { });
            }));
        }
        assertThat(streaming.await(60, TimeUnit.SECONDS)).as("four exports are streaming").isTrue();
        int startedBefore = exportsStarted(org);

        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/api/audit/export?format=csv"))
                .header("Authorization", "Bearer " + secret).GET().build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(response.statusCode()).as("status of a fifth export; body: %s", response.body()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
        assertThat(response.body()).contains("Too many audit exports are running right now");
        assertThat(exportsStarted(org)).as("an export refused is not recorded as started").isEqualTo(startedBefore);

        release.countDown();
        for (Future<Long> export : held) {
            export.get(30, TimeUnit.SECONDS);
        }
    }

    private int exportsStarted(Org org) {
        return db.fetchCount(AUDIT_EVENT, AUDIT_EVENT.ORG_ID.eq(org.id())
                .and(AUDIT_EVENT.ACTION.eq("audit.exported")));
    }

    /** Output that tells the test it is being written to, then blocks until the test lets go. */
    private static final class HeldOutput extends OutputStream {
        private final CountDownLatch streaming;
        private final CountDownLatch release;
        private boolean told;

        HeldOutput(CountDownLatch streaming, CountDownLatch release) {
            this.streaming = streaming;
            this.release = release;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (!told) {
                told = true;
                streaming.countDown();
            }
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
    }
}
