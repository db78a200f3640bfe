package org.connectorconsole.mcp;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;

/**
 * The top-level members of one JSON-RPC message that {@link ResumingHttpClient} needs (its id, whether it is a
 * request, whether it answers), read with a streaming parser that skips
 * everything else (a tool list, a tool's arguments) instead of building it as a tree.
 */
record JsonRpcMessageOutline(JsonNode id, boolean method, boolean outcome) {

    /** Reads the object whose START_OBJECT the parser is at, to its END_OBJECT. */
    static JsonRpcMessageOutline read(JsonParser parser) {
        JsonNode id = null;
        boolean method = false;
        boolean outcome = false;
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (name) {
                case "id" -> {
                    if (value.isScalarValue()) {
                        id = parser.readValueAsTree();
                    } else {
                        parser.skipChildren();
                    }
                }
                case "method" -> method = true;
                case "result", "error" -> outcome = true;
                default -> {
                    // not needed here
                }
            }
            parser.skipChildren();
        }
        return new JsonRpcMessageOutline(id, method, outcome);
    }
}
