package org.connectorconsole.base.ui;

import com.vaadin.flow.component.PushConfiguration;
import com.vaadin.flow.server.ServiceInitEvent;
import com.vaadin.flow.server.VaadinServiceInitListener;
import com.vaadin.flow.shared.communication.PushMode;
import com.vaadin.flow.shared.ui.Transport;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Server push for every UI (automatic: changes made in {@code ui.access} are sent at once), and how it reaches the
 * browser ({@code console.push.transport}): {@code WEBSOCKET_XHR} by default — the server's changes over a
 * WebSocket (Vaadin falls back to long polling by itself when it cannot open), the browser's events as ordinary
 * HTTP requests, so they pass the security filters and a change to the session's security context (switching
 * organization, joining one) is saved with the response; over plain {@code WEBSOCKET} the events travel inside the
 * socket, no response saves the session, and a switch was lost. {@code LONG_POLLING} for a proxy that breaks
 * WebSockets. See docs/decisions/0049-push-over-websocket.md.
 */
@Component
class PushTransportSetting implements VaadinServiceInitListener {

    private final Transport transport;

    PushTransportSetting(@Value("${console.push.transport:WEBSOCKET_XHR}") Transport transport) {
        this.transport = transport;
    }

    @Override
    public void serviceInit(ServiceInitEvent event) {
        // Set at UI init, before the first response tells the browser how to connect. (An @Push on the app shell
        // would be applied after the init listeners and put its own transport back, so Application carries none.)
        event.getSource().addUIInitListener(init -> {
            PushConfiguration push = init.getUI().getPushConfiguration();
            push.setPushMode(PushMode.AUTOMATIC);
            push.setTransport(transport);
        });
    }
}
