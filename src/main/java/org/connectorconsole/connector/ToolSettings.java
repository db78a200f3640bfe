package org.connectorconsole.connector;

/**
 * An organization's rules for tools: whether a newly offered tool is allowed at once or held for review, and
 * whether the audit log records full arguments and results of tool calls (otherwise their size and SHA-256).
 */
public record ToolSettings(NewTools newTools, boolean recordPayloads, int version) {

    public enum NewTools {
        ALLOW("Allowed at once"),
        HOLD("Held for an owner's review");

        private final String label;

        NewTools(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** Until an owner chooses: new tools are held, payloads are not recorded (deny by default). */
    public static final ToolSettings DEFAULT = new ToolSettings(NewTools.HOLD, false, -1);
}
