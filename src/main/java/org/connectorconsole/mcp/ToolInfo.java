package org.connectorconsole.mcp;

/** A tool as a server describes it; {@code inputSchemaJson} is the JSON Schema text. */
public record ToolInfo(String name, String title, String description, String inputSchemaJson) {
}
