package org.connectorconsole.journey;

import org.springframework.test.context.TestPropertySource;

/** The same two people, with push over long polling ({@code console.push.transport=LONG_POLLING}). */
@TestPropertySource(properties = "console.push.transport=LONG_POLLING")
class LivePagesLongPollingJourneyTest extends LivePagesJourneyTest {

    @Override
    String expectedTransport() {
        return "long-polling";
    }
}
