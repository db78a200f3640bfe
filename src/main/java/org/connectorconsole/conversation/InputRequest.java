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
 * A running call's server asks the member for input (form-mode elicitation): its message, the form made from the
 * requested schema, and the one answer it gets. The first answer wins (two pages may show it); the call's timeout,
 * the call being cancelled, or the last page showing it going away answer {@code cancel}. The message and the
 * fields' titles are the server's text: shown as text only, never as HTML.
 */
public final class InputRequest {

    /** Longest message kept for display; the rest is cut (a server cannot fill the page). */
    static final int MAX_MESSAGE = 2000;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String message;
    private final Map<String, Object> schema;
    private final ToolForm form;
    private final CompletableFuture<FormAnswerer.Answer> answer = new CompletableFuture<>();
    private final AtomicInteger shownOn = new AtomicInteger();
    private final List<Consumer<FormAnswerer.Answer>> whenAnswered = new CopyOnWriteArrayList<>();

    InputRequest(String message, Map<String, Object> requestedSchema) {
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
            return Optional.of("The answer does not match what the server asked for: " + problem.get());
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
