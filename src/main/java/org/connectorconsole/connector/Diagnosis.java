package org.connectorconsole.connector;

import java.time.Instant;
import java.util.List;
import org.connectorconsole.mcp.ToolInfo;

/** The connection doctor's report on one URL. */
public record Diagnosis(
        String url,
        Instant checkedAt,
        Outcome outcome,
        String transport,
        String serverName,
        String serverVersion,
        String protocolVersion,
        String registration,
        List<DoctorStep> steps,
        List<ToolInfo> tools,
        boolean toolsTruncated) {

    public enum Outcome {
        /** Answers without sign-in; tools listed. */
        READY(org.connectorconsole.base.ConnectorUseState.NO_SIGN_IN.label()),
        /** Needs each member's sign-in, and the authorization set-up is usable. */
        SIGN_IN_REQUIRED("Members sign in"),
        /** A step failed: the steps say which and what to do. */
        FAILED("Check failed");

        private final String label;

        Outcome(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public DoctorStep firstFailure() {
        return steps.stream().filter(s -> s.status() == DoctorStep.Status.FAILED).findFirst().orElse(null);
    }
}
