package org.connectorconsole.mcp;

/**
 * Answers a server that asks the person to open an address (URL-mode elicitation: {@code elicitation/create} with
 * {@code mode: "url"} in 2025-11-25, a URL input request in 2026-07-28): accept means the person agreed to open it
 * (nothing comes back with it), decline or cancel that they did not. A session given none declares only form mode.
 */
@FunctionalInterface
public interface UrlAnswerer {

    FormAnswerer.Answer answer(String message, String url);
}
