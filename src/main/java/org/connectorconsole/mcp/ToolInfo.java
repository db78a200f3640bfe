package org.connectorconsole.mcp;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A tool as a server describes it; {@code inputSchemaJson} is the JSON Schema text. {@code icons} are the icon
 * sources ({@code src}) the server published for it, unchecked, in its order (MCP 2025-11-25 and later); the
 * console never hands them to a browser as they are (see {@code connector.IconFetcher}).
 */
public record ToolInfo(String name, String title, String description, String inputSchemaJson, List<String> icons,
        boolean readOnlyHint) {

    /** At most this many icon sources are kept per tool or server. */
    public static final int MAX_ICONS = 4;
    /** A longer source (a data: URL of more than about 96 KB) is dropped when listed. */
    public static final int MAX_ICON_SOURCE = 131_072;

    public ToolInfo {
        icons = icons == null ? List.of() : List.copyOf(icons);
    }

    public ToolInfo(String name, String title, String description, String inputSchemaJson) {
        this(name, title, description, inputSchemaJson, List.of(), false);
    }

    public ToolInfo(String name, String title, String description, String inputSchemaJson, List<String> icons) {
        this(name, title, description, inputSchemaJson, icons, false);
    }

    /** A tool as a server listed it (either revision): its input schema written as JSON text. */
    static ToolInfo listed(String name, String title, String description, Object inputSchema, List<String> icons,
            Boolean readOnlyHint) throws IOException {
        return new ToolInfo(name, title, description, McpJsonDefaults.getMapper().writeValueAsString(inputSchema),
                icons, Boolean.TRUE.equals(readOnlyHint));
    }

    /** The sources of the SDK's icons, bounded in number and length. */
    static List<String> sources(List<McpSchema.Icon> icons) {
        return icons == null ? List.of() : bounded(icons.stream().map(i -> i == null ? null : i.src()).toList());
    }

    /** The sources of the SDK's 2026-07-28 icons, bounded in number and length. */
    static List<String> modernSources(List<io.modelcontextprotocol.modern.McpSchema.Icon> icons) {
        return icons == null ? List.of() : bounded(icons.stream().map(i -> i == null ? null : i.src()).toList());
    }

    private static List<String> bounded(List<String> sources) {
        List<String> out = new ArrayList<>();
        for (String src : sources) {
            if (src != null && src.length() <= MAX_ICON_SOURCE && out.size() < MAX_ICONS) {
                out.add(src);
            }
        }
        return List.copyOf(out);
    }

    /** The sources of icons given as JSON maps ({@code serverInfo} in a 2026-07-28 discover result's meta). */
    static List<String> sourcesOfMaps(Object icons) {
        List<String> out = new ArrayList<>();
        if (icons instanceof List<?> list) {
            for (Object icon : list) {
                if (icon instanceof Map<?, ?> m && m.get("src") instanceof String src
                        && src.length() <= MAX_ICON_SOURCE && out.size() < MAX_ICONS) {
                    out.add(src);
                }
            }
        }
        return List.copyOf(out);
    }
}
