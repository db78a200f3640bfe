package org.connectorconsole.journey;

import org.springframework.test.context.TestPropertySource;

/** The same two people, with push over long polling ({@code console.push.transport=LONG_POLLING}). */
@TestPropertySource(properties = "console.push.transport=LONG_POLLING")
class LivePagesLongPollingJourneyTest extends LivePagesJourneyTest {

    @Override
    String expectedTransport() {
        return "long-polling";
    }

    /** Not repeated over long polling: the transport is what this class checks, with the first journey. */
    @Override
    void an_owners_tool_approval_reaches_a_members_open_conversation() {
    }
}
