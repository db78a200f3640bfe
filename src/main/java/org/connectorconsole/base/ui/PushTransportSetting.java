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
 * browser ({@code console.push.transport}): {@code WEBSOCKET} by default (Vaadin falls
 * back to long polling by itself when the WebSocket cannot open), {@code LONG_POLLING} for a proxy that breaks
 * WebSockets, or {@code WEBSOCKET_XHR}. See docs/decisions/0049-push-over-websocket.md.
 */
@Component
class PushTransportSetting implements VaadinServiceInitListener {

    private final Transport transport;

    PushTransportSetting(@Value("${console.push.transport:WEBSOCKET}") Transport transport) {
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
