package org.connectorconsole.conversation;

import org.connectorconsole.connector.ConnectorId;
import org.connectorconsole.connector.ToolPolicy;

/**
 * A tool of a connector switched on in a conversation, as its server offers it now, with what the member may do:
 * {@code refusal} is null when it can be run ({@code needsApproval}: after the member confirms the arguments).
 */
public record ConversationTool(ConnectorId connectorId, String connectorName, String name, String title,
        String description, String inputSchemaJson, ToolPolicy policy, String refusal,
        org.connectorconsole.base.IconData icon) {

    /** {@code icon}: the tool's checked icon, or null (then the view shows a neutral one). */
    public ConversationTool(ConnectorId connectorId, String connectorName, String name, String title,
            String description, String inputSchemaJson, ToolPolicy policy, String refusal) {
        this(connectorId, connectorName, name, title, description, inputSchemaJson, policy, refusal, null);
    }

    public boolean runnable() {
        return refusal == null;
    }

    public boolean needsApproval() {
        return policy == ToolPolicy.NEEDS_APPROVAL;
    }

    public String label() {
        return title == null || title.isBlank() ? name : title;
    }
}
