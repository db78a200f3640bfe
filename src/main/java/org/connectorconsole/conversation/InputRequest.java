package org.connectorconsole.conversation;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.connectorconsole.base.VisibleText;
import org.connectorconsole.mcp.FormAnswerer;
import tools.jackson.databind.json.JsonMapper;

/**
 * A running call's server asks the member for input: in a form (form-mode elicitation: its message and the form made
 * from the requested schema) or by opening an address (URL mode: its message, the address and its host), and the one
 * answer it gets. The first answer wins (two pages may show it); the call's timeout,
 * the call being cancelled, or the last page showing it going away answer {@code cancel}. The message and the
 * fields' titles are the server's text: shown as text only, never as HTML.
 */
public final class InputRequest {

    /** Longest message kept for display; the rest is cut (a server cannot fill the page). */
    static final int MAX_MESSAGE = 2000;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String message;
    private final java.net.URI url;
    private final Map<String, Object> schema;
    private final ToolForm form;
    private final CompletableFuture<FormAnswerer.Answer> answer = new CompletableFuture<>();
    private final AtomicInteger shownOn = new AtomicInteger();
    private final List<Consumer<FormAnswerer.Answer>> whenAnswered = new CopyOnWriteArrayList<>();

    InputRequest(String message, Map<String, Object> requestedSchema) {
        this(message, requestedSchema, null);
    }

    /** URL mode: the server asks the member to open {@code url} (checked by {@link #openable} first). */
    static InputRequest toOpen(String message, java.net.URI url) {
        return new InputRequest(message, Map.of(), url);
    }

    private InputRequest(String message, Map<String, Object> requestedSchema, java.net.URI url) {
        this.url = url;
        // hidden characters written out (a direction override cannot turn the text round); line breaks kept
        String text = message == null ? "" : java.util.Arrays.stream(message.strip().split("\r?\n", -1))
                .map(VisibleText::escape).collect(java.util.stream.Collectors.joining("\n"));
        this.message = text.length() > MAX_MESSAGE ? text.substring(0, MAX_MESSAGE) + "…" : text;
        this.schema = requestedSchema == null ? Map.of() : requestedSchema;
        this.form = ToolForm.of(JSON.writeValueAsString(this.schema));
    }

    /** The server's message, hidden characters written out; plain text with line breaks. */
    public String message() {
        return message;
    }

    /** URL mode: the address to open (https, or http on this machine in development); null in form mode. */
    public java.net.URI url() {
        return url;
    }

    /**
     * URL mode: the address's host as the member must see it before opening it, in ASCII (an internationalised
     * name in its {@code xn--} form, so a look-alike cannot pass for another host); null in form mode.
     */
    public String host() {
        return url == null ? null : url.getHost().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The address a server asks the member to open, when the console may offer it: absolute, {@code https} with a
     * host and no user information; {@code http} only to a loopback host when {@code loopbackHttp} (development and
     * tests, as egress allows). Null otherwise: the request is declined without being shown.
     */
    static java.net.URI openable(String text, boolean loopbackHttp) {
        if (text == null || text.length() > 4096 || VisibleText.firstHidden(text).isPresent() || text.contains(" ")) {
            return null;
        }
        java.net.URI uri;
        try {
            uri = new java.net.URI(text);
        } catch (java.net.URISyntaxException e) {
            return null;
        }
        if (!uri.isAbsolute() || uri.getHost() == null || uri.getHost().isEmpty() || uri.getRawUserInfo() != null) {
            return null;
        }
        String scheme = uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if ("https".equals(scheme)) {
            return uri;
        }
        boolean loopback = "localhost".equalsIgnoreCase(uri.getHost()) || uri.getHost().startsWith("127.")
                || "[::1]".equals(uri.getHost());
        return "http".equals(scheme) && loopbackHttp && loopback ? uri : null;
    }

    /** URL mode: the member chose to open the address (the page opens it); the server hears {@code accept}. */
    public void opened() {
        answer(FormAnswerer.Answer.acceptWithoutContent());
    }

    /** The form for the requested schema (its defaults in each field's {@code defaultValue}). */
    public ToolForm form() {
        return form;
    }

    /**
     * Accepts with the values a person entered (by field name, as {@link ToolForm#argumentsJson} takes them): the
     * content is checked against the requested schema first. Empty when sent (or already answered); the problem,
     * in a person's words, otherwise (nothing sent).
     */
    @SuppressWarnings("unchecked")
    public Optional<String> accept(Map<String, Object> values) {
        Map<String, Object> content = JSON.readValue(form.argumentsJson(values), LinkedHashMap.class);
        Optional<String> problem = ArgumentSchemas.problem(schema, content);
        if (problem.isPresent()) {
            // the validator's own preamble says nothing to a person: keep what follows it ("/count: must …")
            String reason = problem.get().replaceFirst("^(?s).*validation errors: \\[(.*)\\]$", "$1");
            return Optional.of("The answer does not match what the server asked for: " + reason);
        }
        answer(FormAnswerer.Answer.accept(content));
        return Optional.empty();
    }

    public void decline() {
        answer(FormAnswerer.Answer.decline());
    }

    public void cancel() {
        answer(FormAnswerer.Answer.cancel());
    }

    /** Whether an answer has been given (by anyone). */
    public boolean answered() {
        return answer.isDone();
    }

    /** A page shows the request; {@link #hidden()} when it no longer does. */
    public void shown() {
        shownOn.incrementAndGet();
    }

    /** A page that showed the request went away; when it was the last one, the request is cancelled. */
    public void hidden() {
        if (shownOn.decrementAndGet() <= 0) {
            cancel();
        }
    }

    /** Runs {@code action} with the answer once there is one (at once when there is): pages close their dialogs. */
    public void whenAnswered(Consumer<FormAnswerer.Answer> action) {
        whenAnswered.add(action);
        if (answer.isDone()) {
            answer.thenAccept(action);
        }
    }

    void answer(FormAnswerer.Answer given) {
        if (answer.complete(given)) {
            whenAnswered.forEach(a -> {
                try {
                    a.accept(given);
                } catch (RuntimeException e) {
                    // one page failing must not keep the answer from the others
                }
            });
        }
    }

    /** Waits for the answer, at most {@code timeout}; {@code cancel} when none came. */
    FormAnswerer.Answer await(Duration timeout) {
        try {
            return answer.get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            cancel();
            return FormAnswerer.Answer.cancel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancel();
            return FormAnswerer.Answer.cancel();
        }
    }
}
